// Joining, splitting and tiling against references written here (plain loops over
// C-order indices): values for every dtype, promotion, negative axes, empty and size-1
// dimensions, non-contiguous inputs, shape inference, and each error message.
#include <gtest/gtest.h>

#include "graph/op.hpp"
#include "join_test_util.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using namespace testing;

// The concatenation of C-order arrays along `axis`: for each outer index, each
// operand's block of shape[axis] * inner elements in turn.
std::vector<double> concat_ref(const std::vector<Array>& xs, int axis) {
  std::vector<double> out;
  const Shape& s0 = xs[0].shape();
  std::int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= s0[static_cast<std::size_t>(d)];
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const Array& x : xs) {
      std::int64_t block = 1;
      for (std::size_t d = static_cast<std::size_t>(axis); d < x.shape().size(); ++d) block *= x.shape()[d];
      const std::vector<double> v = x.to_vector<double>();
      for (std::int64_t k = 0; k < block; ++k) out.push_back(v[static_cast<std::size_t>(o * block + k)]);
    }
  }
  return out;
}

TEST(Join, ConcatenateEveryDtypeAndAxis) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    const Array a = iota(dt, {2, 3, 2}), b = iota(dt, {2, 3, 1}, 7), c = iota(dt, {1, 3, 2}, 3);
    const Variable va = tensor("a", dt, {2, 3, 2}), vb = tensor("b", dt, {2, 3, 1}), vc = tensor("c", dt, {1, 3, 2});
    expect_array(eval1({va, vb}, concatenate({va, vb}, 2), {a, b}), dt, {2, 3, 3}, concat_ref({a, b}, 2));
    expect_array(eval1({va, vb}, concatenate({va, vb}, -1), {a, b}), dt, {2, 3, 3}, concat_ref({a, b}, 2));
    expect_array(eval1({va, vc}, join(0, {va, vc, va}), {a, c}), dt, {5, 3, 2}, concat_ref({a, c, a}, 0));
    expect_array(eval1({va}, concatenate({va, va}, 1), {a}), dt, {2, 6, 2}, concat_ref({a, a}, 1));
  }
}

TEST(Join, PromotesDtypes) {
  const Variable i8 = vector("a", DType::int8), u8 = vector("b", DType::uint8), f32 = vector("c", DType::float32),
                 i32 = vector("d", DType::int32), b = vector("e", DType::bool_);
  EXPECT_EQ(concatenate({i8, u8}).dtype(), DType::int16);
  EXPECT_EQ(concatenate({i32, f32}).dtype(), DType::float64);
  EXPECT_EQ(concatenate({b, i8}).dtype(), DType::int8);
  const Array x = Array::from<std::int8_t>({-1, 2}), y = Array::from<std::uint8_t>({200});
  expect_array(eval1({i8, u8}, concatenate({i8, u8}), {x, y}), DType::int16, {3}, {-1, 2, 200});
  const Array bools = Array::from_vector(std::vector<bool>{true, false});
  expect_array(eval1({b, f32}, concatenate({b, f32}), {bools, Array::from<float>({2.5f})}), DType::float32, {3},
               {1, 0, 2.5});
}

TEST(Join, NonContiguousEmptyAndSizeOne) {
  const Array t = iota(DType::float64, {3, 2}).transpose();          // (2, 3), strided
  const Array r = iota(DType::float64, {2, 4}).slice(1, 3, -5, -1);  // (2, 4), reversed columns
  const Variable a = matrix("a", DType::float64), b = matrix("b", DType::float64);
  expect_array(eval1({a, b}, concatenate({a, b}, 1), {t, r}), DType::float64, {2, 7},
               concat_ref({t.copy(), r.copy()}, 1));
  const Array e = Array::zeros(DType::float64, {0, 3});
  expect_array(eval1({a, b}, concatenate({a, b}), {e, t}), DType::float64, {2, 3}, concat_ref({t.copy()}, 0));
  expect_array(eval1({a}, concatenate({a, a}, 1), {Array::zeros(DType::float64, {2, 0})}), DType::float64, {2, 0}, {});
  const Array one = iota(DType::float64, {1, 1}, 4);
  expect_array(eval1({a}, concatenate({a, a}, 0), {one}), DType::float64, {2, 1}, {4, 4});
}

TEST(Join, StaticShapesAndShapeInference) {
  const Variable a = tensor("a", DType::float64, {kUnknownDim, 3}), b = tensor("b", DType::float64, {2, kUnknownDim});
  EXPECT_EQ(concatenate({a, b}).type().shape, (Shape{kUnknownDim, 3}));
  EXPECT_EQ(concatenate({b, b}).type().shape, (Shape{4, kUnknownDim}));
  EXPECT_EQ(concatenate({a, b}, 1).type().shape, (Shape{2, kUnknownDim}));
  const Array x = iota(DType::float64, {4, 3}), y = iota(DType::float64, {2, 3});
  expect_shape_inference({a, b}, concatenate({a, b}), {x, y});
  expect_shape_inference({a, b}, concatenate({b, a, b}, 0), {x, y});
  expect_shape_inference({a, b}, concatenate({a, b}, 1), {y, y});
  expect_shape_inference({a, b}, stack({a, a}, 1), {x, y});
}

TEST(Join, Errors) {
  const Variable m = matrix("m", DType::float64), v = vector("v", DType::float64), s = scalar("s");
  expect_error<ValueError>(
      [&] {
        concatenate({m, v});
      },
      {"join",
       "all the input arrays must have same number of dimensions, but the array at index 0 "
       "has 2 dimension(s) and the array at index 1 has 1 dimension(s)",
       "join_test.cpp"});
  const Variable a = tensor("a", DType::float64, {2, 2}), b = tensor("b", DType::float64, {2, 3});
  expect_error<ShapeError>(
      [&] {
        concatenate({a, b});
      },
      {"join",
       "all the input array dimensions except for the concatenation axis must match "
       "exactly, but along dimension 1, the array at index 0 has size 2 and the array at "
       "index 1 has size 3",
       "join_test.cpp"});
  expect_error<ValueError>([&] { concatenate({}); }, {"concatenate", "need at least one array to concatenate"});
  expect_error<ValueError>(
      [&] {
        concatenate({s, s});
      },
      {"concatenate", "zero-dimensional arrays cannot be concatenated", "join_test.cpp"});
  expect_error<ValueError>(
      [&] {
        concatenate({m, m}, 2);
      },
      {"concatenate", "axis 2 is out of bounds for array of dimension 2", "join_test.cpp"});
  // Sizes known only at run time.
  const Variable u = tensor("u", DType::float64, {kUnknownDim, kUnknownDim});
  expect_error<ShapeError>(
      [&] {
        eval1({u, a}, concatenate({u, a}), {iota(DType::float64, {2, 3}), iota(DType::float64, {2, 2})});
      },
      {"join", "along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 2"});
}

TEST(Join, Stack) {
  for (DType dt : {DType::bool_, DType::int32, DType::float32}) {
    const Array a = iota(dt, {2, 3}), b = iota(dt, {2, 3}, 6);
    const Variable va = matrix("a", dt), vb = matrix("b", dt);
    // stack along axis k: concatenation of the operands with a size-1 axis at k.
    expect_array(eval1({va, vb}, stack({va, vb}), {a, b}), dt, {2, 2, 3},
                 concat_ref({a.reshape({1, 2, 3}), b.reshape({1, 2, 3})}, 0));
    expect_array(eval1({va, vb}, stack({va, vb}, 1), {a, b}), dt, {2, 2, 3},
                 concat_ref({a.reshape({2, 1, 3}), b.reshape({2, 1, 3})}, 1));
    expect_array(eval1({va, vb}, stack({va, vb}, -1), {a, b}), dt, {2, 3, 2},
                 concat_ref({a.reshape({2, 3, 1}), b.reshape({2, 3, 1})}, 2));
  }
  const Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, stack({s, s, 2.0}), {Array::scalar(1.5)}), DType::float64, {3}, {1.5, 1.5, 2});
  const Variable a = tensor("a", DType::float64, {2}), b = tensor("b", DType::float64, {3});
  expect_error<ValueError>(
      [&] {
        stack({a, b});
      },
      {"stack", "all input arrays must have the same shape", "(2,)", "(3,)", "join_test.cpp"});
  expect_error<ValueError>([&] { stack({}); }, {"stack", "need at least one array to stack"});
  expect_error<ValueError>(
      [&] {
        stack({a, a}, 2);
      },
      {"stack", "axis 2 is out of bounds for array of dimension 2", "join_test.cpp"});
}

TEST(Join, HorizontalAndVerticalStack) {
  const Variable v = vector("v", DType::float64), w = vector("w", DType::float64);
  const Array x = iota(DType::float64, {2}), y = iota(DType::float64, {3}, 5);
  expect_array(eval1({v, w}, horizontal_stack({v, w}), {x, y}), DType::float64, {5}, {0, 1, 5, 6, 7});
  expect_array(eval1({v}, vertical_stack({v, v}), {y}), DType::float64, {2, 3}, {5, 6, 7, 5, 6, 7});
  const Variable m = matrix("m", DType::int32), n = matrix("n", DType::int32);
  const Array a = iota(DType::int32, {2, 1}), b = iota(DType::int32, {2, 2}, 4);
  expect_array(eval1({m, n}, horizontal_stack({m, n}), {a, b}), DType::int32, {2, 3}, concat_ref({a, b}, 1));
  expect_array(eval1({m, n}, vertical_stack({n, transpose(m)}), {a, b}), DType::int32, {3, 2},
               concat_ref({b, a.transpose().copy()}, 0));
  const Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, horizontal_stack({s, s}), {Array::scalar(2.0)}), DType::float64, {2}, {2, 2});
  expect_array(eval1({s}, vertical_stack({s, s}), {Array::scalar(2.0)}), DType::float64, {2, 1}, {2, 2});
  expect_error<ValueError>([&] { horizontal_stack({}); }, {"horizontal_stack", "need at least one array"});
  expect_error<ValueError>([&] { vertical_stack({}); }, {"vertical_stack", "need at least one array"});
}

TEST(Split, ValuesViewsAndDtypes) {
  for (DType dt : kDTypes) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {5, 2});
    const Variable v = matrix("x", dt);
    const std::vector<Variable> parts = split(v, {2, 0, 3});
    ASSERT_EQ(parts.size(), 3u);
    const std::vector<Array> r = eval({v}, parts, {x});
    const std::vector<double> all = x.to_vector<double>();
    expect_array(r[0], dt, {2, 2}, std::vector<double>(all.begin(), all.begin() + 4));
    expect_array(r[1], dt, {0, 2}, {});
    expect_array(r[2], dt, {3, 2}, std::vector<double>(all.begin() + 4, all.end()));
  }
  // Along the last axis of a non-contiguous x; the kernel returns views of x.
  const Array t = iota(DType::float64, {3, 2}).transpose();  // (2, 3): [[0 2 4] [1 3 5]]
  const Variable m = matrix("m", DType::float64);
  const std::vector<Variable> cols = split(m, {1, 2}, -1);
  const std::vector<Array> r = eval({m}, cols, {t});
  expect_array(r[0], DType::float64, {2, 1}, {0, 1});
  expect_array(r[1], DType::float64, {2, 2}, {2, 4, 3, 5});
  const Node& node = cols[0].node();
  const std::vector<Array> direct = node.op().reference(
      KernelArgs{std::vector<Array>{t, Array::scalar<std::int64_t>(1), Array::scalar<std::int64_t>(2)}, node});
  EXPECT_TRUE(direct[1].shares_memory_with(t));
}

TEST(Split, SymbolicSizesAndShapeInference) {
  const Variable x = tensor("x", DType::float64, {kUnknownDim, 2}), k = scalar("k", DType::int64);
  const std::vector<Variable> parts = split(x, {k, 1});
  EXPECT_EQ(parts[0].type().shape, (Shape{kUnknownDim, 2}));
  EXPECT_EQ(parts[1].type().shape, (Shape{1, 2}));
  const std::vector<Array> args{iota(DType::float64, {4, 2}), Array::scalar<std::int64_t>(3)};
  expect_array(eval({x, k}, parts, args)[0], DType::float64, {3, 2}, {0, 1, 2, 3, 4, 5});
  expect_shape_inference({x, k}, parts[0], args);
  expect_shape_inference({x, k}, parts[1], args);
  // A size as an int32 scalar is cast.
  const Variable k32 = scalar("k32", DType::int32);
  EXPECT_EQ(split(x, {k32, 1})[0].node().inputs()[1].dtype(), DType::int64);
}

TEST(Split, Errors) {
  const Variable x = tensor("x", DType::float64, {5, 2});
  expect_error<ValueError>(
      [&] {
        split(x, {2, 2});
      },
      {"split", "the sizes (2, 2) add up to 4, not to 5, the size of axis 0 of x", "join_test.cpp"});
  expect_error<ValueError>([&] { split(x, {6, -1}); }, {"split", "split size 1 is negative: -1", "join_test.cpp"});
  expect_error<ValueError>([&] { split(x, {5}, 2); },
                           {"split", "axis 2 is out of bounds for array of dimension 2", "join_test.cpp"});
  expect_error<ValueError>([&] { split(x, {}); }, {"split", "split needs at least one size", "join_test.cpp"});
  expect_error<ValueError>([&] { split(scalar("s"), {1}); },
                           {"split", "cannot split a zero-dimensional array", "join_test.cpp"});
  expect_error<TypeError>([&] { split(x, {2.5, 2}); }, {"split", "size 0 must be an integer scalar", "join_test.cpp"});
  // Run time: sizes known only then.
  const Variable k = scalar("k", DType::int64);
  const std::vector<Variable> parts = split(x, {k, 2});
  expect_error<ValueError>(
      [&] {
        eval({x, k}, parts, {iota(DType::float64, {5, 2}), Array::scalar<std::int64_t>(2)});
      },
      {"split", "the sizes (2, 2) add up to 4, not to 5", "join_test.cpp"});
  expect_error<ValueError>(
      [&] {
        eval({x, k}, parts, {iota(DType::float64, {5, 2}), Array::scalar<std::int64_t>(-1)});
      },
      {"split", "split size 0 is negative: -1"});
}

// numpy.tile: element (i0, i1, ...) of the result is x[i0 % s0, i1 % s1, ...] with x
// read at the result's rank.
std::vector<double> tile_ref(const Array& x, const Shape& xs, const Shape& out) {
  const std::vector<double> v = x.to_vector<double>();
  std::vector<double> r;
  for (std::int64_t e = 0; e < shape_size(out); ++e) {
    const std::vector<std::int64_t> idx = unravel(e, out);
    std::vector<std::int64_t> src;
    for (std::size_t d = 0; d < out.size(); ++d) src.push_back(idx[d] % xs[d]);
    r.push_back(v[static_cast<std::size_t>(ravel(src, xs))]);
  }
  return r;
}

TEST(Tile, Values) {
  for (DType dt : {DType::bool_, DType::uint8, DType::int64, DType::float32}) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {2, 3});
    const Variable v = matrix("x", dt);
    expect_array(eval1({v}, tile(v, {2}), {x}), dt, {2, 6}, tile_ref(x, {2, 3}, {2, 6}));
    expect_array(eval1({v}, tile(v, {3, 2}), {x}), dt, {6, 6}, tile_ref(x, {2, 3}, {6, 6}));
    expect_array(eval1({v}, tile(v, {2, 1, 2}), {x}), dt, {2, 2, 6}, tile_ref(x, {1, 2, 3}, {2, 2, 6}));
    expect_array(eval1({v}, tile(v, {0, 2}), {x}), dt, {0, 6}, {});
    expect_array(eval1({v}, tile(v, {}), {x}), dt, {2, 3}, x.to_vector<double>());
  }
  const Array t = iota(DType::float64, {3, 2}).transpose();
  const Variable m = tensor("m", DType::float64, {kUnknownDim, kUnknownDim});
  expect_array(eval1({m}, tile(m, {2, 2}), {t}), DType::float64, {4, 6}, tile_ref(t.copy(), {2, 3}, {4, 6}));
  expect_shape_inference({m}, tile(m, {2, 3}), {t});
  const Variable s = scalar("s", DType::float64);
  expect_array(eval1({s}, tile(s, {3}), {Array::scalar(1.5)}), DType::float64, {3}, {1.5, 1.5, 1.5});
  EXPECT_EQ(tile(matrix("a"), {2, 2}).type().shape, (Shape{kUnknownDim, kUnknownDim}));
  EXPECT_EQ(tile(tensor("a", DType::float64, {2, 3}), {2, 2}).type().shape, (Shape{4, 6}));
  expect_error<ValueError>([&] { tile(s, {2, -1}); }, {"tile", "negative dimensions are not allowed", "join_test.cpp"});
}

}  // namespace
}  // namespace hypatia
