// Shared checks for rule tests: a rule fires on a graph (trace counts), and the graph
// rewritten gives what the graph as written gives, element by element (NaN where it
// gives NaN, the same infinities, numbers to a relative 1e-12 unless told otherwise).
#pragma once

#include <cmath>
#include <random>
#include <string>

#include "test_util.hpp"

namespace hypatia::testing {

inline bool same_value(double got, double want, double rtol) {
  if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
  if (std::isinf(want)) return got == want;
  return std::abs(got - want) <= rtol * std::abs(want) + 1e-300;
}

// The function compiled in `mode` with its rewrite trace.
inline Function traced_function(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                                Mode mode = Mode::fast_run()) {
  mode.trace_rewrites = true;
  return function(inputs, outputs, mode);
}

// How many nodes of `op` the compiled graph of f has.
inline int count_ops(const Function& f, const std::string& op) {
  int n = 0;
  for (const auto& node : topological_order(f.compiled_outputs())) n += node->op().name == op;
  return n;
}

inline int times_fired(const Function& f, const std::string& rule) {
  const auto counts = f.rewrite_trace().counts();
  auto it = counts.find(rule);
  return it == counts.end() ? 0 : it->second;
}

// `rule` fires on `out` in FAST_RUN, and the rewritten graph agrees with the graph as
// written on `args`, in value, dtype and shape.
inline void expect_rule_keeps_meaning(const std::vector<Variable>& inputs, const Variable& out,
                                      const std::vector<Array>& args, const std::string& rule, double rtol = 1e-12) {
  const Function f = traced_function(inputs, {out});
  EXPECT_GE(times_fired(f, rule), 1) << rule << "\n" << f.rewrite_trace().str();
  const Array got = f(args)[0];
  const Array want = function(inputs, {out}, Mode::without_rewrites())(args)[0];
  ASSERT_EQ(got.dtype(), want.dtype()) << rule;
  ASSERT_EQ(got.shape(), want.shape()) << rule;
  const auto g = got.astype(DType::float64).to_vector<double>();
  const auto w = want.astype(DType::float64).to_vector<double>();
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_TRUE(same_value(g[i], w[i], rtol)) << rule << " element " << i << ": rewritten " << g[i]
                                               << ", as written " << w[i];
  }
}

// Edge values (0, -0, +-1, tiny, huge, +-inf, NaN) then seeded normal ones, `n` in all.
inline std::vector<double> edge_then_random(std::size_t n, unsigned seed = 6) {
  std::vector<double> v = {0.0, -0.0, 1.0, -1.0, 1e-300, -1e300, 1e300,
                           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN()};
  v.resize(std::min(n, v.size()));
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0, 3);
  while (v.size() < n) v.push_back(normal(gen));
  return v;
}

inline Array array_of(const std::vector<double>& values, const Shape& shape) {
  return Array::from_vector(values, shape);
}

}  // namespace hypatia::testing
