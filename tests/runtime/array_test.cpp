// Array: construction, element access, views, conversion and contiguity. Expected
// values are written out by hand or taken from Python (slice semantics) and NumPy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "hypatia/array.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// The elements of `a` in C order, read through its strides without any conversion.
template <class T>
std::vector<T> raw_elements(const Array& a) {
  EXPECT_EQ(a.dtype(), dtype_of_v<T>);
  std::vector<T> out;
  const int nd = a.ndim();
  std::vector<std::int64_t> index(static_cast<std::size_t>(nd), 0);
  for (std::int64_t i = 0; i < a.size(); ++i) {
    std::int64_t off = 0;
    for (int d = 0; d < nd; ++d) off += index[static_cast<std::size_t>(d)] * a.strides()[static_cast<std::size_t>(d)];
    T v;
    std::memcpy(&v, a.data() + off, sizeof v);
    out.push_back(v);
    for (int d = nd - 1; d >= 0; --d) {
      if (++index[static_cast<std::size_t>(d)] < a.shape()[static_cast<std::size_t>(d)]) break;
      index[static_cast<std::size_t>(d)] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------- constructors

TEST(ArrayConstruct, NestedInitializerLists) {
  const Array a = Array::from({1.5, 2.5, 3.5});
  EXPECT_EQ(a.dtype(), float64);
  EXPECT_EQ(a.shape(), (Shape{3}));
  EXPECT_EQ(raw_elements<double>(a), (std::vector<double>{1.5, 2.5, 3.5}));

  const Array b = Array::from({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(b.dtype(), int32);
  EXPECT_EQ(b.shape(), (Shape{2, 3}));
  EXPECT_EQ(b.strides(), (Strides{12, 4}));
  EXPECT_EQ(raw_elements<std::int32_t>(b), (std::vector<std::int32_t>{1, 2, 3, 4, 5, 6}));

  const Array c = Array::from({{{1.0f, 2.0f}, {3.0f, 4.0f}, {5.0f, 6.0f}}, {{7.0f, 8.0f}, {9.0f, 10.0f}, {11.0f, 12.0f}}});
  EXPECT_EQ(c.dtype(), float32);
  EXPECT_EQ(c.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(c.at<float>({1, 2, 0}), 11.0f);
  EXPECT_EQ(c.at<float>({0, 1, 1}), 4.0f);

  const Array d = Array::from({{true, false}, {false, true}});
  EXPECT_EQ(d.dtype(), bool_);
  EXPECT_EQ(raw_elements<bool>(d), (std::vector<bool>{true, false, false, true}));

  EXPECT_EQ(Array::from({std::int64_t{1} << 40}).dtype(), int64);
  EXPECT_EQ(Array::from({{1.0}, {2.0}}).shape(), (Shape{2, 1}));
  EXPECT_EQ(Array::from({std::initializer_list<double>{}, {}}).shape(), (Shape{2, 0}));
}

TEST(ArrayConstruct, RaggedListsAreShapeErrors) {
  expect_error<ShapeError>([] { Array::from({{1, 2}, {3}}); }, {"ragged", "1 elements", "rows of 2"});
  expect_error<ShapeError>([] { Array::from({{{1, 2}}, {{3, 4}, {5, 6}}}); }, {"ragged"});
  // Rows of different lengths in different blocks.
  expect_error<ShapeError>([] { Array::from({{{1, 2}}, {{3, 4, 5}}}); }, {"ragged", "3 elements"});
}

TEST(ArrayConstruct, FromVector) {
  const Array a = Array::from_vector<std::uint16_t>({1, 2, 3, 4, 5, 6}, {3, 2});
  EXPECT_EQ(a.dtype(), uint16);
  EXPECT_EQ(a.shape(), (Shape{3, 2}));
  EXPECT_EQ(a.at<int>({2, 1}), 6);

  const Array b = Array::from_vector(std::vector<bool>{true, false, true});
  EXPECT_EQ(b.dtype(), bool_);
  EXPECT_EQ(b.shape(), (Shape{3}));
  EXPECT_EQ(raw_elements<bool>(b), (std::vector<bool>{true, false, true}));

  const Array c = Array::from_vector(std::vector<bool>{true, true, false, false}, {2, 2});
  EXPECT_EQ(c.at<bool>({0, 1}), true);
  EXPECT_EQ(c.at<bool>({1, 0}), false);

  EXPECT_EQ(Array::from_vector(std::vector<double>{}).shape(), (Shape{0}));
  expect_error<ShapeError>([] { Array::from_vector(std::vector<double>{1, 2, 3}, {2, 2}); },
                           {"3 values", "(2, 2)", "holds 4"});
  expect_error<ShapeError>([] { Array::from_vector(std::vector<bool>{true}, {2}); }, {"1 values", "(2,)"});
  expect_error<ValueError>([] { Array::from_vector(std::vector<double>{}, {-1, 0}); }, {"negative dimensions"});
}

TEST(ArrayConstruct, CopyFromCopies) {
  std::vector<std::int64_t> data{1, 2, 3, 4};
  const Array a = Array::copy_from(data.data(), {2, 2});
  data[0] = 100;
  EXPECT_EQ(a.at<std::int64_t>({0, 0}), 1);
  EXPECT_EQ(a.dtype(), int64);
  EXPECT_EQ(Array::copy_from(static_cast<const double*>(nullptr), {0, 5}).shape(), (Shape{0, 5}));
}

TEST(ArrayConstruct, BorrowSharesTheCallersMemory) {
  std::vector<double> data{1, 2, 3, 4, 5, 6};
  const Array a = Array::borrow(data.data(), {2, 3});
  EXPECT_EQ(a.data(), reinterpret_cast<std::byte*>(data.data()));
  EXPECT_FALSE(a.buffer()->owned());
  data[4] = 50;
  EXPECT_EQ(a.at<double>({1, 1}), 50);
  EXPECT_TRUE(a.is_contiguous());
}

TEST(ArrayConstruct, BorrowWithCustomStrides) {
  std::vector<std::int32_t> data{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  // The second column of a 4x3 matrix.
  const Array column = Array::borrow(data.data() + 1, {4}, {12});
  EXPECT_EQ(raw_elements<std::int32_t>(column), (std::vector<std::int32_t>{1, 4, 7, 10}));
  EXPECT_FALSE(column.is_contiguous());
  // Rows reversed: negative stride from the last row.
  const Array reversed = Array::borrow(data.data() + 9, {4, 3}, {-12, 4});
  EXPECT_EQ(raw_elements<std::int32_t>(reversed), (std::vector<std::int32_t>{9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2}));
  EXPECT_EQ(reversed.at<int>({0, 0}), 9);
  EXPECT_EQ(reversed.at<int>({-1, -1}), 2);
  // Both axes reversed, from the last element.
  const Array both = Array::borrow(data.data() + 11, {3, 4}, {-16, -4});
  EXPECT_EQ(both.to_vector<int>(), (std::vector<int>{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
  // The buffer covers exactly the bytes the view can touch.
  EXPECT_EQ(both.buffer()->nbytes(), 12 * sizeof(std::int32_t));
  EXPECT_EQ(both.buffer()->data(), reinterpret_cast<std::byte*>(data.data()));
  // A broadcast (zero stride) borrow.
  const Array repeated = Array::borrow(data.data() + 2, {3}, {0});
  EXPECT_EQ(repeated.to_vector<int>(), (std::vector<int>{2, 2, 2}));
  // Borrowing const memory.
  const std::vector<float> constant{1.5f, 2.5f};
  EXPECT_EQ(Array::borrow(constant.data(), {2}).to_vector<float>(), (std::vector<float>{1.5f, 2.5f}));
}

TEST(ArrayConstruct, BorrowErrors) {
  std::vector<double> data(4);
  expect_error<ShapeError>([&] { Array::borrow(data.data(), {2, 2}, {8}); }, {"1 strides", "rank 2"});
  expect_error<ValueError>([&] { Array::borrow(data.data(), {-2}); }, {"negative dimensions"});
  expect_error<ValueError>([] { Array::borrow(static_cast<double*>(nullptr), {2}); }, {"null pointer"});
  EXPECT_EQ(Array::borrow(static_cast<double*>(nullptr), {0, 3}).size(), 0);
}

TEST(ArrayConstruct, ScalarZerosFullAndDefault) {
  const Array s = Array::scalar<std::int16_t>(-7);
  EXPECT_EQ(s.dtype(), int16);
  EXPECT_EQ(s.ndim(), 0);
  EXPECT_EQ(s.size(), 1);
  EXPECT_EQ(s.item<int>(), -7);

  const Array z = Array::zeros(uint32, {2, 3});
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(raw_elements<std::uint32_t>(z), std::vector<std::uint32_t>(6, 0));

  EXPECT_EQ(raw_elements<float>(Array::full(float32, {3}, 0.1)), std::vector<float>(3, 0.1f));
  EXPECT_EQ(raw_elements<std::int8_t>(Array::full(int8, {2}, 300)), std::vector<std::int8_t>(2, 44));  // wraps
  EXPECT_EQ(raw_elements<bool>(Array::full(bool_, {2}, 0.5)), std::vector<bool>(2, true));
  EXPECT_EQ(Array::full(float64, {0, 4}, 1).size(), 0);

  const Array d;
  EXPECT_EQ(d.dtype(), float64);
  EXPECT_EQ(d.ndim(), 0);
  EXPECT_EQ(d.item<double>(), 0.0);

  expect_error<ValueError>([] { Array::zeros(float64, {2, -1}); }, {"negative dimensions", "(2, -1)"});
  expect_error<ValueError>([] { Array::empty(float64, {kMax / 4, 8}); }, {"too big"});
}

// ---------------------------------------------------------------- element access

TEST(ArrayAccess, AtItemAndToVector) {
  const Array a = Array::from({{1.5, -2.5, 3.0}, {4.0, 5.0, 6.25}});
  EXPECT_EQ(a.at<double>({0, 1}), -2.5);
  EXPECT_EQ(a.at<double>({-1, -1}), 6.25);
  EXPECT_EQ(a.at<double>({-2, 0}), 1.5);
  EXPECT_EQ(a.at<int>({0, 1}), -2);  // truncates toward zero
  EXPECT_EQ(a.shape(-1), 3);
  EXPECT_EQ(a.shape(0), 2);
  EXPECT_EQ(a.nbytes(), 48u);
  EXPECT_EQ(a.itemsize(), 8u);
  EXPECT_EQ(a.to_vector<double>(), (std::vector<double>{1.5, -2.5, 3.0, 4.0, 5.0, 6.25}));
  EXPECT_EQ(a.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, -2, 3, 4, 5, 6}));
  EXPECT_EQ(a.transpose().to_vector<double>(), (std::vector<double>{1.5, 4.0, -2.5, 5.0, 3.0, 6.25}));
  EXPECT_EQ(Array::from({{7}}).item<double>(), 7.0);
  EXPECT_EQ(a.data_as<double>()[5], 6.25);
}

TEST(ArrayAccess, ReadingNaNAsAnIntegerIsDefined) {
  const Array a = Array::from({kNaN, kInf, 1e300});
  EXPECT_EQ(a.at<std::int64_t>({0}), kMin);
  EXPECT_EQ(a.at<std::int64_t>({1}), kMin);
  EXPECT_EQ(a.at<int>({2}), std::numeric_limits<int>::min());  // through int32, as NumPy
  EXPECT_EQ(Array::scalar(kNaN).item<bool>(), true);
}

TEST(ArrayAccess, Errors) {
  const Array a = Array::zeros(float64, {2, 3});
  expect_error<IndexError>([&] { a.at<double>({2, 0}); }, {"index 2", "axis 0", "size 2"});
  expect_error<IndexError>([&] { a.at<double>({0, -4}); }, {"index -4", "axis 1", "size 3"});
  expect_error<IndexError>([&] { a.at<double>({0}); }, {"1 entries", "dimension 2"});
  expect_error<ValueError>([&] { a.item<double>(); }, {"6 elements"});
  expect_error<IndexError>([&] { a.shape(2); }, {"axis 2", "dimension 2"});
  expect_error<TypeError>([&] { a.data_as<float>(); }, {"data_as<float32>", "float64"});
}

// ---------------------------------------------------------------- views

TEST(ArrayView, Transpose) {
  const Array a = Array::from({{{1, 2}, {3, 4}, {5, 6}}});  // (1, 3, 2)
  const Array t = a.transpose();
  EXPECT_EQ(t.shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(t.strides(), (Strides{4, 8, 24}));
  EXPECT_TRUE(t.shares_memory_with(a));
  EXPECT_EQ(t.to_vector<int>(), (std::vector<int>{1, 3, 5, 2, 4, 6}));
  const Array p = a.transpose({1, -1, 0});
  EXPECT_EQ(p.shape(), (Shape{3, 2, 1}));
  EXPECT_EQ(p.to_vector<int>(), (std::vector<int>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Array::scalar(1.0).transpose().ndim(), 0);
  expect_error<ValueError>([&] { a.transpose({0, 1}); }, {"2 axes", "3 dimensions"});
  expect_error<ValueError>([&] { a.transpose({0, 1, 1}); }, {"permutation"});
  expect_error<ValueError>([&] { a.transpose({0, 1, 3}); }, {"permutation"});
}

struct SliceCase {
  std::int64_t start, stop, step;
  std::vector<int> expected;  // list(range(10))[start:stop:step] in Python
};

TEST(ArrayView, SliceFollowsPythonSlicing) {
  const std::vector<SliceCase> cases = {
      {0, 10, 1, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {2, 8, 3, {2, 5}},
      {-3, 10, 1, {7, 8, 9}},
      {-20, 20, 1, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {20, -20, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      {9, -11, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      {-1, -11, -2, {9, 7, 5, 3, 1}},
      {5, 5, 1, {}},
      {8, 2, 1, {}},
      {2, 8, -1, {}},
      {100, 200, 1, {}},
      {-100, -50, 1, {}},
      {-100, 100, 7, {0, 7}},
      {0, 10, 100, {0}},
      {9, -100, -100, {9}},
      {3, -1, -1, {}},
      {-1, 3, -1, {9, 8, 7, 6, 5, 4}},
      {-1, -1, -1, {}},
      {0, -1, 2, {0, 2, 4, 6, 8}},
      {10, 0, -3, {9, 6, 3}},
      {kMin, kMax, 1, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {kMax, kMin, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      {0, 10, kMax, {0}},
      {9, -11, kMin, {9}},
      {kMax, kMax, 1, {}},
      {kMin, kMin, -1, {}},
      {5, kMax, -2, {}},
  };
  std::vector<int> values(10);
  for (int i = 0; i < 10; ++i) values[static_cast<std::size_t>(i)] = i;
  const Array a = Array::from_vector(values);
  for (const SliceCase& c : cases) {
    SCOPED_TRACE("[" + std::to_string(c.start) + ":" + std::to_string(c.stop) + ":" + std::to_string(c.step) + "]");
    const Array s = a.slice(0, c.start, c.stop, c.step);
    EXPECT_EQ(s.shape(), (Shape{static_cast<std::int64_t>(c.expected.size())}));
    EXPECT_EQ(raw_elements<int>(s), c.expected);
    EXPECT_TRUE(s.shares_memory_with(a));
  }
}

TEST(ArrayView, SliceAlongAnAxisAndOfASlice) {
  const Array a = Array::from({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}});
  const Array cols = a.slice(1, -1, -5, -2);  // a[:, ::-2] from the end
  EXPECT_EQ(cols.shape(), (Shape{3, 2}));
  EXPECT_EQ(raw_elements<int>(cols), (std::vector<int>{3, 1, 7, 5, 11, 9}));
  const Array rows = cols.slice(-2, 2, -4, -1);  // then rows 2, 1, 0
  EXPECT_EQ(raw_elements<int>(rows), (std::vector<int>{11, 9, 7, 5, 3, 1}));
  EXPECT_EQ(rows.copy().to_vector<int>(), (std::vector<int>{11, 9, 7, 5, 3, 1}));
  const Array empty = a.slice(0, 3, 0, 1);
  EXPECT_EQ(empty.shape(), (Shape{0, 4}));
  EXPECT_EQ(empty.to_vector<int>(), std::vector<int>{});
  expect_error<ValueError>([&] { a.slice(0, 0, 3, 0); }, {"step cannot be zero"});
  expect_error<IndexError>([&] { a.slice(2, 0, 3); }, {"axis 2", "dimension 2"});
  expect_error<IndexError>([] { Array::scalar(1.0).slice(0, 0, 1); }, {"axis 0", "dimension 0"});
}

TEST(ArrayView, Reshape) {
  const Array a = Array::from({{1, 2, 3}, {4, 5, 6}});
  const Array r = a.reshape({3, -1});
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  EXPECT_TRUE(r.shares_memory_with(a));  // contiguous: a view
  EXPECT_EQ(r.at<int>({2, 0}), 5);
  EXPECT_EQ(a.reshape({-1}).shape(), (Shape{6}));
  EXPECT_EQ(a.reshape({1, 6, 1}).shape(), (Shape{1, 6, 1}));
  EXPECT_EQ(Array::from({5}).reshape({}).ndim(), 0);
  EXPECT_EQ(Array::zeros(float64, {0, 3}).reshape({-1, 3}).shape(), (Shape{0, 3}));
  // Not contiguous: a copy, in C order of the view.
  const Array t = a.transpose().reshape({6});
  EXPECT_FALSE(t.shares_memory_with(a));
  EXPECT_EQ(t.to_vector<int>(), (std::vector<int>{1, 4, 2, 5, 3, 6}));

  expect_error<ValueError>([&] { a.reshape({-1, -1}); }, {"one unknown dimension"});
  expect_error<ValueError>([&] { a.reshape({-2, 3}); }, {"negative dimension -2"});
  expect_error<ShapeError>([&] { a.reshape({4, -1}); }, {"size 6", "(4, -1)"});
  expect_error<ShapeError>([&] { a.reshape({7}); }, {"size 6", "(7,)"});
  expect_error<ShapeError>([&] { a.reshape({kMax, kMax, -1}); }, {"size 6"});
  expect_error<ShapeError>([] { Array::zeros(float64, {0, 3}).reshape({0, -1}); }, {"size 0"});
}

TEST(ArrayView, BroadcastTo) {
  const Array a = Array::from({{1}, {2}});  // (2, 1)
  const Array b = a.broadcast_to({3, 2, 4});
  EXPECT_EQ(b.shape(), (Shape{3, 2, 4}));
  EXPECT_EQ(b.strides(), (Strides{0, 4, 0}));
  EXPECT_TRUE(b.shares_memory_with(a));
  EXPECT_EQ(b.at<int>({2, 1, 3}), 2);
  EXPECT_EQ(b.at<int>({0, 0, 2}), 1);
  EXPECT_EQ(Array::scalar(3.0).broadcast_to({2}).to_vector<double>(), (std::vector<double>{3, 3}));
  EXPECT_EQ(a.broadcast_to({2, 0}).size(), 0);
  expect_error<ShapeError>([&] { a.broadcast_to({2}); }, {"(2, 1)", "(2,)"});
  expect_error<ShapeError>([&] { a.broadcast_to({3, 4}); }, {"(2, 1)", "(3, 4)"});
  expect_error<ValueError>([&] { a.broadcast_to({-1, 2, 1}); }, {"negative dimensions"});
}

TEST(ArrayView, Contiguity) {
  const Array a = Array::zeros(float32, {3, 4});
  EXPECT_TRUE(a.is_contiguous());
  EXPECT_FALSE(a.transpose().is_contiguous());
  EXPECT_TRUE(a.slice(0, 1, 3).is_contiguous());       // whole rows
  EXPECT_FALSE(a.slice(1, 0, 2).is_contiguous());      // part of each row
  EXPECT_FALSE(a.slice(0, 0, 3, 2).is_contiguous());   // every other row
  EXPECT_TRUE(a.slice(0, 1, 2).slice(1, 0, 4).is_contiguous());
  EXPECT_FALSE(a.slice(0, 2, -4, -1).is_contiguous()); // reversed rows
  EXPECT_TRUE(a.slice(0, 0, 0).is_contiguous());       // empty
  EXPECT_FALSE(Array::scalar(1.0).broadcast_to({3}).is_contiguous());
  // A size-1 dimension's stride does not matter.
  std::vector<float> data(4);
  EXPECT_TRUE(Array::borrow(data.data(), {1, 4}, {1000, 4}).is_contiguous());
  EXPECT_TRUE(Array::borrow(data.data(), {1}, {-4}).is_contiguous());

  EXPECT_EQ(a.contiguous().data(), a.data());  // already contiguous: the same view
  const Array c = a.transpose().contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(c.shares_memory_with(a));
  const Array copy = a.copy();
  EXPECT_FALSE(copy.shares_memory_with(a));
}

// ---------------------------------------------------------------- astype

// {0, 1, 100} in every dtype ({false, true, true} in bool): values every dtype holds.
Array small_values(DType t) {
  return visit_dtype(t, [](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      return Array::from_vector(std::vector<bool>{false, true, true});
    } else {
      return Array::from_vector(std::vector<T>{T(0), T(1), T(100)});
    }
  });
}

TEST(ArrayAstype, EveryDtypePairKeepsValuesThatFit) {
  for (int f = 0; f < kNumDTypes; ++f) {
    for (int t = 0; t < kNumDTypes; ++t) {
      const auto from = static_cast<DType>(f), to = static_cast<DType>(t);
      SCOPED_TRACE(std::string(dtype_name(from)) + " -> " + std::string(dtype_name(to)));
      const Array src = small_values(from);
      // Through a reversed view as well, so strides are honoured.
      for (const Array& in : {src, src.slice(0, 2, -4, -1)}) {
        const Array out = in.astype(to);
        EXPECT_EQ(out.dtype(), to);
        EXPECT_EQ(out.shape(), (Shape{3}));
        EXPECT_TRUE(out.is_contiguous());
        std::vector<double> expected = is_bool(from) || is_bool(to) ? std::vector<double>{0, 1, 1}
                                                                    : std::vector<double>{0, 1, 100};
        if (in.strides()[0] < 0) std::reverse(expected.begin(), expected.end());
        visit_dtype(to, [&](auto tag) {
          using T = typename decltype(tag)::type;
          const std::vector<T> got = raw_elements<T>(out);
          for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(static_cast<double>(got[i]), expected[i]) << i;
        });
      }
    }
  }
}

TEST(ArrayAstype, SameDtypeAndContiguousIsTheSameView) {
  const Array a = Array::from({1.0, 2.0});
  EXPECT_EQ(a.astype(float64).data(), a.data());
  EXPECT_NE(a.slice(0, 1, -3, -1).astype(float64).data(), a.data());
}

TEST(ArrayAstype, IntegersWrap) {
  EXPECT_EQ(raw_elements<std::int8_t>(Array::from({300, -129, 127}).astype(int8)),
            (std::vector<std::int8_t>{44, 127, 127}));
  EXPECT_EQ(raw_elements<std::uint16_t>(Array::from({-1, 65536}).astype(uint16)),
            (std::vector<std::uint16_t>{65535, 0}));
  EXPECT_EQ(raw_elements<std::int64_t>(Array::from_vector<std::uint64_t>({~std::uint64_t{0}}).astype(int64)),
            (std::vector<std::int64_t>{-1}));
  EXPECT_EQ(raw_elements<std::int32_t>(Array::from_vector<std::int64_t>({kMin, (std::int64_t{1} << 32) + 5}).astype(int32)),
            (std::vector<std::int32_t>{0, 5}));
  EXPECT_EQ(raw_elements<bool>(Array::from({2, 0, -1}).astype(bool_)), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(raw_elements<std::uint8_t>(Array::from({true, false}).astype(uint8)), (std::vector<std::uint8_t>{1, 0}));
}

TEST(ArrayAstype, FloatsToBoolAndOtherFloats) {
  EXPECT_EQ(raw_elements<bool>(Array::from({kNaN, -0.0, 0.5, -kInf}).astype(bool_)),
            (std::vector<bool>{true, false, true, true}));
  EXPECT_EQ(raw_elements<float>(Array::from_vector<std::int64_t>({16777217}).astype(float32)),
            (std::vector<float>{16777216.0f}));
  EXPECT_EQ(raw_elements<double>(Array::from_vector<std::uint64_t>({~std::uint64_t{0}}).astype(float64)),
            (std::vector<double>{18446744073709551616.0}));
  EXPECT_EQ(raw_elements<float>(Array::from({1e300, -1e300}).astype(float32)), (std::vector<float>{INFINITY, -INFINITY}));
  const std::vector<float> f = raw_elements<float>(Array::from({kNaN}).astype(float32));
  EXPECT_TRUE(std::isnan(f[0]));
}

// The float -> integer rules of src/runtime/cast.hpp. The expected values are what
// NumPy 1.24 prints on x86-64 for `v.astype(dtype)` (NaN and out-of-range included).
TEST(ArrayAstype, FloatToIntegerRules) {
  const Array v = Array::from({kNaN, kInf, -kInf, 1e20, -1e20, 3e9, -3e9, 70000.7, -1.5, 255.9, 256.5, -0.9,
                               9223372036854775808.0, 18446744073709551616.0, 1.8e19, -9223372036854775808.0});
  constexpr std::int32_t k31 = std::numeric_limits<std::int32_t>::min();
  constexpr std::uint32_t u31 = std::uint32_t{1} << 31;
  EXPECT_EQ(raw_elements<std::int8_t>(v.astype(int8)),
            (std::vector<std::int8_t>{0, 0, 0, 0, 0, 0, 0, 112, -1, -1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(raw_elements<std::int16_t>(v.astype(int16)),
            (std::vector<std::int16_t>{0, 0, 0, 0, 0, 0, 0, 4464, -1, 255, 256, 0, 0, 0, 0, 0}));
  EXPECT_EQ(raw_elements<std::int32_t>(v.astype(int32)),
            (std::vector<std::int32_t>{k31, k31, k31, k31, k31, k31, k31, 70000, -1, 255, 256, 0, k31, k31, k31, k31}));
  EXPECT_EQ(raw_elements<std::int64_t>(v.astype(int64)),
            (std::vector<std::int64_t>{kMin, kMin, kMin, kMin, kMin, 3000000000, -3000000000, 70000, -1, 255, 256, 0,
                                       kMin, kMin, kMin, kMin}));
  EXPECT_EQ(raw_elements<std::uint8_t>(v.astype(uint8)),
            (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0, 112, 255, 255, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(raw_elements<std::uint16_t>(v.astype(uint16)),
            (std::vector<std::uint16_t>{0, 0, 0, 0, 0, 0, 0, 4464, 65535, 255, 256, 0, 0, 0, 0, 0}));
  EXPECT_EQ(raw_elements<std::uint32_t>(v.astype(uint32)),
            (std::vector<std::uint32_t>{u31, 0, u31, 0, u31, 3000000000u, u31, 70000, 4294967295u, 255, 256, 0, 0, 0,
                                        0, u31}));
  constexpr std::uint64_t k63 = std::uint64_t{1} << 63;
  EXPECT_EQ(raw_elements<std::uint64_t>(v.astype(uint64)),
            (std::vector<std::uint64_t>{k63, 0, k63, 0, k63, 3000000000u, 18446744070709551616u, 70000,
                                        18446744073709551615u, 255, 256, 0, k63, 0, 18000000000000000000u, k63}));
  // float32 sources follow the same rules.
  const Array f = Array::from_vector<float>({NAN, 3e9f, -1.5f, 70000.7f});
  EXPECT_EQ(raw_elements<std::int32_t>(f.astype(int32)), (std::vector<std::int32_t>{k31, k31, -1, 70000}));
  EXPECT_EQ(raw_elements<std::uint32_t>(f.astype(uint32)), (std::vector<std::uint32_t>{u31, 3000000000u, 4294967295u, 70000}));
}

}  // namespace
}  // namespace hypatia
