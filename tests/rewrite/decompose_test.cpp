// The decompose rules (src/rewrite/rules/decompose_*.cpp): each fires, leaves no node of
// the composite, and the expanded graph gives the composite's values on the
// interpreter (float64, edge values: 0, -0, tiny, huge, infinities, NaN). That the
// phase runs only for FAST_RUN on the cpu linker, and the cpu kernels' values, are
// tested in tests/backend/cpu_decompose_test.cpp.
#include <gtest/gtest.h>

#include <cstdlib>

#include "hypatia/hypatia.hpp"
#include "rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::edge_then_random;
using testing::same_value;

struct Case {
  const char* rule;
  const char* op;
  Variable out;
};

Function on_interp(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  Mode m = Mode::without_rewrites();
  m.linker = "interp";
  return function(inputs, outputs, m);
}

// The row kernels off (backend/cpu/native_rows.hpp): where they run, softmax and
// log_softmax along the last axis and logsumexp over trailing axes stay whole, as
// tests/backend/native_rows_test.cpp checks; elsewhere these decompositions run.
struct RowKernelsOff {
  RowKernelsOff() { ::setenv("HYPATIA_NATIVE_ROWS", "0", 1); }
  ~RowKernelsOff() { ::unsetenv("HYPATIA_NATIVE_ROWS"); }
};

TEST(Decompose, EveryRuleFiresAndKeepsTheValues) {
  const RowKernelsOff off;
  const Variable x = matrix("x", DType::float64);
  const Variable y = matrix("y", DType::float64);
  const std::vector<Case> cases = {
      {"decompose_softmax", "softmax", softmax(x, 1)},
      {"decompose_softmax", "softmax", softmax(x, 0)},
      {"decompose_log_softmax", "log_softmax", log_softmax(x, 1)},
      {"decompose_log_softmax", "log_softmax", log_softmax(x, 0)},
      {"decompose_logsumexp", "logsumexp", logsumexp(x, Axes{1}, false)},
      {"decompose_logsumexp", "logsumexp", logsumexp(x, Axes{0}, true)},
      {"decompose_logsumexp", "logsumexp", logsumexp(x, Axes(std::nullopt), false)},
      {"decompose_logaddexp", "logaddexp", logaddexp(x, y)},
      {"decompose_log1mexp", "log1mexp", log1mexp(x)},
      {"decompose_var", "var", var(x, Axes{1}, 0, false)},
      {"decompose_var", "var", var(x, Axes{0}, 1, true)},
      {"decompose_std", "std", std(x, Axes(std::nullopt), 2, false)},
      {"decompose_argmax", "argmax", argmax(x, 1, false)},
      {"decompose_argmax", "argmax", argmax(x, std::nullopt, false)},
      {"decompose_argmin", "argmin", argmin(x, 0, true)},
      {"decompose_argmin", "argmin", argmin(x, std::nullopt, true)},
  };
  // Rows of edge values, rows of finite ones; y: the same values in another order.
  std::vector<double> xv = edge_then_random(28);
  std::vector<double> yv(xv.size());
  for (std::size_t i = 0; i < xv.size(); ++i) yv[i] = xv[(i * 5 + 3) % xv.size()];
  const std::vector<Array> args = {array_of(xv, {4, 7}), array_of(yv, {4, 7})};
  RewriteOptions options;
  options.phases = {"decompose"};
  for (const Case& c : cases) {
    RewriteTrace trace;
    options.trace = true;
    const std::vector<Variable> rewritten = rewrite_graph({c.out}, options, &trace);
    EXPECT_GE(trace.counts()[c.rule], 1) << c.rule << "\n" << trace.str();
    for (const auto& node : topological_order(rewritten)) EXPECT_NE(node->op().name, c.op) << c.rule;
    ASSERT_EQ(rewritten[0].type(), c.out.type()) << c.rule;
    const Array got = on_interp({x, y}, rewritten)(args)[0];
    const Array want = on_interp({x, y}, {c.out})(args)[0];
    ASSERT_EQ(got.shape(), want.shape()) << c.rule;
    const auto g = got.astype(DType::float64).to_vector<double>();
    const auto w = want.astype(DType::float64).to_vector<double>();
    for (std::size_t i = 0; i < g.size(); ++i) {
      EXPECT_TRUE(same_value(g[i], w[i], 1e-12) || std::abs(g[i] - w[i]) <= 1e-15)
          << c.rule << " (" << expression_text(c.out) << ") element " << i << ": decomposed " << g[i]
          << ", composite " << w[i];
    }
  }
}

// float32 sums and means across rows become float64 ones; over trailing axes they stay.
TEST(Decompose, Float32SumsAcrossRowsWiden) {
  const Variable x = matrix("x", DType::float32);
  RewriteOptions options;
  options.phases = {"decompose"};
  RewriteTrace trace;
  options.trace = true;
  const std::vector<Variable> across =
      rewrite_graph({sum(x, Axes{0}, false), mean(x, Axes{0}, true), sum(x, Axes{1}, false)}, options, &trace);
  EXPECT_EQ(trace.counts()["decompose_sum_float32_across_rows"], 1) << trace.str();
  EXPECT_EQ(trace.counts()["decompose_mean_float32_across_rows"], 1) << trace.str();
  EXPECT_EQ(across[0].node().op().name, "cast");
  EXPECT_EQ(across[2].node().op().name, "sum");
  const Array xs = array_of(edge_then_random(12), {3, 4}).astype(DType::float32);
  const std::vector<Array> got = on_interp({x}, across)({xs});
  const std::vector<Array> want =
      on_interp({x}, {sum(x, Axes{0}, false), mean(x, Axes{0}, true), sum(x, Axes{1}, false)})({xs});
  for (std::size_t k = 0; k < got.size(); ++k) {
    ASSERT_EQ(got[k].dtype(), DType::float32);
    const auto g = got[k].to_vector<double>(), w = want[k].to_vector<double>();
    for (std::size_t i = 0; i < g.size(); ++i) EXPECT_TRUE(same_value(g[i], w[i], 1e-6)) << k << " " << i;
  }
}

}  // namespace
}  // namespace hypatia
