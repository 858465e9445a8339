// Random graphs on the cpu backend against the interpreter. Each graph is built from
// a seed (printed on failure, so any failure can be replayed) out of elementwise ops,
// broadcasting operands, reductions and a few non-fusable ops between them.
#include <gtest/gtest.h>

#include <random>

#include "backend/cpu/compiler.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_cpu_matches_interp;

struct Builder {
  std::mt19937 rng;
  std::vector<Variable> pool;  // values of shape (4, 5), (5,), () to combine

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }

  Variable any_value() { return pool[static_cast<std::size_t>(pick(static_cast<int>(pool.size())))]; }

  Variable step() {
    Variable a = any_value(), b = any_value();
    switch (pick(16)) {
      case 0: return a + b;
      case 1: return a * b;
      case 2: return a - b * 0.5;
      case 3: return exp(-sqr(a));
      case 4: return tanh(a) + b;
      case 5: return where(lt(a, b), a, b);
      case 6: return maximum(a, 0.0);
      case 7: return log1p(abs(a));
      case 8: return sigmoid(a) * b;
      case 9: return a.ndim() == 2 ? sum(a, Axes{1}) : sum(a);
      case 10: return a.ndim() == 2 ? max(a, Axes{0}) : mean(a);
      case 11: return a.ndim() == 2 ? transpose(transpose(a)) + 1.0 : a / (1.0 + sqr(b));
      case 12: return cast(cast(a * 3.0, int32), float64);
      case 13: return a.ndim() == 2 ? mean(exp(a - max(a, Axes{1}, true)), Axes{1}, true) * a : a;
      case 14: return clip(a, -1.0, 1.0);
      default: return sin(a) * cos(b);
    }
  }
};

TEST(CpuRandomGraph, MatchesTheInterpreter) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  for (unsigned seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Builder b{std::mt19937(seed), {}};
    Variable x = matrix("x"), y = vector("y"), s = scalar("s");
    b.pool = {x, y, s};
    std::vector<Variable> outputs;
    for (int i = 0; i < 8; ++i) {
      Variable v = b.step();
      b.pool.push_back(v);
      if (b.pick(3) == 0) outputs.push_back(v);
    }
    outputs.push_back(b.pool.back());
    std::vector<Array> args;
    std::mt19937 values(seed * 7);
    std::normal_distribution<double> normal;
    auto random = [&](const Shape& shape) {
      std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
      for (double& e : v) e = normal(values);
      return shape.empty() ? Array::scalar(v[0]) : Array::from_vector(v, shape);
    };
    args = {random({4, 5}), random({5}), random({})};
    expect_cpu_matches_interp({x, y, s}, outputs, args, "seed " + std::to_string(seed));
  }
}

}  // namespace
}  // namespace hypatia

namespace hypatia {
namespace {

// Two groups that each pass the convexity check yet need each other: G = {g1, g2}
// reads t (from H's h2) and H = {h1, h2, h3} reads s (from G's g1), through members
// that do not depend on one another. Seen in second-order gradient graphs; fusion
// must split one of them rather than give the executor a cycle.
TEST(CpuFusion, GroupsThatWouldNeedEachOtherAreSplit) {
  const Variable x = vector("x", DType::float64);
  const Variable g1 = exp(x);
  const Variable s = sort(g1);
  const Variable h2 = cos(x);
  const Variable t = sort(h2);
  const Variable g2 = g1 * t;
  const Variable h3 = sin(s) + h2;
  const Array a = Array::from({0.5, -1.0, 2.0, 0.25});
  testing::expect_cpu_matches_interp({x}, {g2, h3}, {a}, "mutually dependent groups");
}

}  // namespace
}  // namespace hypatia
