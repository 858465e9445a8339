// The README's example: build an expression, compile it, run it.
#include <hypatia/hypatia.hpp>
#include <iostream>

namespace hp = hypatia;

int main() {
  auto x = hp::matrix("x", hp::float64);
  auto y = hp::vector("y", hp::float64);
  auto z = hp::exp(x) * 2.0 + y;  // NumPy broadcasting
  hp::Function f = hp::function({x, y}, {z});
  std::vector<hp::Array> out = f({hp::Array::from({{1.0, 2.0}, {3.0, 4.0}}), hp::Array::from({0.5, 0.25})});
  std::cout << "z =\n" << out[0] << "\n";
  std::cout << "graph:\n" << f.graph_text();
  return 0;
}
