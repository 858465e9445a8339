// Shape operations against hand-computed results: values, shapes, static types,
// views, symbolic sizes, shape inference and every error message.
#include <gtest/gtest.h>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

const DType kDTypes[] = {DType::bool_, DType::int8, DType::uint16, DType::int32,
                         DType::int64, DType::uint64, DType::float32, DType::float64};

// Element i of a test array of `dtype`: i, or i % 2 for bool.
double value_of(DType dtype, std::int64_t i) {
  return static_cast<double>(dtype == DType::bool_ ? i % 2 : i);
}

// A C-contiguous array of `dtype` holding value_of(dtype, i) at flat index i.
Array iota(DType dtype, const Shape& shape) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < shape_size(shape); ++i) v.push_back(value_of(dtype, i));
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

// The expected values of permuting the axes of a (2, 3, 4) iota by `axes`.
std::vector<double> permuted_234(DType dtype, const std::vector<int>& axes) {
  const Shape in = {2, 3, 4};
  const std::int64_t in_strides[] = {12, 4, 1};
  const std::int64_t s0 = in[static_cast<std::size_t>(axes[0])], s1 = in[static_cast<std::size_t>(axes[1])],
                     s2 = in[static_cast<std::size_t>(axes[2])];
  std::vector<double> out;
  for (std::int64_t i = 0; i < s0; ++i) {
    for (std::int64_t j = 0; j < s1; ++j) {
      for (std::int64_t k = 0; k < s2; ++k) {
        out.push_back(value_of(dtype, i * in_strides[axes[0]] + j * in_strides[axes[1]] + k * in_strides[axes[2]]));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- dimshuffle

TEST(ShapeDimshuffle, PermutesAndInsertsAxesForEveryDType) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    Variable x = matrix("x", dt);
    Variable y = dimshuffle(x, {1, newaxis, 0});
    EXPECT_EQ(y.type(), (Type{dt, {kUnknownDim, 1, kUnknownDim}}));
    // x[i, j] = 3i + j; y[j, 0, i] = x[i, j]
    std::vector<double> expected;
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 2; ++i) expected.push_back(value_of(dt, 3 * i + j));
    }
    expect_array(eval1({x}, y, {iota(dt, {2, 3})}), dt, {3, 1, 2}, expected);
  }
}

TEST(ShapeDimshuffle, DropsSizeOneAxes) {
  Variable x = tensor("x", DType::int32, {2, 1, 3});
  Variable y = dimshuffle(x, {2, 0});
  EXPECT_EQ(y.type().shape, (Shape{3, 2}));
  expect_exact<std::int32_t>(eval1({x}, y, {iota(DType::int32, {2, 1, 3})}), {3, 2}, {0, 3, 1, 4, 2, 5});
  // 0-d from (1, 1), and a 0-d gaining axes.
  Variable s = tensor("s", DType::float64, {1, 1});
  expect_array(eval1({s}, dimshuffle(s, {}), {Array::from<double>({{7.5}})}), DType::float64, {}, {7.5});
  Variable z = scalar("z", DType::float64);
  expect_array(eval1({z}, dimshuffle(z, {newaxis, newaxis}), {Array::scalar(2.0)}), DType::float64, {1, 1}, {2.0});
}

TEST(ShapeDimshuffle, IdentityIsTheInputItself) {
  Variable x = matrix("x");
  EXPECT_EQ(dimshuffle(x, {0, 1}), x);
  EXPECT_EQ(transpose(vector("v")).node().op().name, "input");
}

TEST(ShapeDimshuffle, ReturnsAViewWithZeroStrideForNewAxes) {
  Variable x = matrix("x", DType::float32);
  Variable y = dimshuffle(x, {1, newaxis, 0});
  const Array a = iota(DType::float32, {2, 3});
  const Array r = reference_of(y, {a});
  EXPECT_TRUE(r.shares_memory_with(a));
  EXPECT_EQ(r.strides(), (Strides{4, 0, 12}));
  EXPECT_EQ(r.at<float>({2, 0, 1}), 5.0f);
}

TEST(ShapeDimshuffle, NonContiguousAndNegativeStrides) {
  Variable x = matrix("x", DType::int64);
  // (3, 4) iota, every other column reversed: columns 3, 1 -> [[3, 1], [7, 5], [11, 9]]
  const Array a = iota(DType::int64, {3, 4}).slice(1, 3, -5, -2);
  ASSERT_EQ(a.shape(), (Shape{3, 2}));
  expect_exact<std::int64_t>(eval1({x}, dimshuffle(x, {1, 0, newaxis}), {a}), {2, 3, 1}, {3, 7, 11, 1, 5, 9});
}

TEST(ShapeDimshuffle, EmptyArrays) {
  Variable x = matrix("x", DType::uint8);
  expect_exact<std::uint8_t>(eval1({x}, dimshuffle(x, {newaxis, 1, 0}), {Array::zeros(DType::uint8, {0, 3})}),
                             {1, 3, 0}, {});
}

TEST(ShapeDimshuffle, ErrorDroppingAnAxisNotKnownToBeOne) {
  Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<ValueError>([&] { dimshuffle(x, {1}); },
                           {"shape_test.cpp", "dimshuffle", "pattern [1] drops axis 0", "(2, 3)", "size is 2, not 1"});
  Variable m = matrix("m");
  expect_error<ValueError>([&] { dimshuffle(m, {newaxis, 0}); },
                           {"shape_test.cpp", "dimshuffle", "drops axis 1", "not known to be 1"});
}

TEST(ShapeDimshuffle, ErrorAxisOutOfRange) {
  Variable x = matrix("x");
  expect_error<IndexError>([&] { dimshuffle(x, {0, 2}); },
                           {"shape_test.cpp", "dimshuffle", "pattern [0, 2] names axis 2", "out of bounds"});
  expect_error<IndexError>([&] { dimshuffle(x, {0, -2}); }, {"dimshuffle", "names axis -2"});
}

TEST(ShapeDimshuffle, ErrorRepeatedAxis) {
  Variable x = matrix("x");
  expect_error<ValueError>([&] { dimshuffle(x, {1, 1}); }, {"shape_test.cpp", "dimshuffle", "repeats axis 1"});
}

// ---------------------------------------------------------------- transpose

TEST(ShapeTranspose, ReversesOrPermutesForEveryDType) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    Variable x = tensor3("x", dt);
    const Array a = iota(dt, {2, 3, 4});
    expect_array(eval1({x}, transpose(x), {a}), dt, {4, 3, 2}, permuted_234(dt, {2, 1, 0}));
    expect_array(eval1({x}, transpose(x, {1, 0, 2}), {a}), dt, {3, 2, 4}, permuted_234(dt, {1, 0, 2}));
    expect_array(eval1({x}, transpose(x, {-1, 0, 1}), {a}), dt, {4, 2, 3}, permuted_234(dt, {2, 0, 1}));
  }
}

TEST(ShapeTranspose, StaticShapeViewAndNonContiguousInput) {
  Variable x = tensor("x", DType::float64, {2, kUnknownDim, 4});
  Variable y = transpose(x, {2, 0, 1});
  EXPECT_EQ(y.type().shape, (Shape{4, 2, kUnknownDim}));
  EXPECT_EQ(y.node().op().name, "dimshuffle");
  const Array a = iota(DType::float64, {2, 3, 4});
  EXPECT_TRUE(reference_of(y, {a}).shares_memory_with(a));
  // Transposing a transposed argument gives back the original order.
  Variable m = matrix("m", DType::int16);
  const Array t = iota(DType::int16, {2, 3}).transpose();
  expect_exact<std::int16_t>(eval1({m}, transpose(m), {t}), {2, 3}, {0, 1, 2, 3, 4, 5});
}

TEST(ShapeTranspose, ErrorAxesDontMatch) {
  Variable x = matrix("x");
  expect_error<ValueError>([&] { transpose(x, {0}); }, {"shape_test.cpp", "transpose", "axes [0] don't match"});
  expect_error<ValueError>([&] { transpose(x, {0, -2}); }, {"shape_test.cpp", "transpose", "repeated axis 0"});
  expect_error<IndexError>([&] { transpose(x, {0, 2}); },
                           {"shape_test.cpp", "transpose", "axis 2 is out of bounds for array of dimension 2"});
}

// ---------------------------------------------------------------- reshape

TEST(ShapeReshape, ValuesForEveryDTypeAndStaticShape) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    Variable x = tensor("x", dt, {2, 3});
    Variable y = reshape(x, {3, -1});
    EXPECT_EQ(y.type(), (Type{dt, {3, 2}}));
    std::vector<double> expected;
    for (int i = 0; i < 6; ++i) expected.push_back(value_of(dt, i));
    expect_array(eval1({x}, y, {iota(dt, {2, 3})}), dt, {3, 2}, expected);
    expect_array(eval1({x}, reshape(x, {6}), {iota(dt, {2, 3})}), dt, {6}, expected);
  }
}

TEST(ShapeReshape, ViewWhenContiguousCopyOtherwise) {
  Variable x = matrix("x", DType::int32);
  Variable y = reshape(x, {-1});
  const Array a = iota(DType::int32, {2, 3});
  EXPECT_TRUE(reference_of(y, {a}).shares_memory_with(a));
  // The transposed argument is read in its own C order: [[0, 3], [1, 4], [2, 5]].
  const Array t = a.transpose();
  const Array r = reference_of(y, {t});
  EXPECT_FALSE(r.shares_memory_with(t));
  expect_exact<std::int32_t>(r, {6}, {0, 3, 1, 4, 2, 5});
  expect_exact<std::int32_t>(eval1({x}, reshape(x, {2, 3}), {t}), {2, 3}, {0, 3, 1, 4, 2, 5});
}

TEST(ShapeReshape, SymbolicSizes) {
  Variable x = vector("x", DType::float64);
  Variable y = vector("y", DType::float64);
  Variable r = reshape(x, {shape(y, 0), -1});
  EXPECT_EQ(r.type().shape, (Shape{kUnknownDim, kUnknownDim}));
  const Array ax = iota(DType::float64, {6});
  const Array ay = Array::zeros(DType::float64, {2});
  expect_array(testing::eval({x, y}, {r}, {ax, ay})[0], DType::float64, {2, 3}, {0, 1, 2, 3, 4, 5});
  expect_shape_inference({x, y}, r, {ax, ay});
  // A symbolic size may be -1 at run time, as in NumPy.
  Variable n = scalar("n", DType::int64);
  Variable s = reshape(x, {n, 2});
  EXPECT_EQ(s.type().shape, (Shape{kUnknownDim, 2}));
  expect_array(testing::eval({x, n}, {s}, {ax, Array::scalar<std::int64_t>(-1)})[0], DType::float64, {3, 2},
               {0, 1, 2, 3, 4, 5});
  expect_shape_inference({x, n}, s, {ax, Array::scalar<std::int64_t>(-1)});
  expect_shape_inference({x, n}, s, {ax, Array::scalar<std::int64_t>(3)});
  // Sizes of another integer dtype are cast to int64.
  Variable k = scalar("k", DType::uint8);
  EXPECT_EQ(reshape(x, {k}).node().inputs()[1].dtype(), DType::int64);
}

TEST(ShapeReshape, EmptyAndSizeOneAndZeroD) {
  Variable x = matrix("x", DType::float32);
  expect_array(eval1({x}, reshape(x, {3, 0, 1}), {Array::zeros(DType::float32, {0, 3})}), DType::float32,
               {3, 0, 1}, {});
  expect_array(eval1({x}, reshape(x, {-1, 3}), {Array::zeros(DType::float32, {3, 0})}), DType::float32, {0, 3}, {});
  expect_array(eval1({x}, reshape(x, {}), {Array::from<float>({{4.5f}})}), DType::float32, {}, {4.5});
  Variable s = scalar("s", DType::int8);
  expect_exact<std::int8_t>(eval1({s}, reshape(s, {1, 1, -1}), {Array::scalar<std::int8_t>(-3)}), {1, 1, 1}, {-3});
}

TEST(ShapeReshape, ShapeInference) {
  Variable x = tensor3("x", DType::float64);
  const Array a = iota(DType::float64, {2, 3, 4});
  expect_shape_inference({x}, reshape(x, {4, -1}), {a});
  expect_shape_inference({x}, reshape(x, {shape(x, 2), shape(x, 0), shape(x, 1)}), {a});
  Variable t = tensor("t", DType::float64, {2, 3, 4});
  expect_shape_inference({t}, reshape(t, {-1, 6}), {a});
}

TEST(ShapeReshape, ErrorAtBuildTimeWithConstants) {
  Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<ShapeError>([&] { reshape(x, {4, -1}); },
                           {"shape_test.cpp", "reshape", "cannot reshape array of size 6 into shape (4, -1)"});
  expect_error<ShapeError>([&] { reshape(x, {7}); }, {"cannot reshape array of size 6 into shape (7,)"});
  // Known not to divide even with a symbolic size.
  expect_error<ShapeError>([&] { reshape(x, {shape(vector("v"), 0), 4}); },
                           {"cannot reshape array of size 6 into shape (?, 4)"});
  expect_error<ShapeError>([&] { reshape(matrix("m"), {0, -1}); },
                           {"cannot reshape array of size ? into shape (0, -1)"});
}

TEST(ShapeReshape, ErrorAtRunTime) {
  Variable x = vector("x", DType::int64);
  Variable y = reshape(x, {4, -1});
  expect_error<ShapeError>([&] { eval1({x}, y, {iota(DType::int64, {6})}); },
                           {"shape_test.cpp", "reshape", "cannot reshape array of size 6 into shape (4, -1)"});
}

TEST(ShapeReshape, ErrorBadSizes) {
  Variable x = vector("x");
  expect_error<ValueError>([&] { reshape(x, {-1, -1}); },
                           {"shape_test.cpp", "reshape", "can only specify one unknown dimension"});
  expect_error<ValueError>([&] { reshape(x, {2, -3}); }, {"shape_test.cpp", "reshape", "negative dimension -3"});
  Variable n = scalar("n", DType::int64);
  expect_error<ValueError>(
      [&] { eval1({x, n}, reshape(x, {n, 2}), {iota(DType::float64, {6}), Array::scalar<std::int64_t>(-2)}); },
      {"shape_test.cpp", "reshape", "negative dimension -2 in shape (-2, 2)"});
  expect_error<TypeError>([&] { reshape(x, {1.5}); },
                          {"shape_test.cpp", "reshape", "size 0 must be an integer scalar"});
}

// ---------------------------------------------------------------- flatten

TEST(ShapeFlatten, KeepsLeadingAxesAndFlattensTheRest) {
  Variable x = tensor3("x", DType::uint16);
  const Array a = iota(DType::uint16, {2, 3, 4});
  std::vector<std::uint16_t> all;
  for (std::uint16_t i = 0; i < 24; ++i) all.push_back(i);
  expect_exact<std::uint16_t>(eval1({x}, flatten(x), {a}), {24}, all);
  expect_exact<std::uint16_t>(eval1({x}, flatten(x, 2), {a}), {2, 12}, all);
  EXPECT_EQ(flatten(x, 3), x);
  expect_shape_inference({x}, flatten(x, 2), {a});
  expect_shape_inference({x}, flatten(x), {a});
  // Non-contiguous: the transposed (4, 3, 2) read in its own C order.
  std::vector<std::uint16_t> transposed;
  for (double v : permuted_234(DType::uint16, {2, 1, 0})) transposed.push_back(static_cast<std::uint16_t>(v));
  expect_exact<std::uint16_t>(eval1({x}, flatten(x, 2), {a.transpose()}), {4, 6}, transposed);
}

TEST(ShapeFlatten, StaticShapeEmptyAndZeroD) {
  Variable t = tensor("t", DType::float64, {2, 3, 4});
  EXPECT_EQ(flatten(t, 2).type().shape, (Shape{2, 12}));
  Variable p = tensor("p", DType::float64, {kUnknownDim, 3, 4});
  EXPECT_EQ(flatten(p, 2).type().shape, (Shape{kUnknownDim, 12}));
  Variable x = tensor3("x", DType::float64);
  // An empty leading axis: -1 would be ambiguous here, the product of sizes is not.
  expect_array(eval1({x}, flatten(x, 2), {Array::zeros(DType::float64, {0, 3, 4})}), DType::float64, {0, 12}, {});
  expect_array(eval1({x}, flatten(x), {Array::zeros(DType::float64, {2, 0, 4})}), DType::float64, {0}, {});
  Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, flatten(s), {Array::scalar(3.0)}), DType::float64, {1}, {3.0});
}

TEST(ShapeFlatten, ErrorNdimOutOfBounds) {
  Variable x = tensor3("x");
  expect_error<ValueError>([&] { flatten(x, 4); }, {"shape_test.cpp", "flatten", "ndim 4 is out of bounds [1, 4)"});
  expect_error<ValueError>([&] { flatten(x, 0); }, {"shape_test.cpp", "flatten", "ndim 0 is out of bounds"});
}

// ---------------------------------------------------------------- squeeze

TEST(ShapeSqueeze, StaticSizeOneAxes) {
  Variable x = tensor("x", DType::int32, {1, 3, 1});
  EXPECT_EQ(squeeze(x).type().shape, (Shape{3}));
  EXPECT_EQ(squeeze(x, {0}).type().shape, (Shape{3, 1}));
  EXPECT_EQ(squeeze(x, {-1}).type().shape, (Shape{1, 3}));
  const Array a = iota(DType::int32, {1, 3, 1});
  expect_exact<std::int32_t>(eval1({x}, squeeze(x), {a}), {3}, {0, 1, 2});
  EXPECT_TRUE(reference_of(squeeze(x), {a}).shares_memory_with(a));
  Variable m = matrix("m");
  EXPECT_EQ(squeeze(m), m);  // nothing known to be 1
}

TEST(ShapeSqueeze, AxesCheckedAtRunTime) {
  Variable x = matrix("x", DType::bool_);
  Variable y = squeeze(x, {1});
  EXPECT_EQ(y.type().shape, (Shape{kUnknownDim}));
  const Array a = iota(DType::bool_, {3, 1});
  expect_exact<bool>(eval1({x}, y, {a}), {3}, {false, true, false});
  expect_shape_inference({x}, y, {a});
  // Empty, with the squeezed axis still 1.
  expect_exact<bool>(eval1({x}, y, {Array::zeros(DType::bool_, {0, 1})}), {0}, {});
  // The view survives the run-time check.
  EXPECT_EQ(y.node().inputs()[0].node().op().name, "specify_shape");
  const Array checked = reference_of(y.node().inputs()[0], {a});
  EXPECT_TRUE(checked.shares_memory_with(a));
  EXPECT_TRUE(reference_of(y, {checked}).shares_memory_with(a));
}

TEST(ShapeSqueeze, ErrorAxisNotOneAtBuildTime) {
  Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<ValueError>([&] { squeeze(x, {1}); },
                           {"shape_test.cpp", "squeeze", "cannot squeeze out axis 1", "size is 3, not 1"});
}

TEST(ShapeSqueeze, ErrorAxisNotOneAtRunTime) {
  Variable x = matrix("x");
  Variable y = squeeze(x, {1});
  expect_error<ValueError>([&] { eval1({x}, y, {Array::zeros(DType::float64, {3, 2})}); },
                           {"shape_test.cpp", "squeeze", "cannot squeeze out axis 1", "size is 2, not 1",
                            "expected shape (?, 1), got (3, 2)"});
}

TEST(ShapeSqueeze, ErrorAxisOutOfRange) {
  Variable x = matrix("x");
  expect_error<IndexError>([&] { squeeze(x, {2}); },
                           {"shape_test.cpp", "squeeze", "axis 2 is out of bounds for array of dimension 2"});
  expect_error<ValueError>([&] { squeeze(x, {1, -1}); }, {"shape_test.cpp", "squeeze", "repeated axis 1"});
}

// ---------------------------------------------------------------- expand_dims, shape_pad*

TEST(ShapeExpandDims, EveryPosition) {
  Variable x = tensor("x", DType::float32, {2, 3});
  EXPECT_EQ(expand_dims(x, 0).type().shape, (Shape{1, 2, 3}));
  EXPECT_EQ(expand_dims(x, 1).type().shape, (Shape{2, 1, 3}));
  EXPECT_EQ(expand_dims(x, 2).type().shape, (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(x, -1).type().shape, (Shape{2, 3, 1}));
  EXPECT_EQ(expand_dims(x, -3).type().shape, (Shape{1, 2, 3}));
  const Array a = iota(DType::float32, {2, 3});
  expect_array(eval1({x}, expand_dims(x, 1), {a}), DType::float32, {2, 1, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_TRUE(reference_of(expand_dims(x, 1), {a}).shares_memory_with(a));
  Variable m = matrix("m", DType::int8);
  expect_shape_inference({m}, expand_dims(m, 1), {iota(DType::int8, {0, 3})});
}

TEST(ShapeExpandDims, ErrorAxisOutOfRange) {
  Variable x = matrix("x");
  expect_error<IndexError>([&] { expand_dims(x, 3); },
                           {"shape_test.cpp", "expand_dims", "axis 3 is out of bounds for array of dimension 3"});
  expect_error<IndexError>([&] { expand_dims(x, -4); }, {"expand_dims", "axis -4 is out of bounds"});
}

TEST(ShapePad, LeftAndRight) {
  Variable x = vector("x", DType::uint64);
  EXPECT_EQ(shape_padleft(x).type().shape, (Shape{1, kUnknownDim}));
  EXPECT_EQ(shape_padleft(x, 2).type().shape, (Shape{1, 1, kUnknownDim}));
  EXPECT_EQ(shape_padright(x, 2).type().shape, (Shape{kUnknownDim, 1, 1}));
  EXPECT_EQ(shape_padright(x, 0), x);
  const Array a = iota(DType::uint64, {3});
  expect_exact<std::uint64_t>(eval1({x}, shape_padleft(x, 2), {a}), {1, 1, 3}, {0, 1, 2});
  expect_exact<std::uint64_t>(eval1({x}, shape_padright(x), {a}), {3, 1}, {0, 1, 2});
  expect_shape_inference({x}, shape_padright(x, 2), {a});
  expect_error<ValueError>([&] { shape_padleft(x, -1); },
                           {"shape_test.cpp", "shape_padleft", "n must be non-negative, got -1"});
  expect_error<ValueError>([&] { shape_padright(x, -2); }, {"shape_padright", "got -2"});
}

// ---------------------------------------------------------------- broadcast_to

TEST(ShapeBroadcastTo, ValuesForEveryDTypeAsAView) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    Variable x = vector("x", dt);
    Variable y = broadcast_to(x, {2, 3});
    EXPECT_EQ(y.type(), (Type{dt, {2, 3}}));
    const Array a = iota(dt, {3});
    std::vector<double> expected;
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) expected.push_back(value_of(dt, j));
    }
    expect_array(eval1({x}, y, {a}), dt, {2, 3}, expected);
    const Array r = reference_of(y, {a});
    EXPECT_TRUE(r.shares_memory_with(a));
    EXPECT_EQ(r.strides()[0], 0);
  }
}

TEST(ShapeBroadcastTo, SizeOneAxesEmptyAndNonContiguous) {
  Variable x = tensor("x", DType::int32, {2, 1});
  Variable y = broadcast_to(x, {3, 2, 4});
  EXPECT_EQ(y.type().shape, (Shape{3, 2, 4}));
  std::vector<std::int32_t> expected;
  for (int k = 0; k < 3; ++k) {
    for (int i = 0; i < 2; ++i) expected.insert(expected.end(), 4, i);
  }
  expect_exact<std::int32_t>(eval1({x}, y, {iota(DType::int32, {2, 1})}), {3, 2, 4}, expected);
  Variable m = matrix("m", DType::float64);
  expect_array(eval1({m}, broadcast_to(m, {0, 3}), {Array::zeros(DType::float64, {1, 3})}), DType::float64, {0, 3},
               {});
  // Column 0 of a (3, 2) transposed: [0, 2, 4] as a (1, 3) strided row.
  const Array t = iota(DType::float64, {3, 2}).transpose().slice(0, 0, 1);
  expect_array(eval1({m}, broadcast_to(m, {2, 3}), {t}), DType::float64, {2, 3}, {0, 2, 4, 0, 2, 4});
}

TEST(ShapeBroadcastTo, SymbolicSizesAndShapeInference) {
  Variable x = vector("x", DType::float64);
  Variable y = matrix("y", DType::float64);
  Variable b = broadcast_to(x, {shape(y, 0), shape(x, 0)});
  EXPECT_EQ(b.type().shape, (Shape{kUnknownDim, kUnknownDim}));
  const Array ax = iota(DType::float64, {2});
  const Array ay = Array::zeros(DType::float64, {3, 5});
  expect_array(testing::eval({x, y}, {b}, {ax, ay})[0], DType::float64, {3, 2}, {0, 1, 0, 1, 0, 1});
  expect_shape_inference({x, y}, b, {ax, ay});
  // A known size of x wins over an unknown requested one.
  Variable k = tensor("k", DType::float64, {4});
  EXPECT_EQ(broadcast_to(k, {shape(y, 0), shape(y, 1)}).type().shape, (Shape{kUnknownDim, 4}));
}

TEST(ShapeBroadcastTo, ErrorIncompatibleAtBuildTime) {
  Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<ShapeError>([&] { broadcast_to(x, {4, 3}); },
                           {"shape_test.cpp", "broadcast_to",
                            "cannot broadcast an array of shape (2, 3) to shape (4, 3)"});
  expect_error<ShapeError>([&] { broadcast_to(x, {3}); }, {"broadcast_to", "to shape (3,)"});
  expect_error<ValueError>([&] { broadcast_to(x, {-1, 3}); },
                           {"shape_test.cpp", "broadcast_to", "must be non-negative"});
}

TEST(ShapeBroadcastTo, ErrorIncompatibleAtRunTime) {
  Variable x = vector("x", DType::float64);
  Variable y = broadcast_to(x, {4, 3});
  expect_error<ShapeError>([&] { eval1({x}, y, {iota(DType::float64, {2})}); },
                           {"shape_test.cpp", "broadcast_to",
                            "cannot broadcast an array of shape (2,) to shape (4, 3)"});
  Variable n = scalar("n", DType::int64);
  expect_error<ValueError>(
      [&] { eval1({x, n}, broadcast_to(x, {n, 2}), {iota(DType::float64, {2}), Array::scalar<std::int64_t>(-1)}); },
      {"shape_test.cpp", "broadcast_to", "must be non-negative: shape (-1, 2)"});
}

// ---------------------------------------------------------------- shape, shape_i

TEST(ShapeShape, VectorOfSizes) {
  Variable x = tensor3("x", DType::float32);
  Variable s = shape(x);
  EXPECT_EQ(s.type(), (Type{DType::int64, {3}}));
  expect_exact<std::int64_t>(eval1({x}, s, {Array::zeros(DType::float32, {2, 0, 5})}), {3}, {2, 0, 5});
  expect_shape_inference({x}, s, {Array::zeros(DType::float32, {2, 0, 5})});
  Variable z = scalar("z");
  expect_exact<std::int64_t>(eval1({z}, shape(z), {Array::scalar(1.0)}), {0}, {});
}

TEST(ShapeShape, OneSize) {
  Variable x = tensor("x", DType::float64, {kUnknownDim, 4});
  EXPECT_TRUE(shape(x, 1).is_constant());
  EXPECT_EQ(shape(x, -1).constant_value().item<std::int64_t>(), 4);
  Variable s0 = shape(x, 0);
  EXPECT_EQ(s0.node().op().name, "shape_i");
  EXPECT_EQ(s0.type(), (Type{DType::int64, {}}));
  expect_exact<std::int64_t>(eval1({x}, s0, {Array::zeros(DType::float64, {7, 4})}), {}, {7});
  expect_error<IndexError>([&] { shape(x, 2); },
                           {"shape_test.cpp", "shape", "axis 2 is out of bounds for array of dimension 2"});
}

// ---------------------------------------------------------------- specify_shape

TEST(ShapeSpecifyShape, StaticShapeFromThenOn) {
  Variable x = matrix("x", DType::int8);
  Variable y = specify_shape(x, {2, kUnknownDim});
  EXPECT_EQ(y.type(), (Type{DType::int8, {2, kUnknownDim}}));
  EXPECT_EQ(transpose(y).type().shape, (Shape{kUnknownDim, 2}));
  const Array a = iota(DType::int8, {2, 3});
  expect_exact<std::int8_t>(eval1({x}, y, {a}), {2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_TRUE(reference_of(y, {a}).shares_memory_with(a));
  expect_shape_inference({x}, y, {a});
  // With the shape known, squeeze needs no run-time check.
  Variable z = specify_shape(x, {1, kUnknownDim});
  EXPECT_EQ(squeeze(z).type().shape, (Shape{kUnknownDim}));
}

TEST(ShapeSpecifyShape, ErrorMismatchAtRunTime) {
  Variable x = matrix("x");
  Variable y = specify_shape(x, {2, kUnknownDim});
  expect_error<ShapeError>([&] { eval1({x}, y, {Array::zeros(DType::float64, {3, 4})}); },
                           {"shape_test.cpp", "specify_shape", "dimension 0", "expected shape (2, ?), got (3, 4)"});
}

TEST(ShapeSpecifyShape, ErrorMismatchAtBuildTime) {
  Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<ShapeError>([&] { specify_shape(x, {2, 4}); },
                           {"shape_test.cpp", "specify_shape", "(2, 3)", "expected shape (2, 4)", "dimension 1"});
  expect_error<ShapeError>([&] { specify_shape(x, {2}); },
                           {"shape_test.cpp", "specify_shape", "expected shape (2,) has 1 dimensions"});
  expect_error<ValueError>([&] { specify_shape(matrix("m"), {2, -3}); }, {"specify_shape", "negative size -3"});
}

// ---------------------------------------------------------------- the op contract

TEST(ShapeOps, AliasingLoweringAndDifferentiability) {
  for (const char* name : {"dimshuffle", "reshape", "broadcast_to", "specify_shape"}) {
    SCOPED_TRACE(name);
    const OpDef& op = OpRegistry::get().op(name);
    ASSERT_TRUE(op.aliasing.has_value());
    EXPECT_EQ(op.aliasing->views, (std::vector<std::pair<int, int>>{{0, 0}}));
    EXPECT_TRUE(op.aliasing->destroys.empty());
    EXPECT_EQ(op.lowering->kind, Lowering::Kind::view);
    EXPECT_TRUE(op.not_differentiable_because.empty());
    EXPECT_TRUE(op.has(kShapeOnly));
  }
  for (const char* name : {"shape", "shape_i"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(OpRegistry::get().op(name).not_differentiable_because.empty());
  }
}

TEST(ShapeOps, BuildersShareNodes) {
  Variable x = tensor("x", DType::float64, {2, 1, 3});
  EXPECT_EQ(transpose(x, {1, 0, 2}), dimshuffle(x, {1, 0, 2}));
  EXPECT_EQ(squeeze(x), dimshuffle(x, {0, 2}));
  EXPECT_EQ(expand_dims(x, 0), shape_padleft(x));
  EXPECT_EQ(reshape(x, {3, 2}), reshape(x, {3, 2}));
}

}  // namespace
}  // namespace hypatia

namespace hypatia {
namespace {

// The size a -1 stands for is computed from x's shape, not read back from the output.
TEST(ShapeReshapeInference, InferredSizeNeedsOnlyTheInputShape) {
  Variable x = tensor3("x", DType::float32);
  Variable r = reshape(x, {-1, shape(x, 2)});
  const auto shapes = detail::infer_output_shapes(r.node(), SourceLocation::current());
  for (const auto& node : topological_order(shapes[0])) EXPECT_NE(node.get(), &r.node());
  const Array xv = Array::zeros(DType::float32, {2, 3, 4});
  std::vector<Array> sizes = function({x}, shapes[0])({xv});
  EXPECT_EQ(sizes[0].item<std::int64_t>(), 6);
  EXPECT_EQ(sizes[1].item<std::int64_t>(), 4);
}

}  // namespace
}  // namespace hypatia
