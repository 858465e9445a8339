// The elementwise math family (src/ops/elemwise_math.cpp). References are computed
// here, independently of the code under test: std:: math in long double (a different
// libm entry point, rounded once to the result type), stable formulas evaluated in
// long double's wider range (sigmoid, softplus, erfcx), and literal values of
// scipy.special (checked against mpmath at 40 digits) for the special functions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Unary = Variable (*)(const Operand&);
using Ref = std::function<long double(long double)>;

struct UnaryCase {
  const char* name;
  Unary build;
  Ref ref;
  std::vector<double> inputs;  // inside the domain; edges are tested below
  double rtol64 = 2e-15;
};

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> cases = {
      {"sqrt", sqrt, [](long double x) { return std::sqrt(x); }, {0, 1e-300, 0.25, 1, 2, 12345.678, 1e300}},
      {"cbrt", cbrt, [](long double x) { return std::cbrt(x); }, {-27, -2, 0, 0.001, 8, 1e300}},
      {"exp", exp, [](long double x) { return std::exp(x); }, {-700, -1, -1e-10, 0, 0.5, 1, 10, 700}},
      {"exp2", exp2, [](long double x) { return std::exp2(x); }, {-1074, -3.5, 0, 0.5, 10, 1023}},
      {"expm1", expm1, [](long double x) { return std::expm1(x); }, {-50, -1, -1e-10, 1e-20, 0.5, 3, 700}},
      {"log", log, [](long double x) { return std::log(x); }, {1e-300, 0.5, 1, 2.718281828, 10, 1e300}},
      {"log2", log2, [](long double x) { return std::log2(x); }, {1e-300, 0.5, 1, 8, 10, 1e300}},
      {"log10", log10, [](long double x) { return std::log10(x); }, {1e-300, 0.5, 1, 1000, 12.5, 1e300}},
      {"log1p", log1p, [](long double x) { return std::log1p(x); }, {-0.999, -0.5, -1e-20, 1e-20, 1e-10, 1, 1e300}},
      {"sin", sin, [](long double x) { return std::sin(x); }, {-10, -1, -1e-10, 0, 0.5, 1.5707963, 3, 100}},
      {"cos", cos, [](long double x) { return std::cos(x); }, {-10, -1, -1e-10, 0, 0.5, 1.5, 3, 100}},
      {"tan", tan, [](long double x) { return std::tan(x); }, {-10, -1, -1e-10, 0, 0.5, 1.5, 3, 100}},
      {"arcsin", arcsin, [](long double x) { return std::asin(x); }, {-1, -0.5, 0, 1e-10, 0.3, 0.99, 1}},
      {"arccos", arccos, [](long double x) { return std::acos(x); }, {-1, -0.5, 0, 1e-10, 0.3, 0.99, 1}},
      {"arctan", arctan, [](long double x) { return std::atan(x); }, {-1e300, -5, -1, 0, 1e-10, 1, 1e10}},
      {"sinh", sinh, [](long double x) { return std::sinh(x); }, {-700, -2, -1e-10, 0, 0.5, 3, 700}},
      {"cosh", cosh, [](long double x) { return std::cosh(x); }, {-700, -2, -1e-10, 0, 0.5, 3, 700}},
      {"tanh", tanh, [](long double x) { return std::tanh(x); }, {-30, -2, -1e-10, 0, 0.5, 3, 30}},
      {"arcsinh", arcsinh, [](long double x) { return std::asinh(x); }, {-1e300, -2, -1e-10, 0, 0.5, 3, 1e300}},
      {"arccosh", arccosh, [](long double x) { return std::acosh(x); }, {1, 1.0000001, 2, 10, 1e300}},
      {"arctanh", arctanh, [](long double x) { return std::atanh(x); }, {-0.999, -0.5, -1e-10, 0, 0.5, 0.999999}},
      // exp(1000) is finite in long double, so the naive formulas are references there.
      {"sigmoid", sigmoid, [](long double x) { return 1 / (1 + std::exp(-x)); },
       {-1000, -700, -40, -1, 0, 1e-10, 1, 40, 1000}},
      {"softplus", softplus, [](long double x) { return std::log1p(std::exp(x)); },
       {-1000, -700, -40, -1, 0, 1e-10, 1, 40, 1000}},
      {"erf", erf, [](long double x) { return std::erf(x); }, {-6, -1, -1e-10, 0, 0.5, 1, 3, 6}},
      {"erfc", erfc, [](long double x) { return std::erfc(x); }, {-6, -1, 0, 0.5, 1, 4, 9, 26}},
      // erfc(100) ~ 1e-4345 is a normal long double.
      {"erfcx", erfcx, [](long double x) { return std::exp(x * x) * std::erfc(x); },
       {-26, -5, -1, 0, 1e-10, 0.5, 1, 5, 25.9, 26.1, 30, 50, 100}, 1e-14},
      {"gamma", gamma, [](long double x) { return std::tgamma(x); }, {-2.5, -0.5, 1e-10, 0.5, 1, 3, 10.5, 170},
       1e-14},
      {"gammaln", gammaln, [](long double x) { return std::lgamma(x); },
       {-2.5, -0.5, 1e-10, 0.5, 1, 2, 3, 10.5, 1e10, 1e300}, 1e-14},
  };
  return cases;
}

// The case's inputs as `dtype`, and the reference rounded to `dtype` from the
// inputs as rounded to it.
Array cast_inputs(const std::vector<double>& xs, DType dtype) { return Array::from_vector(xs).astype(dtype); }
std::vector<double> reference(const Ref& ref, const Array& inputs, DType out) {
  std::vector<double> expected;
  for (double x : inputs.to_vector<double>()) {
    const long double r = ref(static_cast<long double>(x));
    expected.push_back(out == DType::float32 ? static_cast<double>(static_cast<float>(r)) : static_cast<double>(r));
  }
  return expected;
}

TEST(ElemwiseMath, UnaryFloat64AndFloat32MatchStdMath) {
  for (const UnaryCase& c : unary_cases()) {
    for (DType dtype : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(c.name) + " " + std::string(dtype_name(dtype)));
      Variable x = vector("x", dtype);
      const Array in = cast_inputs(c.inputs, dtype);
      const Array out = eval1({x}, c.build(x), {in});
      const double rtol = dtype == DType::float64 ? c.rtol64 : 1e-6;
      expect_array(out, dtype, in.shape(), reference(c.ref, in, dtype), rtol);
    }
  }
}

// Float functions of integers compute in upcast_to_float: float32 for bool and the
// 8- and 16-bit integers, float64 for the wider ones.
TEST(ElemwiseMath, IntegerInputsUpcastToFloat) {
  const std::vector<std::pair<DType, DType>> dtypes = {
      {DType::bool_, DType::float32},  {DType::int8, DType::float32},   {DType::uint8, DType::float32},
      {DType::int16, DType::float32},  {DType::uint16, DType::float32}, {DType::int32, DType::float64},
      {DType::uint32, DType::float64}, {DType::int64, DType::float64},  {DType::uint64, DType::float64},
  };
  for (const auto& [in_dtype, out_dtype] : dtypes) {
    std::vector<double> values = {0, 1, 2, 5, 100};
    if (is_bool(in_dtype)) values = {0, 1};
    if (is_signed_integer(in_dtype)) values.insert(values.end(), {-1, -3});
    const Array in = cast_inputs(values, in_dtype);
    for (const UnaryCase& c : unary_cases()) {
      SCOPED_TRACE(std::string(c.name) + " of " + std::string(dtype_name(in_dtype)));
      Variable x = vector("x", in_dtype);
      const Array out = eval1({x}, c.build(x), {in});
      const double rtol = out_dtype == DType::float64 ? c.rtol64 : 1e-6;
      expect_array(out, out_dtype, in.shape(), reference(c.ref, in, out_dtype), rtol);
    }
  }
}

TEST(ElemwiseMath, NaNPropagatesThroughEveryFunction) {
  for (const UnaryCase& c : unary_cases()) {
    for (DType dtype : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(c.name) + " " + std::string(dtype_name(dtype)));
      Variable x = vector("x", dtype);
      expect_array(eval1({x}, c.build(x), {cast_inputs({kNaN}, dtype)}), dtype, {1}, {kNaN});
    }
  }
  for (Unary f : {erfinv, digamma, ceil, floor, trunc, round, round_half_away_from_zero}) {
    Variable x = vector("x");
    expect_array(eval1({x}, f(x), {Array::from({kNaN})}), DType::float64, {1}, {kNaN});
  }
}

// Exact edge values (IEEE 754 / C99 Annex F, as NumPy; SciPy for the special
// functions), the sign of zero included, in float64 and float32.
struct EdgeCase {
  const char* name;
  Unary build;
  double x;
  double expected;
};

TEST(ElemwiseMath, DomainEdgesInfinitiesAndTinyValues) {
  const double pi = std::numbers::pi;
  const std::vector<EdgeCase> cases = {
      {"log", log, 0.0, -kInf},          {"log", log, -0.0, -kInf},       {"log", log, -1, kNaN},
      {"log", log, kInf, kInf},          {"log", log, -kInf, kNaN},       {"log2", log2, 0.0, -kInf},
      {"log10", log10, 0.0, -kInf},      {"log2", log2, -1, kNaN},        {"log1p", log1p, -1, -kInf},
      {"log1p", log1p, -2, kNaN},        {"log1p", log1p, 1e-20, 1e-20},  {"log1p", log1p, -0.0, -0.0},
      {"expm1", expm1, 1e-20, 1e-20},    {"expm1", expm1, -kInf, -1},     {"expm1", expm1, -0.0, -0.0},
      {"exp", exp, -kInf, 0},            {"exp", exp, kInf, kInf},        {"exp", exp, 1000, kInf},
      {"exp2", exp2, -kInf, 0},          {"sqrt", sqrt, -1, kNaN},        {"sqrt", sqrt, -0.0, -0.0},
      {"sqrt", sqrt, kInf, kInf},        {"sqrt", sqrt, -kInf, kNaN},     {"cbrt", cbrt, -kInf, -kInf},
      {"sin", sin, kInf, kNaN},          {"sin", sin, -0.0, -0.0},        {"cos", cos, -kInf, kNaN},
      {"tan", tan, kInf, kNaN},          {"arcsin", arcsin, 2, kNaN},     {"arcsin", arcsin, -0.0, -0.0},
      {"arccos", arccos, -1.5, kNaN},    {"arccos", arccos, 1, 0},        {"arctan", arctan, kInf, pi / 2},
      {"arctan", arctan, -kInf, -pi / 2}, {"sinh", sinh, -kInf, -kInf},   {"cosh", cosh, -kInf, kInf},
      {"tanh", tanh, kInf, 1},           {"tanh", tanh, -kInf, -1},       {"tanh", tanh, -0.0, -0.0},
      {"arcsinh", arcsinh, -kInf, -kInf}, {"arccosh", arccosh, 0.5, kNaN}, {"arccosh", arccosh, 1, 0},
      {"arccosh", arccosh, kInf, kInf},  {"arctanh", arctanh, 1, kInf},   {"arctanh", arctanh, -1, -kInf},
      {"arctanh", arctanh, 2, kNaN},     {"arctanh", arctanh, -0.0, -0.0},
      {"sigmoid", sigmoid, -1000, 0},    {"sigmoid", sigmoid, 1000, 1},   {"sigmoid", sigmoid, kInf, 1},
      {"sigmoid", sigmoid, -kInf, 0},    {"sigmoid", sigmoid, 0, 0.5},    {"softplus", softplus, 1000, 1000},
      {"softplus", softplus, kInf, kInf}, {"softplus", softplus, -kInf, 0},
      {"erf", erf, kInf, 1},             {"erf", erf, -kInf, -1},         {"erf", erf, -0.0, -0.0},
      {"erfc", erfc, kInf, 0},           {"erfc", erfc, -kInf, 2},        {"erfcx", erfcx, kInf, 0},
      {"erfcx", erfcx, -kInf, kInf},     {"erfcx", erfcx, -27, kInf},     {"erfcx", erfcx, 0, 1},
      {"erfinv", erfinv, 1, kInf},       {"erfinv", erfinv, -1, -kInf},   {"erfinv", erfinv, 1.5, kNaN},
      {"erfinv", erfinv, -1.0000001, kNaN}, {"erfinv", erfinv, 0, 0},     {"erfinv", erfinv, -0.0, -0.0},
      {"erfinv", erfinv, kInf, kNaN},
      {"gamma", gamma, 0.0, kInf},       {"gamma", gamma, -0.0, -kInf},   {"gamma", gamma, -1, kNaN},
      {"gamma", gamma, kInf, kInf},      {"gamma", gamma, -kInf, kNaN},   {"gamma", gamma, 5, 24},
      {"gammaln", gammaln, 0, kInf},     {"gammaln", gammaln, -1, kInf},  {"gammaln", gammaln, -kInf, kInf},
      {"gammaln", gammaln, 1, 0},        {"gammaln", gammaln, 2, 0},
      // scipy.special.psi: psi(+0) = -inf, psi(-0) = +inf, NaN at the other poles.
      {"digamma", digamma, 0.0, -kInf},  {"digamma", digamma, -0.0, kInf}, {"digamma", digamma, -1, kNaN},
      {"digamma", digamma, -2, kNaN},    {"digamma", digamma, -kInf, kNaN}, {"digamma", digamma, kInf, kInf},
  };
  for (const EdgeCase& c : cases) {
    for (DType dtype : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(c.name) + "(" + std::to_string(c.x) + ") " + std::string(dtype_name(dtype)));
      Variable x = scalar("x", dtype);
      const Array out = eval1({x}, c.build(x), {Array::scalar(c.x).astype(dtype)});
      const double expected = dtype == DType::float32 ? static_cast<float>(c.expected) : c.expected;
      expect_array(out, dtype, {}, {expected}, dtype == DType::float32 ? 1e-7 : 1e-15);
      if (!std::isnan(expected)) {
        EXPECT_EQ(std::signbit(out.item<double>()), std::signbit(expected)) << "sign";
      }
    }
  }
}

// Literal values of scipy.special (agreeing with mpmath to the last bit printed).
struct KnownValue {
  double x;
  double expected;
};

void expect_known(Unary f, const std::vector<KnownValue>& values, double rtol, double atol = 0) {
  std::vector<double> xs, expected;
  for (const KnownValue& v : values) {
    xs.push_back(v.x);
    expected.push_back(v.expected);
  }
  Variable x = vector("x");
  expect_array(eval1({x}, f(x), {Array::from_vector(xs)}), DType::float64, {static_cast<std::int64_t>(xs.size())},
               expected, rtol, atol);
  // float32: only inputs a float holds exactly, and results it can hold; within a few
  // float ulps (erfcx, erfinv and digamma round once; tgammaf and lgammaf may not).
  std::vector<double> xs32, expected32;
  for (const KnownValue& v : values) {
    if (static_cast<double>(static_cast<float>(v.x)) != v.x || std::abs(v.expected) > 3e38) continue;
    xs32.push_back(v.x);
    expected32.push_back(static_cast<float>(v.expected));
  }
  Variable x32 = vector("x32", DType::float32);
  expect_array(eval1({x32}, f(x32), {Array::from_vector(xs32).astype(DType::float32)}), DType::float32,
               {static_cast<std::int64_t>(xs32.size())}, expected32, 4e-7, atol);
}

TEST(ElemwiseMath, ErfcxMatchesScipyIncludingLargeAndNegativeX) {
  expect_known(erfcx, {{1e5, 5.6418958351954685e-06},
                       {50.0, 0.011281536265323773},
                       {30.0, 0.01879588886141675},
                       {10.0, 0.05614099274382259},
                       {5.0, 0.11070463773306863},
                       {2.5, 0.2108063640611436},
                       {1.0, 0.427583576155807},
                       {0.5, 0.6156903441929259},
                       {1e-10, 0.999999999887162},
                       {-1.0, 5.008980080762283},
                       {-5.0, 144009798674.66104},
                       {-10.0, 5.376234283632271e+43},
                       {-26.0, 7.657724931490568e+293}},
               2e-15);
}

TEST(ElemwiseMath, ErfinvMatchesScipyAndInvertsErf) {
  expect_known(erfinv, {{0.5, 0.4769362762044699},
                        {1e-10, 8.862269254527581e-11},
                        {0.1, 0.08885599049425769},
                        {0.9, 1.1630871536766743},
                        {0.99, 1.8213863677184494},
                        {0.999999, 3.458910737275499},
                        {-0.3, -0.2724627147267543},
                        {0.999999999999999, 5.675915739744713},
                        {-0.9999999999999999, -5.8635847487551676},
                        {1e-300, 8.86226925452758e-301}},
               1e-15);
  // erf(erfinv(x)) = x across (-1, 1); near 1, in the complement (1 - x is exact).
  std::vector<double> xs;
  for (int k = -99; k <= 99; ++k) xs.push_back(k / 100.0);
  for (int e = 2; e <= 15; ++e) xs.push_back(1 - std::pow(10.0, -e));
  Variable x = vector("x");
  const std::vector<double> y = eval1({x}, erfinv(x), {Array::from_vector(xs)}).to_vector<double>();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (xs[i] <= 0.5) {
      EXPECT_NEAR(std::erf(y[i]), xs[i], 3e-16) << "x = " << xs[i];
    } else {
      EXPECT_NEAR(std::erfc(y[i]) / (1 - xs[i]), 1.0, 2e-14) << "x = " << xs[i];
    }
  }
}

TEST(ElemwiseMath, DigammaMatchesScipy) {
  expect_known(digamma, {{1.0, -0.5772156649015329},
                         {0.5, -1.9635100260214235},
                         {2.5, 0.7031566406452432},
                         {3.0, 0.9227843350984671},
                         {6.5, 1.792911330399933},
                         {10.0, 2.251752589066721},
                         {100.5, 4.605174352581845},
                         {1e10, 23.025850929890456},
                         {1e-8, -100000000.57721564},
                         {1e-300, -9.999999999999999e+299},
                         {-1e-300, 9.999999999999999e+299},
                         {-0.5, 0.03648997397857652},
                         {-1.5, 0.7031566406452432},
                         {-2.7, -1.1153471291406896},
                         {-10.1, 12.030052248548309}},
               1e-14);
  // Next to the positive root psi(1.46163...) = 0 the accuracy is absolute.
  expect_known(digamma, {{1.4616321449683622, -9.241265521729427e-17}}, 0, 1e-15);
}

TEST(ElemwiseMath, GammaAndGammalnKnownValues) {
  const double sqrt_pi = std::sqrt(std::numbers::pi);
  expect_known(gamma, {{0.5, sqrt_pi}, {-0.5, -2 * sqrt_pi}, {1.5, sqrt_pi / 2}, {5, 24}, {11, 3628800}}, 1e-15);
  expect_known(gammaln, {{0.5, 0.5723649429247001},
                         {3.0, 0.6931471805599453},
                         {1e-8, 18.42068073818021},
                         {-0.5, 1.2655121234846454},
                         {-2.5, -0.056243716497674054},
                         {10.5, 13.940625219403763},
                         {100.0, 359.1342053695754},
                         {1e10, 220258509288.81058}},
               1e-14);
}

TEST(ElemwiseMath, SigmoidAndSoftplusStayAccurateInTheTails) {
  // softplus(x) ~ exp(x) and sigmoid(x) ~ exp(x) for very negative x, not 0 or 1 - 1.
  expect_known(softplus, {{-700, std::exp(-700.0)}, {-40, std::exp(-40.0)}, {40, 40.0}, {700, 700.0}}, 1e-15);
  expect_known(sigmoid, {{-700, std::exp(-700.0)}, {-40, 4.248354255291589e-18}, {40, 1.0}}, 1e-15);
}

// ---- rounding

TEST(ElemwiseMath, RoundIsHalfToEvenAsNumPy) {
  const std::vector<double> xs = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 3.7, -3.7, -0.0,
                                  4503599627370497.0, 1e300, kInf, -kInf};
  const std::vector<double> even = {0, 2, 2, -0.0, -2, -2, 0, 4, -4, -0.0, 4503599627370497.0, 1e300, kInf, -kInf};
  const std::vector<double> away = {1, 2, 3, -1, -2, -3, 0, 4, -4, -0.0, 4503599627370497.0, 1e300, kInf, -kInf};
  Variable x = vector("x");
  const Array r = eval1({x}, round(x), {Array::from_vector(xs)});
  expect_array(r, DType::float64, {14}, even, 0);
  EXPECT_TRUE(std::signbit(r.at<double>({3}))) << "round(-0.5) is -0";
  expect_array(eval1({x}, round_half_away_from_zero(x), {Array::from_vector(xs)}), DType::float64, {14}, away, 0);
  // float32: the same halves.
  Variable x32 = vector("x32", DType::float32);
  const Array halves = Array::from({0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 8388609.0f});
  expect_array(eval1({x32}, round(x32), {halves}), DType::float32, {6}, {0, 2, 2, -0.0, -2, 8388609.0}, 0);
  expect_array(eval1({x32}, round_half_away_from_zero(x32), {halves}), DType::float32, {6},
               {1, 2, 3, -1, -3, 8388609.0}, 0);
}

TEST(ElemwiseMath, CeilFloorTrunc) {
  const std::vector<double> xs = {-1.5, -0.5, 0.5, 1.5, 2.0, -0.0, 1e300, -kInf};
  Variable x = vector("x");
  const Array in = Array::from_vector(xs);
  expect_array(eval1({x}, ceil(x), {in}), DType::float64, {8}, {-1, -0.0, 1, 2, 2, -0.0, 1e300, -kInf}, 0);
  expect_array(eval1({x}, floor(x), {in}), DType::float64, {8}, {-2, -1, 0, 1, 2, -0.0, 1e300, -kInf}, 0);
  expect_array(eval1({x}, trunc(x), {in}), DType::float64, {8}, {-1, -0.0, 0, 1, 2, -0.0, 1e300, -kInf}, 0);
  EXPECT_TRUE(std::signbit(eval1({x}, ceil(x), {in}).at<double>({1}))) << "ceil(-0.5) is -0";
  Variable x32 = vector("x32", DType::float32);
  expect_array(eval1({x32}, floor(x32), {in.astype(DType::float32)}), DType::float32, {8},
               {-2, -1, 0, 1, 2, -0.0, kInf, -kInf}, 0);
}

// Integers are already whole: every rounding op returns them unchanged in their own
// dtype, exactly (also beyond 2^53, where a trip through float64 would round).
template <class T>
void expect_rounding_keeps_integers(const std::vector<T>& values) {
  SCOPED_TRACE(std::string(dtype_name(dtype_of_v<T>)));
  Variable x = vector("x", dtype_of_v<T>);
  const Array in = Array::from_vector(values);
  for (Unary f : {ceil, floor, trunc, round, round_half_away_from_zero}) {
    expect_exact<T>(eval1({x}, f(x), {in}), in.shape(), values);
  }
}

TEST(ElemwiseMath, RoundingKeepsIntegerDtypes) {
  expect_rounding_keeps_integers<std::int8_t>({-128, -1, 0, 127});
  expect_rounding_keeps_integers<std::uint8_t>({0, 1, 255});
  expect_rounding_keeps_integers<std::int16_t>({-32768, 7, 32767});
  expect_rounding_keeps_integers<std::uint16_t>({0, 65535});
  expect_rounding_keeps_integers<std::int32_t>({-2147483647 - 1, 3, 2147483647});
  expect_rounding_keeps_integers<std::uint32_t>({0, 4294967295u});
  expect_rounding_keeps_integers<std::int64_t>(
      {std::numeric_limits<std::int64_t>::min(), (std::int64_t{1} << 53) + 1, std::numeric_limits<std::int64_t>::max()});
  expect_rounding_keeps_integers<std::uint64_t>({0, (std::uint64_t{1} << 53) + 1, ~std::uint64_t{0}});
}

// NumPy (>= 2.1): ceil, floor and trunc keep bool; round goes through rint, which has
// no bool loop (float16 in NumPy, float32 here, Hypatia having no float16).
TEST(ElemwiseMath, RoundingOfBool) {
  Variable b = vector("b", DType::bool_);
  const Array in = Array::from_vector(std::vector<bool>{true, false});
  for (Unary f : {ceil, floor, trunc}) expect_exact<bool>(eval1({b}, f(b), {in}), {2}, {true, false});
  for (Unary f : {round, round_half_away_from_zero}) {
    expect_array(eval1({b}, f(b), {in}), DType::float32, {2}, {1, 0}, 0);
  }
}

// ---- arctan2

TEST(ElemwiseMath, Arctan2BroadcastsAndPromotes) {
  Variable y = matrix("y");
  Variable x = vector("x");
  const Array ys = Array::from({{1.0, -1.0, 0.0}, {-0.0, 2.5, -3.0}});
  const Array xs = Array::from({-1.0, 0.5, -0.0});
  std::vector<double> expected;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      expected.push_back(static_cast<double>(std::atan2(static_cast<long double>(ys.at<double>({i, j})),
                                                        static_cast<long double>(xs.at<double>({j})))));
    }
  }
  expect_array(eval1({y, x}, arctan2(y, x), {ys, xs}), DType::float64, {2, 3}, expected, 1e-15);
  // Signed zeros pick the quadrant: atan2(0, -0) = pi, atan2(-0, -0) = -pi.
  EXPECT_EQ(expected[2], std::numbers::pi);
  EXPECT_EQ(expected[3], -std::numbers::pi);

  // A literal takes the other operand's dtype; integers upcast (int8 -> float32,
  // int32 with float32 promotes to float64 as in NumPy).
  Variable y32 = vector("y32", DType::float32);
  expect_array(eval1({y32}, arctan2(y32, 2.0), {Array::from({1.0f, -2.0f})}), DType::float32, {2},
               {static_cast<float>(std::atan2(1.0L, 2.0L)), static_cast<float>(std::atan2(-2.0L, 2.0L))}, 1e-7);
  expect_array(eval1({y32}, arctan2(1, y32), {Array::from({1.0f, -2.0f})}), DType::float32, {2},
               {static_cast<float>(std::atan2(1.0L, 1.0L)), static_cast<float>(std::atan2(1.0L, -2.0L))}, 1e-7);
  Variable a8 = vector("a8", DType::int8);
  Variable b8 = vector("b8", DType::int8);
  expect_array(eval1({a8, b8}, arctan2(a8, b8), {Array::from<std::int8_t>({1, -3}), Array::from<std::int8_t>({-1, 0})}),
               DType::float32, {2},
               {static_cast<float>(std::atan2(1.0L, -1.0L)), static_cast<float>(std::atan2(-3.0L, 0.0L))}, 1e-7);
  Variable i32 = vector("i32", DType::int32);
  EXPECT_EQ(arctan2(i32, y32).dtype(), DType::float64);
  EXPECT_EQ(arctan2(vector("u16", DType::uint16), vector("b", DType::bool_)).dtype(), DType::float32);
}

// ---- layouts: non-contiguous, empty, size-1 and broadcast dimensions

TEST(ElemwiseMath, NonContiguousInputs) {
  std::vector<double> values;
  for (int i = 0; i < 24; ++i) values.push_back(0.1 + 0.37 * i);
  const Array base = Array::from_vector(values, {4, 6});
  const std::vector<Array> views = {base.transpose(), base.slice(1, 0, 6, 2), base.slice(1, -1, -100, -1),
                                    base.slice(0, 3, -100, -2).slice(1, 1, 6, 3), base.broadcast_to({2, 4, 6})};
  for (std::size_t k = 0; k < views.size(); ++k) {
    SCOPED_TRACE("view " + std::to_string(k));
    const Array& v = views[k];
    ASSERT_FALSE(v.is_contiguous());
    Variable x = tensor("x", DType::float64, Shape(static_cast<std::size_t>(v.ndim()), kUnknownDim));
    std::vector<double> expect_log, expect_round;
    for (double e : v.to_vector<double>()) {
      expect_log.push_back(static_cast<double>(std::log(static_cast<long double>(e))));
      expect_round.push_back(std::nearbyint(e));  // the default rounding mode is half-to-even
    }
    expect_array(eval1({x}, log(x), {v}), DType::float64, v.shape(), expect_log, 2e-15);
    expect_array(eval1({x}, round(x), {v}), DType::float64, v.shape(), expect_round, 0);
    // The same view as both operands of arctan2: atan2(v, v) is pi/4 for v > 0.
    expect_array(eval1({x}, arctan2(x, x), {v}), DType::float64, v.shape(),
                 std::vector<double>(static_cast<std::size_t>(v.size()), std::numbers::pi / 4), 1e-15);
  }
  // A non-contiguous integer view through an upcasting function.
  const Array ints = Array::from<std::int32_t>({{4, 9, 16}, {25, 36, 49}}).transpose();
  Variable xi = matrix("xi", DType::int32);
  expect_array(eval1({xi}, sqrt(xi), {ints}), DType::float64, {3, 2}, {2, 5, 3, 6, 4, 7}, 0);
}

TEST(ElemwiseMath, EmptyAndSizeOneDimensions) {
  Variable m = matrix("m");
  for (Unary f : {exp, erfinv, digamma, sigmoid, round, ceil}) {
    const Array out = eval1({m}, f(m), {Array::zeros(DType::float64, {0, 3})});
    EXPECT_EQ(out.shape(), (Shape{0, 3}));
    EXPECT_EQ(out.dtype(), DType::float64);
  }
  Variable mi = matrix("mi", DType::int16);
  const Array empty_int = eval1({mi}, log1p(mi), {Array::zeros(DType::int16, {3, 0})});
  EXPECT_EQ(empty_int.shape(), (Shape{3, 0}));
  EXPECT_EQ(empty_int.dtype(), DType::float32);
  EXPECT_EQ(eval1({mi}, floor(mi), {Array::zeros(DType::int16, {3, 0})}).dtype(), DType::int16);

  Variable v = vector("v");
  EXPECT_EQ(eval1({m, v}, arctan2(m, v), {Array::zeros(DType::float64, {0, 3}), Array::from({1.0, 2.0, 3.0})}).shape(),
            (Shape{0, 3}));
  // (2, 1) against (1, 3) broadcasts to (2, 3).
  Variable col = tensor("col", DType::float64, {2, 1});
  Variable row = tensor("row", DType::float64, {1, 3});
  const Array cols = Array::from({{1.0}, {-2.0}});
  const Array rows = Array::from({{1.0, 2.0, -4.0}});
  std::vector<double> expected;
  for (double a : {1.0, -2.0}) {
    for (double b : {1.0, 2.0, -4.0}) {
      expected.push_back(static_cast<double>(std::atan2(static_cast<long double>(a), static_cast<long double>(b))));
    }
  }
  expect_array(eval1({col, row}, arctan2(col, row), {cols, rows}), DType::float64, {2, 3}, expected, 1e-15);
  // 0-d.
  Variable s = scalar("s");
  expect_array(eval1({s}, cbrt(s), {Array::scalar(-8.0)}), DType::float64, {}, {-2}, 0);
}

TEST(ElemwiseMath, StaticAndSymbolicShapes) {
  Variable m = tensor("m", DType::float32, {kUnknownDim, 3});
  EXPECT_EQ(tanh(m).type(), (Type{DType::float32, {kUnknownDim, 3}}));
  EXPECT_EQ(sqrt(tensor("i", DType::int64, {2, 1})).type(), (Type{DType::float64, {2, 1}}));
  EXPECT_EQ(round(tensor("i", DType::uint8, {4})).type(), (Type{DType::uint8, {4}}));
  EXPECT_EQ(arctan2(tensor("a", DType::float64, {kUnknownDim, 1}), tensor("b", DType::float64, {5})).type(),
            (Type{DType::float64, {kUnknownDim, 5}}));

  Variable u = matrix("u");
  Variable w = vector("w");
  expect_shape_inference({u}, erfcx(u), {Array::zeros(DType::float64, {2, 3})});
  expect_shape_inference({u}, round_half_away_from_zero(u), {Array::zeros(DType::float64, {0, 4})});
  expect_shape_inference({u, w}, arctan2(u, w), {Array::zeros(DType::float64, {2, 3}), Array::zeros(DType::float64, {3})});
  expect_shape_inference({u, w}, arctan2(w, u), {Array::zeros(DType::float64, {4, 1}), Array::zeros(DType::float64, {5})});
}

// ---- the op records

TEST(ElemwiseMath, TraitsLoweringAndDifferentiability) {
  const std::vector<std::string> increasing = {
      "sqrt",    "cbrt",    "exp",     "exp2",     "expm1", "log",   "log2",   "log10",   "log1p",
      "arcsin",  "arctan",  "sinh",    "tanh",     "arcsinh", "arccosh", "arctanh", "sigmoid", "softplus",
      "erf",     "erfinv",  "ceil",    "floor",    "trunc", "round", "round_half_away_from_zero"};
  const std::vector<std::string> other = {"sin",  "cos",  "tan",   "arccos", "arctan2", "cosh",
                                          "erfc", "erfcx", "gamma", "gammaln", "digamma"};
  const std::vector<std::string> piecewise_constant = {"ceil", "floor", "trunc", "round", "round_half_away_from_zero"};
  for (const auto& name : increasing) {
    const OpDef& op = OpRegistry::get().op(name);
    EXPECT_TRUE(op.has(kMonotoneIncreasing)) << name;
  }
  for (const auto& name : other) {
    const OpDef& op = OpRegistry::get().op(name);
    EXPECT_FALSE(op.has(kMonotoneIncreasing)) << name;
    EXPECT_TRUE(op.not_differentiable_because.empty()) << name;
  }
  for (const auto& name : piecewise_constant) {
    EXPECT_NE(OpRegistry::get().op(name).not_differentiable_because.find("piecewise constant"), std::string::npos)
        << name;
  }
  for (const auto& name : increasing) {
    const OpDef& op = OpRegistry::get().op(name);
    EXPECT_TRUE(op.has(kElementwise) && op.has(kPure)) << name;
    ASSERT_TRUE(op.lowering.has_value()) << name;
    EXPECT_EQ(op.lowering->kind, Lowering::Kind::scalar) << name;
  }
  EXPECT_EQ(OpRegistry::get().op("round").lowering->scalar, ScalarPrim::round_half_even);
  EXPECT_EQ(OpRegistry::get().op("round_half_away_from_zero").lowering->scalar, ScalarPrim::round_half_away);
  EXPECT_EQ(OpRegistry::get().op("arctan2").lowering->scalar, ScalarPrim::arctan2);
  EXPECT_EQ(OpRegistry::get().op("gammaln").lowering->scalar, ScalarPrim::gammaln);
}

// ---- errors

TEST(ElemwiseMath, Arctan2StaticShapeMismatchNamesShapesAndLine) {
  Variable a = tensor("a", DType::float64, {2, 3});
  Variable b = tensor("b", DType::float64, {4});
  expect_error<ShapeError>([&] { (void)arctan2(a, b); },
                           {"arctan2", "(2, 3)", "(4,)", "elemwise_math_test.cpp"});
}

TEST(ElemwiseMath, Arctan2RunTimeShapeMismatchNamesShapesAndLine) {
  Variable a = matrix("a");
  Variable b = vector("b");
  Variable out = arctan2(a, b);
  expect_error<ShapeError>(
      [&] { (void)eval1({a, b}, out, {Array::zeros(DType::float64, {2, 3}), Array::zeros(DType::float64, {4})}); },
      {"arctan2", "(2, 3)", "(4,)", "elemwise_math_test.cpp"});
}

}  // namespace
}  // namespace hypatia
