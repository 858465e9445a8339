// The indexing front end x[key]: keys with integer and boolean arrays (NumPy's
// placement of the broadcast index dimensions), set/inc through any key, and every
// error the front end raises. References are hand loops over x[i, j, k] = 12i + 4j + k.
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

Array iota(DType dtype, const Shape& shape) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < shape_size(shape); ++i) v.push_back(static_cast<double>(i));
  return Array::from_vector(v, shape).astype(dtype);
}

Array ints(std::vector<std::int64_t> v) { return Array::from_vector(v); }
Array bools(std::vector<bool> v, Shape shape = {}) { return Array::from_vector(v, std::move(shape)); }

const Array k234 = iota(DType::int64, {2, 3, 4});
std::int64_t at234(std::int64_t i, std::int64_t j, std::int64_t k) { return 12 * i + 4 * j + k; }

TEST(Index, ItemKinds) {
  EXPECT_EQ(Index(scalar("i", DType::int32)).kind(), Index::Kind::integer);
  EXPECT_EQ(Index(vector("v", DType::int64)).kind(), Index::Kind::array);
  EXPECT_EQ(Index(scalar("b", DType::bool_)).kind(), Index::Kind::array);  // a 0-d mask, as in NumPy
  EXPECT_EQ(Index(Array::scalar<std::int64_t>(2)).kind(), Index::Kind::integer);
  EXPECT_EQ(Index(ints({1, 2})).kind(), Index::Kind::array);
  EXPECT_EQ(Index(3).kind(), Index::Kind::integer);
  EXPECT_EQ(Index(new_axis).kind(), Index::Kind::new_axis);
  EXPECT_EQ(Index(ellipsis).kind(), Index::Kind::ellipsis);
  const Index s = slice(1, none, scalar("s", DType::int8));
  EXPECT_EQ(s.kind(), Index::Kind::slice);
  EXPECT_TRUE(s.start().has_value());
  EXPECT_FALSE(s.stop().has_value());
  EXPECT_TRUE(s.step().has_value());
}

TEST(Index, BasicKeysMakeOneSubtensorNode) {
  const Variable x = tensor3("x", DType::int64);
  const Variable y = index(x, {1, ellipsis, slice(none, none, -1)});
  EXPECT_EQ(y.node().op().name, "subtensor");
  EXPECT_EQ(y.node().inputs()[0], x);
  EXPECT_EQ(y.node().attrs().get_ints("items"), (std::vector<std::int64_t>{kIndexInteger, 0, kSliceHasStep}));
  expect_exact<std::int64_t>(eval1({x}, y, {k234}), {3, 4},
                             {15, 14, 13, 12, 19, 18, 17, 16, 23, 22, 21, 20});
  // x[...] and x[{}] are whole views of x.
  EXPECT_EQ(x[ellipsis].node().op().name, "subtensor");
  EXPECT_EQ(x[{}].type(), x.type());
}

// One integer array, no integers: numpy.take along its axis (advanced_subtensor1).
TEST(Index, OneIndexArrayIsATake) {
  const Variable x = tensor3("x", DType::int64);
  const Variable idx = vector("idx", DType::int64);
  const Variable y = x[{slice(), idx}];
  EXPECT_EQ(y.node().op().name, "advanced_subtensor1");
  EXPECT_EQ(y.node().inputs()[0], x);  // an all-full basic part makes no node
  std::vector<std::int64_t> expected;
  for (std::int64_t i = 0; i < 2; ++i) {
    for (std::int64_t j : {2, 0, 2}) {
      for (std::int64_t k = 0; k < 4; ++k) expected.push_back(at234(i, j, k));
    }
  }
  expect_exact<std::int64_t>(eval1({x, idx}, y, {k234, ints({-1, 0, 2})}), {2, 3, 4}, expected);
  expect_shape_inference({x, idx}, y, {k234, ints({-1, 0, 2})});
  // A 2-d index array replaces its axis with two; a basic part in front is a view first.
  const Array idx2 = Array::from<std::int64_t>({{0, 3}, {1, 1}});
  const Variable z = x[{slice(1, none), slice(none, none, -1), idx2}];
  EXPECT_EQ(z.node().op().name, "advanced_subtensor1");
  EXPECT_EQ(z.node().inputs()[0].node().op().name, "subtensor");
  EXPECT_TRUE(z.node().attrs().get_bool("of_basic"));
  std::vector<std::int64_t> zexp;
  for (std::int64_t j : {2, 1, 0}) {
    for (std::int64_t k : {0, 3, 1, 1}) zexp.push_back(at234(1, j, k));
  }
  expect_exact<std::int64_t>(eval1({x}, z, {k234}), {1, 3, 2, 2}, zexp);
}

// Adjacent advanced items (integers count) replace their axes in place.
TEST(Index, AdjacentArraysStayInPlace) {
  const Variable x = tensor3("x", DType::int64);
  const Variable y = x[{slice(), ints({2, 0}), 3}];
  EXPECT_EQ(y.node().op().name, "advanced_subtensor");
  EXPECT_FALSE(y.node().attrs().get_bool("first"));
  expect_exact<std::int64_t>(eval1({x}, y, {k234}), {2, 2},
                             {at234(0, 2, 3), at234(0, 0, 3), at234(1, 2, 3), at234(1, 0, 3)});
  expect_shape_inference({x}, y, {k234});
}

// Separated advanced items put the broadcast dimensions first; a new_axis between
// them separates them too (NumPy: x[0, None, idx] has shape (2, 1, ...)).
TEST(Index, SeparatedArraysGoFirst) {
  const Variable x = tensor3("x", DType::int64);
  const Variable y = x[{ints({1, 0}), slice(1, none), ints({3, 2})}];
  EXPECT_TRUE(y.node().attrs().get_bool("first"));
  expect_exact<std::int64_t>(eval1({x}, y, {k234}), {2, 2},
                             {at234(1, 1, 3), at234(1, 2, 3), at234(0, 1, 2), at234(0, 2, 2)});
  const Variable z = x[{1, new_axis, ints({2, 0})}];
  expect_exact<std::int64_t>(eval1({x}, z, {k234}), {2, 1, 4},
                             {at234(1, 2, 0), at234(1, 2, 1), at234(1, 2, 2), at234(1, 2, 3), at234(1, 0, 0),
                              at234(1, 0, 1), at234(1, 0, 2), at234(1, 0, 3)});
  // An integer and an array with a slice between them: first (NumPy: x[1, 1:, idx]
  // has the index dimensions in front).
  const Variable w = x[{1, slice(1, none), Array::from<std::int64_t>({{0, 3}, {1, 1}})}];
  EXPECT_TRUE(w.node().attrs().get_bool("first"));
  std::vector<std::int64_t> wexp;
  for (std::int64_t k : {0, 3, 1, 1}) {
    for (std::int64_t j : {1, 2}) wexp.push_back(at234(1, j, k));
  }
  expect_exact<std::int64_t>(eval1({x}, w, {k234}), {2, 2, 2}, wexp);
  // An ellipsis that expands to a slice separates them as well.
  EXPECT_TRUE((x[{ints({0}), ellipsis, ints({0})}].node().attrs().get_bool("first")));
  expect_shape_inference({x}, z, {k234});
}

TEST(Index, BooleanMasks) {
  const Variable x = tensor("x", DType::int64, {2, 3, 4});
  // A mask over every axis: the selected elements in C order.
  std::vector<bool> m(24, false);
  for (int i : {1, 5, 6, 23}) m[static_cast<std::size_t>(i)] = true;
  expect_exact<std::int64_t>(eval1({x}, x[bools(m, {2, 3, 4})], {k234}), {4}, {1, 5, 6, 23});
  // A 1-d mask over the middle axis, and a 2-d one over the last two.
  const Variable rows = x[{slice(), bools({true, false, true})}];
  expect_exact<std::int64_t>(eval1({x}, rows, {k234}), {2, 2, 4},
                             {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23});
  std::vector<bool> m2(12, false);
  m2[2] = m2[7] = true;
  expect_exact<std::int64_t>(eval1({x}, x[{slice(), bools(m2, {3, 4})}], {k234}), {2, 2}, {2, 7, 14, 19});
  // A mask fed at run time; none selected.
  const Variable mv = vector("m", DType::bool_);
  const Variable sel = x[{1, slice(), mv}];
  // (The integer and the mask are separated: the selected dimension goes first.)
  expect_exact<std::int64_t>(eval1({x, mv}, sel, {k234, bools({false, true, false, true})}), {2, 3},
                             {13, 17, 21, 15, 19, 23});
  expect_exact<std::int64_t>(eval1({x, mv}, sel, {k234, bools({false, false, false, false})}), {0, 3}, {});
  expect_shape_inference({x, mv}, sel, {k234, bools({false, true, false, true})});
}

// A 0-d boolean is a new axis indexed by [0] (true) or [] (false).
TEST(Index, ZeroDimensionalMasks) {
  const Variable x = matrix("x", DType::int64);
  const Array a = iota(DType::int64, {3, 4});
  const Variable b = scalar("b", DType::bool_);
  expect_exact<std::int64_t>(eval1({x, b}, x[b], {a, Array::scalar(true)}), {1, 3, 4},
                             a.to_vector<std::int64_t>());
  expect_exact<std::int64_t>(eval1({x, b}, x[b], {a, Array::scalar(false)}), {0, 3, 4}, {});
  // With an integer next to it (NumPy: x[True, 1] has shape (1, 4)).
  expect_exact<std::int64_t>(eval1({x, b}, x[{b, 1}], {a, Array::scalar(true)}), {1, 4}, {4, 5, 6, 7});
}

TEST(Index, SetAndIncThroughArrayKeys) {
  const Variable x = matrix("x", DType::float64);
  const Array a = iota(DType::float64, {3, 4});
  // x[1:, [0, 0, 3]] += 10: repeated indices accumulate; the write goes through the
  // basic part into x.
  const Variable sel = x[{slice(1, none), ints({0, 0, 3})}];
  std::vector<double> inc = a.to_vector<double>();
  for (int r : {1, 2}) {
    inc[static_cast<std::size_t>(r * 4)] += 20;
    inc[static_cast<std::size_t>(r * 4 + 3)] += 10;
  }
  expect_array(eval1({x}, inc_subtensor(sel, 10.0), {a}), DType::float64, {3, 4}, inc);
  // x[mask] = -1.
  std::vector<bool> m(12, false);
  m[0] = m[5] = m[11] = true;
  std::vector<double> set = a.to_vector<double>();
  for (int i : {0, 5, 11}) set[static_cast<std::size_t>(i)] = -1;
  expect_array(eval1({x}, set_subtensor(x[bools(m, {3, 4})], -1.0), {a}), DType::float64, {3, 4}, set);
  // x[[2, 0], 1] = [7, 8] (advanced_subtensor).
  const Variable y = vector("y");
  std::vector<double> pair = a.to_vector<double>();
  pair[9] = 7;
  pair[1] = 8;
  expect_array(eval1({x, y}, set_subtensor(x[{ints({2, 0}), 1}], y), {a, Array::from({7.0, 8.0})}),
               DType::float64, {3, 4}, pair);
  // A user's own chain x[1:][idx] writes into x[1:] (Theano's rule).
  const Variable chain = set_subtensor(x[{slice(1, none)}][ints({0})], 5.0);
  EXPECT_EQ(chain.type().shape, (Shape{kUnknownDim, kUnknownDim}));
  expect_array(eval1({x}, chain, {a}), DType::float64, {2, 4}, {5, 5, 5, 5, 8, 9, 10, 11});
}

// ---------------------------------------------------------------- errors

TEST(IndexErrors, TwoEllipses) {
  const Variable x = matrix("x");
  expect_error<IndexError>([&] { (void)x[{ellipsis, 0, ellipsis}]; },
                           {"an index can only have a single ellipsis ('...')", "index_test.cpp"});
}

TEST(IndexErrors, TooManyIndices) {
  const Variable x = matrix("x");
  expect_error<IndexError>([&] { (void)x[{0, slice(), new_axis, 1}]; },
                           {"too many indices for array: array is 2-dimensional, but 3 were indexed", "index_test.cpp"});
  // A mask counts its dimensions.
  expect_error<IndexError>([&] { (void)x[{0, bools({true, false, true, true}, {2, 2})}]; },
                           {"array is 2-dimensional, but 3 were indexed"});
}

TEST(IndexErrors, FloatIndex) {
  const Variable x = vector("x");
  expect_error<TypeError>([&] { (void)x[scalar("f", DType::float32)]; },
                          {"only integers, slices, ellipsis, new_axis and integer or boolean arrays are valid indices",
                           "float32", "index_test.cpp"});
  expect_error<TypeError>([&] { (void)x[Array::from({1.0})]; }, {"valid indices", "float64 (1,)"});
}

TEST(IndexErrors, FloatSliceBound) {
  const Variable x = vector("x");
  expect_error<TypeError>([&] { (void)x[slice(scalar("f"), none)]; },
                          {"slice indices must be integer scalars or none", "float64", "index_test.cpp"});
}

TEST(IndexErrors, MaskDoesNotMatchWhenBuilt) {
  const Variable x = tensor("x", DType::float64, {2, 3});
  expect_error<IndexError>([&] { (void)x[{slice(), bools({true, false})}]; },
                           {"boolean index did not match indexed array along dimension 1; dimension is 3 but "
                            "corresponding boolean dimension is 2",
                            "index_test.cpp"});
}

TEST(IndexErrors, MaskDoesNotMatchAtRunTime) {
  const Variable x = matrix("x");
  const Variable m = vector("m", DType::bool_);
  expect_error<IndexError>([&] { eval1({x, m}, x[m], {iota(DType::float64, {3, 2}), bools({true, false})}); },
                           {"boolean index did not match indexed array along dimension 0; dimension is 3 but "
                            "corresponding boolean dimension is 2",
                            "check_mask", "index_test.cpp"});
}

TEST(IndexErrors, SetSubtensorOfSomethingElse) {
  const Variable x = vector("x");
  expect_error<TypeError>([&] { set_subtensor(exp(x), 1.0); },
                          {"set_subtensor needs the result of indexing (e.g. x[1:3]); got the output of 'exp'",
                           "index_test.cpp"});
  expect_error<TypeError>([&] { inc_subtensor(x, 1.0); }, {"inc_subtensor needs", "got the output of 'input'"});
}

}  // namespace
}  // namespace hypatia
