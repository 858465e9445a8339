// Shared variables, updates and givens (hypatia/shared.hpp, FunctionOptions): values
// persist across calls, borrow semantics, type errors naming the variable, updates
// computed from the old values and stored without a copy, givens, default updates.
#include <gtest/gtest.h>

#include <string>

#include "function/shared_state.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_array;
using testing::expect_error;

std::string here(int line) { return "shared_test.cpp:" + std::to_string(line); }

Mode interp() { return Mode{}.with_linker("interp"); }

// ---------------------------------------------------------------- values

TEST(Shared, TypeFollowsTheValue) {
  SharedVariable a = shared(Array::scalar(0.1), "a");
  EXPECT_EQ(a.dtype(), float64);  // Theano's pitfall: a Python float is float64
  EXPECT_EQ(a.ndim(), 0);
  SharedVariable w = shared(Array::zeros(float32, {3, 4}), "w");
  EXPECT_EQ(w.type(), (Type{float32, {kUnknownDim, kUnknownDim}}));
  EXPECT_EQ(w.name(), "w");
  SharedVariable b = shared(Array::zeros(float32, {1, 4}), "b", false, {true, false});
  EXPECT_EQ(b.type(), (Type{float32, {1, kUnknownDim}}));
  EXPECT_FALSE(w.is_input());
  EXPECT_TRUE(SharedVariable::of(w + 0).has_value() == false);
  EXPECT_TRUE(SharedVariable::of(Variable(w)).has_value());
}

TEST(Shared, EqualValuesNeverMerge) {
  SharedVariable a = shared(Array::from({1.0, 2.0}));
  SharedVariable b = shared(Array::from({1.0, 2.0}));
  EXPECT_NE(Variable(a), Variable(b));
  EXPECT_NE(a + 1, b + 1);
}

TEST(Shared, GetAndSetValueCopyUnlessBorrowed) {
  Array v = Array::from({1.0, 2.0, 3.0});
  SharedVariable s = shared(v, "s");
  EXPECT_NE(s.get_value(true).data(), v.data());  // shared() copies
  EXPECT_NE(s.get_value().data(), s.get_value(true).data());  // get_value copies
  EXPECT_EQ(s.get_value(true).data(), s.get_value(true).data());
  SharedVariable t = shared(v, "t", true);
  EXPECT_EQ(t.get_value(true).data(), v.data());  // borrow shares
  Array u = Array::from({5.0, 6.0});
  t.set_value(u);
  EXPECT_NE(t.get_value(true).data(), u.data());
  expect_array(t.get_value(), float64, {2}, {5, 6});
  t.set_value(u, true);
  EXPECT_EQ(t.get_value(true).data(), u.data());
}

TEST(Shared, SetValueChangesShapeNotDtypeOrRank) {
  SharedVariable s = shared(Array::zeros(float64, {2, 2}), "weights");
  s.set_value(Array::zeros(float64, {5, 3}));
  EXPECT_EQ(s.get_value().shape(), (Shape{5, 3}));
  s.set_value(Array::from_vector(std::vector<std::int32_t>{1, 2, 3, 4}, {2, 2}));  // lossless: converted
  EXPECT_EQ(s.get_value().dtype(), float64);
  expect_array(s.get_value(), float64, {2, 2}, {1, 2, 3, 4});
  expect_error<TypeError>([&] { s.set_value(Array::zeros(float64, {4})); },
                          {"shared variable 'weights'", "2 dimensions", "(4,)"});
  SharedVariable f = shared(Array::zeros(float32, {2}), "f32");
  expect_error<TypeError>([&] { f.set_value(Array::zeros(float64, {2})); },
                          {"shared variable 'f32'", "dtype float32", "float64", "without loss"});
  SharedVariable b = shared(Array::zeros(float32, {1, 2}), "row", false, {true, false});
  expect_error<ShapeError>([&] { b.set_value(Array::zeros(float32, {2, 2})); }, {"shared variable 'row'", "(2, 2)"});
  const int line = __LINE__ + 1;
  expect_error<ValueError>([&] { shared(Array::zeros(float32, {2, 2}), "m", false, {true, false}); },
                           {here(line), "'m'", "broadcastable"});
}

// ---------------------------------------------------------------- functions

TEST(SharedFunction, ReadsTheCurrentValueAtEachCall) {
  SharedVariable s = shared(Array::from({1.0, 2.0}), "s");
  Variable x = vector("x");
  Function f = function({x}, {x * s}, FunctionOptions{}, interp());
  ASSERT_EQ(f.shared_variables().size(), 1u);
  expect_array(f({Array::from({3.0, 4.0})})[0], float64, {2}, {3, 8});
  s.set_value(Array::from({10.0, 20.0, 30.0}));  // a new shape is fine
  expect_array(f({Array::from({1.0, 1.0, 2.0})})[0], float64, {3}, {10, 20, 60});
}

TEST(SharedFunction, UpdatesPersistAcrossCalls) {
  SharedVariable acc = shared(Array::scalar(std::int64_t{0}), "acc");
  Variable inc = scalar("inc", int64);
  Function f = function({inc}, {acc}, FunctionOptions{{{acc, acc + inc}}}, interp());
  expect_array(f({Array::scalar(std::int64_t{1})})[0], int64, {}, {0});  // the old value
  expect_array(f({Array::scalar(std::int64_t{10})})[0], int64, {}, {1});
  EXPECT_EQ(acc.get_value().item<std::int64_t>(), 11);
}

TEST(SharedFunction, UpdatesAreSimultaneous) {
  for (const char* linker : {"interp", "cpu"}) {
    SharedVariable a = shared(Array::from({1.0, 2.0}), "a");
    SharedVariable b = shared(Array::from({3.0, 4.0}), "b");
    Function swap = function({}, {a + b}, FunctionOptions{{{a, b}, {b, a}}}, Mode{}.with_linker(linker));
    expect_array(swap({})[0], float64, {2}, {4, 6});
    expect_array(a.get_value(), float64, {2}, {3, 4});
    expect_array(b.get_value(), float64, {2}, {1, 2});
    swap({});
    expect_array(a.get_value(), float64, {2}, {1, 2});
    // The stored values never share a buffer.
    EXPECT_NE(a.get_value(true).data(), b.get_value(true).data());
  }
}

TEST(SharedFunction, UpdatesStoreTheResultBufferWithoutACopy) {
  for (const char* linker : {"interp", "cpu"}) {
    SharedVariable w = shared(Array::zeros(float64, {1000}), "w");
    Variable lr = scalar("lr");
    Function step = function({lr}, {}, FunctionOptions{{{w, w - lr * (w - 1.0)}}}, Mode{}.with_linker(linker));
    const std::int64_t copies = detail::update_copies();
    for (int i = 0; i < 5; ++i) {
      const void* before = w.get_value(true).data();
      step({Array::scalar(0.5)});
      EXPECT_NE(w.get_value(true).data(), before);  // the result buffer, not the old one rewritten
    }
    EXPECT_EQ(detail::update_copies(), copies);
    EXPECT_NEAR(w.get_value().at<double>({999}), 1 - 1.0 / 32, 1e-12);
  }
}

TEST(SharedFunction, AnUpdateThatIsAlsoAnOutputIsNotAliased) {
  SharedVariable w = shared(Array::from({1.0}), "w");
  Variable next = w * 2;
  Function f = function({}, {next}, FunctionOptions{{{w, next}}}, interp());
  Array out = f({})[0];
  EXPECT_NE(out.data(), w.get_value(true).data());
  expect_array(out, float64, {1}, {2});
  expect_array(w.get_value(), float64, {1}, {2});
}

TEST(SharedFunction, OutputsNeverAliasTheStoredValue) {
  SharedVariable w = shared(Array::from({1.0, 2.0}), "w");
  Function f = function({}, {w}, FunctionOptions{}, interp());
  EXPECT_NE(f({})[0].data(), w.get_value(true).data());
}

TEST(SharedFunction, UpdateDtypeIsConvertedWhenLossless) {
  SharedVariable s = shared(Array::scalar(0.0), "s");
  Variable i = scalar("i", int32);
  Function f = function({i}, {}, FunctionOptions{{{s, i}}}, interp());
  f({Array::scalar(std::int32_t{7})});
  EXPECT_EQ(s.get_value().dtype(), float64);
  EXPECT_EQ(s.get_value().item<double>(), 7.0);
}

TEST(SharedFunction, UpdateErrorsNameBoth) {
  SharedVariable s = shared(Array::zeros(float32, {2}), "s32");
  Variable x = vector("x", float64); const int x_line = __LINE__;
  const int line = __LINE__ + 1;
  expect_error<TypeError>([&] { function({x}, {}, FunctionOptions{{{s, x}}}); },
                          {here(line), "update of shared variable 's32'", "float32", "input 'x'", here(x_line),
                           "without loss"});
  Variable m = matrix("m", float32);
  expect_error<TypeError>([&] { function({m}, {}, FunctionOptions{{{s, m}}}); },
                          {"update of shared variable 's32'", "input 'm'", "ranks differ"});
  expect_error<ValueError>([&] { function({}, {}, FunctionOptions{{{s, s * 2}, {s, s + 1}}}); },
                           {"shared variable 's32'", "updated twice"});
}

TEST(SharedFunction, UpdateResultOfTheWrongSizeChangesNothing) {
  SharedVariable row = shared(Array::zeros(float64, {1, 2}), "row", false, {true, false});
  SharedVariable other = shared(Array::zeros(float64, {2}), "other");
  Variable m = matrix("m");
  Function f = function({m}, {}, FunctionOptions{{{other, other + 1}, {row, m}}}, interp());
  expect_error<ShapeError>([&] { f({Array::zeros(float64, {3, 2})}); }, {"update of shared variable 'row'", "(3, 2)"});
  expect_array(other.get_value(), float64, {2}, {0, 0});  // checked before anything is stored
}

TEST(SharedFunction, ASharedVariableIsNotAnExplicitInput) {
  SharedVariable s = shared(Array::scalar(1.0), "s");
  expect_error<TypeError>([&] { function({s}, {s * 2}); }, {"input 0", "shared variable 's'", "implicitly"});
}

TEST(SharedFunction, GivensMinibatchIdiom) {
  // 6 rows of 2: row r is (r, 10 r).
  std::vector<double> rows;
  for (int r = 0; r < 6; ++r) {
    rows.push_back(r);
    rows.push_back(10 * r);
  }
  SharedVariable data = shared(Array::from_vector(rows, {6, 2}), "data");
  Variable x = matrix("x");
  Variable index = scalar("index", int64);
  const std::int64_t bs = 2;
  FunctionOptions options;
  options.givens = {{x, data[{slice(index * bs, (index + 1) * bs)}]}};
  Function f = function({index}, {sum(x, {0})}, options, interp());
  expect_array(f({Array::scalar(std::int64_t{0})})[0], float64, {2}, {1, 10});
  expect_array(f({Array::scalar(std::int64_t{2})})[0], float64, {2}, {9, 90});
}

TEST(SharedFunction, GivensTypeMismatch) {
  Variable x = vector("x");
  Variable y = matrix("y");
  FunctionOptions options;
  options.givens = {{x, y}};
  expect_error<TypeError>([&] { function({y}, {x * 2}, options); }, {"givens entry 0", "input 'x'", "input 'y'"});
}

TEST(SharedFunction, DefaultUpdates) {
  SharedVariable counter = shared(Array::scalar(std::int64_t{0}), "counter");
  counter.set_default_update(counter + 1);
  ASSERT_TRUE(counter.default_update().has_value());
  Function f = function({}, {counter * 2}, FunctionOptions{}, interp());
  f({});
  f({});
  EXPECT_EQ(counter.get_value().item<std::int64_t>(), 2);
  FunctionOptions none;
  none.no_default_updates = true;
  Function g = function({}, {counter * 2}, none, interp());
  g({});
  EXPECT_EQ(counter.get_value().item<std::int64_t>(), 2);
  FunctionOptions listed;
  listed.no_default_updates_for = {counter};
  function({}, {counter * 2}, listed, interp())({});
  EXPECT_EQ(counter.get_value().item<std::int64_t>(), 2);
  // An explicit update replaces the default one.
  function({}, {}, FunctionOptions{{{counter, counter + 10}}}, interp())({});
  EXPECT_EQ(counter.get_value().item<std::int64_t>(), 12);
  counter.set_default_update(Variable());
  EXPECT_FALSE(counter.default_update().has_value());
  expect_error<TypeError>([&] { counter.set_default_update(counter * 0.5); },
                          {"shared variable 'counter'", "float64", "does not convert"});
}

TEST(SharedFunction, CopySharesStateAndSwaps) {
  // Theano's test_swap_SharedVariable, in C++.
  SharedVariable y = shared(Array::scalar(std::int64_t{1}), "y");
  SharedVariable z = shared(Array::scalar(std::int64_t{2}), "z");
  SharedVariable m = shared(Array::scalar(std::int64_t{0}), "m");
  SharedVariable y_rpl = shared(Array::scalar(std::int64_t{3}), "y_rpl");
  SharedVariable z_rpl = shared(Array::scalar(std::int64_t{4}), "z_rpl");
  Variable x = scalar("x", int64);
  Function ori = function({x}, {x + y + z + m}, FunctionOptions{{{z, z + 1}, {m, m + 2}}}, interp());
  Function cpy = ori.copy(false, {{y, y_rpl}, {z, z_rpl}});
  expect_array(ori({Array::scalar(std::int64_t{1})})[0], int64, {}, {1 + 1 + 2 + 0});
  expect_array(cpy({Array::scalar(std::int64_t{1})})[0], int64, {}, {1 + 3 + 4 + 2});
  cpy({Array::scalar(std::int64_t{1})});
  EXPECT_EQ(m.get_value().item<std::int64_t>(), 6);
  EXPECT_EQ(z.get_value().item<std::int64_t>(), 3);
  EXPECT_EQ(z_rpl.get_value().item<std::int64_t>(), 6);
  EXPECT_EQ(y_rpl.get_value().item<std::int64_t>(), 3);
  Function frozen = ori.copy(false, {}, true);
  frozen({Array::scalar(std::int64_t{1})});
  EXPECT_EQ(m.get_value().item<std::int64_t>(), 6);
  SharedVariable wrong = shared(Array::scalar(1.0), "wrong");
  expect_error<TypeError>([&] { ori.copy(false, {{y, wrong}}); }, {"'y'", "'wrong'", "types differ"});
}

TEST(SharedFunction, GradientWithRespectToASharedVariable) {
  SharedVariable w = shared(Array::from({1.0, -2.0}), "w");
  Variable x = vector("x");
  Variable cost = sum(w * w * x);
  Variable g = grad(cost, std::vector<Variable>{w})[0];
  Function train = function({x}, {cost}, FunctionOptions{{{w, w - 0.25 * g}}}, interp());
  expect_array(train({Array::from({1.0, 1.0})})[0], float64, {}, {5});
  expect_array(w.get_value(), float64, {2}, {0.5, -1.0});  // w - 0.25 * 2 w x
}

}  // namespace
}  // namespace hypatia
