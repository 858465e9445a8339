// Elementwise arithmetic against independent references: exact wide-integer math
// (__int128, then wrapped to the dtype), std:: float math, and constants from NumPy.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

using i128 = __int128;
using u128 = unsigned __int128;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

template <class T>
using Lim = std::numeric_limits<T>;

// Exact value v reduced modulo 2^bits into T, as NumPy's integer overflow.
template <class T>
T wrap(i128 v) {
  return static_cast<T>(static_cast<u128>(v));
}

using Binary = std::function<Variable(const Operand&, const Operand&)>;
using Unary = std::function<Variable(const Operand&)>;

// Integer-typed results compare exactly; float ones exactly too, with NaN == NaN.
template <class T>
void expect_values(const Array& got, const Shape& shape, const std::vector<T>& expected) {
  if constexpr (std::is_floating_point_v<T>) {
    expect_array(got, dtype_of_v<T>, shape, std::vector<double>(expected.begin(), expected.end()), 0, 0);
  } else {
    expect_exact<T>(got, shape, expected);
  }
}

// op(a, b) over every pair of values: a as a column, b as a row, broadcast to a table.
template <class T, class Out = T, class Ref>
void check_table(const Binary& op, Ref ref, const std::vector<T>& as, const std::vector<T>& bs) {
  SCOPED_TRACE(std::string(dtype_name(dtype_of_v<T>)));
  const auto n = static_cast<std::int64_t>(as.size()), m = static_cast<std::int64_t>(bs.size());
  Variable a = tensor("a", dtype_of_v<T>, {kUnknownDim, 1});
  Variable b = tensor("b", dtype_of_v<T>, {1, kUnknownDim});
  Array got = eval1({a, b}, op(a, b), {Array::from_vector(as, {n, 1}), Array::from_vector(bs, {1, m})});
  std::vector<Out> expected;
  for (T x : as) {
    for (T y : bs) expected.push_back(static_cast<Out>(ref(x, y)));
  }
  expect_values<Out>(got, {n, m}, expected);
}

template <class T, class Out = T, class Ref>
void check_unary(const Unary& op, Ref ref, const std::vector<T>& xs) {
  SCOPED_TRACE(std::string(dtype_name(dtype_of_v<T>)));
  Variable x = vector("x", dtype_of_v<T>);
  Array got = eval1({x}, op(x), {Array::from_vector(xs)});
  std::vector<Out> expected;
  for (T v : xs) expected.push_back(static_cast<Out>(ref(v)));
  expect_values<Out>(got, {static_cast<std::int64_t>(xs.size())}, expected);
}

// Edge values of each integer type.
template <class T>
std::vector<T> int_values() {
  if constexpr (std::is_signed_v<T>) {
    return {Lim<T>::min(), static_cast<T>(Lim<T>::min() + 1), -7, -2, -1, 0, 1, 2, 3, 7, Lim<T>::max()};
  } else {
    return {0, 1, 2, 3, 7, static_cast<T>(Lim<T>::max() / 2 + 1), Lim<T>::max()};
  }
}

template <class T>
std::vector<T> float_values() {
  return {static_cast<T>(-kInf), T(-2.5), T(-1), T(-0.0), T(0), T(0.5), T(1), T(3), Lim<T>::max(),
          Lim<T>::denorm_min(), static_cast<T>(kInf), static_cast<T>(kNan)};
}

// Floor division in exact arithmetic: the largest q with q * b <= a (b > 0).
i128 exact_floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if (q * b != a && ((a < 0) != (b < 0))) q -= 1;
  return q;
}

template <class T>
void check_integer_arith() {
  const std::vector<T> v = int_values<T>();
  check_table<T>(add, [](T a, T b) { return wrap<T>(i128(a) + i128(b)); }, v, v);
  check_table<T>(sub, [](T a, T b) { return wrap<T>(i128(a) - i128(b)); }, v, v);
  check_table<T>(mul, [](T a, T b) { return static_cast<T>(static_cast<u128>(i128(a)) * static_cast<u128>(i128(b))); },
                 v, v);
  check_table<T>(floor_div, [](T a, T b) { return b == 0 ? T(0) : wrap<T>(exact_floor_div(a, b)); }, v, v);
  check_table<T>(mod, [](T a, T b) { return b == 0 ? T(0) : wrap<T>(i128(a) - exact_floor_div(a, b) * b); }, v, v);
  check_table<T>(maximum, [](T a, T b) { return std::max(a, b); }, v, v);
  check_table<T>(minimum, [](T a, T b) { return std::min(a, b); }, v, v);
  check_table<T, double>(true_div, [](T a, T b) { return static_cast<double>(a) / static_cast<double>(b); }, v, v);
  // Powers by repeated multiplication, modulo 2^128 and then 2^bits.
  const std::vector<T> exponents = {0, 1, 2, 3, 7, 31, 63, 64};
  check_table<T>(pow,
                 [](T a, T e) {
                   u128 r = 1;
                   for (T k = 0; k < e; ++k) r *= static_cast<u128>(i128(a));
                   return static_cast<T>(r);
                 },
                 v, exponents);
  check_unary<T>(neg, [](T x) { return wrap<T>(-i128(x)); }, v);
  check_unary<T>(abs, [](T x) { return wrap<T>(x < 0 ? -i128(x) : i128(x)); }, v);
  check_unary<T>(sign, [](T x) { return static_cast<T>(x > 0 ? 1 : (x == 0 ? 0 : -1)); }, v);
  check_unary<T>(sqr, [](T x) { return static_cast<T>(static_cast<u128>(i128(x)) * static_cast<u128>(i128(x))); }, v);
  check_unary<T>(reciprocal, [](T x) { return x == 1 ? T(1) : (i128(x) == -1 ? x : T(0)); }, v);
}

TEST(ElemwiseArith, Int8) { check_integer_arith<std::int8_t>(); }
TEST(ElemwiseArith, Int32) { check_integer_arith<std::int32_t>(); }
TEST(ElemwiseArith, Int64) { check_integer_arith<std::int64_t>(); }
TEST(ElemwiseArith, UInt8) { check_integer_arith<std::uint8_t>(); }
TEST(ElemwiseArith, UInt64) { check_integer_arith<std::uint64_t>(); }

template <class T>
void check_float_arith() {
  const std::vector<T> v = float_values<T>();
  check_table<T>(add, [](T a, T b) { return a + b; }, v, v);
  check_table<T>(sub, [](T a, T b) { return a - b; }, v, v);
  check_table<T>(mul, [](T a, T b) { return a * b; }, v, v);
  check_table<T>(true_div, [](T a, T b) { return a / b; }, v, v);
  check_table<T>(pow, [](T a, T b) { return std::pow(a, b); }, v, v);
  auto nan_or = [](T a, T b, T r) { return std::isnan(a) || std::isnan(b) ? static_cast<T>(kNan) : r; };
  check_table<T>(maximum, [&](T a, T b) { return nan_or(a, b, std::max(a, b)); }, v, v);
  check_table<T>(minimum, [&](T a, T b) { return nan_or(a, b, std::min(a, b)); }, v, v);
  check_unary<T>(neg, [](T x) { return -x; }, v);
  check_unary<T>(abs, [](T x) { return std::fabs(x); }, v);
  check_unary<T>(sign, [](T x) { return std::isnan(x) ? x : T((x > 0) - (x < 0)); }, v);
  check_unary<T>(sqr, [](T x) { return x * x; }, v);
  check_unary<T>(reciprocal, [](T x) { return T(1) / x; }, v);
}

TEST(ElemwiseArith, Float32) { check_float_arith<float>(); }
TEST(ElemwiseArith, Float64) { check_float_arith<double>(); }

// np.floor_divide and np.remainder on float64 and float32 (identical here).
TEST(ElemwiseArith, FloatFloorDivAndModMatchNumPy) {
  const std::vector<double> a = {7, -7, 7, -7, 5, -5, 5, 0, -0.0, kInf, -kInf, kNan, 5, 1, 0, -1, 5, -5, 6, -6};
  const std::vector<double> b = {2, 2, -2, -2, kInf, kInf, -kInf, 3, 3, 2, 2, 2, kNan, 0, 0, 0, -0.0, -0.0, 3, 3};
  const std::vector<double> fd = {3, -4, -4, 3, 0, -1, -1, 0, -0.0, kNan, kNan, kNan, kNan, kInf, kNan, -kInf,
                                  -kInf, kInf, 2, -2};
  const std::vector<double> md = {1, 1, -1, -1, 5, kInf, -kInf, 0, 0, kNan, kNan, kNan, kNan, kNan, kNan, kNan,
                                  kNan, kNan, 0, 0};
  for (DType t : {float64, float32}) {
    SCOPED_TRACE(std::string(dtype_name(t)));
    Variable x = vector("x", t), y = vector("y", t);
    const Array ax = Array::from_vector(a).astype(t), ay = Array::from_vector(b).astype(t);
    const Shape shape = {static_cast<std::int64_t>(a.size())};
    expect_array(eval1({x, y}, floor_div(x, y), {ax, ay}), t, shape, fd, 0, 0);
    expect_array(eval1({x, y}, x % y, {ax, ay}), t, shape, md, 0, 0);
    // Signs of zero: -0.0 // 3 is -0.0; 6 % 3 is +0.0 and 6 % -3 is -0.0 (the divisor's sign).
    Variable z = floor_div(x, y);
    EXPECT_TRUE(std::signbit(eval1({x, y}, z, {ax, ay}).at<double>({8})));
    Array m = eval1({x, y}, x % y, {Array::from({6.0, 6.0}).astype(t), Array::from({3.0, -3.0}).astype(t)});
    EXPECT_FALSE(std::signbit(m.at<double>({0})));
    EXPECT_TRUE(std::signbit(m.at<double>({1})));
  }
  // The quotient is snapped to an integer near a / b: 1 // 0.1 == 9 and 1 % 0.1 ~ 0.1.
  Variable x = scalar("x"), y = scalar("y");
  EXPECT_EQ(eval1({x, y}, floor_div(x, y), {Array::scalar(1.0), Array::scalar(0.1)}).item<double>(), 9.0);
  EXPECT_NEAR(eval1({x, y}, x % y, {Array::scalar(1.0), Array::scalar(0.1)}).item<double>(), 0.1, 1e-15);
}

// Known constants (NumPy) at the wrapping edges.
TEST(ElemwiseArith, IntegerEdgesMatchNumPy) {
  Variable a = vector("a", int8), b = vector("b", int8);
  const Array av = Array::from<std::int8_t>({-7, 7, -7, 7, 0, -128, 5});
  const Array bv = Array::from<std::int8_t>({2, -2, -2, 2, 0, -1, 0});
  expect_exact<std::int8_t>(eval1({a, b}, floor_div(a, b), {av, bv}), {7}, {-4, -4, 3, 3, 0, -128, 0});
  expect_exact<std::int8_t>(eval1({a, b}, a % b, {av, bv}), {7}, {1, -1, -1, 1, 0, 0, 0});
  expect_exact<std::int8_t>(eval1({a}, -a, {Array::from<std::int8_t>({-128, 127})}), {2}, {-128, -127});
  expect_exact<std::int8_t>(eval1({a}, abs(a), {Array::from<std::int8_t>({-128, -127})}), {2}, {-128, 127});
  // 3**5 wraps in int8; 0**0 == 1; (-1)**127 == -1.
  expect_exact<std::int8_t>(eval1({a, b}, pow(a, b), {Array::from<std::int8_t>({3, 0, -1}), Array::from<std::int8_t>({5, 0, 127})}),
                            {3}, {-13, 1, -1});
  Variable c = vector("c", int64), d = vector("d", int64);
  expect_exact<std::int64_t>(eval1({c, d}, pow(c, d), {Array::from<std::int64_t>({3}), Array::from<std::int64_t>({40})}),
                             {1}, {-6289078614652622815});
  Variable e = vector("e", int32), f = vector("f", int32);
  expect_exact<std::int32_t>(eval1({e, f}, pow(e, f), {Array::from<std::int32_t>({-2, -2}), Array::from<std::int32_t>({31, 33})}),
                             {2}, {Lim<std::int32_t>::min(), 0});
  expect_exact<std::int32_t>(eval1({e, f}, floor_div(e, f), {Array::from<std::int32_t>({Lim<std::int32_t>::min()}),
                                                             Array::from<std::int32_t>({-1})}),
                             {1}, {Lim<std::int32_t>::min()});
  Variable u = vector("u", uint8), w = vector("w", uint8);
  expect_exact<std::uint8_t>(eval1({u, w}, pow(u, w), {Array::from<std::uint8_t>({2, 255}), Array::from<std::uint8_t>({9, 2})}),
                             {2}, {0, 1});
  expect_exact<std::uint8_t>(eval1({u}, -u, {Array::from<std::uint8_t>({0, 1, 255})}), {3}, {0, 255, 1});
  expect_exact<std::uint8_t>(eval1({u, w}, u - w, {Array::from<std::uint8_t>({1}), Array::from<std::uint8_t>({2})}), {1},
                             {255});
}

// bool follows NumPy's loops: + is or, * is and; //, %, **, reciprocal and sqr use int8.
TEST(ElemwiseArith, Bool) {
  const std::vector<bool> v = {false, true};
  check_table<bool>(add, [](bool a, bool b) { return a || b; }, v, v);
  check_table<bool>(mul, [](bool a, bool b) { return a && b; }, v, v);
  check_table<bool>(maximum, [](bool a, bool b) { return a || b; }, v, v);
  check_table<bool>(minimum, [](bool a, bool b) { return a && b; }, v, v);
  check_table<bool, double>(true_div, [](bool a, bool b) { return double(a) / double(b); }, v, v);
  check_table<bool, std::int8_t>(floor_div, [](bool a, bool b) { return b ? int(a) : 0; }, v, v);
  check_table<bool, std::int8_t>(mod, [](bool, bool) { return 0; }, v, v);
  check_table<bool, std::int8_t>(pow, [](bool a, bool b) { return b ? int(a) : 1; }, v, v);
  check_unary<bool>(abs, [](bool x) { return x; }, v);
  check_unary<bool, std::int8_t>(sqr, [](bool x) { return int(x); }, v);
  check_unary<bool, std::int8_t>(reciprocal, [](bool x) { return int(x); }, v);
  // A literal meeting bool keeps its own kind: bool + 1 is int64, as NumPy 2.
  Variable x = vector("x", bool_);
  EXPECT_EQ((x + 1).dtype(), int64);
  EXPECT_EQ((x * 1.5).dtype(), float64);
}

TEST(ElemwiseArith, ResultDTypes) {
  Variable i8 = vector("i8", int8), u8 = vector("u8", uint8), i32 = vector("i32", int32);
  Variable u64 = vector("u64", uint64), f32 = vector("f32", float32), f64 = vector("f64", float64);
  EXPECT_EQ((i8 + u8).dtype(), int16);
  EXPECT_EQ((u64 - i32).dtype(), float64);
  EXPECT_EQ((i32 / i32).dtype(), float64);
  EXPECT_EQ((i8 / u8).dtype(), float64);
  EXPECT_EQ((f32 / f32).dtype(), float32);
  EXPECT_EQ((f32 / i8).dtype(), float32);
  EXPECT_EQ(floor_div(i8, i8).dtype(), int8);
  EXPECT_EQ(pow(f32, i32).dtype(), float64);
  EXPECT_EQ(sqr(u8).dtype(), uint8);
  EXPECT_EQ(reciprocal(i32).dtype(), int32);
  EXPECT_EQ(clip(i8, f32, 3).dtype(), float32);
  EXPECT_EQ(clip(i8, 0, f64).dtype(), float64);
  EXPECT_EQ(clip(u8, i8, 3).dtype(), int16);
  // C++ scalars take the dtype of the expression they meet.
  EXPECT_EQ((i8 * 2).dtype(), int8);
  EXPECT_EQ((2 - i8).dtype(), int8);
  EXPECT_EQ((u8 + 255).dtype(), uint8);
  EXPECT_EQ((f32 * 2.5).dtype(), float32);
  EXPECT_EQ((i32 * 2.5).dtype(), float64);
  EXPECT_EQ((i32 / 2).dtype(), float64);
  EXPECT_EQ(maximum(f32, 1).dtype(), float32);
}

TEST(ElemwiseArith, ScalarLiterals) {
  Variable x = vector("x", int8);
  const Array xv = Array::from<std::int8_t>({100, -100, 3});
  // 100 * 2 wraps in int8, as NumPy's int8 array * 2.
  expect_exact<std::int8_t>(eval1({x}, x * 2, {xv}), {3}, {-56, 56, 6});
  expect_exact<std::int8_t>(eval1({x}, 1 - x, {xv}), {3}, {-99, 101, -2});
  expect_exact<std::int8_t>(eval1({x}, 7 % x, {xv}), {3}, {7, -93, 1});
  expect_array(eval1({x}, x / 4, {xv}), float64, {3}, {25, -25, 0.75});
  Variable y = vector("y", float32);
  expect_array(eval1({y}, pow(y, 2) + 0.5, {Array::from<float>({1.5f, -3})}), float32, {2}, {2.75, 9.5});
}

TEST(ElemwiseArith, MaximumMinimumSignedZero) {
  // NumPy: maximum(-0.0, 0.0) is 0.0 and maximum(0.0, -0.0) is -0.0 (the second operand
  // unless the first is larger or NaN); minimum alike.
  Variable a = vector("a"), b = vector("b");
  const Array av = Array::from({-0.0, 0.0}), bv = Array::from({0.0, -0.0});
  Array mx = eval1({a, b}, maximum(a, b), {av, bv});
  Array mn = eval1({a, b}, minimum(a, b), {av, bv});
  EXPECT_FALSE(std::signbit(mx.at<double>({0})));
  EXPECT_TRUE(std::signbit(mx.at<double>({1})));
  EXPECT_FALSE(std::signbit(mn.at<double>({0})));
  EXPECT_TRUE(std::signbit(mn.at<double>({1})));
  // sign(-0.0) is +0.0, as NumPy.
  EXPECT_FALSE(std::signbit(eval1({a}, sign(a), {Array::from({-0.0})}).at<double>({0})));
}

TEST(ElemwiseArith, Clip) {
  Variable x = vector("x"), lo = vector("lo"), hi = vector("hi");
  // A NaN in x or in either bound propagates; lo > hi gives hi.
  const Array xv = Array::from({1.0, kNan, 5.0, -kInf, 2.0, 2.0, 9.0});
  const Array lv = Array::from({0.0, 0.0, 0.0, 0.0, kNan, 0.0, 4.0});
  const Array hv = Array::from({3.0, 3.0, 3.0, 3.0, 3.0, kNan, 3.0});
  expect_array(eval1({x, lo, hi}, clip(x, lo, hi), {xv, lv, hv}), float64, {7},
               {1, kNan, 3, 0, kNan, kNan, 3}, 0, 0);
  // Literal bounds take x's dtype; a scalar bound broadcasts against a matrix.
  Variable i = matrix("i", int32);
  const Array iv = Array::from<std::int32_t>({{-5, 0}, {5, Lim<std::int32_t>::min()}});
  expect_exact<std::int32_t>(eval1({i}, clip(i, -1, 2), {iv}), {2, 2}, {-1, 0, 2, -1});
  Variable u = vector("u", uint8), b = vector("b", bool_);
  expect_exact<std::uint8_t>(eval1({u}, clip(u, 3, 200), {Array::from<std::uint8_t>({0, 100, 255})}), {3},
                             {3, 100, 200});
  expect_exact<bool>(eval1({b}, clip(b, true, true), {Array::from_vector(std::vector<bool>{false, true})}), {2},
                     {true, true});
  // Bounds broadcast per column.
  Variable m = matrix("m"), r = vector("r");
  expect_array(eval1({m, r}, clip(m, r, 2.0), {Array::from({{0.0, 0.0}, {5.0, 5.0}}), Array::from({-1.0, 1.0})}),
               float64, {2, 2}, {0, 1, 2, 2}, 0, 0);
}

TEST(ElemwiseArith, BroadcastingEmptyAndSizeOne) {
  Variable a = tensor("a", float64, {kUnknownDim, kUnknownDim});
  Variable b = tensor("b", float64, {kUnknownDim});
  // (0, 3) + (3,) -> (0, 3); (2, 0) - (1,) -> (2, 0); (1, 1) * (4,) -> (1, 4).
  expect_array(eval1({a, b}, a + b, {Array::zeros(float64, {0, 3}), Array::from({1.0, 2.0, 3.0})}), float64, {0, 3},
               {});
  expect_array(eval1({a, b}, a - b, {Array::zeros(float64, {2, 0}), Array::from({1.0})}), float64, {2, 0}, {});
  expect_array(eval1({a, b}, a * b, {Array::full(float64, {1, 1}, 2.0), Array::from({1.0, 2.0, 3.0, 4.0})}),
               float64, {1, 4}, {2, 4, 6, 8});
  // 0-d operands.
  Variable s = scalar("s", int32), t = scalar("t", int32);
  expect_exact<std::int32_t>(eval1({s, t}, floor_div(s, t), {Array::scalar<std::int32_t>(-7), Array::scalar<std::int32_t>(2)}),
                             {}, {-4});
  // Three operands broadcast together: (2, 1), (3,), ().
  Variable c = tensor("c", float64, {2, 1}), d = tensor("d", float64, {3});
  expect_array(eval1({c, d}, clip(c, d, 2.5), {Array::from({{1.0}, {4.0}}), Array::from({0.0, 1.5, 3.0})}),
               float64, {2, 3}, {1, 1.5, 2.5, 2.5, 2.5, 2.5}, 0, 0);
}

// Transposed, strided and reversed views, passed as arguments.
TEST(ElemwiseArith, NonContiguousInputs) {
  const Array base = Array::from<std::int32_t>({{1, -2, 3, -4}, {5, -6, 7, -8}, {9, -10, 11, -12}});  // (3, 4)
  const Array t = base.transpose();                 // (4, 3)
  const Array every_other = base.slice(1, 0, 4, 2);  // (3, 2): columns 0 and 2
  const Array reversed = base.slice(0, -1, -4, -1);  // (3, 4): rows in reverse
  ASSERT_FALSE(t.is_contiguous());
  ASSERT_FALSE(every_other.is_contiguous());
  ASSERT_FALSE(reversed.is_contiguous());
  Variable a = matrix("a", int32), b = matrix("b", int32);
  // t - reversed^T: element (i, j) is base[j][i] - base[2 - j][i].
  std::vector<std::int32_t> expected;
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) expected.push_back(base.at<std::int32_t>({j, i}) - base.at<std::int32_t>({2 - j, i}));
  }
  expect_exact<std::int32_t>(eval1({a, b}, a - b, {t, reversed.transpose()}), {4, 3}, expected);
  expected.clear();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 2; ++j) {
      const std::int32_t v = base.at<std::int32_t>({i, 2 * j});
      expected.push_back(v < 0 ? -v : v);
    }
  }
  expect_exact<std::int32_t>(eval1({a}, abs(a), {every_other}), {3, 2}, expected);
  // A broadcast view (zero strides) as an argument.
  Variable f = matrix("f");
  const Array row = Array::from({1.0, -2.0, kNan}).reshape({1, 3}).broadcast_to({2, 3});
  expect_array(eval1({f}, maximum(f, 0.0), {row}), float64, {2, 3}, {1, 0, kNan, 1, 0, kNan}, 0, 0);
  // Unary ops on a reversed float vector.
  Variable v = vector("v");
  const Array fv = Array::from({0.5, -4.0, 2.0}).slice(0, -1, -4, -1);
  expect_array(eval1({v}, reciprocal(v), {fv}), float64, {3}, {0.5, -0.25, 2}, 0, 0);
  expect_array(eval1({v}, sqr(v) % 3.0, {fv}), float64, {3}, {1, 1, 0.25}, 0, 0);
}

// The symbolic output shape equals the computed one, for each op, with sizes known
// only at run time and with broadcasting.
TEST(ElemwiseArith, ShapeInference) {
  Variable a = tensor("a", float64, {kUnknownDim, 1}), b = tensor("b", float64, {kUnknownDim});
  Variable m = matrix("m");
  const std::vector<Binary> binaries = {add, sub, mul, true_div, floor_div, mod, pow, maximum, minimum};
  for (const Binary& op : binaries) {
    expect_shape_inference({a, b}, op(a, b), {Array::zeros(float64, {2, 1}), Array::zeros(float64, {3})});
    expect_shape_inference({m, b}, op(m, b), {Array::zeros(float64, {1, 3}), Array::zeros(float64, {3})});
    expect_shape_inference({m, b}, op(m, b), {Array::zeros(float64, {0, 1}), Array::zeros(float64, {4})});
  }
  const std::vector<Unary> unaries = {neg, abs, sign, reciprocal, sqr};
  for (const Unary& op : unaries) expect_shape_inference({m}, op(m), {Array::zeros(float64, {2, 5})});
  expect_shape_inference({a, b, m}, clip(a, b, m),
                         {Array::zeros(float64, {2, 1}), Array::zeros(float64, {3}), Array::zeros(float64, {1, 3})});
  // Static sizes flow into the type.
  Variable s = tensor("s", int8, {2, 1}), t = tensor("t", int8, {1, kUnknownDim});
  EXPECT_EQ((s + t).type().shape, (Shape{2, kUnknownDim}));
  EXPECT_EQ(clip(s, t, tensor("u", int8, {5})).type().shape, (Shape{2, 5}));
  EXPECT_EQ((-s).type().shape, (Shape{2, 1}));
}

TEST(ElemwiseArith, Traits) {
  const OpRegistry& r = OpRegistry::get();
  const struct {
    const char* name;
    Traits traits;
  } cases[] = {
      {"add", kCommutative | kAssociative | kLinear},
      {"sub", kLinear},
      {"mul", kCommutative | kAssociative},
      {"true_div", 0},
      {"floor_div", 0},
      {"mod", 0},
      {"pow", 0},
      {"neg", kLinear},
      {"abs", 0},
      {"sign", 0},
      {"reciprocal", 0},
      {"sqr", 0},
      {"maximum", kCommutative | kAssociative},
      {"minimum", kCommutative | kAssociative},
      {"clip", 0},
  };
  const Traits algebraic = kCommutative | kAssociative | kLinear;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const OpDef& op = r.op(c.name);
    EXPECT_EQ(op.traits & algebraic, c.traits);
    EXPECT_TRUE(op.has(kElementwise));
    EXPECT_TRUE(op.not_differentiable_because.empty());
    ASSERT_TRUE(op.lowering.has_value());
    EXPECT_EQ(op.lowering->kind, Lowering::Kind::scalar);
    EXPECT_EQ(scalar_prim_name(op.lowering->scalar), c.name);
  }
}

// ---- one test per error message

TEST(ElemwiseArithErrors, StaticBroadcastMismatch) {
  Variable a = tensor("a", float64, {2, 3}), b = tensor("b", float64, {4});
  expect_error<ShapeError>([&] { (void)(a + b); },
                           {"elemwise_arith_test.cpp", "add", "could not be broadcast", "(2, 3)", "(4,)"});
}

TEST(ElemwiseArithErrors, RunTimeBroadcastMismatch) {
  Variable a = matrix("a"), b = vector("b");
  Variable y = maximum(a, b);
  expect_error<ShapeError>([&] { eval1({a, b}, y, {Array::zeros(float64, {2, 3}), Array::zeros(float64, {4})}); },
                           {"elemwise_arith_test.cpp", "maximum", "(2, 3)", "(4,)"});
}

TEST(ElemwiseArithErrors, BoolSubtract) {
  Variable a = vector("a", bool_), b = vector("b", bool_);
  expect_error<TypeError>([&] { (void)(a - b); }, {"elemwise_arith_test.cpp", "sub", "boolean subtract", "logical_xor"});
}

TEST(ElemwiseArithErrors, BoolNegative) {
  Variable a = vector("a", bool_);
  expect_error<TypeError>([&] { (void)(-a); }, {"elemwise_arith_test.cpp", "neg", "boolean negative", "logical_not"});
}

TEST(ElemwiseArithErrors, BoolSign) {
  Variable a = vector("a", bool_);
  expect_error<TypeError>([&] { (void)sign(a); }, {"elemwise_arith_test.cpp", "sign", "boolean sign"});
}

TEST(ElemwiseArithErrors, NegativeIntegerPower) {
  Variable a = vector("a", int32), b = vector("b", int32);
  Variable y = pow(a, b);
  expect_error<ValueError>(
      [&] { eval1({a, b}, y, {Array::from<std::int32_t>({2, 2}), Array::from<std::int32_t>({1, -1})}); },
      {"elemwise_arith_test.cpp", "pow", "integers to negative integer powers are not allowed", "-1"});
}

TEST(ElemwiseArithErrors, LiteralOutOfRange) {
  Variable a = vector("a", int8);
  expect_error<ValueError>([&] { (void)(a + 300); }, {"elemwise_arith_test.cpp", "300", "int8"});
}

}  // namespace
}  // namespace hypatia
