// zeros, ones, full, alloc, zeros_like, ones_like, arange and eye: values against
// hand-written expectations and NumPy's known results, static shapes from constant
// sizes, symbolic sizes, shape inference, and each error message.
#include "hypatia/ops/creation.hpp"

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;
using testing::expect_exact;
using testing::expect_shape_inference;

Variable size_input(const std::string& name) { return scalar(name, int64); }
Array size_arg(std::int64_t n) { return Array::scalar<std::int64_t>(n); }

// ---- zeros, ones, full

TEST(Zeros, ConstantSizesGiveStaticShapesInEveryDType) {
  for (DType t : {DType::bool_, DType::int8, DType::uint16, DType::int32, DType::float32, DType::float64}) {
    SCOPED_TRACE(dtype_name(t));
    const Variable z = zeros({2, 3}, t), o = ones({2, 3}, t);
    EXPECT_EQ(z.type(), (Type{t, {2, 3}}));
    EXPECT_EQ(o.type(), (Type{t, {2, 3}}));
    expect_array(eval1({}, z, {}), t, {2, 3}, std::vector<double>(6, 0.0));
    expect_array(eval1({}, o, {}), t, {2, 3}, std::vector<double>(6, 1.0));
  }
  EXPECT_EQ(zeros({}).type(), (Type{floatX(), {}}));
  expect_array(eval1({}, ones({}), {}), floatX(), {}, {1.0});
  expect_array(eval1({}, zeros({0, 4}), {}), floatX(), {0, 4}, {});
  expect_array(eval1({}, ones({1, 1, 2}, int8), {}), int8, {1, 1, 2}, {1, 1});
}

TEST(Zeros, SymbolicSizes) {
  Variable n = size_input("n"), m = scalar("m", int32);
  const Variable z = zeros({n, 3, m}, int16);
  EXPECT_EQ(z.type(), (Type{int16, {kUnknownDim, 3, kUnknownDim}}));
  expect_array(eval1({n, m}, z, {size_arg(2), Array::scalar<std::int32_t>(1)}), int16, {2, 3, 1},
               std::vector<double>(6, 0.0));
  expect_array(eval1({n, m}, z, {size_arg(0), Array::scalar<std::int32_t>(2)}), int16, {0, 3, 2}, {});
  expect_shape_inference({n, m}, z, {size_arg(4), Array::scalar<std::int32_t>(2)});
  // A size computed in the graph.
  const Variable o = ones({n * 2});
  expect_array(eval1({n}, o, {size_arg(2)}), floatX(), {4}, {1, 1, 1, 1});
}

TEST(Full, ValueAndDType) {
  expect_array(eval1({}, full({2, 2}, 2.5), {}), floatX(), {2, 2}, {2.5, 2.5, 2.5, 2.5});
  expect_exact<std::int64_t>(eval1({}, full({3}, 7), {}), {3}, {7, 7, 7});  // int literal: int64, as NumPy
  expect_exact<std::int32_t>(eval1({}, full({2}, 7.9, int32), {}), {2}, {7, 7});
  expect_exact<bool>(eval1({}, full({2}, true), {}), {2}, {true, true});
  expect_exact<std::uint8_t>(eval1({}, full({1, 2}, 255, uint8), {}), {1, 2}, {255, 255});
  // A symbolic value keeps its dtype unless one is given.
  Variable v = scalar("v", float32), n = size_input("n");
  EXPECT_EQ(full({n}, v).dtype(), float32);
  expect_array(eval1({v, n}, full({n}, v), {Array::scalar(-1.5f), size_arg(3)}), float32, {3}, {-1.5, -1.5, -1.5});
  expect_array(eval1({v, n}, full({n}, v, float64), {Array::scalar(0.5f), size_arg(1)}), float64, {1}, {0.5});
}

// ---- alloc

TEST(Alloc, BroadcastsTheValue) {
  Variable row = vector("row", int32), n = size_input("n");
  const Variable a = alloc(row, {n, 3});
  // The value's size fixes the last dimension statically: only 3 fits.
  EXPECT_EQ(a.type(), (Type{int32, {kUnknownDim, 3}}));
  expect_exact<std::int32_t>(eval1({row, n}, a, {Array::from<std::int32_t>({1, -2, 3}), size_arg(2)}), {2, 3},
                             {1, -2, 3, 1, -2, 3});
  // A strided (reversed) value, and a size-1 value axis broadcast.
  const Array rev = Array::from<std::int32_t>({1, 2, 3, 4, 5, 6}).slice(0, 5, -7, -2);  // [6 4 2]
  expect_exact<std::int32_t>(eval1({row, n}, a, {rev, size_arg(1)}), {1, 3}, {6, 4, 2});
  Variable col = matrix("col", float64);
  const Variable b = alloc(col, {2, 3, 2});
  expect_array(eval1({col}, b, {Array::from({{1.0}, {2.0}, {3.0}})}), float64, {2, 3, 2},
               {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3});
  expect_shape_inference({row, n}, a, {Array::from<std::int32_t>({1, 2, 3}), size_arg(5)});
  // The result is a new array, not a view of the value.
  const Array value = Array::from<std::int32_t>({1, 2, 3});
  const Array out = eval1({row, n}, a, {value, size_arg(1)});
  EXPECT_FALSE(out.shares_memory_with(value));
  // Empty results.
  expect_exact<std::int32_t>(eval1({row, n}, a, {value, size_arg(0)}), {0, 3}, {});
}

TEST(Alloc, ValueWithMoreDimensionsThanTheShape) {
  expect_error<ShapeError>([] { alloc(matrix("m"), {3}); },
                           {"creation_test.cpp", "alloc", "the value has more dimensions (2, shape (?, ?)) than the shape to fill (1)"});
}

TEST(Alloc, ValueThatDoesNotBroadcastAtBuildTime) {
  expect_error<ShapeError>([] { alloc(tensor("v", float64, {2}), {4, 3}); },
                           {"creation_test.cpp", "alloc", "the value of shape (2,) does not broadcast to shape (4, 3)"});
}

TEST(Alloc, ValueThatDoesNotBroadcastAtRunTime) {
  Variable v = vector("v"), n = size_input("n");
  expect_error<ShapeError>([&] { eval1({v, n}, alloc(v, {2, n}), {Array::from({1.0, 2.0}), size_arg(3)}); },
                           {"creation_test.cpp", "alloc", "the value of shape (2,) does not broadcast to shape (2, 3)"});
}

TEST(Alloc, NegativeSizeAtRunTime) {
  Variable n = size_input("n");
  expect_error<ValueError>([&] { eval1({n}, zeros({2, n}), {size_arg(-1)}); },
                           {"creation_test.cpp", "alloc", "negative dimensions are not allowed: size 1 is -1"});
}

TEST(Alloc, NegativeConstantSizeAtBuildTime) {
  expect_error<ValueError>([] { ones({3, -2}); },
                           {"creation_test.cpp", "alloc", "negative dimensions are not allowed: size 1 is -2"});
}

TEST(Alloc, SizeThatIsNotAnInteger) {
  expect_error<TypeError>([] { zeros({2, 1.5}); },
                          {"creation_test.cpp", "alloc: size 1 must be an integer scalar"});
  expect_error<TypeError>([] { zeros({vector("v", int64)}); }, {"alloc: size 0 must be an integer scalar"});
}

// ---- zeros_like, ones_like

TEST(ZerosLike, ShapeAndDTypeOfTheInput) {
  Variable x = tensor("x", int8, {kUnknownDim, 2});
  const Array arg = Array::from<std::int8_t>({{1, 2}, {3, 4}, {5, 6}}).slice(0, 0, 3, 2);  // (2, 2), strided
  const Variable z = zeros_like(x), o = ones_like(x), of = ones_like(x, float32);
  EXPECT_EQ(z.type(), (Type{int8, {kUnknownDim, 2}}));
  EXPECT_EQ(of.type(), (Type{float32, {kUnknownDim, 2}}));
  expect_exact<std::int8_t>(eval1({x}, z, {arg}), {2, 2}, {0, 0, 0, 0});
  expect_exact<std::int8_t>(eval1({x}, o, {arg}), {2, 2}, {1, 1, 1, 1});
  expect_array(eval1({x}, of, {arg}), float32, {2, 2}, {1, 1, 1, 1});
  expect_shape_inference({x}, o, {arg});
  expect_exact<std::int8_t>(eval1({x}, z, {Array::zeros(int8, {0, 2})}), {0, 2}, {});
  Variable s = scalar("s", bool_);
  expect_exact<bool>(eval1({}, ones_like(constant(true)), {}), {}, {true});
  EXPECT_EQ(zeros_like(s, uint32).type(), (Type{uint32, {}}));
  // Fully static inputs give constant sizes: the result does not depend on x's value.
  EXPECT_EQ(zeros_like(tensor("y", float64, {2, 3})).type(), (Type{float64, {2, 3}}));
}

// ---- arange

TEST(Arange, IntegerArguments) {
  expect_exact<std::int64_t>(eval1({}, arange(5), {}), {5}, {0, 1, 2, 3, 4});
  expect_exact<std::int64_t>(eval1({}, arange(1, 10, 3), {}), {3}, {1, 4, 7});
  expect_exact<std::int64_t>(eval1({}, arange(10, 1, -3), {}), {3}, {10, 7, 4});
  expect_exact<std::int64_t>(eval1({}, arange(5, 1), {}), {0}, {});
  expect_exact<std::int64_t>(eval1({}, arange(-3), {}), {0}, {});
  expect_exact<std::int64_t>(eval1({}, arange(2, 3), {}), {1}, {2});
  // The full int64 range does not overflow the length computation.
  const std::int64_t lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  expect_exact<std::int64_t>(eval1({}, arange(lo, hi, hi), {}), {3}, {lo, -1, hi - 1});
  EXPECT_EQ(arange(1, 10, 3).type(), (Type{int64, {3}}));
}

TEST(Arange, FloatArgumentsFollowNumPysFill) {
  // NumPy: values are first + i * ((start + step) - start), so these are its results.
  expect_array(eval1({}, arange(0.0, 1.0, 0.3), {}), float64, {4}, {0.0, 0.3, 0.6, 0.8999999999999999}, 0);
  expect_array(eval1({}, arange(1.0, 2.0, 0.1), {}), float64, {10},
               {1.0, 1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004, 1.5000000000000004,
                1.6000000000000005, 1.7000000000000006, 1.8000000000000007, 1.9000000000000008},
               0);
  expect_array(eval1({}, arange(0, 1, 0.1, float32), {}), float32, {10},
               {0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5,
                0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.9000000357627869},
               0);
  expect_array(eval1({}, arange(2.5), {}), float64, {3}, {0, 1, 2});
  expect_array(eval1({}, arange(0.5, -1.0, -0.5), {}), float64, {3}, {0.5, 0.0, -0.5});
  EXPECT_EQ(arange(2.5).dtype(), float64);
}

TEST(Arange, ExplicitDTypes) {
  // NumPy: arange(120, 130, dtype=int8) wraps past 127.
  expect_exact<std::int8_t>(eval1({}, arange(120, 130, 1, int8), {}), {10},
                            {120, 121, 122, 123, 124, 125, 126, 127, -128, -127});
  expect_exact<std::uint8_t>(eval1({}, arange(-2, 2, 1, uint8), {}), {4}, {254, 255, 0, 1});
  // NumPy: arange(0, 2, 0.5, dtype=int64) is [0 0 0 0] (both first values truncate to 0)
  // and arange(0.5, 3, dtype=int64) is [0 1 2].
  expect_exact<std::int64_t>(eval1({}, arange(0, 2, 0.5, int64), {}), {4}, {0, 0, 0, 0});
  expect_exact<std::int64_t>(eval1({}, arange(0.5, 3, 1, int64), {}), {3}, {0, 1, 2});
  expect_array(eval1({}, arange(3, float32), {}), float32, {3}, {0, 1, 2});
  expect_exact<bool>(eval1({}, arange(2, bool_), {}), {2}, {false, true});
}

TEST(Arange, SymbolicArguments) {
  Variable n = scalar("n", int32), start = scalar("start", float32), step = scalar("step", int8);
  EXPECT_EQ(arange(n).type(), (Type{int64, {kUnknownDim}}));
  EXPECT_EQ(arange(start, n, step).type(), (Type{float64, {kUnknownDim}}));
  expect_exact<std::int64_t>(eval1({n}, arange(n), {Array::scalar<std::int32_t>(3)}), {3}, {0, 1, 2});
  const Variable r = arange(start, n, step);
  expect_array(eval1({start, n, step}, r, {Array::scalar(0.5f), Array::scalar<std::int32_t>(-4), Array::scalar<std::int8_t>(-2)}),
               float64, {3}, {0.5, -1.5, -3.5});
  expect_shape_inference({start, n, step}, r,
                         {Array::scalar(0.5f), Array::scalar<std::int32_t>(7), Array::scalar<std::int8_t>(2)});
  expect_shape_inference({n}, arange(n), {Array::scalar<std::int32_t>(-2)});
}

TEST(Arange, ZeroStepAtBuildTime) {
  expect_error<ValueError>([] { arange(0, 5, 0); }, {"creation_test.cpp", "arange", "step must not be zero"});
}

TEST(Arange, ZeroStepAtRunTime) {
  Variable step = scalar("step", int64);
  expect_error<ValueError>([&] { eval1({step}, arange(0, 5, step), {Array::scalar<std::int64_t>(0)}); },
                           {"creation_test.cpp", "arange", "step must not be zero"});
}

TEST(Arange, NaNArguments) {
  Variable stop = scalar("stop", float64);
  expect_error<ValueError>(
      [&] { eval1({stop}, arange(stop), {Array::scalar(std::nan(""))}); },
      {"creation_test.cpp", "arange", "is not a number"});
}

TEST(Arange, NonScalarArgument) {
  expect_error<TypeError>([] { arange(vector("v", int64)); },
                          {"creation_test.cpp", "arange", "stop must be a scalar, not int64 (?,)"});
}

// ---- eye

TEST(Eye, DiagonalsAndDTypes) {
  expect_array(eval1({}, eye(3), {}), floatX(), {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_array(eval1({}, eye(3, 4, 1), {}), floatX(), {3, 4}, {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});
  expect_array(eval1({}, eye(3, 2, -1), {}), floatX(), {3, 2}, {0, 0, 1, 0, 0, 1});
  expect_array(eval1({}, eye(2, std::nullopt, 5), {}), floatX(), {2, 2}, {0, 0, 0, 0});
  expect_array(eval1({}, eye(2, std::nullopt, std::numeric_limits<std::int64_t>::min()), {}), floatX(), {2, 2},
               {0, 0, 0, 0});
  expect_exact<std::int32_t>(eval1({}, eye(2, 3, 0, int32), {}), {2, 3}, {1, 0, 0, 0, 1, 0});
  expect_exact<bool>(eval1({}, eye(2, 2, 0, bool_), {}), {2, 2}, {true, false, false, true});
  expect_array(eval1({}, eye(0), {}), floatX(), {0, 0}, {});
  expect_array(eval1({}, eye(1, 0), {}), floatX(), {1, 0}, {});
  EXPECT_EQ(eye(3, 4, 0, uint8).type(), (Type{uint8, {3, 4}}));
}

TEST(Eye, SymbolicSizes) {
  Variable n = size_input("n"), m = scalar("m", uint8);
  const Variable e = eye(n, m, -1, float32);
  EXPECT_EQ(e.type(), (Type{float32, {kUnknownDim, kUnknownDim}}));
  expect_array(eval1({n, m}, e, {size_arg(3), Array::scalar<std::uint8_t>(2)}), float32, {3, 2}, {0, 0, 1, 0, 0, 1});
  expect_shape_inference({n, m}, e, {size_arg(4), Array::scalar<std::uint8_t>(1)});
  EXPECT_EQ(eye(n, 5).type().shape, (Shape{kUnknownDim, 5}));
}

TEST(Eye, SizeThatIsNotAnInteger) {
  expect_error<TypeError>([] { eye(2, 1.5); }, {"creation_test.cpp", "eye: size 1 must be an integer scalar"});
}

TEST(Eye, NegativeSizeAtRunTime) {
  Variable n = size_input("n");
  expect_error<ValueError>([&] { eval1({n}, eye(n), {size_arg(-3)}); },
                           {"creation_test.cpp", "eye", "negative dimensions are not allowed: size 0 is -3"});
}

}  // namespace
}  // namespace hypatia
