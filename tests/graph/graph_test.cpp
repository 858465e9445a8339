// The graph layer: hash-consing, attributes, source locations, walks, cloning,
// printing, and the dtype C++ literals take when they meet an expression.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <atomic>
#include <string>
#include <thread>

#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---------------------------------------------------------------- hash-consing

TEST(HashConsing, TheSameExpressionIsTheSameNode) {
  Variable x = vector("x"), y = vector("y");
  Variable a = exp(x) * y + x;
  Variable b = exp(x) * y + x;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.node_ptr(), b.node_ptr());
  EXPECT_EQ(a.node().inputs()[0].node_ptr(), b.node().inputs()[0].node_ptr());
  EXPECT_EQ(a.hash(), b.hash());
  // Operand order matters (no canonical order at build time).
  EXPECT_NE(add(x, y), add(y, x));
}

TEST(HashConsing, DifferentOpsAttrsOrInputsGiveDifferentNodes) {
  Variable x = matrix("x"), y = matrix("y");
  EXPECT_NE(add(x, y), mul(x, y));
  EXPECT_NE(add(x, x), add(x, y));
  EXPECT_NE(cast(x, int32), cast(x, int64));
  EXPECT_EQ(cast(x, int32), cast(x, int32));
  EXPECT_NE(shape(x, 0), shape(x, 1));
  EXPECT_EQ(shape(x, 0), shape(x, -2));  // the same axis, normalised
}

TEST(HashConsing, InputsAreNeverMerged) {
  Variable a = vector("x", float32), b = vector("x", float32);
  EXPECT_NE(a, b);
  EXPECT_NE(a.node_ptr(), b.node_ptr());
  EXPECT_EQ(a.type(), b.type());
  EXPECT_NE(a + 1, b + 1);
}

TEST(HashConsing, ConstantsAreMergedByValue) {
  EXPECT_EQ(constant(1.5), constant(1.5));
  EXPECT_NE(constant(1.5), constant(1.5f));  // dtype differs
  EXPECT_NE(constant(1.5), constant(2.5));
  EXPECT_EQ(constant(Array::from({1, 2, 3})), constant(Array::from({1, 2, 3})));
  EXPECT_NE(constant(Array::from({1, 2, 3})), constant(Array::from({1, 2, 4})));
  EXPECT_NE(constant(Array::from({{1, 2}})), constant(Array::from({1, 2})));  // shape differs
  // The same values through a strided view.
  const Array reversed = Array::from({3, 2, 1}).slice(0, 2, -4, -1);
  EXPECT_EQ(constant(reversed), constant(Array::from({1, 2, 3})));
  // NaN is merged with NaN (bitwise), -0.0 is not 0.0.
  EXPECT_EQ(constant(kNaN), constant(kNaN));
  EXPECT_EQ(constant(Array::from({1.0, kNaN})), constant(Array::from({1.0, kNaN})));
  EXPECT_NE(constant(-0.0), constant(0.0));
  EXPECT_EQ(constant(2.0, int8), constant(Array::scalar<std::int8_t>(2)));
}

TEST(HashConsing, ConstantsDoNotAliasUserMemory) {
  std::vector<double> data{1, 2};
  Variable c = constant(Array::borrow(data.data(), {2}));
  data[0] = 100;
  EXPECT_EQ(c.constant_value().at<double>({0}), 1.0);
  EXPECT_TRUE(c.constant_value().buffer()->owned());
}

TEST(HashConsing, TheTableDoesNotKeepNodesAlive) {
  std::weak_ptr<const Node> weak;
  {
    Variable x = vector("x");
    Variable y = exp(x);
    weak = y.node_ptr();
    EXPECT_FALSE(weak.expired());
  }
  EXPECT_TRUE(weak.expired());
  // Rebuilding after the last reference died makes a fresh node.
  Variable x = vector("x");
  Variable a = exp(x);
  const std::uint64_t first = a.node().id();
  a = Variable();
  Variable b = exp(x);
  EXPECT_NE(b.node().id(), first);
  EXPECT_EQ(exp(x), b);
}

TEST(HashConsing, ManyNodesWithOneHashBucketSurviveDeletion) {
  // Build and drop many nodes that differ only in an attribute, interleaved with
  // lookups, so that entries are erased while others of nearby hashes remain.
  Variable x = vector("x", int64);
  std::vector<Variable> kept;
  for (int round = 0; round < 50; ++round) {
    std::vector<Variable> dropped;
    for (DType t : {int8, int16, int32, uint8, float32, float64}) dropped.push_back(cast(x, t));
    kept.push_back(cast(x, round % 2 ? float32 : int8));
    for (const Variable& v : dropped) EXPECT_EQ(cast(x, v.dtype()), v);
  }
  for (const Variable& v : kept) EXPECT_EQ(cast(x, v.dtype()), v);
}

TEST(HashConsing, ConcurrentBuildingAndDroppingIsSafe) {
  // Threads build the same expressions and drop them at once, so lookups meet nodes
  // whose last reference dies in another thread mid-lookup.
  Variable x = vector("x");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        Variable a = exp(x) * static_cast<double>(i % 7) + x;
        Variable b = exp(x) * static_cast<double>(i % 7) + x;
        if (!(a == b)) ++mismatches;
        Variable c = cast(a, static_cast<DType>(i % kNumDTypes));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---------------------------------------------------------------- Attrs

TEST(Attrs, OrderOfKeysDoesNotMatter) {
  Attrs a, b;
  a.set("axis", std::int64_t{1}).set("keepdims", false);
  b.set("keepdims", false).set("axis", std::int64_t{1});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.str(), "axis=1, keepdims=false");
  b.set("axis", std::int64_t{2});  // overwrite
  EXPECT_FALSE(a == b);
  EXPECT_EQ(b.get_int("axis"), 2);
  EXPECT_EQ(b.items().size(), 2u);
}

TEST(Attrs, ValuesCompareByKindAndValue) {
  auto one = [](AttrValue v) { return Attrs{{"k", std::move(v)}}; };
  EXPECT_FALSE(one(std::int64_t{1}) == one(1.0));
  EXPECT_FALSE(one(true) == one(std::int64_t{1}));
  EXPECT_EQ(one(kNaN), one(kNaN));
  EXPECT_EQ(one(kNaN).hash(), one(kNaN).hash());
  EXPECT_FALSE(one(0.0) == one(-0.0));
  EXPECT_EQ(one(std::vector<std::int64_t>{1, 2}), one(std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(one(std::vector<std::int64_t>{1, 2}).hash(), one(std::vector<std::int64_t>{1, 2}).hash());
  EXPECT_FALSE(one(std::vector<std::int64_t>{1, 2}) == one(std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(one(Array::from({1.0, kNaN})), one(Array::from({1.0, kNaN})));
  EXPECT_EQ(one(Array::from({1.0, kNaN})).hash(), one(Array::from({1.0, kNaN})).hash());
  EXPECT_FALSE(one(Array::from({1.0, 2.0})) == one(Array::from_vector<float>({1.0f, 2.0f})));
  EXPECT_EQ(one(float32), one(float32));
  EXPECT_FALSE(one(float32) == one(float64));
  EXPECT_EQ(one(std::string("x")), one(std::string("x")));
  EXPECT_EQ(one(0.5).str(), "k=0.5");
  EXPECT_EQ(one(std::vector<std::int64_t>{1, -2}).str(), "k=[1, -2]");
  EXPECT_EQ(one(std::string("x")).str(), "k='x'");
  EXPECT_THROW(one(0.5).get("other"), InternalError);
  EXPECT_THROW(one(0.5).get_int("k"), InternalError);
}

// ---------------------------------------------------------------- source locations

TEST(SourceLocation, NodesRecordTheUsersLine) {
  Variable x = vector("x"); const int x_line = __LINE__;
  Variable y = x * 3.5; const int y_line = __LINE__;
  Variable z = exp(y); const int z_line = __LINE__;
  EXPECT_TRUE(ends_with(x.node().where().file_name(), "graph_test.cpp")) << x.node().where().file_name();
  EXPECT_EQ(x.node().where().line(), static_cast<unsigned>(x_line));
  EXPECT_EQ(y.node().where().line(), static_cast<unsigned>(y_line));
  EXPECT_EQ(y.node().inputs()[1].node().where().line(), static_cast<unsigned>(y_line));  // the literal
  EXPECT_EQ(z.node().where().line(), static_cast<unsigned>(z_line));
  EXPECT_TRUE(ends_with(z.node().where().file_name(), "graph_test.cpp"));
}

TEST(SourceLocation, BuildErrorsNameTheUsersLineAndTheOp) {
  Variable a = tensor("a", float64, {2}), b = tensor("b", float64, {3});
  const int line = __LINE__ + 1;
  expect_error<ShapeError>([&] { (void)(a + b); },
                           {"graph_test.cpp:" + std::to_string(line), "add", "could not be broadcast", "(2,)", "(3,)"});
  expect_error<IndexError>([&] { shape(a, 1); }, {"graph_test.cpp", "shape", "axis 1"});
  expect_error<TypeError>([&] { (void)(Variable() + a); }, {"graph_test.cpp", "empty Variable"});
  expect_error<ValueError>([] { tensor("t", float64, {2, -3}); }, {"graph_test.cpp", "tensor 't'", "-3"});
}

// ---------------------------------------------------------------- walks

TEST(TopologicalOrder, InputsBeforeUsersDeterministically) {
  Variable x = vector("x"), y = vector("y");
  Variable s = x + y;
  Variable z = s * x;
  Variable w = exp(s);
  const auto order = topological_order({z, w});
  std::vector<const Node*> expected = {&x.node(), &y.node(), &s.node(), &z.node(), &w.node()};
  ASSERT_EQ(order.size(), expected.size());
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i].get(), expected[i]) << i;
  // The same again, and a repeated output adds nothing.
  const auto again = topological_order({z, w, z});
  ASSERT_EQ(again.size(), order.size());
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(again[i], order[i]);
  EXPECT_THROW(topological_order({Variable()}), TypeError);
}

TEST(TopologicalOrder, DeepChainsNeitherOverflowWalksNorDestruction) {
  constexpr int kDepth = 100000;
  std::weak_ptr<const Node> first;
  {
    Variable x = vector("x");
    Variable v = x;
    for (int i = 0; i < kDepth; ++i) {
      v = exp(v);
      if (i == 0) first = v.node_ptr();
    }
    const auto order = topological_order({v});
    ASSERT_EQ(order.size(), static_cast<std::size_t>(kDepth + 1));
    EXPECT_EQ(order.front().get(), &x.node());
    EXPECT_EQ(order[1].get(), first.lock().get());
    EXPECT_EQ(order.back().get(), &v.node());
  }  // the chain dies here: ~Node must not recurse once per node
  EXPECT_TRUE(first.expired());
}

TEST(CloneReplace, LongChains) {
  Variable x = vector("x"), y = vector("y");
  Variable v = x;
  for (int i = 0; i < 1000; ++i) v = v * 1.5;
  Variable w = y;
  for (int i = 0; i < 1000; ++i) w = w * 1.5;
  EXPECT_EQ(clone_replace({v}, {{x, y}})[0], w);
}

TEST(CloneReplace, RebuildsOnlyWhatDependsOnTheReplacedVariables) {
  Variable x = vector("x"), y = vector("y"), w = vector("w");
  Variable e = exp(y);
  Variable z = (x + e) * x;
  const auto out = clone_replace({z, e}, {{x, w}});
  EXPECT_EQ(out[0], (w + e) * w);  // hash-consing: the same node as built directly
  EXPECT_EQ(out[1], e);            // untouched
  EXPECT_EQ(clone_replace({z}, {})[0], z);
  // Replacing an inner expression.
  EXPECT_EQ(clone_replace({z}, {{x + e, y}})[0], y * x);
  // The clone keeps the original's source line.
  EXPECT_EQ(out[0].node().where().line(), z.node().where().line());
  expect_error<TypeError>([&] { clone_replace({z}, {{x, vector("i", int32)}}); }, {"clone_replace", "float64", "int32"});
  expect_error<TypeError>([&] { clone_replace({z}, {{x, matrix("m")}}); }, {"clone_replace", "(?,)", "(?, ?)"});
}

// ---------------------------------------------------------------- printing

TEST(GraphText, OneNodeALine) {
  const int line = __LINE__ + 1;
  Variable x = vector("x", float64);
  Variable z = exp(x) * 2.75;
  Variable n = shape(x, 0);
  Variable c = cast(n, int32);
  const std::string at = "   # graph_test.cpp:";
  const std::string expected =
      "%1 = input 'x' : float64 (?,)" + at + std::to_string(line) + "\n" +
      "%2 = exp(%1) : float64 (?,)" + at + std::to_string(line + 1) + "\n" +
      "%3 = constant 2.75 : float64 ()" + at + std::to_string(line + 1) + "\n" +
      "%4 = mul(%2, %3) : float64 (?,)" + at + std::to_string(line + 1) + "\n" +
      "%5 = shape_i[axis=0](%1) : int64 ()" + at + std::to_string(line + 2) + "\n" +
      "%6 = cast[dtype=int32](%5) : int32 ()" + at + std::to_string(line + 3) + "\n" +
      "outputs: %4 %6 %4\n";
  EXPECT_EQ(graph_text({z, c, z}), expected);
  std::ostringstream os;
  os << x << "; " << z << "; " << constant(Array::from({1, 2})) << "; " << Variable();
  EXPECT_EQ(os.str(), "x : float64 (?,); mul(...) : float64 (?,); constant [1 2]; <empty Variable>");
}

TEST(Type, StrMatchesAndBroadcastable) {
  const Type t{float32, {2, kUnknownDim, 1}};
  EXPECT_EQ(t.str(), "float32 (2, ?, 1)");
  EXPECT_EQ(t.broadcastable(), (std::vector<bool>{false, false, true}));
  EXPECT_TRUE(t.matches(Array::zeros(float32, {2, 7, 1})));
  EXPECT_FALSE(t.matches(Array::zeros(float32, {3, 7, 1})));
  EXPECT_FALSE(t.matches(Array::zeros(float64, {2, 7, 1})));
  EXPECT_FALSE(t.matches(Array::zeros(float32, {2, 7})));
  EXPECT_EQ((Type{int8, {}}).str(), "int8 ()");
}

// ---------------------------------------------------------------- literals

TEST(OperandLiterals, TakeTheDtypeOfTheExpressionTheyMeet) {
  Variable f32 = vector("f", float32), i8 = vector("i", int8), i64 = vector("j", int64), b = vector("b", bool_),
           u8 = vector("u", uint8), u64 = vector("v", uint64);
  EXPECT_EQ((f32 * 2.0).dtype(), float32);
  EXPECT_EQ((f32 * 2.0).node().inputs()[1].dtype(), float32);
  EXPECT_EQ((f32 + 3).dtype(), float32);
  EXPECT_EQ((i8 + 1).dtype(), int8);
  EXPECT_EQ((i8 + 1).node().inputs()[1].dtype(), int8);
  EXPECT_EQ((i8 + -128).dtype(), int8);
  EXPECT_EQ((i64 * 2.5).dtype(), float64);  // floatX
  EXPECT_EQ((b + 1).dtype(), int64);
  EXPECT_EQ((b + true).dtype(), bool_);
  EXPECT_EQ((u8 + 255).dtype(), uint8);
  EXPECT_EQ((i8 + true).dtype(), int8);
  EXPECT_EQ((f32 * kNaN).dtype(), float32);  // no undefined int conversion of NaN
  EXPECT_EQ((u64 + std::numeric_limits<std::uint64_t>::max()).dtype(), uint64);
  EXPECT_EQ((u64 + std::numeric_limits<std::uint64_t>::max()).node().inputs()[1].constant_value().item<std::uint64_t>(),
            std::numeric_limits<std::uint64_t>::max());
  // Alone, a literal is bool, int64, uint64 (beyond int64) or floatX.
  EXPECT_EQ(Operand(true).variable().dtype(), bool_);
  EXPECT_EQ(Operand(7).variable().dtype(), int64);
  EXPECT_EQ(Operand(2.5f).variable().dtype(), float64);
  EXPECT_EQ(Operand(std::numeric_limits<std::uint64_t>::max()).variable().dtype(), uint64);
}

TEST(OperandLiterals, FloatLiteralWithIntegersIsFloatX) {
  set_floatX(float32);
  Variable i8 = vector("i", int8), i32 = vector("j", int32);
  const DType narrow = (i8 * 2.5).dtype(), literal = (i32 * 2.5).node().inputs()[1].dtype(),
              wide = (i32 * 2.5).dtype();
  set_floatX(float64);
  EXPECT_EQ(narrow, float32);
  EXPECT_EQ(literal, float32);
  EXPECT_EQ(wide, float64);  // int32 with float32 promotes to float64, as in NumPy
}

TEST(OperandLiterals, IntegerLiteralsMustFit) {
  Variable i8 = vector("i", int8), u8 = vector("u", uint8), i64 = vector("j", int64);
  const int line = __LINE__ + 1;
  expect_error<ValueError>([&] { (void)(i8 + 300); },
                           {"graph_test.cpp:" + std::to_string(line), "integer literal 300", "out of bounds for int8"});
  expect_error<ValueError>([&] { (void)(i8 + -129); }, {"literal -129", "int8"});
  expect_error<ValueError>([&] { (void)(u8 + -1); }, {"literal -1", "uint8"});
  expect_error<ValueError>([&] { (void)(i64 + std::numeric_limits<std::uint64_t>::max()); },
                           {"literal 18446744073709551615", "int64"});
}

}  // namespace
}  // namespace hypatia
