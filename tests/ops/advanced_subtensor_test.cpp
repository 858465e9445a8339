// Advanced indexing (advanced_subtensor1, advanced_subtensor, their increments, take,
// nonzero) against references written here: plain loops over multi-indices that pick
// x's elements by NumPy's rules, and every error message.
#include <gtest/gtest.h>

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

const DType kDataTypes[] = {DType::bool_,  DType::int8,   DType::uint8,   DType::int16,   DType::uint16, DType::int32,
                            DType::uint32, DType::int64,  DType::uint64,  DType::float32, DType::float64};
const DType kIndexTypes[] = {DType::int8, DType::uint8, DType::int16, DType::int32, DType::uint32,
                             DType::int64, DType::uint64};

// A C-contiguous array of `dtype` holding i (i % 2 for bool) at flat index i, plus `base`.
Array iota(DType dtype, const Shape& shape, double base = 0) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < shape_size(shape); ++i) v.push_back(dtype == DType::bool_ ? i % 2 : base + i);
  return Array::from_vector(v, shape).astype(dtype);
}

Array ints(const std::vector<std::int64_t>& v, const Shape& shape, DType dtype = DType::int64) {
  if (shape.empty()) return Array::scalar(v.at(0)).astype(dtype);
  return Array::from_vector(v, shape).astype(dtype);
}

// ---------------------------------------------------------------- the reference

// The flat C-order position of `index` in `shape`, reading size-1 dimensions as
// broadcast (right-aligned, as NumPy broadcasts).
std::int64_t flat_broadcast(const std::vector<std::int64_t>& index, const Shape& shape) {
  std::int64_t f = 0;
  const std::size_t pad = index.size() - shape.size();
  for (std::size_t d = 0; d < shape.size(); ++d) f = f * shape[d] + (shape[d] == 1 ? 0 : index[pad + d]);
  return f;
}

std::vector<std::int64_t> unravel(std::int64_t f, const Shape& shape) {
  std::vector<std::int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = f % shape[d];
    f /= shape[d];
  }
  return index;
}

struct Selection {
  Shape shape;                     // the result's shape
  std::vector<std::int64_t> from;  // per result element (C order), the flat index into x
};

// x[arrays at axes] by NumPy's rules, written out: the broadcast index dimensions go
// first when `first`, else where the (adjacent) indexed axes were.
Selection select(const Shape& xs, const std::vector<Array>& arrays, const std::vector<std::int64_t>& axes,
                 bool first) {
  Shape b;
  for (const Array& a : arrays) {
    if (a.shape().size() > b.size()) b.insert(b.begin(), a.shape().size() - b.size(), 1);
  }
  for (const Array& a : arrays) {
    const std::size_t pad = b.size() - a.shape().size();
    for (std::size_t d = 0; d < a.shape().size(); ++d) {
      if (a.shape()[d] != 1) b[pad + d] = a.shape()[d];
    }
  }
  std::vector<int> outer, inner;
  for (int i = 0; i < static_cast<int>(xs.size()); ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end()) continue;
    (!first && i < axes[0] ? outer : inner).push_back(i);
  }
  Selection s;
  for (int i : outer) s.shape.push_back(xs[static_cast<std::size_t>(i)]);
  s.shape.insert(s.shape.end(), b.begin(), b.end());
  for (int i : inner) s.shape.push_back(xs[static_cast<std::size_t>(i)]);
  std::vector<std::vector<std::int64_t>> values;
  for (const Array& a : arrays) values.push_back(a.to_vector<std::int64_t>());
  for (std::int64_t f = 0; f < shape_size(s.shape); ++f) {
    const std::vector<std::int64_t> out = unravel(f, s.shape);
    std::vector<std::int64_t> xi(xs.size());
    std::size_t p = 0;
    for (int i : outer) xi[static_cast<std::size_t>(i)] = out[p++];
    const std::vector<std::int64_t> bi(out.begin() + static_cast<std::ptrdiff_t>(p),
                                       out.begin() + static_cast<std::ptrdiff_t>(p + b.size()));
    p += b.size();
    for (std::size_t k = 0; k < arrays.size(); ++k) {
      const auto axis = static_cast<std::size_t>(axes[k]);
      std::int64_t v = values[k][static_cast<std::size_t>(flat_broadcast(bi, arrays[k].shape()))];
      if (v < 0) v += xs[axis];
      xi[axis] = v;
    }
    for (int i : inner) xi[static_cast<std::size_t>(i)] = out[p++];
    s.from.push_back(flat_broadcast(xi, xs));
  }
  return s;
}

std::vector<double> gathered(const Array& x, const Selection& s) {
  const std::vector<double> xv = x.to_vector<double>();
  std::vector<double> out;
  for (std::int64_t f : s.from) out.push_back(xv[static_cast<std::size_t>(f)]);
  return out;
}

// x with y (broadcast to the selection) added element by element in C order, or
// written (the last write wins); T is x's C++ type, y converted to it first.
template <class T>
std::vector<T> incremented(const Array& x, const Array& y, const Selection& s, bool set) {
  std::vector<T> out = x.template to_vector<T>();
  const std::vector<T> yv = y.astype(dtype_of_v<T>).template to_vector<T>();
  for (std::size_t f = 0; f < s.from.size(); ++f) {
    const T v = yv[static_cast<std::size_t>(
        flat_broadcast(unravel(static_cast<std::int64_t>(f), s.shape), y.shape()))];
    const auto at = static_cast<std::size_t>(s.from[f]);
    const T t = out[at];
    if (set) {
      out[at] = v;
    } else if constexpr (std::is_same_v<T, bool>) {
      out[at] = t || v;
    } else if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      out[at] = static_cast<T>(static_cast<U>(static_cast<U>(t) + static_cast<U>(v)));
    } else {
      out[at] = t + v;
    }
  }
  return out;
}

// ---------------------------------------------------------------- checks

std::vector<Variable> inputs_for(const std::vector<Array>& args, bool static_shapes = false) {
  std::vector<Variable> vars;
  for (std::size_t i = 0; i < args.size(); ++i) {
    Shape s = args[i].shape();
    if (!static_shapes) s.assign(s.size(), kUnknownDim);
    vars.push_back(tensor("a" + std::to_string(i), args[i].dtype(), s));
  }
  return vars;
}

// advanced_subtensor (or advanced_subtensor1 when `axis1` >= 0) on x and the arrays,
// all passed as function arguments, against the reference; also its shape inference.
void check_gather(const Array& x, const std::vector<Array>& arrays, const std::vector<std::int64_t>& axes,
                  bool first, bool one = false) {
  std::vector<Array> args{x};
  args.insert(args.end(), arrays.begin(), arrays.end());
  const std::vector<Variable> v = inputs_for(args);
  std::vector<Operand> idx(v.begin() + 1, v.end());
  const Variable out = one ? advanced_subtensor1(v[0], idx[0], axes[0]) : advanced_subtensor(v[0], idx, axes, first);
  const Selection s = select(x.shape(), arrays, axes, first);
  expect_array(eval1(v, out, args), x.dtype(), s.shape, gathered(x, s));
  expect_shape_inference(v, out, args);
}

template <class T>
void check_increment(const Array& x, const Array& y, const std::vector<Array>& arrays,
                     const std::vector<std::int64_t>& axes, bool first, bool set, bool one = false) {
  std::vector<Array> args{x, y};
  args.insert(args.end(), arrays.begin(), arrays.end());
  const std::vector<Variable> v = inputs_for(args);
  std::vector<Operand> idx(v.begin() + 2, v.end());
  const Variable out = one ? advanced_inc_subtensor1(v[0], v[1], idx[0], axes[0], set)
                           : advanced_inc_subtensor(v[0], v[1], idx, axes, first, set);
  const Selection s = select(x.shape(), arrays, axes, first);
  expect_exact<T>(eval1(v, out, args), x.shape(), incremented<T>(x, y, s, set));
  expect_shape_inference(v, out, args);
}

// Runs f with the C++ type of `dtype`.
template <class F>
void with_type(DType dtype, F&& f) {
  visit_dtype(dtype, [&]<class T>(std::type_identity<T>) { f.template operator()<T>(); });
}

// ---------------------------------------------------------------- advanced_subtensor1

TEST(AdvancedSubtensor1, TakeAlongEachAxis) {
  const Array x = iota(DType::float64, {3, 4, 2});
  for (std::int64_t axis : {0, 1, 2}) {
    SCOPED_TRACE(axis);
    check_gather(x, {ints({1, -1, 0, 1}, {4})}, {axis}, false, true);
    check_gather(x, {ints({1, 0, -2, 1, 0, 0}, {2, 3})}, {axis}, false, true);
    check_gather(x, {ints({-1}, {})}, {axis}, false, true);  // a 0-d index drops the axis
  }
}

TEST(AdvancedSubtensor1, KnownValues) {
  const Variable x = matrix("x", DType::float64);
  const Array xv = Array::from<double>({{1, 2, 3}, {4, 5, 6}});
  expect_array(eval1({x}, advanced_subtensor1(x, Array::from<std::int64_t>({1, 0, 1}), 0), {xv}), DType::float64,
               {3, 3}, {4, 5, 6, 1, 2, 3, 4, 5, 6});
  expect_array(eval1({x}, advanced_subtensor1(x, Array::from<std::int64_t>({{2, -3}}), 1), {xv}), DType::float64,
               {2, 1, 2}, {3, 1, 6, 4});
}

TEST(AdvancedSubtensor1, DataAndIndexDTypes) {
  for (DType dt : kDataTypes) {
    for (DType it : kIndexTypes) {
      SCOPED_TRACE(std::string(dtype_name(dt)) + " at " + std::string(dtype_name(it)));
      const Array x = iota(dt, {3, 4});
      const bool is_signed = is_signed_integer(it);
      check_gather(x, {ints({2, 0, is_signed ? -1 : 1, 2}, {2, 2}, it)}, {0}, false, true);
      check_gather(x, {ints({3, is_signed ? -4 : 0, 1}, {3}, it)}, {1}, false, true);
      const Variable xv = tensor("x", dt, {3, 4});
      const Variable out = advanced_subtensor1(xv, tensor("i", it, {2}), 1);
      EXPECT_EQ(out.dtype(), dt);
    }
  }
}

TEST(AdvancedSubtensor1, EdgeValuesAreCopiedExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  const Array x = Array::from<double>({0.0, -0.0, inf, -inf, std::nan(""), 1e-308, 1e308});
  const Variable xv = vector("x", DType::float64);
  const Array r = eval1({xv}, take(xv, Array::from<std::int64_t>({6, 5, 4, 3, 2, 1, 0})), {x});
  expect_array(r, DType::float64, {7}, {1e308, 1e-308, std::nan(""), -inf, inf, -0.0, 0.0});
  EXPECT_TRUE(std::signbit(r.to_vector<double>()[5]));
  const Array big = Array::from<std::uint64_t>({18446744073709551615ULL, 1});
  expect_exact<std::uint64_t>(eval1({}, take(big, Array::from<std::int64_t>({0, 0, 1})), {}), {3},
                              {18446744073709551615ULL, 18446744073709551615ULL, 1});
}

TEST(AdvancedSubtensor1, NonContiguousInputs) {
  const Array x = iota(DType::float32, {4, 5});
  const Array idx = ints({0, 4, 1, 3, 2, 2}, {6});
  const Array reversed = idx.slice(0, 5, -7, -1);  // negative stride
  const Array strided = ints({3, 9, 0, 9, 2, 9}, {6}).slice(0, 0, 6, 2);
  for (const Array& xs : {x.transpose(), x.slice(0, 3, -5, -1), x.slice(1, 0, 5, 2), x.broadcast_to({2, 4, 5})}) {
    SCOPED_TRACE(shape_str(xs.shape()));
    for (std::int64_t axis = 0; axis < xs.ndim(); ++axis) {
      const std::int64_t n = xs.shape()[static_cast<std::size_t>(axis)];
      check_gather(xs, {ints({n - 1, 0, -1, n / 2}, {2, 2}).transpose()}, {axis}, false, true);
      if (n >= 4) check_gather(xs, {strided}, {axis}, false, true);
      if (n >= 5) check_gather(xs, {reversed}, {axis}, false, true);
    }
  }
}

TEST(AdvancedSubtensor1, EmptyAndSizeOne) {
  check_gather(iota(DType::float64, {3, 4}), {ints({}, {0})}, {0}, false, true);
  check_gather(iota(DType::float64, {3, 4}), {ints({}, {2, 0})}, {1}, false, true);
  check_gather(iota(DType::int32, {3, 0}), {ints({2, 0}, {2})}, {0}, false, true);
  check_gather(iota(DType::int32, {0, 3}), {ints({}, {0})}, {0}, false, true);
  check_gather(iota(DType::int32, {1, 3}), {ints({0, 0, -1}, {3})}, {0}, false, true);
  check_gather(iota(DType::int32, {3, 1}), {ints({0, 0}, {1, 2})}, {1}, false, true);
}

TEST(AdvancedSubtensor1, StaticShapes) {
  const Variable x = tensor("x", DType::float32, {3, kUnknownDim, 5});
  EXPECT_EQ(advanced_subtensor1(x, tensor("i", DType::int32, {2, kUnknownDim}), 1).type().shape,
            (Shape{3, 2, kUnknownDim, 5}));
  EXPECT_EQ(advanced_subtensor1(x, Array::from<std::int64_t>({1, 2}), -1).type().shape, (Shape{3, kUnknownDim, 2}));
  EXPECT_EQ(advanced_subtensor1(x, 2, 0).type().shape, (Shape{kUnknownDim, 5}));
}

TEST(AdvancedSubtensor1, OfBasicIsCarried) {
  const Variable x = matrix("x");
  EXPECT_TRUE(advanced_subtensor1(x, vector("i", DType::int64), 0, true).node().attrs().get_bool("of_basic"));
  EXPECT_FALSE(advanced_subtensor1(x, vector("i", DType::int64), 0).node().attrs().get_bool("of_basic"));
  EXPECT_TRUE(advanced_subtensor(x, {vector("i", DType::int64)}, {1}, false, true).node().attrs().get_bool("of_basic"));
}

TEST(AdvancedSubtensor1, ErrorIndexTooLarge) {
  const Variable x = vector("x"), i = vector("i", DType::int64);
  const Variable out = advanced_subtensor1(x, i, 0);
  expect_error<IndexError>([&] { eval1({x, i}, out, {iota(DType::float64, {3}), ints({0, 5}, {2})}); },
                           {"index 5 is out of bounds for axis 0 with size 3", "advanced_subtensor1",
                            "advanced_subtensor_test.cpp"});
}

TEST(AdvancedSubtensor1, ErrorNegativeIndexTooSmall) {
  const Variable x = matrix("x"), i = vector("i", DType::int8);
  const Variable out = advanced_subtensor1(x, i, 1);
  expect_error<IndexError>([&] { eval1({x, i}, out, {iota(DType::float64, {2, 3}), ints({-4}, {1}, DType::int8)}); },
                           {"index -4 is out of bounds for axis 1 with size 3", "advanced_subtensor_test.cpp"});
}

TEST(AdvancedSubtensor1, ErrorHugeUnsignedIndex) {
  const Variable x = vector("x"), i = vector("i", DType::uint64);
  const Array huge = Array::from<std::uint64_t>({9223372036854775808ULL});
  expect_error<IndexError>([&] { eval1({x, i}, advanced_subtensor1(x, i, 0), {iota(DType::float64, {3}), huge}); },
                           {"index 9223372036854775808 is out of bounds for axis 0 with size 3"});
}

TEST(AdvancedSubtensor1, ErrorIndexIntoEmptyAxis) {
  const Variable x = matrix("x"), i = vector("i", DType::int64);
  expect_error<IndexError>(
      [&] { eval1({x, i}, advanced_subtensor1(x, i, 0), {iota(DType::float64, {0, 3}), ints({0}, {1})}); },
      {"index 0 is out of bounds for axis 0 with size 0"});
}

TEST(AdvancedSubtensor1, ErrorFloatIndices) {
  expect_error<TypeError>([&] { advanced_subtensor1(matrix("x"), vector("i", DType::float32), 0); },
                          {"advanced_subtensor_test.cpp", "advanced_subtensor1", "indices must be integers, not float32"});
}

TEST(AdvancedSubtensor1, ErrorBoolIndices) {
  expect_error<TypeError>([&] { advanced_subtensor1(matrix("x"), vector("i", DType::bool_), 0); },
                          {"advanced_subtensor_test.cpp", "indices must be integers, not bool", "mask"});
}

TEST(AdvancedSubtensor1, ErrorAxis) {
  expect_error<ValueError>([&] { advanced_subtensor1(matrix("x"), vector("i", DType::int64), 2); },
                           {"advanced_subtensor_test.cpp", "advanced_subtensor1",
                            "axis 2 is out of bounds for array of dimension 2"});
}

// ---------------------------------------------------------------- take

TEST(Take, FlattensWithoutAxis) {
  const Variable x = matrix("x", DType::int32);
  const Array xv = iota(DType::int32, {2, 3});
  expect_exact<std::int32_t>(eval1({x}, take(x, Array::from<std::int64_t>({{5, 0}, {-1, 3}})), {xv}), {2, 2},
                             {5, 0, 5, 3});
  expect_exact<std::int32_t>(eval1({x}, take(x, Array::from<std::int64_t>({1, 2}), std::nullopt), {xv.transpose()}),
                             {2}, {3, 1});  // the transpose's flat order
  expect_exact<std::int32_t>(eval1({}, take(Array::scalar<std::int32_t>(7), 0), {}), {}, {7});
}

TEST(Take, NegativeAxis) {
  const Variable x = tensor3("x", DType::float64);
  const Array xv = iota(DType::float64, {2, 3, 4});
  const Variable out = take(x, Array::from<std::int64_t>({3, 0}), -1);
  EXPECT_EQ(out.node().attrs().get_int("axis"), 2);
  const Selection s = select({2, 3, 4}, {ints({3, 0}, {2})}, {2}, false);
  expect_array(eval1({x}, out, {xv}), DType::float64, s.shape, gathered(xv, s));
}

TEST(Take, ErrorAxis) {
  expect_error<ValueError>([&] { take(matrix("x"), vector("i", DType::int64), 2); },
                           {"advanced_subtensor_test.cpp", "take", "axis 2 is out of bounds for array of dimension 2"});
  expect_error<ValueError>([&] { take(matrix("x"), vector("i", DType::int64), -3); },
                           {"axis -3 is out of bounds for array of dimension 2"});
}

// ---------------------------------------------------------------- advanced_subtensor

TEST(AdvancedSubtensor, Placement) {
  const Array x = iota(DType::float64, {2, 3, 4, 5});
  const Array i = ints({1, 0, -1}, {3}), j = ints({2, 0, 1, 3, 3, 0}, {2, 3});
  check_gather(x, {i, j}, {1, 2}, false);    // x[:, i, j]: (2, 2, 3, 5)
  check_gather(x, {i, j}, {1, 2}, true);     // the index dimensions first
  check_gather(x, {i, j}, {1, 3}, true);     // x[:, i, :, j]: NumPy puts them first
  check_gather(x, {i, j}, {0, 2}, true);
  check_gather(x, {i, ints({0}, {1}), j}, {0, 1, 3}, true);
  check_gather(x, {i, i, j, j}, {0, 1, 2, 3}, false);
  check_gather(x, {j}, {2}, false);
  check_gather(x, {j}, {2}, true);
}

TEST(AdvancedSubtensor, KnownValues) {
  // x[[0, 1], [2, 0]] of [[0 1 2] [3 4 5]] is [2 3].
  const Variable x = matrix("x", DType::int64);
  const Variable out = advanced_subtensor(x, {Array::from<std::int64_t>({0, 1}), Array::from<std::int64_t>({2, 0})},
                                          {0, 1}, false);
  expect_exact<std::int64_t>(eval1({x}, out, {iota(DType::int64, {2, 3})}), {2}, {2, 3});
}

TEST(AdvancedSubtensor, BroadcastingAndZeroDimArrays) {
  const Array x = iota(DType::int16, {3, 4, 2});
  check_gather(x, {ints({0, 2, 1}, {3, 1}), ints({3, 0}, {2})}, {0, 1}, false);  // (3, 2, 2)
  check_gather(x, {ints({2}, {}), ints({1, 3}, {2})}, {0, 1}, false);
  check_gather(x, {ints({2}, {}), ints({-1}, {})}, {0, 2}, true);  // all 0-d: (4,)
  check_gather(x, {ints({1}, {1, 1}), ints({0, 1, 1}, {3})}, {1, 2}, false);
  check_gather(x, {ints({}, {0}), ints({1}, {1})}, {0, 1}, false);
}

TEST(AdvancedSubtensor, DTypesAndNonContiguous) {
  for (DType dt : kDataTypes) {
    for (DType it : kIndexTypes) {
      SCOPED_TRACE(std::string(dtype_name(dt)) + " at " + std::string(dtype_name(it)));
      const Array x = iota(dt, {3, 4, 5}).transpose({2, 0, 1}).slice(0, 4, -6, -1);  // (5, 3, 4)
      const Array i = ints({2, 0, 1, 2}, {4}, it).slice(0, 3, -5, -1);
      const Array j = ints({1, 3, 0, 2, 0, 0}, {3, 2}, it).transpose();  // (2, 3)
      check_gather(x, {i.slice(0, 0, 3), j}, {1, 2}, false);
      check_gather(x, {i.slice(0, 0, 3), j}, {0, 2}, true);
    }
  }
}

TEST(AdvancedSubtensor, EmptyAxes) {
  check_gather(iota(DType::float32, {0, 3, 2}), {ints({1, 2}, {2}), ints({1}, {1})}, {1, 2}, false);
  check_gather(iota(DType::float32, {2, 3, 0}), {ints({1, 0}, {2}), ints({0}, {1})}, {0, 1}, false);
  check_gather(iota(DType::float32, {2, 3, 4}), {ints({}, {0}), ints({}, {0})}, {0, 2}, true);
}

TEST(AdvancedSubtensor, StaticShapes) {
  const Variable x = tensor("x", DType::float64, {2, 3, kUnknownDim, 5});
  const Variable i = tensor("i", DType::int64, {4, 1}), j = tensor("j", DType::int32, {kUnknownDim});
  EXPECT_EQ(advanced_subtensor(x, {i, j}, {1, 2}, false).type().shape, (Shape{2, 4, kUnknownDim, 5}));
  EXPECT_EQ(advanced_subtensor(x, {i, j}, {0, 3}, true).type().shape, (Shape{4, kUnknownDim, 3, kUnknownDim}));
  EXPECT_EQ(advanced_subtensor(x, {i, Array::from<std::int64_t>({1, 0, 2})}, {0, 1}, false).type().shape,
            (Shape{4, 3, kUnknownDim, 5}));
}

TEST(AdvancedSubtensor, ErrorIndexOutOfBounds) {
  const Variable x = matrix("x"), i = vector("i", DType::int64), j = vector("j", DType::int64);
  const Variable out = advanced_subtensor(x, {i, j}, {0, 1}, false);
  expect_error<IndexError>(
      [&] { eval1({x, i, j}, out, {iota(DType::float64, {2, 3}), ints({0, 1}, {2}), ints({2, 3}, {2})}); },
      {"index 3 is out of bounds for axis 1 with size 3", "advanced_subtensor", "advanced_subtensor_test.cpp"});
}

TEST(AdvancedSubtensor, ErrorIndexArraysDoNotBroadcast) {
  const Variable x = matrix("x");
  expect_error<ShapeError>(
      [&] { advanced_subtensor(x, {tensor("i", DType::int64, {2}), tensor("j", DType::int64, {3})}, {0, 1}, false); },
      {"advanced_subtensor_test.cpp", "shape mismatch: indexing arrays could not be broadcast together with shapes "
                                      "(2,) (3,)"});
  const Variable i = vector("i", DType::int64), j = vector("j", DType::int64);
  const Variable out = advanced_subtensor(x, {i, j}, {0, 1}, false);
  expect_error<ShapeError>(
      [&] { eval1({x, i, j}, out, {iota(DType::float64, {2, 3}), ints({0, 1}, {2}), ints({0, 1, 2}, {3})}); },
      {"shape mismatch: indexing arrays could not be broadcast together with shapes (2,) (3,)"});
}

TEST(AdvancedSubtensor, ErrorAxesNotAdjacent) {
  const Variable x = tensor3("x"), i = vector("i", DType::int64);
  expect_error<ValueError>([&] { advanced_subtensor(x, {i, i}, {0, 2}, false); },
                           {"advanced_subtensor_test.cpp", "advanced_subtensor", "axes [0, 2] are not adjacent"});
}

TEST(AdvancedSubtensor, ErrorAxesNotAscending) {
  const Variable x = tensor3("x"), i = vector("i", DType::int64);
  expect_error<ValueError>([&] { advanced_subtensor(x, {i, i}, {1, 0}, true); },
                           {"advanced_subtensor_test.cpp", "axes [1, 0] must be ascending and distinct"});
}

TEST(AdvancedSubtensor, ErrorAxesCount) {
  const Variable x = tensor3("x"), i = vector("i", DType::int64);
  expect_error<ValueError>([&] { advanced_subtensor(x, {i}, {0, 1}, true); },
                           {"advanced_subtensor_test.cpp", "axes [0, 1] name 2 axes for 1 index arrays"});
  expect_error<ValueError>([&] { advanced_subtensor(x, {}, {}, true); }, {"at least one index array"});
}

TEST(AdvancedSubtensor, ErrorAxisOutOfBounds) {
  const Variable x = tensor3("x"), i = vector("i", DType::int64);
  expect_error<ValueError>([&] { advanced_subtensor(x, {i}, {3}, true); },
                           {"advanced_subtensor_test.cpp", "axis 3 is out of bounds for array of dimension 3"});
}

// ---------------------------------------------------------------- increments

TEST(AdvancedIncSubtensor1, RepeatedIndicesAccumulateOrLastWins) {
  const Variable x = vector("x", DType::float64), y = vector("y", DType::float64);
  const Array xv = Array::from<double>({10, 20, 30});
  const Array yv = Array::from<double>({1, 2, 4, 8});
  const Array idx = Array::from<std::int64_t>({0, 2, 0, -3});
  expect_array(eval1({x, y}, advanced_inc_subtensor1(x, y, idx, 0, false), {xv, yv}), DType::float64, {3},
               {23, 20, 32});
  expect_array(eval1({x, y}, advanced_inc_subtensor1(x, y, idx, 0, true), {xv, yv}), DType::float64, {3},
               {8, 20, 2});
}

TEST(AdvancedIncSubtensor1, AlongEachAxisWithBroadcastY) {
  const Array x = iota(DType::float64, {3, 4, 2});
  const Array idx = ints({1, -1, 1, 0}, {2, 2});
  for (bool set : {false, true}) {
    check_increment<double>(x, iota(DType::float64, {2, 2, 4, 2}, 100), {idx}, {0}, false, set, true);
    check_increment<double>(x, iota(DType::float64, {2}, 100), {idx}, {1}, false, set, true);
    check_increment<double>(x, iota(DType::float64, {3, 1, 1, 1}, 100), {idx}, {2}, false, set, true);
    check_increment<double>(x, Array::scalar(7.5), {idx}, {2}, false, set, true);
    check_increment<double>(x, iota(DType::float64, {4, 2}, 100), {ints({2}, {})}, {0}, false, set, true);
  }
}

TEST(AdvancedIncSubtensor1, DTypesAndCasts) {
  for (DType dt : kDataTypes) {
    for (DType it : {DType::int8, DType::uint8, DType::int32, DType::int64, DType::uint64}) {
      for (DType yt : {dt, DType::float64, DType::bool_}) {
        SCOPED_TRACE(std::string(dtype_name(dt)) + " at " + std::string(dtype_name(it)) + " by " +
                     std::string(dtype_name(yt)));
        const Array x = iota(dt, {3, 4});
        const Array idx = ints({2, 0, 2}, {3}, it);
        const Array y = iota(yt, {3, 4}, 1);
        for (bool set : {false, true}) {
          with_type(dt, [&]<class T>() { check_increment<T>(x, y, {idx}, {0}, false, set, true); });
        }
      }
    }
  }
}

TEST(AdvancedIncSubtensor1, NumPyCastsAndWraps) {
  // np.int8 x[[0, 0]] = [1.7, 300.0] keeps 300 -> 44; add.at wraps 100 + 100 -> -56.
  const Variable x = vector("x", DType::int8);
  const Array xv = Array::from<std::int8_t>({0, 100});
  expect_exact<std::int8_t>(
      eval1({x}, advanced_inc_subtensor1(x, Array::from<double>({1.7, 300.0}), Array::from<std::int64_t>({0, 0}), 0,
                                         true),
            {xv}),
      {2}, {44, 100});
  expect_exact<std::int8_t>(
      eval1({x}, advanced_inc_subtensor1(x, Array::from<std::int8_t>({100}), Array::from<std::int64_t>({1}), 0, false),
            {xv}),
      {2}, {0, -56});
  // Bool add is logical or.
  const Variable b = vector("b", DType::bool_);
  expect_exact<bool>(eval1({b}, advanced_inc_subtensor1(b, true, Array::from<std::int64_t>({0, 0}), 0, false),
                           {Array::from_vector(std::vector<bool>{false, true})}),
                     {2}, {true, true});
  // A C++ literal y takes x's kind.
  const Variable f = vector("f", DType::float32);
  EXPECT_EQ(advanced_inc_subtensor1(f, 1.5, Array::from<std::int64_t>({0}), 0, false).dtype(), DType::float32);
}

TEST(AdvancedIncSubtensor1, NonContiguousEmptyAndXUnchanged) {
  const Array base = iota(DType::float32, {4, 5});
  const Array y = iota(DType::float32, {3, 4}, 50).slice(0, 2, -4, -1);
  for (bool set : {false, true}) {
    check_increment<float>(base.transpose(), y, {ints({3, 0, 4, 9, 3, 9}, {6}).slice(0, 0, 6, 2)}, {0}, false, set,
                           true);
    check_increment<float>(base.slice(1, 4, -6, -1), iota(DType::float32, {5, 3}, 50).transpose(),
                           {ints({1, 0, 1}, {3}).slice(0, 2, -4, -1)}, {0}, false, set, true);
    check_increment<float>(base, iota(DType::float32, {4, 0}), {ints({}, {0})}, {1}, false, set, true);
    check_increment<float>(iota(DType::float32, {0, 3}), Array::scalar(1.0f), {ints({1}, {1})}, {1}, false, set, true);
  }
  // The input array is left as it was.
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, 2});
  eval1({x}, advanced_inc_subtensor1(x, 5.0, Array::from<std::int64_t>({0}), 0, false), {xv});
  expect_array(xv, DType::float64, {2}, {1, 2});
}

TEST(AdvancedIncSubtensor1, StaticShapesAndInference) {
  const Variable x = tensor("x", DType::float64, {3, kUnknownDim});
  const Variable out = advanced_inc_subtensor1(x, vector("y", DType::float64), vector("i", DType::int64), 0, false);
  EXPECT_EQ(out.type(), x.type());
}

TEST(AdvancedIncSubtensor1, ErrorValueShape) {
  const Variable x = matrix("x"), i = vector("i", DType::int64);
  expect_error<ShapeError>(
      [&] { advanced_inc_subtensor1(x, tensor("y", DType::float64, {3}), tensor("j", DType::int64, {2}), 1, false); },
      {"advanced_subtensor_test.cpp", "advanced_inc_subtensor1", "shape mismatch: value array of shape (3,) could "
                                                                 "not be broadcast to indexing result of shape (?, 2)"});
  expect_error<ShapeError>([&] { advanced_inc_subtensor1(x, tensor3("y"), i, 1, false); },
                           {"value array of shape (?, ?, ?) could not be broadcast"});
  const Variable y = vector("y");
  const Variable out = advanced_inc_subtensor1(x, y, i, 0, true);
  expect_error<ShapeError>(
      [&] {
        eval1({x, y, i}, out, {iota(DType::float64, {3, 2}), iota(DType::float64, {3}), ints({0, 1}, {2})});
      },
      {"shape mismatch: value array of shape (3,) could not be broadcast to indexing result of shape (2, 2)"});
}

TEST(AdvancedIncSubtensor1, ErrorIndexOutOfBounds) {
  const Variable x = matrix("x"), i = vector("i", DType::int64);
  const Variable out = advanced_inc_subtensor1(x, 1.0, i, 0, false);
  expect_error<IndexError>([&] { eval1({x, i}, out, {iota(DType::float64, {2, 3}), ints({-3}, {1})}); },
                           {"index -3 is out of bounds for axis 0 with size 2", "advanced_inc_subtensor1"});
}

TEST(AdvancedIncSubtensor, PlacementBroadcastAndRepeats) {
  const Array x = iota(DType::float64, {2, 3, 4});
  const Array i = ints({1, 0, 1}, {3, 1}), j = ints({2, -1}, {2});
  for (bool set : {false, true}) {
    SCOPED_TRACE(set);
    check_increment<double>(x, iota(DType::float64, {2, 3, 2}, 100), {i, j}, {1, 2}, false, set);
    check_increment<double>(x, iota(DType::float64, {3, 2, 3}, 100), {i, j}, {0, 2}, true, set);
    check_increment<double>(x, iota(DType::float64, {4}, 100), {i, j}, {0, 1}, true, set);
    check_increment<double>(x, Array::scalar(0.5), {ints({1}, {}), ints({0, 0}, {2})}, {0, 2}, true, set);
    check_increment<double>(x, iota(DType::float64, {3, 1, 4}, 100), {i, ints({1, 1}, {2})}, {0, 1}, false, set);
  }
}

TEST(AdvancedIncSubtensor, DTypesNonContiguousAndEmpty) {
  for (DType dt : {DType::bool_, DType::int8, DType::uint16, DType::int64, DType::uint64, DType::float32}) {
    SCOPED_TRACE(dtype_name(dt));
    const Array x = iota(dt, {4, 3, 2}).transpose({2, 1, 0}).slice(1, 2, -4, -1);  // (2, 3, 4)
    const Array i = ints({1, 0, 1, 0}, {4}, DType::uint8).slice(0, 3, -5, -1);
    const Array j = ints({3, 0, 3}, {3}, DType::int16);
    with_type(dt, [&]<class T>() {
      for (bool set : {false, true}) {
        check_increment<T>(x, iota(dt, {3, 3}, 5).transpose(), {i.slice(0, 0, 3), j}, {0, 2}, true, set);
        check_increment<T>(x, iota(dt, {2, 0}, 5), {ints({}, {0}), ints({1}, {1})}, {1, 2}, false, set);
      }
    });
  }
}

TEST(AdvancedIncSubtensor, ErrorValueShape) {
  expect_error<ShapeError>(
      [&] {
        advanced_inc_subtensor(tensor("x", DType::float64, {2, 3}), tensor("y", DType::float64, {2}),
                               {tensor("i", DType::int64, {2})}, {0}, false, false);
      },
      {"advanced_subtensor_test.cpp", "advanced_inc_subtensor",
       "shape mismatch: value array of shape (2,) could not be broadcast to indexing result of shape (2, 3)"});
}

TEST(AdvancedIncSubtensor, ErrorIndexOutOfBounds) {
  const Variable x = matrix("x"), i = vector("i", DType::uint32);
  const Variable out = advanced_inc_subtensor(x, 1.0, {Operand(i), Operand(i)}, {0, 1}, false, true);
  expect_error<IndexError>(
      [&] { eval1({x, i}, out, {iota(DType::float64, {4, 3}), ints({3}, {1}, DType::uint32)}); },
      {"index 3 is out of bounds for axis 1 with size 3", "advanced_inc_subtensor"});
}

// ---------------------------------------------------------------- nonzero

// The coordinates of x's nonzero elements, written out.
std::vector<std::vector<std::int64_t>> nonzero_reference(const Array& x) {
  const std::vector<double> v = x.to_vector<double>();
  std::vector<std::vector<std::int64_t>> out(static_cast<std::size_t>(x.ndim()));
  for (std::size_t f = 0; f < v.size(); ++f) {
    if (v[f] == 0) continue;
    const std::vector<std::int64_t> idx = unravel(static_cast<std::int64_t>(f), x.shape());
    for (std::size_t d = 0; d < idx.size(); ++d) out[d].push_back(idx[d]);
  }
  return out;
}

void check_nonzero(const Array& x) {
  const Variable v = tensor("x", x.dtype(), Shape(x.shape().size(), kUnknownDim));
  const std::vector<Variable> outs = nonzero(v);
  ASSERT_EQ(static_cast<int>(outs.size()), x.ndim());
  const std::vector<Array> got = eval({v}, outs, {x});
  const auto want = nonzero_reference(x);
  for (std::size_t d = 0; d < outs.size(); ++d) {
    expect_exact<std::int64_t>(got[d], {static_cast<std::int64_t>(want[d].size())}, want[d]);
    expect_shape_inference({v}, outs[d], {x});
  }
}

TEST(Nonzero, Values) {
  const double nan = std::nan("");
  check_nonzero(Array::from<double>({0, 1.5, 0, -2, nan, -0.0}));
  check_nonzero(Array::from<std::int64_t>({{0, 3, 0}, {4, 0, 5}}));
  check_nonzero(iota(DType::int8, {2, 3, 4}, -5));
  check_nonzero(iota(DType::bool_, {3, 3}));
  check_nonzero(Array::from<float>({{0, 0}, {0, 0}}));
  check_nonzero(iota(DType::uint64, {3, 0}));
  check_nonzero(iota(DType::int32, {3, 4}, -6).transpose().slice(0, 3, -5, -1));
  const std::vector<Variable> outs = nonzero(Array::from<std::int64_t>({0, 7, 7}));
  expect_exact<std::int64_t>(eval1({}, outs[0], {}), {2}, {1, 2});
  EXPECT_EQ(outs[0].type(), (Type{DType::int64, {kUnknownDim}}));
  EXPECT_EQ(nonzero(tensor("e", DType::float64, {3, 0}))[1].type(), (Type{DType::int64, {0}}));
}

TEST(Nonzero, ErrorZeroDim) {
  expect_error<ValueError>([&] { nonzero(scalar("s")); }, {"advanced_subtensor_test.cpp", "nonzero", "0-d array"});
}

}  // namespace
}  // namespace hypatia
