// repeat, roll, flip, pad and diff against references written here (index arithmetic
// over C order) and NumPy's own results as constants where its rules are intricate
// (pad's reflection beyond the axis): every dtype, negative axes, empty and size-1
// axes, non-contiguous inputs, shape inference and each error message.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "graph/op.hpp"
#include "join_test_util.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using namespace testing;

// out[idx] = x[src(idx)] for every index of `out_shape`; src may return an empty index
// for `fill`.
std::vector<double> gather_ref(const Array& x, const Shape& out_shape,
                               const std::function<std::vector<std::int64_t>(std::vector<std::int64_t>)>& src,
                               double fill = 0) {
  const std::vector<double> v = x.to_vector<double>();
  std::vector<double> r;
  for (std::int64_t e = 0; e < shape_size(out_shape); ++e) {
    const std::vector<std::int64_t> s = src(unravel(e, out_shape));
    r.push_back(s.empty() ? fill : v[static_cast<std::size_t>(ravel(s, x.shape()))]);
  }
  return r;
}

// ---------------------------------------------------------------- repeat

TEST(Repeat, ScalarAndPerElementCounts) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {2, 3});
    const Variable v = matrix("x", dt);
    // Along axis 1, twice: column j of the result reads column j / 2.
    expect_array(eval1({v}, repeat(v, 2, 1), {x}), dt, {2, 6}, gather_ref(x, {2, 6}, [](auto i) {
                   return std::vector<std::int64_t>{i[0], i[1] / 2};
                 }));
    // Per row, counts (0, 3), along axis -2.
    const Variable counts = constant(Array::from<std::int64_t>({0, 3}));
    expect_array(eval1({v}, repeat(v, counts, -2), {x}), dt, {3, 3}, gather_ref(x, {3, 3}, [](auto i) {
                   return std::vector<std::int64_t>{1, i[1]};
                 }));
    // No axis: the flattened x.
    expect_array(eval1({v}, repeat(v, 2), {x}), dt, {12},
                 gather_ref(x.reshape({6}), {12}, [](auto i) { return std::vector<std::int64_t>{i[0] / 2}; }));
  }
}

TEST(Repeat, NonContiguousEmptySymbolicAndShapeInference) {
  const Array t = iota(DType::float64, {3, 2}).transpose();  // (2, 3)
  const Variable m = tensor("m", DType::float64, {kUnknownDim, kUnknownDim});
  const Variable r = vector("r", DType::int64), k = scalar("k", DType::int64);
  const Array counts = Array::from<std::int64_t>({1, 0, 2});
  expect_array(eval1({m, r}, repeat(m, r, 1), {t, counts}), DType::float64, {2, 3}, {0, 4, 4, 1, 5, 5});
  expect_shape_inference({m, r}, repeat(m, r, 1), {t, counts});
  expect_shape_inference({m, r}, repeat(m, r, 0), {t, Array::from<std::int64_t>({3})});
  expect_shape_inference({m, k}, repeat(m, k, -1), {t, Array::scalar<std::int64_t>(4)});
  expect_shape_inference({m, k}, repeat(m, k), {t, Array::scalar<std::int64_t>(2)});
  const Variable one = tensor("one", DType::int64, {1});
  expect_shape_inference({m, one}, repeat(m, one, 1), {t, Array::from<std::int64_t>({2})});
  // A reversed (negative-stride) x and an int32 count.
  const Array rev = iota(DType::int32, {4}).slice(0, 3, -5, -1);  // [3 2 1 0]
  const Variable v = vector("v", DType::int32);
  expect_exact<std::int32_t>(eval1({v}, repeat(v, std::int32_t{2}), {rev}), {8}, {3, 3, 2, 2, 1, 1, 0, 0});
  expect_array(eval1({m}, repeat(m, 3, 0), {Array::zeros(DType::float64, {0, 2})}), DType::float64, {0, 2}, {});
  expect_array(eval1({m}, repeat(m, 0, 1), {t}), DType::float64, {2, 0}, {});
  // Static sizes from constant counts.
  const Variable s = tensor("s", DType::float64, {2, 3});
  EXPECT_EQ(repeat(s, 2, 1).type().shape, (Shape{2, 6}));
  EXPECT_EQ(repeat(s, constant(Array::from<std::int64_t>({1, 2})), 0).type().shape, (Shape{3, 3}));
  EXPECT_EQ(repeat(s, r, 0).type().shape, (Shape{kUnknownDim, 3}));
}

TEST(Repeat, Errors) {
  const Variable s = tensor("s", DType::float64, {2, 3});
  expect_error<ValueError>([&] { repeat(s, -1, 0); },
                           {"repeat", "repeats may not contain negative values.", "rearrange_test.cpp"});
  expect_error<ValueError>(
      [&] {
        repeat(s, constant(Array::from<std::int64_t>({1, 2, 3})), 0);
      },
      {"repeat", "operands could not be broadcast together with shape (2,) (3,)", "rearrange_test.cpp"});
  expect_error<TypeError>([&] { repeat(s, 1.5, 0); },
                          {"repeat", "repeats must be an integer scalar or vector", "rearrange_test.cpp"});
  expect_error<ValueError>([&] { repeat(s, 2, 2); },
                           {"repeat", "axis 2 is out of bounds for array of dimension 2", "rearrange_test.cpp"});
  const Variable r = vector("r", DType::int64);
  const Variable x = repeat(s, r, 1);
  expect_error<ValueError>(
      [&] {
        eval1({s, r}, x, {iota(DType::float64, {2, 3}), Array::from<std::int64_t>({1, -1, 0})});
      },
      {"repeat", "repeats may not contain negative values.", "rearrange_test.cpp"});
  expect_error<ValueError>(
      [&] {
        eval1({s, r}, x, {iota(DType::float64, {2, 3}), Array::from<std::int64_t>({1, 1})});
      },
      {"repeat", "operands could not be broadcast together with shape (3,) (2,)"});
}

// ---------------------------------------------------------------- roll

TEST(Roll, Values) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {2, 3});
    const Variable v = matrix("x", dt);
    for (std::int64_t shift : {-7, -1, 0, 1, 2, 3, 10}) {
      auto mod = [](std::int64_t a, std::int64_t n) { return ((a % n) + n) % n; };
      expect_array(eval1({v}, roll(v, shift, 1), {x}), dt, {2, 3}, gather_ref(x, {2, 3}, [&](auto i) {
                     return std::vector<std::int64_t>{i[0], mod(i[1] - shift, 3)};
                   }));
      expect_array(eval1({v}, roll(v, shift, -2), {x}), dt, {2, 3}, gather_ref(x, {2, 3}, [&](auto i) {
                     return std::vector<std::int64_t>{mod(i[0] - shift, 2), i[1]};
                   }));
      // No axis: over the flattened x, then back to x's shape.
      expect_array(eval1({v}, roll(v, shift), {x}), dt, {2, 3}, gather_ref(x.reshape({6}), {6}, [&](auto i) {
                     return std::vector<std::int64_t>{mod(i[0] - shift, 6)};
                   }));
    }
  }
}

TEST(Roll, SymbolicShiftNonContiguousAndEmpty) {
  const Variable m = tensor("m", DType::float64, {kUnknownDim, kUnknownDim}), k = scalar("k", DType::int64);
  const Array t = iota(DType::float64, {3, 2}).transpose();  // [[0 2 4] [1 3 5]]
  expect_array(eval1({m, k}, roll(m, k, 1), {t, Array::scalar<std::int64_t>(-1)}), DType::float64, {2, 3},
               {2, 4, 0, 3, 5, 1});
  const std::int64_t huge = std::numeric_limits<std::int64_t>::min();  // -2^63 = 1 (mod 3)
  expect_array(eval1({m, k}, roll(m, k, 1), {t, Array::scalar<std::int64_t>(huge)}), DType::float64, {2, 3},
               {4, 0, 2, 5, 1, 3});
  expect_array(eval1({m, k}, roll(m, k, 0), {Array::zeros(DType::float64, {0, 2}), Array::scalar<std::int64_t>(3)}),
               DType::float64, {0, 2}, {});
  expect_shape_inference({m, k}, roll(m, k), {t, Array::scalar<std::int64_t>(2)});
  const Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, roll(s, 5), {Array::scalar(2.5)}), DType::float64, {}, {2.5});
  expect_error<TypeError>([&] { roll(m, 1.5, 0); }, {"roll", "shift must be an integer scalar", "rearrange_test.cpp"});
  expect_error<ValueError>([&] { roll(m, 1, -3); },
                           {"roll", "axis -3 is out of bounds for array of dimension 2", "rearrange_test.cpp"});
}

// ---------------------------------------------------------------- flip

TEST(Flip, ValuesAndViews) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {2, 3, 2});
    const Variable v = tensor3("x", dt);
    expect_array(eval1({v}, flip(v), {x}), dt, {2, 3, 2}, gather_ref(x, {2, 3, 2}, [](auto i) {
                   return std::vector<std::int64_t>{1 - i[0], 2 - i[1], 1 - i[2]};
                 }));
    expect_array(eval1({v}, flip(v, {1}), {x}), dt, {2, 3, 2}, gather_ref(x, {2, 3, 2}, [](auto i) {
                   return std::vector<std::int64_t>{i[0], 2 - i[1], i[2]};
                 }));
    expect_array(eval1({v}, flip(v, {0, -1}), {x}), dt, {2, 3, 2}, gather_ref(x, {2, 3, 2}, [](auto i) {
                   return std::vector<std::int64_t>{1 - i[0], i[1], 1 - i[2]};
                 }));
  }
  // A non-contiguous x, an empty axis, and the kernel's result is a view.
  const Array t = iota(DType::float64, {3, 2}).transpose();  // [[0 2 4] [1 3 5]]
  const Variable m = matrix("m", DType::float64);
  expect_array(eval1({m}, flip(flip(m, {1}), {0}), {t}), DType::float64, {2, 3}, {5, 3, 1, 4, 2, 0});
  expect_array(eval1({m}, flip(m), {Array::zeros(DType::float64, {0, 3})}), DType::float64, {0, 3}, {});
  const Variable f = flip(m, {1});
  const Array direct = f.node().op().reference(KernelArgs{std::vector<Array>{t}, f.node()}).at(0);
  EXPECT_TRUE(direct.shares_memory_with(t));
  expect_array(direct, DType::float64, {2, 3}, {4, 2, 0, 5, 3, 1});
  EXPECT_EQ(flip(m, {}), m);
  expect_shape_inference({m}, f, {t});
  expect_error<ValueError>([&] { flip(m, {2}); },
                           {"flip", "axis 2 is out of bounds for array of dimension 2", "rearrange_test.cpp"});
  expect_error<ValueError>([&] { flip(m, {1, -1}); }, {"flip", "repeated axis", "rearrange_test.cpp"});
}

// ---------------------------------------------------------------- pad

// numpy.pad for widths no larger than the axis allows a single mirror: the source of
// position j (relative to x) along an axis of n.
std::int64_t pad_src(const std::string& mode, std::int64_t j, std::int64_t n) {
  if (j >= 0 && j < n) return j;
  if (mode == "constant") return -1;
  if (mode == "edge" || n == 1) return j < 0 ? 0 : n - 1;
  return j < 0 ? -j : 2 * (n - 1) - j;  // reflect
}

TEST(Pad, ModesEveryDtype) {
  const std::vector<std::pair<std::int64_t, std::int64_t>> widths{{1, 2}, {0, 1}};
  for (const std::string mode : {"constant", "edge", "reflect"}) {
    for (DType dt : kDTypes) {
      SCOPED_TRACE(mode + " " + std::string(dtype_name(dt)));
      const Array x = iota(dt, {3, 2}, 1);
      const Variable v = matrix("x", dt);
      const double value = dt == DType::bool_ ? 1 : 7;
      expect_array(eval1({v}, pad(v, widths, mode, value), {x}), dt, {6, 3},
                   gather_ref(
                       x, {6, 3},
                       [&](auto i) {
                         const std::int64_t a = pad_src(mode, i[0] - 1, 3), b = pad_src(mode, i[1], 2);
                         return a < 0 || b < 0 ? std::vector<std::int64_t>{} : std::vector<std::int64_t>{a, b};
                       },
                       mode == "constant" ? value : 0));
    }
  }
}

TEST(Pad, NumPysReflectionBeyondTheAxis) {
  const Variable v = vector("v", DType::int64);
  auto padded = [&](std::int64_t n, std::int64_t b, std::int64_t e) {
    return eval1({v}, pad(v, {{b, e}}, "reflect"), {iota(DType::int64, {n})});
  };
  // numpy.pad(np.arange(n), (b, e), "reflect").
  expect_exact<std::int64_t>(padded(3, 1, 8), {12}, {1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 0});
  expect_exact<std::int64_t>(padded(3, 1, 10), {14}, {1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 0, 1, 2});
  expect_exact<std::int64_t>(padded(4, 9, 2), {15}, {3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1});
  expect_exact<std::int64_t>(padded(2, 5, 5), {12}, {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0});
  expect_exact<std::int64_t>(padded(1, 2, 2), {5}, {0, 0, 0, 0, 0});
  const Variable m = matrix("m", DType::int64);
  expect_exact<std::int64_t>(eval1({m}, pad(m, {{3, 1}, {2, 4}}, "reflect"), {iota(DType::int64, {2, 3})}), {6, 9},
                             {5, 4, 3, 4, 5, 4, 3, 4, 5, 2, 1, 0, 1, 2, 1, 0, 1, 2, 5, 4, 3, 4, 5, 4, 3, 4, 5,
                              2, 1, 0, 1, 2, 1, 0, 1, 2, 5, 4, 3, 4, 5, 4, 3, 4, 5, 2, 1, 0, 1, 2, 1, 0, 1, 2});
}

TEST(Pad, ConstantValuesConvertAndEdgeCases) {
  const Variable v = vector("v", DType::int8);
  // numpy.pad(np.arange(4, dtype=np.int8), (2, 1), constant_values=-2.7): truncation.
  expect_exact<std::int8_t>(eval1({v}, pad(v, {{2, 1}}, "constant", -2.7), {iota(DType::int8, {4})}), {7},
                            {-2, -2, 0, 1, 2, 3, -2});
  const Variable f = vector("f", DType::float64);
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  expect_array(eval1({f}, pad(f, {{1, 1}}, "constant", nan), {Array::from<double>({inf})}), DType::float64, {3},
               {nan, inf, nan});
  expect_array(eval1({f}, pad(f, {{2, 1}}), {Array::zeros(DType::float64, {0})}), DType::float64, {3}, {0, 0, 0});
  expect_array(eval1({f}, pad(f, {{0, 0}}, "edge"), {Array::zeros(DType::float64, {0})}), DType::float64, {0}, {});
  // One pair for every axis; a non-contiguous x; a 0-d x.
  const Array t = iota(DType::float64, {3, 2}).transpose();  // [[0 2 4] [1 3 5]]
  const Variable m = tensor("m", DType::float64, {kUnknownDim, kUnknownDim});
  expect_array(eval1({m}, pad(m, {{1, 1}}, "edge"), {t}), DType::float64, {4, 5},
               gather_ref(t.copy(), {4, 5}, [](auto i) {
                 return std::vector<std::int64_t>{pad_src("edge", i[0] - 1, 2), pad_src("edge", i[1] - 1, 3)};
               }));
  expect_shape_inference({m}, pad(m, {{1, 2}, {0, 3}}, "reflect"), {t});
  EXPECT_EQ(pad(tensor("s", DType::float64, {2, kUnknownDim}), {{1, 2}}).type().shape, (Shape{5, kUnknownDim}));
  const Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, pad(s, {{1, 1}}), {Array::scalar(3.0)}), DType::float64, {}, {3});
}

TEST(Pad, Errors) {
  const Variable m = matrix("m", DType::float64);
  expect_error<ValueError>(
      [&] {
        pad(m, {{1, 1}}, "wrap");
      },
      {"pad", "mode 'wrap' is not supported", "rearrange_test.cpp"});
  expect_error<ValueError>(
      [&] {
        pad(m, {{1, -1}});
      },
      {"pad", "index can't contain negative values", "rearrange_test.cpp"});
  expect_error<ValueError>(
      [&] {
        pad(m, {{1, 1}, {1, 1}, {1, 1}});
      },
      {"pad", "operands could not be broadcast together with remapped shapes", "(3,2)", "requested shape (2,2)",
       "rearrange_test.cpp"});
  const Variable e = tensor("e", DType::float64, {0, 2});
  expect_error<ValueError>(
      [&] {
        pad(e, {{1, 0}}, "edge");
      },
      {"pad", "can't extend empty axis 0 using modes other than 'constant' or 'empty'", "rearrange_test.cpp"});
  const Variable p = pad(m, {{0, 0}, {1, 0}}, "reflect");
  expect_error<ValueError>(
      [&] {
        eval1({m}, p, {Array::zeros(DType::float64, {2, 0})});
      },
      {"pad", "can't extend empty axis 1 using modes other than 'constant' or 'empty'", "rearrange_test.cpp"});
}

// ---------------------------------------------------------------- diff

// The n-th forward difference of rows along axis 1 of a (rows, cols) C-order list,
// in exact arithmetic (the inputs keep every result in range unless wrapping is meant).
std::vector<double> diff_rows(std::vector<double> v, std::int64_t rows, std::int64_t cols, int n) {
  for (int k = 0; k < n; ++k) {
    std::vector<double> d;
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c + 1 < cols; ++c) {
        d.push_back(v[static_cast<std::size_t>(r * cols + c + 1)] - v[static_cast<std::size_t>(r * cols + c)]);
      }
    }
    v = d;
    cols = std::max<std::int64_t>(cols - 1, 0);
  }
  return v;
}

TEST(Diff, ValuesEveryNumericDtype) {
  const std::vector<double> values{1, 4, 9, 16, 3, 2, 8, 8};
  for (DType dt : {DType::int8, DType::int32, DType::int64, DType::uint16, DType::float32, DType::float64}) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = Array::from_vector(values, {2, 4}).astype(dt);
    const Variable v = matrix("x", dt);
    for (int n : {0, 1, 2, 3, 4, 5}) {
      std::vector<double> want = diff_rows(values, 2, 4, n);
      if (dt == DType::uint16) {
        for (double& w : want) w = w < 0 ? w + 65536 : w;  // wraps modulo 2^16
      }
      expect_array(eval1({v}, diff(v, n), {x}), dt, {2, std::max(4 - n, 0)}, want);
    }
    // Along axis 0 (= -2): the rows' difference.
    std::vector<double> want;
    for (int c = 0; c < 4; ++c)
      want.push_back(values[static_cast<std::size_t>(4 + c)] - values[static_cast<std::size_t>(c)]);
    if (dt == DType::uint16) {
      for (double& w : want) w = w < 0 ? w + 65536 : w;
    }
    expect_array(eval1({v}, diff(v, 1, -2), {x}), dt, {1, 4}, want);
  }
}

TEST(Diff, KnownNumPyValuesBoolsAndEdges) {
  // numpy.diff(np.array([1, 3, 6, 10, 2], np.uint8), n=2) and of bools (not_equal).
  const Variable u = vector("u", DType::uint8);
  expect_exact<std::uint8_t>(eval1({u}, diff(u, 2), {Array::from<std::uint8_t>({1, 3, 6, 10, 2})}), {3}, {1, 1, 244});
  const Variable b = vector("b", DType::bool_);
  expect_exact<bool>(eval1({b}, diff(b, 2), {Array::from_vector(std::vector<bool>{true, true, false, true})}), {2},
                     {true, false});
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const Variable f = vector("f", DType::float64);
  expect_array(eval1({f}, diff(f), {Array::from<double>({1, inf, inf, nan, 2})}), DType::float64, {4},
               {inf, nan, nan, nan});
  expect_array(eval1({f}, diff(f), {Array::zeros(DType::float64, {0})}), DType::float64, {0}, {});
  expect_array(eval1({f}, diff(f, 3), {Array::from<double>({1})}), DType::float64, {0}, {});
  // A non-contiguous (reversed, strided) x and symbolic shapes.
  const Array r = iota(DType::float64, {3, 4}).transpose().slice(0, 3, -5, -1);  // (4, 3)
  const Variable m = tensor("m", DType::float64, {kUnknownDim, kUnknownDim});
  expect_array(eval1({m}, diff(m, 1, 0), {r}), DType::float64, {3, 3}, {-1, -1, -1, -1, -1, -1, -1, -1, -1});
  expect_shape_inference({m}, diff(m, 2), {r});
  expect_shape_inference({m}, diff(m, 5, 0), {r});
  EXPECT_EQ(diff(tensor("t", DType::float64, {2, 1}), 3).type().shape, (Shape{2, 0}));
}

TEST(Diff, Errors) {
  const Variable m = matrix("m", DType::float64);
  expect_error<ValueError>([&] { diff(m, -1); },
                           {"diff", "order must be non-negative but got -1", "rearrange_test.cpp"});
  expect_error<ValueError>([&] { diff(scalar("s")); },
                           {"diff", "diff requires input that is at least one dimensional", "rearrange_test.cpp"});
  expect_error<ValueError>([&] { diff(m, 1, 2); },
                           {"diff", "axis 2 is out of bounds for array of dimension 2", "rearrange_test.cpp"});
}

}  // namespace
}  // namespace hypatia
