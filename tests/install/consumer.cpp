// Uses Hypatia through its installed CMake package; prints the sum of exp(x) * 2 + 1
// over a 2x2 matrix of zeros, which is 12.
#include <hypatia/hypatia.hpp>
#include <iostream>

namespace hp = hypatia;

int main() {
  auto x = hp::matrix("x");
  auto z = hp::exp(x) * 2.0 + 1;
  hp::Function f = hp::function({x}, {z});
  std::vector<hp::Array> out = f({hp::Array::zeros(hp::float64, {2, 2})});
  double total = 0;
  for (double v : out[0].to_vector<double>()) total += v;
  std::cout << total << "\n";
  return total == 12.0 ? 0 : 1;
}
