// The README's example: build an expression, compile it, run it.
#include <hypatia/hypatia.hpp>
#include <iostream>

namespace hp = hypatia;

int main() {
  auto x = hp::matrix("x", hp::float64);
  auto y = hp::vector("y", hp::float64);
  auto z = hp::exp(x) * 2.0 + y;  // NumPy broadcasting
  auto row_sums = hp::sum(z, {1});  // axes as NumPy's tuple: {1}, {0, -1}; none = every axis
  hp::Function f = hp::function({x, y}, {z, row_sums});
  std::vector<hp::Array> out = f({hp::Array::from({{1.0, 2.0}, {3.0, 4.0}}), hp::Array::from({0.5, 0.25})});
  std::cout << "z =\n" << out[0] << "\n";
  std::cout << "sum(z, {1}) =\n" << out[1] << "\n";
  std::cout << "graph:\n" << f.graph_text();
  return 0;
}
