// Fused reductions on the cpu backend against the interpreter: every reduction a
// kernel can end with, over single axes, several, all, with keepdims, with an
// elementwise producer fused in, on strided and empty inputs.
#include <gtest/gtest.h>

#include "backend/cpu/compiler.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::edge_values;
using testing::expect_cpu_matches_interp;

using ReduceFn = Variable (*)(const Operand&, Axes, bool);

struct Case {
  const char* name;
  ReduceFn fn;
};
const Case kReductions[] = {{"sum", sum}, {"prod", prod}, {"max", max}, {"min", min},
                            {"all", all}, {"any", any}, {"mean", mean}};

// Finite, moderate values so that sums and products compare within rounding.
Array moderate(DType t, const Shape& shape, int seed) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>((i * 7 + static_cast<std::size_t>(seed)) % 11) / 4.0 - 1.0;
  return Array::from_vector(v, shape).astype(t);
}

// One function per dtype holds every reduction over every axes set (one module).
TEST(CpuReduce, EveryReductionOverAxes) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  const std::vector<std::optional<std::vector<std::int64_t>>> axes_list = {
      std::vector<std::int64_t>{0}, std::vector<std::int64_t>{1}, std::vector<std::int64_t>{2},
      std::vector<std::int64_t>{0, 2}, std::vector<std::int64_t>{1, 2}, std::nullopt};
  for (DType t : {float64, float32, int32, uint8, bool_}) {
    Variable x = tensor3("x", t);
    std::vector<Variable> outputs;
    std::vector<std::string> names;
    for (const Case& c : kReductions) {
      for (const auto& axes : axes_list) {
        for (bool keepdims : {false, true}) {
          outputs.push_back(c.fn(x, Axes(axes), keepdims));
          names.push_back(std::string(c.name) + " " + outputs.back().node().attrs().str());
        }
      }
    }
    Function cpu = testing::compile_on("cpu", {x}, outputs);
    Function ref = testing::compile_on("interp", {x}, outputs);
    // Contiguous, transposed, reversed along an axis.
    const Array args[] = {moderate(t, {3, 4, 5}, 1), moderate(t, {5, 4, 3}, 2).transpose(),
                          moderate(t, {3, 4, 5}, 3).slice(1, 3, -5, -1)};
    const char* layouts[] = {"contiguous", "transposed", "reversed"};
    for (int l = 0; l < 3; ++l) {
      const std::vector<Array> got = cpu({args[l]}), want = ref({args[l]});
      for (std::size_t i = 0; i < outputs.size(); ++i) {
        testing::expect_same(got[i], want[i], names[i] + " " + std::string(dtype_name(t)) + " " + layouts[l]);
      }
    }
  }
}

TEST(CpuReduce, FusedProducersAndEdgeValues) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x");
  Variable m = max(x, Axes{1}, true);
  Variable lse = log(sum(exp(x - m), Axes{1})) + max(x, Axes{1});
  Variable mean_sq = mean(sqr(x - 1.0), Axes{0}, true);
  Variable any_nan = any(isnan(x), Axes{1});
  Variable big = max(abs(x) * 2.0);
  const Function f = expect_cpu_matches_interp({x}, {lse, mean_sq, any_nan, big}, {moderate(float64, {6, 9}, 4)}, "fused");
  // Edge values: NaN and infinities propagate as in the reference.
  expect_cpu_matches_interp({x}, {sum(x, Axes{1}), max(x, Axes{0}), min(x), prod(x, Axes{1}), mean(x, Axes{0})},
                            {edge_values(float64, {6, 17}, 1)}, "edge values");
}

TEST(CpuReduce, EmptyAndSizeOne) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = matrix("x");
  for (const Shape& s : {Shape{0, 3}, Shape{3, 0}, Shape{1, 1}, Shape{1, 5}, Shape{5, 1}}) {
    expect_cpu_matches_interp({x}, {sum(x, Axes{1}), prod(x, Axes{0}), mean(x, Axes{1}), all(x), any(x, Axes{0})},
                              {moderate(float64, s, 0)}, "shape " + shape_str(s));
  }
  // max of an empty selection has no identity: the interpreter's error.
  Variable y = max(x, Axes{1});
  std::string messages[2];
  const char* linkers[] = {"cpu", "interp"};
  for (int i = 0; i < 2; ++i) {
    try {
      testing::compile_on(linkers[i], {x}, {y})({Array::zeros(float64, {2, 0})});
      ADD_FAILURE() << "no error";
    } catch (const UserError& e) {
      messages[i] = e.what();
    }
  }
  EXPECT_EQ(messages[0], messages[1]);
  // max over a kept empty axis is fine: an empty result.
  expect_cpu_matches_interp({x}, {y}, {Array::zeros(float64, {0, 3})}, "max over no rows");
}

TEST(CpuReduce, LargeSumsAreAccurate) {
  if (!cpu::compiler_available()) GTEST_SKIP() << "no C++ compiler";
  Variable x = vector("x", float32);
  Function f = testing::compile_on("cpu", {x}, {sum(x)});
  const std::int64_t n = 1 << 20;
  const Array ones = Array::full(float32, {n}, 0.1);
  const double got = f({ones})[0].item<double>();
  EXPECT_NEAR(got, 0.1 * static_cast<double>(n), 1e-5 * 0.1 * static_cast<double>(n));
}

}  // namespace
}  // namespace hypatia
