// Function: argument checking (one test per user-facing message), runtime errors that
// point at the user's line, output ownership, and results against hand computation.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_array;
using testing::expect_error;

std::string here(int line) { return "function_test.cpp:" + std::to_string(line); }

// ---------------------------------------------------------------- building

TEST(FunctionBuild, AnInputThatIsNotAGraphInput) {
  Variable x = vector("x");
  Variable e = exp(x); const int e_line = __LINE__;
  const int line = __LINE__ + 1;
  expect_error<TypeError>([&] { function({x, e}, {e}); },
                          {here(line), "input 1", "not a graph input", "the result of exp", here(e_line)});
  Variable c = constant(2.0); const int c_line = __LINE__;
  expect_error<TypeError>([&] { function({c}, {c * x}); }, {"input 0", "a constant", here(c_line)});
}

TEST(FunctionBuild, ADuplicateInput) {
  Variable x = vector("x");
  const int line = __LINE__ + 1;
  expect_error<ValueError>([&] { function({x, x}, {exp(x)}); }, {here(line), "input 1 ('x')", "more than once"});
}

TEST(FunctionBuild, AMissingInputNamesItAndWhereItWasMade) {
  Variable x = vector("x");
  Variable y = vector("y"); const int y_line = __LINE__;
  const int line = __LINE__ + 1;
  expect_error<MissingInputError>([&] { function({x}, {x + y}); },
                                  {here(line), "input 'y'", here(y_line), "not in the function's inputs"});
}

TEST(FunctionBuild, EmptyVariables) {
  Variable x = vector("x");
  expect_error<TypeError>([&] { function({Variable()}, {x}); }, {"function_test.cpp", "input 0 is an empty Variable"});
  expect_error<TypeError>([&] { function({x}, {x, Variable()}); }, {"function_test.cpp", "output 1 is an empty Variable"});
}

TEST(FunctionBuild, InputsOutputsAndGraphText) {
  Variable x = vector("x");
  Variable z = exp(x);
  Function f = function({x}, {z});
  ASSERT_EQ(f.inputs().size(), 1u);
  EXPECT_EQ(f.inputs()[0], x);
  EXPECT_EQ(f.outputs()[0], z);
  EXPECT_EQ(f.graph_text(), graph_text({z}));
  // Inputs the outputs do not use are allowed and still checked.
  Variable unused = scalar("unused", int8);
  Function g = function({x, unused}, {z});
  expect_array(g({Array::from({0.0}), Array::scalar<std::int8_t>(1)})[0], float64, {1}, {1.0});
  expect_error<TypeError>([&] { g({Array::from({0.0}), Array::scalar(1.0)}); }, {"input 1 ('unused')", "int8"});
}

// ---------------------------------------------------------------- calling

TEST(FunctionCall, WrongArgumentCount) {
  Variable x = vector("x"), y = vector("y");
  Function f = function({x, y}, {x + y}); const int line = __LINE__;
  expect_error<TypeError>([&] { f({Array::from({1.0})}); }, {here(line), "takes 2 arguments", "got 1"});
  Function g = function({x}, {exp(x)});
  expect_error<TypeError>([&] { g({}); }, {"takes 1 argument,", "got 0"});
}

TEST(FunctionCall, ADtypeThatWouldLoseInformationIsRefused) {
  Variable x = vector("x", int32);
  Function f = function({x}, {x + 1});
  expect_error<TypeError>([&] { f({Array::from_vector<std::int64_t>({1})}); },
                          {"input 0 ('x')", "expects dtype int32", "got int64", "without loss"});
  expect_error<TypeError>([&] { f({Array::from({1.0})}); }, {"input 0 ('x')", "int32", "got float64"});
  expect_error<TypeError>([&] { f({Array::from_vector<std::uint32_t>({1})}); }, {"got uint32"});
}

TEST(FunctionCall, ASafeDtypeIsConverted) {
  Variable x = vector("x", float64);
  Function f = function({x}, {x * 2.0});
  // float32 -> float64: converted exactly.
  expect_array(f({Array::from_vector<float>({0.1f, -3.0f})})[0], float64, {2},
               {2.0 * static_cast<double>(0.1f), -6.0});
  // int32 -> float64, bool -> float64.
  expect_array(f({Array::from({7, -2})})[0], float64, {2}, {14.0, -4.0});
  expect_array(f({Array::from({true, false})})[0], float64, {2}, {2.0, 0.0});
  Variable i = vector("i", int32);
  Function g = function({i}, {i + 1});
  testing::expect_exact<std::int32_t>(g({Array::from_vector<std::int16_t>({-5, 300})})[0], {2}, {-4, 301});
}

TEST(FunctionCall, WrongRank) {
  Variable x = vector("x");
  Function f = function({x}, {exp(x)});
  expect_error<TypeError>([&] { f({Array::zeros(float64, {2, 2})}); },
                          {"input 0 ('x')", "expects 1 dimension", "float64 (?,)", "shape (2, 2)"});
  Variable m = matrix("m");
  Function g = function({m}, {exp(m)});
  expect_error<TypeError>([&] { g({Array::scalar(1.0)}); }, {"input 0 ('m')", "expects 2 dimensions", "shape ()"});
}

TEST(FunctionCall, StaticShapeMismatch) {
  Variable x = tensor("x", float64, {2, kUnknownDim});
  Function f = function({x}, {exp(x)});
  expect_error<ShapeError>([&] { f({Array::zeros(float64, {3, 4})}); },
                           {"input 0 ('x')", "expects shape float64 (2, ?)", "shape (3, 4)", "dimension 0 differs"});
  EXPECT_EQ(f({Array::zeros(float64, {2, 5})})[0].shape(), (Shape{2, 5}));
}

TEST(FunctionCall, ARuntimeShapeMismatchNamesTheOpShapesAndLine) {
  Variable x = vector("x"), y = vector("y");
  Variable z = x + y; const int line = __LINE__;
  Function f = function({x, y}, {exp(z)});
  expect_error<ShapeError>([&] { f({Array::zeros(float64, {3}), Array::zeros(float64, {4})}); },
                           {here(line), "add", "could not be broadcast", "(3,) (4,)", "operands: float64 (3,), float64 (4,)"});
}

// ---------------------------------------------------------------- outputs

TEST(FunctionOutputs, NeverAliasArgumentsOrEachOther) {
  Variable x = vector("x");
  Variable z = exp(x);
  Function f = function({x}, {x, z, z, x});
  const Array arg = Array::from({0.0, 1.0});
  std::vector<Array> out = f({arg});
  ASSERT_EQ(out.size(), 4u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_FALSE(out[i].shares_memory_with(arg)) << i;
    for (std::size_t j = 0; j < i; ++j) EXPECT_FALSE(out[i].shares_memory_with(out[j])) << i << " " << j;
  }
  expect_array(out[0], float64, {2}, {0.0, 1.0});
  expect_array(out[2], float64, {2}, {1.0, std::exp(1.0)});
  // Writing to an output changes neither the argument nor the other outputs.
  out[0].data_as<double>()[0] = 42;
  out[1].data_as<double>()[0] = 43;
  EXPECT_EQ(arg.at<double>({0}), 0.0);
  EXPECT_EQ(out[3].at<double>({0}), 0.0);
  EXPECT_EQ(out[2].at<double>({0}), 1.0);
}

TEST(FunctionOutputs, ABorrowedArgumentReturnedIsCopied) {
  std::vector<std::int32_t> data{1, 2, 3};
  Variable x = vector("x", int32);
  Function f = function({x}, {x});
  const Array out = f({Array::borrow(data.data(), {3})})[0];
  data[0] = 100;
  testing::expect_exact<std::int32_t>(out, {3}, {1, 2, 3});
}

TEST(FunctionOutputs, AConstantOutputIsTheCallersOwn) {
  Variable x = vector("x");
  Function f = function({x}, {constant(Array::from({5.0, 6.0})), x});
  Array first = f({Array::from({1.0})})[0];
  first.data_as<double>()[0] = -1;
  expect_array(f({Array::from({1.0})})[0], float64, {2}, {5.0, 6.0});
}

TEST(FunctionOutputs, CallingTwiceGivesTheSameResults) {
  Variable x = matrix("x"), y = vector("y");
  Function f = function({x, y}, {where(eq(x, 0.0), y, exp(x) * y)});
  const Array a = Array::from({{0.0, 1.0}, {-1.0, 0.0}}), b = Array::from({3.0, 4.0});
  const std::vector<double> expected = {3.0, std::exp(1.0) * 4.0, std::exp(-1.0) * 3.0, 4.0};
  expect_array(f({a, b})[0], float64, {2, 2}, expected);
  expect_array(f({a, b})[0], float64, {2, 2}, expected);
  expect_array(a, float64, {2, 2}, {0.0, 1.0, -1.0, 0.0});  // arguments untouched
}

// ---------------------------------------------------------------- values

TEST(FunctionValues, TheReadmeExample) {
  auto x = matrix("x", float64);
  auto y = vector("y", float64);
  auto z = exp(x) * 2.0 + y;  // NumPy broadcasting
  Function f = function({x, y}, {z});
  const std::vector<Array> out = f({Array::from({{1.0, 2.0}, {3.0, 4.0}}), Array::from({0.5, 0.25})});
  ASSERT_EQ(out.size(), 1u);
  expect_array(out[0], float64, {2, 2},
               {std::exp(1.0) * 2 + 0.5, std::exp(2.0) * 2 + 0.25, std::exp(3.0) * 2 + 0.5, std::exp(4.0) * 2 + 0.25},
               1e-15);
}

TEST(FunctionValues, NonContiguousArgumentsAndShapeOps) {
  Variable x = matrix("x");
  Variable n = cast(shape(x, 1), float64);
  Function f = function({x}, {x * n + 1});
  // The transpose of [[1, 2, 3], [4, 5, 6]]: 3 x 2, so n = 2.
  const Array t = Array::from({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}).transpose();
  expect_array(f({t})[0], float64, {3, 2}, {3.0, 9.0, 5.0, 11.0, 7.0, 13.0});
  // Reversed rows through a negative-step slice.
  const Array r = Array::from({{1.0, 2.0}, {3.0, 4.0}}).slice(0, 1, -3, -1);
  expect_array(f({r})[0], float64, {2, 2}, {7.0, 9.0, 3.0, 5.0});
  // Empty and size-1 dimensions.
  expect_array(f({Array::zeros(float64, {0, 3})})[0], float64, {0, 3}, {});
  expect_array(f({Array::full(float64, {1, 1}, 2.0)})[0], float64, {1, 1}, {3.0});
}

}  // namespace
}  // namespace hypatia
