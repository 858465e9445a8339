// Basic indexing (subtensor) and its writes (inc_subtensor) against independent
// references: a table of slices with NumPy's own results, hand loops for n-d keys,
// views, static and symbolic shapes, and every error message.
#include <gtest/gtest.h>

#include <limits>
#include <optional>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval;
using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

using Bound = std::optional<std::int64_t>;
constexpr Bound kNone = std::nullopt;

SliceBound bound_of(Bound b) { return b ? SliceBound(*b) : SliceBound(none); }

// 0, 1, 2, ... in `dtype` and `shape`.
Array iota(DType dtype, const Shape& shape) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < shape_size(shape); ++i) v.push_back(static_cast<double>(i));
  return Array::from_vector(v, shape).astype(dtype);
}

// The op's reference kernel run directly (Function copies outputs that alias its
// arguments, so aliasing is checked here). `args` fill the node's non-constant inputs.
Array reference_of(const Variable& out, const std::vector<Array>& args) {
  const Node& n = out.node();
  std::vector<Array> ins;
  std::size_t k = 0;
  for (const Variable& in : n.inputs()) ins.push_back(in.is_constant() ? in.constant_value() : args.at(k++));
  return n.op().reference(KernelArgs{ins, n}).at(0);
}

// Python's list(range(n))[start:stop:step], from NumPy.
struct SliceCase {
  std::int64_t n;
  Bound start, stop, step;
  std::vector<std::int64_t> expected;
};
const SliceCase kSlices[] = {
    {0, kNone, kNone, -1, {}},
    {0, kNone, -6, -6, {}},
    {0, -9, -9, -6, {}},
    {0, -6, -5, -3, {}},
    {0, -5, -4, -2, {}},
    {0, -4, -9, 2, {}},
    {0, -4, -6, 1, {}},
    {0, -4, 1, kNone, {}},
    {0, 0, 0, 1, {}},
    {0, 2, -6, -3, {}},
    {0, 2, -5, kNone, {}},
    {0, 2, -5, 6, {}},
    {0, 2, -4, 3, {}},
    {0, 4, 0, kNone, {}},
    {0, 4, 0, 6, {}},
    {0, 4, 2, kNone, {}},
    {0, 4, 2, 3, {}},
    {0, 5, -6, 1, {}},
    {0, 5, -4, 6, {}},
    {0, 5, 1, 3, {}},
    {0, 5, 1, 6, {}},
    {0, 5, 9, 3, {}},
    {0, 9, 1, 1, {}},
    {1, kNone, kNone, -1, {0}},
    {1, kNone, -5, -1, {0}},
    {1, kNone, 1, kNone, {0}},
    {1, kNone, 4, -3, {}},
    {1, -9, -9, -2, {}},
    {1, -6, 2, -1, {}},
    {1, -6, 2, 2, {0}},
    {1, -6, 5, 2, {0}},
    {1, -4, kNone, -3, {}},
    {1, -4, 4, 2, {0}},
    {1, -1, -5, -1, {0}},
    {1, 0, 5, -3, {}},
    {1, 0, 5, 1, {0}},
    {1, 0, 9, 3, {0}},
    {1, 2, -5, -2, {0}},
    {1, 4, -6, kNone, {}},
    {1, 5, -4, -1, {0}},
    {1, 5, -1, 3, {}},
    {1, 6, -9, -1, {0}},
    {1, 6, -6, 3, {}},
    {1, 6, 4, 6, {}},
    {1, 9, 1, -2, {}},
    {1, 9, 9, -3, {}},
    {5, kNone, kNone, kNone, {0, 1, 2, 3, 4}},
    {5, kNone, kNone, -1, {4, 3, 2, 1, 0}},
    {5, kNone, -6, -1, {4, 3, 2, 1, 0}},
    {5, kNone, 2, 1, {0, 1}},
    {5, kNone, 9, kNone, {0, 1, 2, 3, 4}},
    {5, -9, 4, 1, {0, 1, 2, 3}},
    {5, -6, -4, -6, {}},
    {5, -6, -4, -1, {}},
    {5, -5, 5, 3, {0, 3}},
    {5, -4, 0, -3, {1}},
    {5, -1, kNone, -1, {4, 3, 2, 1, 0}},
    {5, -1, -5, -1, {4, 3, 2, 1}},
    {5, 0, -1, 1, {0, 1, 2, 3}},
    {5, 0, 4, 6, {0}},
    {5, 0, 6, 6, {0}},
    {5, 1, -4, 6, {}},
    {5, 1, 0, 1, {}},
    {5, 1, 2, 2, {1}},
    {5, 1, 4, -1, {}},
    {5, 1, 5, 1, {1, 2, 3, 4}},
    {5, 2, 2, kNone, {}},
    {5, 2, 2, -2, {}},
    {5, 2, 6, 3, {2}},
    {5, 4, 1, kNone, {}},
    {5, 5, kNone, -2, {4, 2, 0}},
    {5, 5, -9, 2, {}},
    {5, 5, 9, -2, {}},
    {5, 6, 4, -6, {}},
    {5, 9, kNone, -2, {4, 2, 0}},
    {5, 9, 0, -1, {4, 3, 2, 1}},
    {5, 9, 4, -3, {}},
};

std::string case_str(const SliceCase& c) {
  auto s = [](Bound b) { return b ? std::to_string(*b) : std::string("none"); };
  return "n=" + std::to_string(c.n) + " [" + s(c.start) + ":" + s(c.stop) + ":" + s(c.step) + "]";
}

// ---------------------------------------------------------------- subtensor values

TEST(Subtensor, SliceTableConstantBounds) {
  for (const SliceCase& c : kSlices) {
    SCOPED_TRACE(case_str(c));
    for (bool static_shape : {true, false}) {
      const Variable x = tensor("x", DType::int64, {static_shape ? c.n : kUnknownDim});
      const Variable y = x[slice(bound_of(c.start), bound_of(c.stop), bound_of(c.step))];
      const std::int64_t len = static_cast<std::int64_t>(c.expected.size());
      EXPECT_EQ(y.type().shape, Shape{static_shape ? len : kUnknownDim});
      expect_exact<std::int64_t>(eval1({x}, y, {iota(DType::int64, {c.n})}), {len}, c.expected);
      expect_shape_inference({x}, y, {iota(DType::int64, {c.n})});
    }
  }
}

// The same bounds as int64 scalars fed at run time: nothing is known statically, and
// the symbolic shape must follow the step's sign at run time.
TEST(Subtensor, SliceTableSymbolicBounds) {
  for (const SliceCase& c : kSlices) {
    SCOPED_TRACE(case_str(c));
    const Variable x = tensor("x", DType::int64, {c.n});
    std::vector<Variable> inputs{x};
    std::vector<Array> args{iota(DType::int64, {c.n})};
    auto sym = [&](Bound b, const char* name) -> SliceBound {
      if (!b) return none;
      inputs.push_back(scalar(name, DType::int64));
      args.push_back(Array::scalar<std::int64_t>(*b));
      return inputs.back();
    };
    const SliceBound start = sym(c.start, "start"), stop = sym(c.stop, "stop"), step = sym(c.step, "step");
    const Variable y = x[slice(start, stop, step)];
    const std::int64_t len = static_cast<std::int64_t>(c.expected.size());
    if (inputs.size() > 1) {
      EXPECT_EQ(y.type().shape, Shape{kUnknownDim});
    }
    expect_exact<std::int64_t>(eval1(inputs, y, args), {len}, c.expected);
    expect_shape_inference(inputs, y, args);
  }
}

TEST(Subtensor, IntegersCountFromEitherEnd) {
  const Variable x = vector("x", DType::int32);
  const Array a = Array::from<std::int32_t>({10, 11, 12, 13});
  for (std::int64_t i = -4; i < 4; ++i) {
    const Variable y = x[i];
    EXPECT_EQ(y.ndim(), 0);
    expect_exact<std::int32_t>(eval1({x}, y, {a}), {}, {static_cast<std::int32_t>(10 + (i + 4) % 4)});
  }
  // An integer fed at run time, of another integer dtype (cast to int64).
  const Variable i = scalar("i", DType::uint8);
  expect_exact<std::int32_t>(eval1({x, i}, x[i], {a, Array::scalar<std::uint8_t>(2)}), {}, {12});
  const Variable j = scalar("j", DType::int16);
  expect_exact<std::int32_t>(eval1({x, j}, x[j], {a, Array::scalar<std::int16_t>(-1)}), {}, {13});
}

// x of shape (3, 4, 5) indexed by [1, ::-2, new_axis, 1:4]: a hand loop.
TEST(Subtensor, MixedKeyOverEveryDType) {
  for (DType dt : {DType::bool_, DType::int8, DType::uint16, DType::int64, DType::uint64, DType::float32,
                   DType::float64}) {
    SCOPED_TRACE(dtype_name(dt));
    const Variable x = tensor("x", dt, {3, 4, 5});
    const Variable y = x[{1, slice(none, none, -2), new_axis, slice(1, 4)}];
    EXPECT_EQ(y.type(), (Type{dt, {2, 1, 3}}));
    std::vector<double> expected;
    for (std::int64_t j : {3, 1}) {
      for (std::int64_t k = 1; k < 4; ++k) {
        const double v = static_cast<double>(20 + j * 5 + k);
        expected.push_back(dt == DType::bool_ ? (v != 0) : v);
      }
    }
    expect_array(eval1({x}, y, {iota(dt, {3, 4, 5})}), dt, {2, 1, 3}, expected);
  }
}

TEST(Subtensor, NewAxesAnywhere) {
  const Variable x = matrix("x", DType::int64);
  const Variable y = x[{new_axis, slice(), new_axis, 2, new_axis}];
  EXPECT_EQ(y.type().shape, (Shape{1, kUnknownDim, 1, 1}));
  // Axes the key leaves are whole: x[1:] is x[1:, :].
  const Array a = iota(DType::int64, {2, 3});
  expect_exact<std::int64_t>(eval1({x}, y, {a}), {1, 2, 1, 1}, {2, 5});
  expect_shape_inference({x}, y, {a});
  const Variable s = scalar("s", DType::int64);
  const Variable z = s[new_axis];
  expect_exact<std::int64_t>(eval1({s}, z, {Array::scalar<std::int64_t>(7)}), {1}, {7});
  expect_exact<std::int64_t>(eval1({s}, s[{new_axis, new_axis}], {Array::scalar<std::int64_t>(7)}), {1, 1}, {7});
}

TEST(Subtensor, EmptyAndSizeOneDimensions) {
  const Variable x = tensor("x", DType::float64, {kUnknownDim, kUnknownDim});
  // An empty selection of a non-empty array, and any selection of an empty one.
  expect_array(eval1({x}, x[{slice(2, 2), slice()}], {iota(DType::float64, {3, 2})}), DType::float64, {0, 2}, {});
  expect_array(eval1({x}, x[{slice(), slice(1, none)}], {iota(DType::float64, {0, 3})}), DType::float64, {0, 2}, {});
  expect_array(eval1({x}, x[{slice(none, none, -1), 0}], {iota(DType::float64, {0, 3})}), DType::float64, {0}, {});
  expect_shape_inference({x}, x[{slice(5, 1, -3), slice()}], {iota(DType::float64, {0, 3})});
  // Size-1 axes.
  expect_array(eval1({x}, x[{0, slice(none, none, -1)}], {iota(DType::float64, {1, 1})}), DType::float64, {1}, {0});
  expect_array(eval1({x}, x[{-1, slice(-5, 5, 3)}], {iota(DType::float64, {1, 1})}), DType::float64, {1}, {0});
}

// Inputs with negative and non-unit strides, passed as arguments.
TEST(Subtensor, NonContiguousInputs) {
  const Variable x = matrix("x", DType::int64);
  const Array base = iota(DType::int64, {4, 5});
  const Array reversed = base.slice(0, 3, -100, -1);  // rows 3, 2, 1, 0
  // reversed[1:, ::-2] = rows 2, 1, 0 of base, columns 4, 2, 0.
  std::vector<std::int64_t> expected;
  for (std::int64_t r : {2, 1, 0}) {
    for (std::int64_t c : {4, 2, 0}) expected.push_back(r * 5 + c);
  }
  const Variable y = x[{slice(1, none), slice(none, none, -2)}];
  expect_exact<std::int64_t>(eval1({x}, y, {reversed}), {3, 3}, expected);
  // A transposed input: x.T[-1] = column 4 of base... as row of the transpose.
  expect_exact<std::int64_t>(eval1({x}, x[-1], {base.transpose()}), {4}, {4, 9, 14, 19});
  // A view of a view shares the buffer and reads the right elements.
  const Array v = reference_of(y, {reversed});
  EXPECT_TRUE(v.shares_memory_with(base));
  EXPECT_EQ(v.at<std::int64_t>({0, 0}), 14);
  EXPECT_EQ(v.at<std::int64_t>({2, 2}), 0);
}

TEST(Subtensor, IsAViewOfItsInput) {
  const Variable x = tensor3("x", DType::float32);
  const Array a = iota(DType::float32, {2, 3, 4});
  for (const Variable& y : {x[1], x[{slice(), slice(none, none, -1), 2}], x[{ellipsis, new_axis}],
                            x[{slice(5, 9)}]}) {
    const Array v = reference_of(y, {a});
    EXPECT_TRUE(v.shares_memory_with(a)) << y.node().attrs().str();
  }
  // Writing through the view changes the input: it really aliases.
  const Array v = reference_of(x[{1, 2}], {a});
  *reinterpret_cast<float*>(v.data()) = -1.0f;
  EXPECT_EQ(a.at<float>({1, 2, 0}), -1.0f);
  // The node says so.
  EXPECT_EQ(x[0].node().op().aliasing->views.size(), 1u);
}

TEST(Subtensor, StaticShapesAndConstantFolding) {
  const Variable x = tensor("x", DType::float64, {10, kUnknownDim, 4});
  EXPECT_EQ(x[{slice(2, 5)}].type().shape, (Shape{3, kUnknownDim, 4}));
  EXPECT_EQ((x[{slice(none, none, -3), slice(0, 0)}].type().shape), (Shape{4, kUnknownDim, 4}));
  EXPECT_EQ((x[{-1, ellipsis, slice(1, none, 2)}].type().shape), (Shape{kUnknownDim, 2}));
  // x[2:5].shape needs no data: the symbolic size is a constant, and an unknown size
  // is an expression of shape_i alone.
  const auto sym = detail::infer_output_shapes(x[{slice(2, 5)}].node(), SourceLocation::current());
  EXPECT_EQ(detail::static_size(sym[0][0]), 3);
  const Variable y = x[{slice(), slice(1, -1)}];
  const auto ysym = detail::infer_output_shapes(y.node(), SourceLocation::current());
  const Array n = function({x}, {ysym[0][1]})({iota(DType::float64, {10, 6, 4})})[0];
  EXPECT_EQ(n.item<std::int64_t>(), 4);
}

TEST(Subtensor, EllipsisExpands) {
  const Variable x = tensor3("x", DType::int64);
  const Array a = iota(DType::int64, {2, 3, 4});
  expect_exact<std::int64_t>(eval1({x}, x[{ellipsis, 1}], {a}), {2, 3}, {1, 5, 9, 13, 17, 21});
  expect_exact<std::int64_t>(eval1({x}, x[{1, ellipsis, 3}], {a}), {3}, {15, 19, 23});
  expect_exact<std::int64_t>(eval1({x}, x[{0, 1, 2, ellipsis}], {a}), {}, {6});
  expect_exact<std::int64_t>(eval1({x}, x[{ellipsis}], {a}), {2, 3, 4}, std::vector<std::int64_t>(
      a.to_vector<std::int64_t>()));
}

// Bounds at the ends of int64: clipped, never overflowing (UBSan runs these).
TEST(Subtensor, ExtremeBounds) {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  const Variable x = vector("x", DType::int64);
  const Array a = iota(DType::int64, {4});
  expect_exact<std::int64_t>(eval1({x}, x[slice(lo, hi)], {a}), {4}, {0, 1, 2, 3});
  expect_exact<std::int64_t>(eval1({x}, x[slice(hi, lo, -1)], {a}), {4}, {3, 2, 1, 0});
  expect_exact<std::int64_t>(eval1({x}, x[slice(none, none, lo)], {a}), {1}, {3});
  expect_exact<std::int64_t>(eval1({x}, x[slice(1, none, hi)], {a}), {1}, {1});
  // The same fed at run time, with their symbolic shapes.
  const Variable b = scalar("b", DType::int64), e = scalar("e", DType::int64), s = scalar("s", DType::int64);
  const Variable y = x[slice(b, e, s)];
  auto args = [&](std::int64_t vb, std::int64_t ve, std::int64_t vs) {
    return std::vector<Array>{a, Array::scalar(vb), Array::scalar(ve), Array::scalar(vs)};
  };
  expect_exact<std::int64_t>(eval1({x, b, e, s}, y, args(hi, lo, -1)), {4}, {3, 2, 1, 0});
  expect_exact<std::int64_t>(eval1({x, b, e, s}, y, args(hi, lo, lo)), {1}, {3});
  expect_exact<std::int64_t>(eval1({x, b, e, s}, y, args(lo, hi, hi)), {1}, {0});
  expect_shape_inference({x, b, e, s}, y, args(hi, lo, lo));
  expect_shape_inference({x, b, e, s}, y, args(lo, hi, hi));
  expect_error<IndexError>([&] { eval1({x, b}, x[b], {a, Array::scalar(lo)}); },
                           {"index " + std::to_string(lo) + " is out of bounds for axis 0 with size 4"});
}

// ---------------------------------------------------------------- inc_subtensor

TEST(IncSubtensor, SetAndIncWithBroadcasting) {
  const Variable x = matrix("x", DType::float64);
  const Variable y = vector("y", DType::float64);
  const Array a = iota(DType::float64, {3, 4});
  const Array b = Array::from({100.0, 200.0});
  // x[::2, 1:3] = y (y broadcast over the rows).
  std::vector<double> set_expected = a.to_vector<double>(), inc_expected = set_expected;
  for (std::int64_t r : {0, 2}) {
    for (std::int64_t c : {1, 2}) {
      set_expected[static_cast<std::size_t>(r * 4 + c)] = c == 1 ? 100 : 200;
      inc_expected[static_cast<std::size_t>(r * 4 + c)] += c == 1 ? 100 : 200;
    }
  }
  const Variable sel = x[{slice(none, none, 2), slice(1, 3)}];
  expect_array(eval1({x, y}, set_subtensor(sel, y), {a, b}), DType::float64, {3, 4}, set_expected);
  expect_array(eval1({x, y}, inc_subtensor(sel, y), {a, b}), DType::float64, {3, 4}, inc_expected);
  expect_shape_inference({x, y}, set_subtensor(sel, y), {a, b});
  // x itself is unchanged.
  EXPECT_EQ(a.to_vector<double>(), iota(DType::float64, {3, 4}).to_vector<double>());
  // A scalar y, a literal, and an integer selection.
  std::vector<double> row = a.to_vector<double>();
  for (int c = 0; c < 4; ++c) row[static_cast<std::size_t>(4 + c)] = 7;
  expect_array(eval1({x}, set_subtensor(x[1], 7), {a}), DType::float64, {3, 4}, row);
  std::vector<double> neg = a.to_vector<double>();
  neg[11] -= 1;
  expect_array(eval1({x}, inc_subtensor(x[{-1, -1}], -1.0), {a}), DType::float64, {3, 4}, neg);
}

TEST(IncSubtensor, ReversedSelectionAndNonContiguousOperands) {
  const Variable x = vector("x", DType::int32);
  const Variable y = vector("y", DType::int32);
  const Array a = iota(DType::int32, {6}).slice(0, 5, -100, -1);  // 5 4 3 2 1 0
  const Array b = Array::from<std::int32_t>({10, 20, 30, 40, 50, 60}).slice(0, 0, 6, 2);  // 10 30 50
  // x[::-2] += y: positions 5, 3, 1 get 10, 30, 50.
  expect_exact<std::int32_t>(eval1({x, y}, inc_subtensor(x[{slice(none, none, -2)}], y), {a, b}), {6},
                             {5, 54, 3, 32, 1, 10});
  expect_exact<std::int32_t>(eval1({x, y}, set_subtensor(x[{slice(none, none, -2)}], y), {a, b}), {6},
                             {5, 50, 3, 30, 1, 10});
}

TEST(IncSubtensor, EmptySelectionAndNewAxes) {
  const Variable x = matrix("x", DType::int64);
  const Array a = iota(DType::int64, {2, 2});
  expect_exact<std::int64_t>(eval1({x}, set_subtensor(x[{slice(3, none)}], 9), {a}), {2, 2}, {0, 1, 2, 3});
  expect_exact<std::int64_t>(eval1({x}, inc_subtensor(x[{new_axis, 1, new_axis}], 5), {a}), {2, 2}, {0, 1, 7, 8});
}

// NumPy's setitem casts any value into x's dtype (float to int truncates); its `+=`
// allows only same-kind casts and computes in the promoted dtype before rounding back.
TEST(IncSubtensor, DTypes) {
  const Variable x = vector("x", DType::int32);
  const Variable f = vector("f", DType::float64);
  const Array a = Array::from<std::int32_t>({1, 2, 3});
  const Variable s = set_subtensor(x[{slice(1, none)}], f);
  EXPECT_EQ(s.dtype(), DType::int32);
  expect_exact<std::int32_t>(eval1({x, f}, s, {a, Array::from({2.7, -3.9})}), {3}, {1, 2, -3});
  // int8 + int16 wraps in int16, then in int8.
  const Variable i8 = vector("i8", DType::int8);
  const Variable i16 = vector("i16", DType::int16);
  expect_exact<std::int8_t>(
      eval1({i8, i16}, inc_subtensor(i8[{slice()}], i16),
            {Array::from<std::int8_t>({127, -128}), Array::from<std::int16_t>({1, 300})}),
      {2}, {-128, -84});
  // float32 += float64 rounds once, after adding in float64.
  const Variable f32 = vector("f32", DType::float32);
  expect_array(eval1({f32, f}, inc_subtensor(f32[0], f[0]), {Array::from<float>({1.0f}), Array::from({1e-9})}),
               DType::float32, {1}, {static_cast<double>(static_cast<float>(1.0 + 1e-9))});
  // bool |= bool; set of a float into bool is "!= 0".
  const Variable b = vector("b", DType::bool_);
  expect_exact<bool>(eval1({b}, inc_subtensor(b[{slice()}], Array::from_vector(std::vector<bool>{true, false})),
                           {Array::from_vector(std::vector<bool>{false, false})}),
                     {2}, {true, false});
  expect_exact<bool>(eval1({b, f}, set_subtensor(b[{slice()}], f),
                           {Array::from_vector(std::vector<bool>{false, true}), Array::from({0.5, 0.0})}),
                     {2}, {true, false});
  // uint8 += uint64 is a same-kind cast back: allowed, wraps.
  const Variable u8 = vector("u8", DType::uint8);
  const Variable u64 = vector("u64", DType::uint64);
  expect_exact<std::uint8_t>(eval1({u8, u64}, inc_subtensor(u8[{slice()}], u64),
                                   {Array::from<std::uint8_t>({250}), Array::from<std::uint64_t>({10})}),
                             {1}, {4});
}

// ---------------------------------------------------------------- errors

TEST(SubtensorErrors, IntegerOutOfBoundsAtRunTime) {
  const Variable x = vector("x");
  expect_error<IndexError>([&] { eval1({x}, x[5], {iota(DType::float64, {3})}); },
                           {"index 5 is out of bounds for axis 0 with size 3", "subtensor", "subtensor_test.cpp"});
  const Variable m = matrix("m");
  expect_error<IndexError>([&] { eval1({m}, m[{0, -4}], {iota(DType::float64, {2, 3})}); },
                           {"index -4 is out of bounds for axis 1 with size 3"});
}

TEST(SubtensorErrors, IntegerOutOfBoundsWhenBuilt) {
  const Variable x = tensor("x", DType::float64, {3});
  expect_error<IndexError>([&] { (void)x[-4]; },
                           {"index -4 is out of bounds for axis 0 with size 3", "subtensor", "subtensor_test.cpp"});
}

TEST(SubtensorErrors, ZeroStepWhenBuilt) {
  const Variable x = vector("x");
  expect_error<ValueError>([&] { (void)x[slice(none, none, 0)]; },
                           {"slice step cannot be zero", "subtensor", "subtensor_test.cpp"});
}

TEST(SubtensorErrors, ZeroStepAtRunTime) {
  const Variable x = vector("x");
  const Variable s = scalar("s", DType::int64);
  expect_error<ValueError>(
      [&] { eval1({x, s}, x[slice(1, none, s)], {iota(DType::float64, {3}), Array::scalar<std::int64_t>(0)}); },
      {"slice step cannot be zero", "subtensor", "subtensor_test.cpp"});
}

TEST(SubtensorErrors, BoundNotAnInteger) {
  const Variable x = vector("x");
  expect_error<TypeError>([&] { subtensor(x, {kSliceHasStart}, {Operand(scalar("f"))}); },
                          {"index", "must be an integer scalar", "float64", "subtensor_test.cpp"});
}

TEST(SubtensorErrors, TooManyItemsInTheOp) {
  const Variable x = vector("x");
  expect_error<IndexError>([&] { subtensor(x, {0, kIndexInteger}, {1}); },
                           {"too many indices for array: array is 1-dimensional, but 2 were indexed"});
}

TEST(IncSubtensorErrors, ValueDoesNotBroadcastWhenBuilt) {
  const Variable x = tensor("x", DType::float64, {4});
  const Variable y = tensor("y", DType::float64, {3});
  expect_error<ShapeError>([&] { set_subtensor(x[{slice(0, 2)}], y); },
                           {"could not broadcast input array from shape (3,) into shape (2,)", "inc_subtensor",
                            "subtensor_test.cpp"});
  const Variable z = tensor("z", DType::float64, {2, 2});
  expect_error<ShapeError>([&] { inc_subtensor(x[{slice(0, 2)}], z); }, {"from shape (2, 2) into shape (2,)"});
}

TEST(IncSubtensorErrors, ValueDoesNotBroadcastAtRunTime) {
  const Variable x = vector("x");
  const Variable y = vector("y");
  expect_error<ShapeError>(
      [&] { eval1({x, y}, set_subtensor(x[{slice(1, none)}], y), {iota(DType::float64, {3}), Array::from({1.0, 2.0, 3.0})}); },
      {"could not broadcast input array from shape (3,) into shape (2,)", "inc_subtensor", "subtensor_test.cpp"});
}

TEST(IncSubtensorErrors, IncrementNeedsASameKindCast) {
  const Variable x = vector("x", DType::int64);
  const Variable y = vector("y", DType::float64);
  expect_error<TypeError>([&] { inc_subtensor(x[{slice()}], y); },
                          {"Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64') with casting "
                           "rule 'same_kind'",
                           "inc_subtensor", "subtensor_test.cpp"});
  const Variable u = vector("u", DType::uint8);
  expect_error<TypeError>([&] { inc_subtensor(u[{slice()}], vector("i", DType::int8)); }, {"dtype('int16') to dtype('uint8')"});
}

}  // namespace
}  // namespace hypatia
