// Reductions (src/ops/reduce.cpp) against hand-written loops: every op over several
// dtypes and axis sets, keepdims, empty and size-1 dimensions, non-contiguous inputs,
// NaN and inf, integer wrap-around, summation accuracy, and every error message.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
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

Array make(DType t, const std::vector<double>& values, const Shape& shape) {
  return visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> typed;
    for (double v : values) typed.push_back(static_cast<T>(v));
    return Array::from_vector(typed, shape);
  });
}

Variable input(DType t, int ndim) { return tensor("x", t, Shape(static_cast<std::size_t>(ndim), kUnknownDim)); }

// ---- the independent reference: group the flat C-order elements by output position

struct Grouped {
  Shape out_shape;
  std::vector<std::vector<double>> groups;  // one per output position, in C order
};

// `axes` as the user wrote them (nullopt: every axis).
Grouped group(const std::vector<double>& values, const Shape& shape, const std::optional<std::vector<std::int64_t>>& axes,
              bool keepdims) {
  const int nd = static_cast<int>(shape.size());
  std::vector<bool> reduced(shape.size(), !axes.has_value());
  if (axes) {
    for (std::int64_t a : *axes) reduced[static_cast<std::size_t>(a < 0 ? a + nd : a)] = true;
  }
  Grouped g;
  for (int d = 0; d < nd; ++d) {
    if (!reduced[static_cast<std::size_t>(d)]) g.out_shape.push_back(shape[static_cast<std::size_t>(d)]);
    else if (keepdims) g.out_shape.push_back(1);
  }
  std::int64_t out_size = 1;
  for (std::int64_t d : g.out_shape) out_size *= d;
  g.groups.resize(static_cast<std::size_t>(out_size));
  for (std::size_t i = 0; i < values.size(); ++i) {
    // The multi-index of i, then the output position from the kept axes.
    std::int64_t rest = static_cast<std::int64_t>(i), out = 0, scale = 1;
    for (int d = nd - 1; d >= 0; --d) {
      const std::int64_t n = shape[static_cast<std::size_t>(d)];
      const std::int64_t k = rest % n;
      rest /= n;
      if (!reduced[static_cast<std::size_t>(d)]) {
        out += k * scale;
        scale *= n;
      }
    }
    g.groups[static_cast<std::size_t>(out)].push_back(values[i]);
  }
  return g;
}

double ref_sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}
double ref_prod(const std::vector<double>& v) {
  double p = 1;
  for (double x : v) p *= x;
  return p;
}
double ref_mean(const std::vector<double>& v) { return v.empty() ? kNaN : ref_sum(v) / static_cast<double>(v.size()); }
double ref_var(const std::vector<double>& v, int ddof) {
  const double m = ref_mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return ss / std::max(static_cast<double>(v.size()) - ddof, 0.0);
}
double ref_max(const std::vector<double>& v) {
  double best = v.at(0);
  for (double x : v) {
    if (std::isnan(x)) return x;
    best = x > best ? x : best;
  }
  return best;
}
double ref_min(const std::vector<double>& v) {
  double best = v.at(0);
  for (double x : v) {
    if (std::isnan(x)) return x;
    best = x < best ? x : best;
  }
  return best;
}
double ref_argmax(const std::vector<double>& v) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) return static_cast<double>(i);
    if (v[i] > v[best]) best = i;
  }
  return static_cast<double>(best);
}
double ref_argmin(const std::vector<double>& v) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) return static_cast<double>(i);
    if (v[i] < v[best]) best = i;
  }
  return static_cast<double>(best);
}
double ref_all(const std::vector<double>& v) {
  for (double x : v) if (x == 0) return 0;
  return 1;
}
double ref_any(const std::vector<double>& v) {
  for (double x : v) if (x != 0) return 1;
  return 0;
}

// NumPy's result dtypes, written out.
enum class Result { sum, same, to_float, index, boolean };
DType expected_dtype(Result r, DType in) {
  const bool is_unsigned = in == DType::uint8 || in == DType::uint16 || in == DType::uint32 || in == DType::uint64;
  const bool is_fp = in == DType::float32 || in == DType::float64;
  switch (r) {
    case Result::sum: return is_fp ? in : (is_unsigned ? DType::uint64 : DType::int64);
    case Result::same: return in;
    case Result::to_float: return is_fp ? in : DType::float64;
    case Result::index: return DType::int64;
    case Result::boolean: return DType::bool_;
  }
  return in;
}

struct OpCase {
  const char* name;
  std::function<Variable(const Variable&, const Axes&, bool)> build;
  std::function<double(const std::vector<double>&)> ref;
  Result result;
  bool one_axis;  // argmax, argmin: one axis or every axis
};

std::optional<std::int64_t> the_axis(const Axes& a) {
  return a.is_all() ? std::nullopt : std::optional<std::int64_t>(a.list().at(0));
}

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = {
      {"sum", [](const Variable& x, const Axes& a, bool k) { return sum(x, a, k); }, ref_sum, Result::sum, false},
      {"prod", [](const Variable& x, const Axes& a, bool k) { return prod(x, a, k); }, ref_prod, Result::sum, false},
      {"mean", [](const Variable& x, const Axes& a, bool k) { return mean(x, a, k); }, ref_mean, Result::to_float,
       false},
      {"var", [](const Variable& x, const Axes& a, bool k) { return var(x, a, 0, k); },
       [](const std::vector<double>& v) { return ref_var(v, 0); }, Result::to_float, false},
      {"var ddof=1", [](const Variable& x, const Axes& a, bool k) { return var(x, a, 1, k); },
       [](const std::vector<double>& v) { return ref_var(v, 1); }, Result::to_float, false},
      {"std ddof=1", [](const Variable& x, const Axes& a, bool k) { return hypatia::std(x, a, 1, k); },
       [](const std::vector<double>& v) { return std::sqrt(ref_var(v, 1)); }, Result::to_float, false},
      {"max", [](const Variable& x, const Axes& a, bool k) { return max(x, a, k); }, ref_max, Result::same, false},
      {"min", [](const Variable& x, const Axes& a, bool k) { return min(x, a, k); }, ref_min, Result::same, false},
      {"argmax", [](const Variable& x, const Axes& a, bool k) { return argmax(x, the_axis(a), k); }, ref_argmax,
       Result::index, true},
      {"argmin", [](const Variable& x, const Axes& a, bool k) { return argmin(x, the_axis(a), k); }, ref_argmin,
       Result::index, true},
      {"all", [](const Variable& x, const Axes& a, bool k) { return all(x, a, k); }, ref_all, Result::boolean, false},
      {"any", [](const Variable& x, const Axes& a, bool k) { return any(x, a, k); }, ref_any, Result::boolean, false},
  };
  return cases;
}

// Values of a (2, 3, 4) input for dtype t, with repeats (ties for argmax) and zeros.
std::vector<double> table_values(DType t) {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) {
    const int k = (i * 5) % 7;  // 0..6
    if (t == DType::bool_) v.push_back(k % 3 == 0 ? 1 : 0);
    else if (t == DType::uint8 || t == DType::uint64) v.push_back(k);
    else if (t == DType::int8 || t == DType::int32) v.push_back(k - 3);
    else v.push_back((((i * 37) % 17) - 8) * 0.25);
  }
  return v;
}

// Runs op over x and compares with the grouped reference.
void check(const OpCase& op, DType t, const Array& x, const std::vector<double>& c_order_values,
           const std::optional<std::vector<std::int64_t>>& axes, bool keepdims) {
  const Axes a = axes ? Axes(*axes) : Axes(std::nullopt);
  const Variable in = input(t, x.ndim());
  const Array got = eval1({in}, op.build(in, a, keepdims), {x});
  const Grouped g = group(c_order_values, x.shape(), axes, keepdims);
  std::vector<double> expected;
  for (const auto& values : g.groups) expected.push_back(op.ref(values));
  const bool single = expected_dtype(op.result, t) == DType::float32;
  expect_array(got, expected_dtype(op.result, t), g.out_shape, expected, single ? 1e-5 : 1e-12, single ? 1e-5 : 1e-12);
}

TEST(Reduce, EveryOpDtypeAndAxisSetAgainstLoops) {
  const DType dtypes[] = {DType::bool_, DType::int8, DType::int32, DType::uint8,
                          DType::uint64, DType::float32, DType::float64};
  const std::vector<std::optional<std::vector<std::int64_t>>> axis_sets = {
      std::nullopt, std::vector<std::int64_t>{1}, std::vector<std::int64_t>{-1}, std::vector<std::int64_t>{0, 2},
      std::vector<std::int64_t>{2, 0}, std::vector<std::int64_t>{0, 1, 2}, std::vector<std::int64_t>{}};
  const Shape shape = {2, 3, 4};
  for (const OpCase& op : op_cases()) {
    for (DType t : dtypes) {
      const std::vector<double> values = table_values(t);
      const Array x = make(t, values, shape);
      for (const auto& axes : axis_sets) {
        if (op.one_axis && axes && axes->size() != 1) continue;
        for (bool keepdims : {false, true}) {
          SCOPED_TRACE(std::string(op.name) + " " + std::string(dtype_name(t)) + " axes " +
                       (axes ? std::to_string(axes->size()) + " listed" : "None") + (keepdims ? " keepdims" : ""));
          check(op, t, x, values, axes, keepdims);
        }
      }
    }
  }
}

// Transposed, strided and reversed views of a (4, 6) float64 array b[i][j] = f(i, j);
// the reference reads b through the view's index mapping, written out here.
TEST(Reduce, NonContiguousInputs) {
  auto f = [](std::int64_t i, std::int64_t j) { return static_cast<double>((i * 7 + j * 3) % 11) - 5.0 + 0.5 * j; };
  std::vector<double> base;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 6; ++j) base.push_back(f(i, j));
  const Array b = Array::from_vector(base, {4, 6});
  struct View {
    const char* what;
    Array a;
    std::function<double(std::int64_t, std::int64_t)> at;
  };
  const View views[] = {
      {"transposed", b.transpose(), [&](std::int64_t r, std::int64_t c) { return f(c, r); }},
      {"every other column", b.slice(1, 0, 6, 2), [&](std::int64_t r, std::int64_t c) { return f(r, 2 * c); }},
      {"rows reversed", b.slice(0, 3, -5, -1), [&](std::int64_t r, std::int64_t c) { return f(3 - r, c); }},
      {"broadcast row", b.slice(0, 1, 2).broadcast_to({3, 6}), [&](std::int64_t, std::int64_t c) { return f(1, c); }},
  };
  const std::vector<std::optional<std::vector<std::int64_t>>> axis_sets = {
      std::nullopt, std::vector<std::int64_t>{0}, std::vector<std::int64_t>{1}};
  for (const View& v : views) {
    std::vector<double> values;
    for (std::int64_t r = 0; r < v.a.shape()[0]; ++r)
      for (std::int64_t c = 0; c < v.a.shape()[1]; ++c) values.push_back(v.at(r, c));
    for (const OpCase& op : op_cases()) {
      for (const auto& axes : axis_sets) {
        SCOPED_TRACE(std::string(v.what) + " " + op.name + (axes ? " axis " + std::to_string(axes->at(0)) : ""));
        check(op, DType::float64, v.a, values, axes, false);
      }
    }
  }
}

TEST(Reduce, EmptyAndSizeOneDimensions) {
  const Variable x = input(DType::float64, 2);
  const Array e = Array::zeros(DType::float64, {0, 3});
  expect_array(eval1({x}, sum(x, {0}), {e}), DType::float64, {3}, {0, 0, 0});
  expect_array(eval1({x}, prod(x, {0}), {e}), DType::float64, {3}, {1, 1, 1});
  expect_array(eval1({x}, mean(x, {0}), {e}), DType::float64, {3}, {kNaN, kNaN, kNaN});
  expect_array(eval1({x}, var(x, {0}), {e}), DType::float64, {3}, {kNaN, kNaN, kNaN});
  expect_array(eval1({x}, sum(x), {e}), DType::float64, {}, {0});
  expect_array(eval1({x}, sum(x, std::nullopt, true), {e}), DType::float64, {1, 1}, {0});
  expect_exact<bool>(eval1({x}, all(x, {0}), {e}), {3}, {true, true, true});
  expect_exact<bool>(eval1({x}, any(x, {0}), {e}), {3}, {false, false, false});
  // Reducing a non-empty axis of an empty array: an empty result, no error (NumPy).
  expect_array(eval1({x}, max(x, {1}), {e}), DType::float64, {0}, {});
  expect_array(eval1({x}, argmin(x, 1), {e}), DType::int64, {0}, {});
  expect_array(eval1({x}, sum(x, {1}, true), {e}), DType::float64, {0, 1}, {});
  // Reducing nothing of an empty array.
  expect_array(eval1({x}, max(x, {}), {e}), DType::float64, {0, 3}, {});
  // Integer sums of nothing.
  const Variable xi = input(DType::int8, 1);
  expect_exact<std::int64_t>(eval1({xi}, sum(xi), {Array::zeros(DType::int8, {0})}), {}, {0});
  expect_exact<std::int64_t>(eval1({xi}, prod(xi), {Array::zeros(DType::int8, {0})}), {}, {1});
  // Size-1 dimensions and a 0-d input.
  const Array one = Array::from_vector(std::vector<double>{2.5, -1.0, 4.0}, {1, 3});
  expect_array(eval1({x}, max(x, {0}), {one}), DType::float64, {3}, {2.5, -1.0, 4.0});
  expect_array(eval1({x}, var(x, {0}), {one}), DType::float64, {3}, {0, 0, 0});
  expect_array(eval1({x}, argmax(x, 1, true), {one}), DType::int64, {1, 1}, {2});
  const Variable s = input(DType::float64, 0);
  expect_array(eval1({s}, sum(s), {Array::scalar(3.5)}), DType::float64, {}, {3.5});
  expect_array(eval1({s}, max(s, {}), {Array::scalar(3.5)}), DType::float64, {}, {3.5});
  expect_array(eval1({s}, argmax(s), {Array::scalar(3.5)}), DType::int64, {}, {0});
  expect_array(eval1({s}, mean(s, std::nullopt, true), {Array::scalar(3.5)}), DType::float64, {}, {3.5});
}

TEST(Reduce, NaNAndInfinity) {
  const Variable x = input(DType::float64, 1);
  const Array a = Array::from({1.0, kNaN, kInf, kNaN, -kInf});
  expect_array(eval1({x}, max(x), {a}), DType::float64, {}, {kNaN});
  expect_array(eval1({x}, min(x), {a}), DType::float64, {}, {kNaN});
  expect_array(eval1({x}, argmax(x), {a}), DType::int64, {}, {1});
  expect_array(eval1({x}, argmin(x), {a}), DType::int64, {}, {1});
  expect_array(eval1({x}, sum(x), {a}), DType::float64, {}, {kNaN});
  const Array inf = Array::from({1.0, kInf, -2.0, kInf});
  expect_array(eval1({x}, max(x), {inf}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, argmax(x), {inf}), DType::int64, {}, {1});  // the first of two
  expect_array(eval1({x}, sum(x), {inf}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, mean(x), {inf}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, var(x), {inf}), DType::float64, {}, {kNaN});  // inf - inf
  expect_array(eval1({x}, sum(x), {Array::from({kInf, -kInf})}), DType::float64, {}, {kNaN});
  expect_array(eval1({x}, min(x), {Array::from({3.0, -kInf, 0.0})}), DType::float64, {}, {-kInf});
  // Signed zeros as NumPy: a sum of -0 is +0; max and min keep the last of equals.
  EXPECT_FALSE(std::signbit(eval1({x}, sum(x), {Array::from({-0.0, -0.0})}).item<double>()));
  EXPECT_TRUE(std::signbit(eval1({x}, max(x), {Array::from({0.0, -0.0})}).item<double>()));
  EXPECT_FALSE(std::signbit(eval1({x}, min(x), {Array::from({-0.0, 0.0})}).item<double>()));
  // NaN is true, -0 is false.
  expect_exact<bool>(eval1({x}, all(x), {Array::from({kNaN, 1.0})}), {}, {true});
  expect_exact<bool>(eval1({x}, any(x), {Array::from({-0.0, 0.0})}), {}, {false});
  // float32 keeps its dtype through NaN.
  const Variable y = input(DType::float32, 1);
  expect_array(eval1({y}, max(y), {make(DType::float32, {1, kNaN}, {2})}), DType::float32, {}, {kNaN});
}

TEST(Reduce, IntegerSumsAndProductsWrap) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const Variable x = input(DType::int64, 1);
  expect_exact<std::int64_t>(eval1({x}, sum(x), {Array::from_vector(std::vector<std::int64_t>{big, 1})}), {},
                             {std::numeric_limits<std::int64_t>::min()});
  expect_exact<std::int64_t>(eval1({x}, prod(x), {Array::from_vector(std::vector<std::int64_t>{std::int64_t{1} << 62, 4})}),
                             {}, {0});
  expect_exact<std::int64_t>(eval1({x}, prod(x), {Array::from_vector(std::vector<std::int64_t>{-1, big, 3})}), {},
                             {-static_cast<std::int64_t>(static_cast<std::uint64_t>(big) * 3)});
  const Variable u = input(DType::uint64, 1);
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  expect_exact<std::uint64_t>(eval1({u}, sum(u), {Array::from_vector(std::vector<std::uint64_t>{top, 2})}), {}, {1});
  expect_exact<std::uint64_t>(eval1({u}, max(u), {Array::from_vector(std::vector<std::uint64_t>{top - 1, top, 7})}),
                              {}, {top});
  // Narrow ints accumulate in 64 bits: no int8 or uint8 wrap.
  const Variable i8 = input(DType::int8, 1);
  expect_exact<std::int64_t>(eval1({i8}, sum(i8), {Array::from_vector(std::vector<std::int8_t>(300, -128))}), {},
                             {-38400});
  const Variable u8 = input(DType::uint8, 1);
  expect_exact<std::uint64_t>(eval1({u8}, prod(u8), {Array::from_vector(std::vector<std::uint8_t>(8, 255))}), {},
                              {17878103347812890625ull});  // 255^8
  expect_exact<std::uint64_t>(eval1({u8}, sum(u8), {Array::from_vector(std::vector<std::uint8_t>(300, 255))}), {},
                              {76500});
  // The mean of int64 is taken in float64.
  expect_array(eval1({x}, mean(x), {Array::from_vector(std::vector<std::int64_t>{big, big})}), DType::float64, {},
               {9223372036854775807.0});
}

// A naive float32 loop gives about 1087937 for the first sum; NumPy's per-buffer
// pairwise gives 999989.44; exact is 1e7 * float(0.1) = 1000000.0149.
TEST(Reduce, FloatSumsArePairwise) {
  const double tenth = static_cast<double>(0.1f);
  const Variable x = input(DType::float32, 1);
  expect_array(eval1({x}, sum(x), {Array::full(DType::float32, {10'000'000}, 0.1)}), DType::float32, {},
               {1e7 * tenth}, 1e-6);
  // A naive loop is 1% off here.
  expect_array(eval1({x}, mean(x), {Array::full(DType::float32, {1'000'000}, 0.1)}), DType::float32, {}, {tenth},
               1e-6);
  // Along a strided axis too.
  const Variable m = input(DType::float32, 2);
  const Array cols = Array::full(DType::float32, {1'000'000, 2}, 0.1);
  expect_array(eval1({m}, sum(m, {0}), {cols}), DType::float32, {2}, std::vector<double>(2, 1e6 * tenth), 1e-6);
}

// Two passes: the squared deviations are exact here; sum(x^2)/n - mean^2 would lose
// every digit (1e16 next to 1.25).
TEST(Reduce, VarianceIsTwoPass) {
  const Variable x = input(DType::float64, 1);
  const Array a = Array::from({1e8 + 1, 1e8 + 2, 1e8 + 3, 1e8 + 4});
  expect_array(eval1({x}, var(x), {a}), DType::float64, {}, {1.25});
  expect_array(eval1({x}, hypatia::std(x, std::nullopt, 1), {a}), DType::float64, {}, {std::sqrt(5.0 / 3.0)});
  const Variable y = input(DType::float32, 1);
  expect_array(eval1({y}, var(y), {make(DType::float32, {1e4 + 1, 1e4 + 2, 1e4 + 3, 1e4 + 4}, {4})}), DType::float32,
               {}, {1.25});
}

// NumPy divides by max(N - ddof, 0): inf, or NaN when every deviation is 0.
TEST(Reduce, VarianceWithDdofAtLeastN) {
  const Variable x = input(DType::float64, 1);
  expect_array(eval1({x}, var(x, std::nullopt, 2), {Array::from({1.0, 2.0})}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, var(x, std::nullopt, 2), {Array::from({1.0, 1.0})}), DType::float64, {}, {kNaN});
  expect_array(eval1({x}, var(x, std::nullopt, 3), {Array::from({1.0, 2.0})}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, hypatia::std(x, std::nullopt, 5), {Array::from({1.0, 2.0})}), DType::float64, {}, {kInf});
  expect_array(eval1({x}, var(x, std::nullopt, -1), {Array::from({1.0, 2.0, 3.0})}), DType::float64, {}, {0.5});
}

TEST(Reduce, ResultDtypes) {
  struct Case {
    DType in;
    DType sum, mean, max;
  };
  const Case cases[] = {
      {DType::bool_, DType::int64, DType::float64, DType::bool_},
      {DType::int8, DType::int64, DType::float64, DType::int8},
      {DType::int16, DType::int64, DType::float64, DType::int16},
      {DType::uint16, DType::uint64, DType::float64, DType::uint16},
      {DType::uint32, DType::uint64, DType::float64, DType::uint32},
      {DType::float32, DType::float32, DType::float32, DType::float32},
      {DType::float64, DType::float64, DType::float64, DType::float64},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(dtype_name(c.in));
    const Variable x = input(c.in, 2);
    EXPECT_EQ(sum(x).dtype(), c.sum);
    EXPECT_EQ(prod(x, {0}).dtype(), c.sum);
    EXPECT_EQ(mean(x).dtype(), c.mean);
    EXPECT_EQ(var(x).dtype(), c.mean);
    EXPECT_EQ(hypatia::std(x).dtype(), c.mean);
    EXPECT_EQ(max(x).dtype(), c.max);
    EXPECT_EQ(min(x).dtype(), c.max);
    EXPECT_EQ(argmax(x).dtype(), DType::int64);
    EXPECT_EQ(argmin(x, 0).dtype(), DType::int64);
    EXPECT_EQ(all(x).dtype(), DType::bool_);
    EXPECT_EQ(any(x).dtype(), DType::bool_);
  }
  const Variable b = input(DType::bool_, 1);
  expect_exact<bool>(eval1({b}, max(b), {Array::from_vector(std::vector<bool>{false, true})}), {}, {true});
  expect_exact<std::int64_t>(eval1({b}, sum(b), {Array::from_vector(std::vector<bool>{true, true, false})}), {}, {2});
}

TEST(Reduce, StaticShapes) {
  const Variable x = tensor("x", DType::float64, {2, kUnknownDim, 4});
  EXPECT_EQ(sum(x).type().shape, (Shape{}));
  EXPECT_EQ(sum(x, {1}).type().shape, (Shape{2, 4}));
  EXPECT_EQ(sum(x, {1}, true).type().shape, (Shape{2, 1, 4}));
  EXPECT_EQ(max(x, {0, -1}).type().shape, (Shape{kUnknownDim}));
  EXPECT_EQ(mean(x, {}).type().shape, (Shape{2, kUnknownDim, 4}));
  EXPECT_EQ(argmax(x, std::nullopt, true).type().shape, (Shape{1, 1, 1}));
  EXPECT_EQ(argmin(x, -2).type().shape, (Shape{2, 4}));
  EXPECT_EQ(var(x, {2}, 1, true).type().shape, (Shape{2, kUnknownDim, 1}));
}

TEST(Reduce, SymbolicShapeInference) {
  const Variable x = input(DType::float64, 3);
  const Array a = Array::zeros(DType::float64, {2, 0, 5});
  expect_shape_inference({x}, sum(x, {1}), {a});
  expect_shape_inference({x}, sum(x, {1}, true), {a});
  expect_shape_inference({x}, mean(x, {0, 2}), {a});
  expect_shape_inference({x}, any(x, std::nullopt, true), {a});
  expect_shape_inference({x}, var(x, {}), {a});
  expect_shape_inference({x}, argmin(x, 2), {a});
  expect_shape_inference({x}, prod(x), {a});
}

// The user's axes are normalized, so equal reductions are one node.
TEST(Reduce, AxesAreNormalized) {
  const Variable x = input(DType::float64, 2);
  EXPECT_EQ(sum(x, {-1}), sum(x, {1}));
  EXPECT_EQ(sum(x, {1, 0}), sum(x));
  EXPECT_EQ(argmax(x, -2), argmax(x, 0));
  EXPECT_NE(sum(x, {1}), sum(x, {1}, true));
  EXPECT_NE(var(x, {1}, 0), var(x, {1}, 1));
}

TEST(Reduce, RegistryEntries) {
  const OpRegistry& r = OpRegistry::get();
  for (const char* name : {"sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin", "all", "any"}) {
    SCOPED_TRACE(name);
    const OpDef& op = r.op(name);
    EXPECT_TRUE(op.has(kReduction));
    ASSERT_TRUE(op.lowering.has_value());
  }
  EXPECT_EQ(r.op("sum").lowering->kind, Lowering::Kind::reduction);
  EXPECT_EQ(r.op("sum").lowering->reduce, ReducePrim::sum);
  EXPECT_EQ(r.op("argmin").lowering->reduce, ReducePrim::argmin);
  EXPECT_EQ(r.op("mean").lowering->kind, Lowering::Kind::reduction);
  EXPECT_FALSE(r.op("mean").lowering->detail.empty());
  EXPECT_EQ(r.op("var").lowering->kind, Lowering::Kind::composite);
  EXPECT_EQ(r.op("std").lowering->kind, Lowering::Kind::composite);
  for (const char* name : {"argmax", "argmin", "all", "any"}) {
    EXPECT_FALSE(r.op(name).not_differentiable_because.empty()) << name;
  }
  for (const char* name : {"sum", "prod", "mean", "var", "std", "max", "min"}) {
    EXPECT_TRUE(r.op(name).not_differentiable_because.empty()) << name;
  }
}

// The README's example, with a row sum.
TEST(Reduce, ReadmeExample) {
  auto x = matrix("x", DType::float64);
  auto y = vector("y", DType::float64);
  auto z = exp(x) * 2.0 + y;
  const Array out = eval1({x, y}, sum(z, {1}), {Array::from({{1.0, 2.0}, {3.0, 4.0}}), Array::from({0.5, 0.25})});
  expect_array(out, DType::float64, {2},
               {2 * std::exp(1.0) + 0.5 + 2 * std::exp(2.0) + 0.25, 2 * std::exp(3.0) + 0.5 + 2 * std::exp(4.0) + 0.25});
}

// ---- errors

TEST(ReduceErrors, AxisOutOfRange) {
  const Variable x = input(DType::float64, 2);
  expect_error<IndexError>([&] { sum(x, {2}); },
                           {"reduce_test.cpp", "sum", "axis 2 is out of bounds for array of dimension 2"});
  expect_error<IndexError>([&] { argmax(x, -3); },
                           {"reduce_test.cpp", "argmax", "axis -3 is out of bounds for array of dimension 2"});
}

TEST(ReduceErrors, RepeatedAxis) {
  const Variable x = input(DType::float64, 3);
  expect_error<ValueError>([&] { mean(x, {1, -2}); }, {"reduce_test.cpp", "mean", "repeated axis 1"});
}

TEST(ReduceErrors, EmptySelectionHasNoIdentity) {
  const Variable x = input(DType::float64, 2);
  expect_error<ValueError>([&] { eval1({x}, max(x, {0}), {Array::zeros(DType::float64, {0, 3})}); },
                           {"reduce_test.cpp", "max", "zero-size array to reduction operation max which has no identity",
                            "(0, 3)"});
  expect_error<ValueError>([&] { eval1({x}, argmin(x), {Array::zeros(DType::float64, {2, 0})}); },
                           {"argmin", "zero-size array to reduction operation argmin"});
  // Even when the result would be empty too (NumPy: zeros((0, 0)).max(axis=1)).
  expect_error<ValueError>([&] { eval1({x}, min(x, {1}), {Array::zeros(DType::float64, {0, 0})}); },
                           {"min", "zero-size array"});
}

}  // namespace
}  // namespace hypatia
