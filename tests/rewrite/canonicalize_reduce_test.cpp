// Canonical sums and constant collection (canonicalize_reduce.cpp and the
// collect_*_constants rules of canonicalize_arith.cpp).
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

TEST(CanonicalizeReduce, SumOfSumIsOneSumOverBothAxes) {
  const Variable x = tensor3("x", DType::float64);
  const Array arg = array_of(edge_then_random(24, 3), {2, 3, 4});
  const Array finite = array_of(edge_then_random(34, 3), {34}).slice(0, 10, 34, 1).reshape({2, 3, 4});
  // Axis 1 of sum(x, {0}) is x's axis 2.
  expect_rule_keeps_meaning({x}, sum(sum(x, {0}), {1}), {finite}, "merge_sums", 1e-12);
  expect_rule_keeps_meaning({x}, sum(sum(x, {1}), {0}), {arg}, "merge_sums");
  expect_rule_keeps_meaning({x}, sum(sum(x, {2}, true), {0}, true), {finite}, "merge_sums", 1e-12);
  expect_rule_keeps_meaning({x}, sum(sum(x, {-1})), {finite}, "merge_sums", 1e-12);
  expect_rule_keeps_meaning({x}, sum(sum(x), {}), {finite}, "merge_sums", 1e-12);
  const Function f = function({x}, {sum(sum(x, {0}), {1})});
  const Node& n = f.compiled_outputs()[0].node();
  EXPECT_EQ(n.op().name, "sum");
  EXPECT_EQ(n.attrs().get_ints("axes"), (std::vector<std::int64_t>{0, 2})) << f.graph_text();
  // Integers: one sum of int8 gives int64, as two do.
  const Variable i = tensor3("i", DType::int8);
  const Array ints = Array::from_vector(std::vector<std::int8_t>{127, 127, -128, 5, 6, 7, 8, 9}, {2, 2, 2});
  expect_rule_keeps_meaning({i}, sum(sum(i, {0}), {0}), {ints}, "merge_sums");
  // Empty axes.
  expect_rule_keeps_meaning({x}, sum(sum(x, {1}), {0}), {Array::zeros(DType::float64, {0, 3, 2})}, "merge_sums");
}

TEST(CanonicalizeReduce, MixedKeepdimsBecomeOneSum) {
  const Variable x = tensor3("x", DType::float64);
  const Array finite = array_of(edge_then_random(34, 8), {34}).slice(0, 10, 34, 1).reshape({2, 3, 4});
  const Array edges = array_of(edge_then_random(24, 8), {2, 3, 4});
  // Every keepdims pair over a few axis choices, on finite and on edge values.
  for (const Array& arg : {finite, edges, finite.transpose()}) {
    for (bool k1 : {false, true}) {
      for (bool k2 : {false, true}) {
        for (std::int64_t a : {0, 1, 2}) {
          for (std::int64_t b : {0, 1}) {
            SCOPED_TRACE("k1=" + std::to_string(k1) + " k2=" + std::to_string(k2) + " a=" + std::to_string(a) +
                         " b=" + std::to_string(b));
            expect_rule_keeps_meaning({x}, sum(sum(x, {a}, k1), {b}, k2), {arg}, "merge_sums", 1e-12);
          }
        }
        expect_rule_keeps_meaning({x}, sum(sum(x, {0, 2}, k1), std::nullopt, k2), {arg}, "merge_sums", 1e-12);
      }
    }
  }
  // One sum and at most one dimshuffle remain.
  const Function f = function({x}, {sum(sum(x, {0}, true), {2})});
  int sums = 0;
  int shuffles = 0;
  for (const auto& node : topological_order(f.compiled_outputs())) {
    sums += node->op().name == "sum";
    shuffles += node->op().name == "dimshuffle";
  }
  EXPECT_EQ(sums, 1) << f.graph_text();
  EXPECT_EQ(shuffles, 1) << f.graph_text();
  const Variable m = matrix("m", DType::float64);
  testing::expect_array(function({m}, {sum(sum(m, {0}, true), {1})})({array_of({1, 2, 3, 4}, {2, 2})})[0],
                        DType::float64, {1}, {10});
  // Integers and empty axes.
  const Variable i = tensor3("i", DType::int16);
  const Array ints = Array::from_vector(std::vector<std::int16_t>{32767, 32767, -32768, 5, 6, 7, 8, 9}, {2, 2, 2});
  expect_rule_keeps_meaning({i}, sum(sum(i, {1}, true), {0}), {ints}, "merge_sums");
  expect_rule_keeps_meaning({x}, sum(sum(x, {1}), {0}, true), {Array::zeros(DType::float64, {0, 3, 2})},
                            "merge_sums");
}

TEST(CanonicalizeReduce, MeansMaximaAndMinimaOfThemselvesMerge) {
  const Variable x = tensor3("x", DType::float64);
  const Array finite = array_of(edge_then_random(34, 9), {34}).slice(0, 10, 34, 1).reshape({2, 3, 4});
  const Array edges = array_of(edge_then_random(24, 9), {2, 3, 4});
  for (bool k1 : {false, true}) {
    for (bool k2 : {false, true}) {
      expect_rule_keeps_meaning({x}, mean(mean(x, {1}, k1), {0}, k2), {finite}, "merge_means", 1e-12);
      expect_rule_keeps_meaning({x}, max(max(x, {2}, k1), {0}, k2), {edges}, "merge_maxes");
      expect_rule_keeps_meaning({x}, min(min(x, {0}, k1), {1}, k2), {edges}, "merge_mins");
    }
  }
  expect_rule_keeps_meaning({x}, mean(mean(x, {2})), {edges}, "merge_means", 1e-12);
  // Empty: NaN means either way.
  expect_rule_keeps_meaning({x}, mean(mean(x, {1}), {0}), {Array::zeros(DType::float64, {0, 3, 2})}, "merge_means");
  // Integers: the mean is float64 either way; maxima stay integers.
  const Variable i = tensor3("i", DType::int8);
  const Array ints = Array::from_vector(std::vector<std::int8_t>{127, 127, -128, 5, 6, 7, 8, 9}, {2, 2, 2});
  expect_rule_keeps_meaning({i}, mean(mean(i, {0}), {0}), {ints}, "merge_means", 1e-12);
  expect_rule_keeps_meaning({i}, max(max(i, {0}, true), {2}), {ints}, "merge_maxes");
  // A max of a min is no single reduction.
  const Function f = traced_function({x}, {max(min(x, {0}), {0})});
  EXPECT_EQ(times_fired(f, "merge_maxes") + times_fired(f, "merge_mins"), 0);
}

TEST(CanonicalizeReduce, ScalarFactorsLeaveTheSum) {
  const Variable x = matrix("x", DType::float64);
  const Array finite = array_of({1.5, -2, 3, 1e-300, 7, 8}, {2, 3});
  expect_rule_keeps_meaning({x}, sum(3 * x, {1}), {finite}, "sum_of_scalar_multiple", 1e-12);
  expect_rule_keeps_meaning({x}, sum(x * -0.5), {finite}, "sum_of_scalar_multiple", 1e-12);
  // inf and NaN in x: the same inf and NaN.
  expect_rule_keeps_meaning({x}, sum(x * 2, {0}), {array_of({1, 2, 3, 4, 5, 6}, {3, 2})}, "sum_of_scalar_multiple");
  const double inf = std::numeric_limits<double>::infinity();
  expect_rule_keeps_meaning({x}, sum(x * 2, {1}), {array_of({inf, 1, -inf, std::nan(""), 1, 1}, {2, 3})},
                            "sum_of_scalar_multiple");
  const Variable v = vector("v", DType::float32);
  expect_rule_keeps_meaning({v}, sum(2 * v), {Array::from_vector(std::vector<float>{1, 2, 3})}, "sum_of_scalar_multiple");
}

TEST(CanonicalizeReduce, ScalarFactorsThatWouldChangeValuesStay) {
  const Variable x = vector("x", DType::float64);
  // 0 * x is 0 for huge x; 0 * sum(x) would be 0 * inf = NaN.
  const Function zero = traced_function({x}, {sum(x * 0)});
  EXPECT_EQ(times_fired(zero, "sum_of_scalar_multiple"), 0);
  EXPECT_EQ(zero({array_of({1e308, 1e308}, {2})})[0].item<double>(), 0.0);
  // int8: 100 * x wraps before the sum.
  const Variable i = vector("i", DType::int8);
  const Function wrap = traced_function({i}, {sum(i * 100)});
  EXPECT_EQ(times_fired(wrap, "sum_of_scalar_multiple"), 0);
  EXPECT_EQ(wrap({Array::from_vector(std::vector<std::int8_t>{2, 1})})[0].item<std::int64_t>(), -56 + 100);
}

TEST(CanonicalizeArith, ConstantsInAddAndMulAreCollected) {
  const Variable x = vector("x", DType::float64);
  const Array arg = array_of(edge_then_random(14), {14});
  expect_rule_keeps_meaning({x}, (x + 2) + 3, {arg}, "collect_add_constants");
  expect_rule_keeps_meaning({x}, 3 + (2 + x), {arg}, "collect_add_constants");
  expect_rule_keeps_meaning({x}, (x * 2) * 3, {arg}, "collect_mul_constants");
  expect_rule_keeps_meaning({x}, -4 * (0.5 * x), {arg}, "collect_mul_constants");
  expect_rule_keeps_meaning({x}, (x * 2) * 0, {array_of({1, 2}, {2})}, "collect_mul_constants");
  // One add with one constant remains.
  const Function f = function({x}, {((x + 2) + 3) + 4});
  const Node& n = f.compiled_outputs()[0].node();
  EXPECT_EQ(n.op().name, "add") << f.graph_text();
  EXPECT_EQ(n.inputs()[0], x) << f.graph_text();
  ASSERT_TRUE(n.inputs()[1].is_constant()) << f.graph_text();
  EXPECT_EQ(n.inputs()[1].constant_value().item<double>(), 9.0) << f.graph_text();
  // float32 keeps float32 constants.
  const Variable v = vector("v", DType::float32);
  expect_rule_keeps_meaning({v}, (v + 1) + 2, {Array::from_vector(std::vector<float>{1, -3})}, "collect_add_constants");
  // Integers wrap the same way folded or not.
  const Variable i = vector("i", DType::int8);
  const Array ints = Array::from_vector(std::vector<std::int8_t>{0, 100, -128, 127});
  expect_rule_keeps_meaning({i}, (i + 100) + 100, {ints}, "collect_add_constants");
  expect_rule_keeps_meaning({i}, (i * 16) * 16, {ints}, "collect_mul_constants");
}

TEST(CanonicalizeArith, ConstantsAreNotCollectedIntoANewInfinity) {
  const Variable x = vector("x", DType::float64);
  // 1e300 * 1e300 overflows: x * inf would make x = 0 NaN, while (0 * 1e300) * 1e300 is 0.
  const Function f = traced_function({x}, {(x * 1e300) * 1e300});
  EXPECT_EQ(times_fired(f, "collect_mul_constants"), 0);
  EXPECT_EQ(f({array_of({0}, {1})})[0].to_vector<double>()[0], 0.0);
  // 1e-200 * 1e-200 underflows to 0: x * 0 would make x = inf NaN.
  const Function g = traced_function({x}, {(x * 1e-200) * 1e-200});
  EXPECT_EQ(times_fired(g, "collect_mul_constants"), 0);
}

}  // namespace
}  // namespace hypatia
