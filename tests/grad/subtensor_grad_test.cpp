// Gradients of basic indexing and its writes: verify_grad against finite differences,
// and the vjp, jvp and batch rules of subtensor and inc_subtensor one by one.
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

void verify_both(const Fun& fun, const std::vector<Array>& point) {
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, 0.5, 1.5); }

// Keys over a (3, 4) x, each a function of x.
const std::vector<Fun> kKeys = {
    [](const V& v) { return v[0][1]; },
    [](const V& v) { return v[0][{-1, slice(3, 0, -1)}]; },
    [](const V& v) { return v[0][{slice(none, none, -2), 1}]; },
    [](const V& v) { return v[0][{new_axis, slice(1, none), ellipsis, new_axis}]; },
    [](const V& v) { return v[0][{slice(5, 9)}]; },  // empty
    [](const V& v) { return v[0][{2, 3}]; },
};

TEST(SubtensorGrad, VerifyGradOfIndexing) {
  for (const Fun& key : kKeys) {
    verify_both(key, {pt({3, 4}, 1)});
    // A non-contiguous point: reversed rows, every other column of a wider array.
    verify_both(key, {pt({3, 8}, 2).slice(0, 2, -100, -1).slice(1, 0, 8, 2)});
  }
}

TEST(SubtensorGrad, VerifyGradOfSetAndInc) {
  const Array x = pt({3, 4}, 3);
  for (bool set : {true, false}) {
    auto write = [set](const Variable& sel, const Variable& y) {
      return set ? set_subtensor(sel, y) : inc_subtensor(sel, y);
    };
    // y broadcast over the selection's rows, a scalar y, a full-shape y.
    verify_both([&](const V& v) { return write(v[0][{slice(none, none, 2), slice(1, 3)}], v[1]); }, {x, pt({2}, 4)});
    verify_both([&](const V& v) { return write(v[0][{slice(none, none, -1), 0}], v[1]); }, {x, pt({}, 5)});
    verify_both([&](const V& v) { return write(v[0][{slice(1, none), new_axis}], v[1]); }, {x, pt({2, 1, 4}, 6)});
    verify_both([&](const V& v) { return write(v[0][{slice(1, none)}], v[1]); }, {x, pt({1, 1}, 7)});
    verify_both([&](const V& v) { return write(v[0][{1, 2}], v[1]); },
                {pt({3, 8}, 8).slice(1, 7, -100, -2), pt({}, 9)});
  }
}

TEST(SubtensorGrad, VjpRules) {
  for (const Fun& key : kKeys) {
    for (bool st : {true, false}) check_vjp(key, {pt({3, 4}, 10)}, st);
  }
  const Array x = pt({3, 4}, 11);
  for (bool st : {true, false}) {
    check_vjp([](const V& v) { return set_subtensor(v[0][{slice(none, none, 2), slice(1, 3)}], v[1]); },
              {x, pt({2}, 12)}, st);
    check_vjp([](const V& v) { return inc_subtensor(v[0][{-1}], v[1]); }, {x, pt({1}, 13)}, st);
  }
}

TEST(SubtensorGrad, JvpRules) {
  for (const Fun& key : kKeys) check_jvp(key, {pt({3, 4}, 14)});
  const Array x = pt({3, 4}, 15);
  check_jvp([](const V& v) { return set_subtensor(v[0][{slice(1, none), slice(none, none, 3)}], v[1]); },
            {x, pt({2}, 16)});
  check_jvp([](const V& v) { return inc_subtensor(v[0][{0}], v[1]); }, {x, pt({}, 17)});
}

TEST(SubtensorGrad, BatchRules) {
  for (const Fun& key : kKeys) check_batch(key, {pt({2, 3, 4}, 18)}, {true});
  for (bool set : {true, false}) {
    const Fun f = [set](const V& v) {
      const Variable sel = v[0][{slice(none, none, 2), slice(1, 3)}];
      return set ? set_subtensor(sel, v[1]) : inc_subtensor(sel, v[1]);
    };
    check_batch(f, {pt({5, 3, 4}, 19), pt({2}, 20)}, {true, false});
    check_batch(f, {pt({3, 4}, 21), pt({5, 2}, 22)}, {false, true});
    check_batch(f, {pt({5, 3, 4}, 23), pt({5, 1}, 24)}, {true, true});
  }
}

// The jacobian of a selection is a selection matrix; a bound that varies across a
// batch is refused.
TEST(SubtensorGrad, Jacobian) {
  const Variable x = vector("x");
  const Array j = function({x}, {jacobian(x[{slice(3, 0, -2)}], x)})({pt({4}, 25)})[0];
  expect_array(j, DType::float64, {2, 4}, {0, 0, 0, 1, 0, 1, 0, 0});
  const Variable i = scalar("i", DType::int64);
  const Array k = function({x, i}, {jacobian(x[i], x)})({pt({4}, 26), Array::scalar<std::int64_t>(-2)})[0];
  expect_array(k, DType::float64, {4}, {0, 0, 1, 0});
}

// Keys with arrays through the front end: the basic part's gradient composes with the
// advanced op's, and set/inc write through the basic part into x.
TEST(SubtensorGrad, VerifyGradThroughArrayKeys) {
  const Array x = pt({3, 4}, 27);
  const Array idx = Array::from<std::int64_t>({2, 0, 2});
  std::vector<bool> m(12, false);
  m[1] = m[6] = m[7] = true;
  const Array mask = Array::from_vector(m, {3, 4});
  verify_both([&](const V& v) { return v[0][{slice(1, none), idx}]; }, {x});
  verify_both([&](const V& v) { return v[0][{idx, slice(none, none, -1)}]; }, {x});
  verify_both([&](const V& v) { return v[0][{1, new_axis, idx}]; }, {x});
  verify_both([&](const V& v) { return v[0][mask]; }, {x});
  // Set with repeated indices keeps the last write: only that y element gets gradient.
  verify_both([&](const V& v) { return set_subtensor(v[0][{slice(1, none), idx}], v[1]); }, {x, pt({3}, 28)});
  verify_both([&](const V& v) { return inc_subtensor(v[0][{slice(none, none, -1), idx}], v[1]); },
              {x, pt({3, 1}, 29)});
  verify_both([&](const V& v) { return set_subtensor(v[0][mask], v[1]); }, {x, pt({}, 30)});
}

TEST(SubtensorGrad, BatchedBoundIsRefused) {
  const Variable x = vector("x");
  const Variable i = scalar("i", DType::int64);
  const Variable y = x[i];
  const Node& n = y.node();
  const std::vector<Variable> inputs{matrix("xb"), vector("ib", DType::int64)};
  expect_error<TypeError>([&] { n.op().batch(BatchArgs{n, inputs, {true, true}, n.where()}); },
                          {"subtensor: input 1", "cannot vary across a batch"});
}

// check_mask's batch rule checks each batch element's mask against the same sizes.
TEST(SubtensorGrad, CheckMaskBatch) {
  const Variable x = matrix("x");
  const Variable m = vector("m", DType::bool_);
  const Variable y = x[{slice(), m}];
  const Node& check = y.node().inputs()[1].node().inputs()[0].node();
  ASSERT_EQ(check.op().name, "check_mask");
  const Variable mb = matrix("mb", DType::bool_);
  std::vector<Variable> inputs = check.inputs();
  inputs[0] = mb;
  const Variable out = check.op().batch(BatchArgs{check, inputs, {true, false}, check.where()})[0];
  const Array masks = Array::from_vector(std::vector<bool>{true, false, true, false, false, true}, {2, 3});
  Function f = function({x, mb}, {out});
  expect_exact<bool>(f({pt({4, 3}, 31), masks})[0], {2, 3}, {true, false, true, false, false, true});
  expect_error<IndexError>([&] { f({pt({4, 2}, 32), masks}); },
                           {"along dimension 1; dimension is 2 but corresponding boolean dimension is 3"});
}

}  // namespace
}  // namespace hypatia::testing
