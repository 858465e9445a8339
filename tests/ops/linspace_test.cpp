// linspace against NumPy's known results and a hand-written loop: endpoint, num 0 and
// 1, reversed ranges, the float dtype it computes in, integer dtypes (floored),
// symbolic start and stop, non-finite ends, and each error message.
#include "hypatia/ops/matrix.hpp"

#include <cmath>
#include <limits>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

TEST(Linspace, KnownValues) {
  // numpy.linspace's results.
  expect_array(eval1({}, linspace(0, 1, 5), {}), float64, {5}, {0.0, 0.25, 0.5, 0.75, 1.0}, 0);
  expect_array(eval1({}, linspace(0, 1, 5, false), {}), float64, {5}, {0.0, 0.2, 0.4, 0.6000000000000001, 0.8}, 0);
  expect_array(eval1({}, linspace(2, -1, 4), {}), float64, {4}, {2.0, 1.0, 0.0, -1.0}, 0);
  expect_array(eval1({}, linspace(0.1, 0.7, 7), {}), float64, {7}, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}, 0);
  expect_array(eval1({}, linspace(0, 1), {}), float64, {50}, [] {
    std::vector<double> v;
    for (int i = 0; i < 50; ++i) v.push_back(i == 49 ? 1.0 : i * (1.0 / 49));
    return v;
  }());
}

TEST(Linspace, NumZeroAndOne) {
  expect_array(eval1({}, linspace(0, 1, 0), {}), float64, {0}, {});
  expect_array(eval1({}, linspace(4, 9, 1), {}), float64, {1}, {4.0});
  expect_array(eval1({}, linspace(3, 3, 1, false), {}), float64, {1}, {3.0});
  EXPECT_EQ(linspace(0, 1, 0).type(), (Type{float64, {0}}));
}

TEST(Linspace, DTypes) {
  // Computed in float64 for integer ends, then floored into an integer dtype.
  expect_exact<std::int32_t>(eval1({}, linspace(0, 10, 4, true, int32), {}), {4}, {0, 3, 6, 10});
  expect_exact<std::int64_t>(eval1({}, linspace(-1, 1, 5, true, int64), {}), {5}, {-1, -1, 0, 0, 1});
  expect_exact<std::uint8_t>(eval1({}, linspace(0, 255, 3, true, uint8), {}), {3}, {0, 127, 255});
  expect_exact<bool>(eval1({}, linspace(0, 1, 3, true, bool_), {}), {3}, {false, true, true});
  // float32 ends compute in float32 (numpy.linspace on float32 arrays).
  const Variable s = scalar("s", float32);
  const Variable y = linspace(s, 0.1, 4);
  EXPECT_EQ(y.type(), (Type{float32, {4}}));
  expect_array(eval1({s}, y, {Array::scalar(0.0f)}), float32, {4},
               {0.0, 0.03333333507180214, 0.06666667014360428, 0.10000000149011612}, 0);
  // int ends, float32 output; an int64 variable start.
  const Variable i = scalar("i", int64);
  expect_array(eval1({i}, linspace(i, 2, 3, true, float32), {Array::scalar<std::int64_t>(1)}), float32, {3},
               {1.0, 1.5, 2.0});
  EXPECT_EQ(linspace(i, 2, 3).dtype(), float64);
}

TEST(Linspace, SymbolicEndsAgainstALoop) {
  const Variable a = scalar("a", float64), b = scalar("b", float64);
  for (const auto& [start, stop] : {std::pair{-3.5, 7.25}, {1e10, -1e-10}, {0.0, 0.0}, {5.0, 5.000001}}) {
    for (bool endpoint : {true, false}) {
      for (std::int64_t num : {2, 3, 10}) {
        const std::int64_t div = endpoint ? num - 1 : num;
        std::vector<double> want;
        for (std::int64_t i = 0; i < num; ++i) want.push_back(start + static_cast<double>(i) * ((stop - start) / div));
        if (endpoint) want.back() = stop;
        const Variable y = linspace(a, b, num, endpoint);
        expect_array(eval1({a, b}, y, {Array::scalar(start), Array::scalar(stop)}), float64, {num}, want, 1e-15);
        expect_shape_inference({a, b}, y, {Array::scalar(start), Array::scalar(stop)});
      }
    }
  }
}

TEST(Linspace, NonFiniteEnds) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const Variable a = scalar("a", float64), b = scalar("b", float64);
  // numpy.linspace(0, inf, 3) and (0, inf, 1): 0 * inf is NaN.
  expect_array(eval1({a, b}, linspace(a, b, 3), {Array::scalar(0.0), Array::scalar(inf)}), float64, {3},
               {nan, inf, inf});
  expect_array(eval1({a, b}, linspace(a, b, 1), {Array::scalar(0.0), Array::scalar(inf)}), float64, {1}, {nan});
  expect_array(eval1({a, b}, linspace(a, b, 2), {Array::scalar(nan), Array::scalar(1.0)}), float64, {2}, {nan, 1.0});
}

TEST(Linspace, ErrorNegativeNum) {
  expect_error<ValueError>([] { linspace(0, 1, -1); },
                           {"linspace_test.cpp", "linspace", "Number of samples, -1, must be non-negative."});
}

TEST(Linspace, ErrorNonScalarEnds) {
  expect_error<TypeError>([] { linspace(vector("v"), 1, 3); },
                          {"linspace_test.cpp", "linspace", "start must be a scalar, not float64 (?,)"});
  expect_error<TypeError>([] { linspace(0, matrix("m", float32), 3); }, {"stop must be a scalar"});
}

}  // namespace
}  // namespace hypatia
