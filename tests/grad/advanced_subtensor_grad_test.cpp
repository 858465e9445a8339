// The differentiation rules of the advanced-indexing ops: vjp and jvp against central
// differences, verify_grad through the drivers (float64 and float32, non-contiguous
// points), batch rules against a loop over batch elements (batched x, y and indices),
// and jacobians and hessians against ones written by hand.
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, 0.5, 1.5); }
Array idx(const std::vector<std::int64_t>& v, const Shape& s, DType dtype = DType::int64) {
  return s.empty() ? Array::scalar(v.at(0)).astype(dtype) : Array::from_vector(v, s).astype(dtype);
}

// verify_grad at `point` in float64, then in float32.
void verify_both(const Fun& fun, const std::vector<Array>& point) {
  SCOPED_TRACE(fun(inputs_for(point)).node().op().name);
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

// ---------------------------------------------------------------- rules alone

TEST(AdvancedSubtensorGrad, GatherVjpAndJvp) {
  const Array dup = idx({2, 0, 2, -1}, {2, 2});
  for (bool st : {true, false}) {
    check_vjp([&](const V& v) { return advanced_subtensor1(v[0], dup, 0); }, {pt({3, 2}, 1)}, st);
    check_vjp([&](const V& v) { return advanced_subtensor1(v[0], dup, 1); }, {pt({2, 3}, 2)}, st);
    check_vjp([&](const V& v) { return advanced_subtensor(v[0], {dup, idx({1, 0}, {2})}, {0, 2}, true); },
              {pt({3, 4, 2}, 3)}, st);
    check_vjp([&](const V& v) { return advanced_subtensor(v[0], {dup, idx({1}, {})}, {1, 2}, false); },
              {pt({2, 3, 4}, 4)}, st);
  }
  check_jvp([&](const V& v) { return advanced_subtensor1(v[0], dup, 1); }, {pt({2, 3}, 5)});
  check_jvp([&](const V& v) { return advanced_subtensor(v[0], {dup, idx({1, 0}, {2})}, {0, 2}, true); },
            {pt({3, 4, 2}, 6)});
}

TEST(AdvancedSubtensorGrad, IncrementVjpAndJvp) {
  const Array dup = idx({1, 0, 1}, {3});
  const Array uniq = idx({2, 0}, {2});
  for (bool st : {true, false}) {
    // Repeated indices accumulate in inc; set is checked where the indices differ.
    check_vjp([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 1, false); },
              {pt({2, 3}, 7), pt({2, 3}, 8)}, st);
    check_vjp([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], uniq, 0, true); },
              {pt({3, 2}, 9), pt({2}, 10)}, st);
    check_vjp([&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {dup, idx({2}, {})}, {0, 2}, true, false); },
              {pt({2, 3, 4}, 11), pt({3, 1}, 12)}, st);
    check_vjp([&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {uniq, uniq}, {1, 2}, false, true); },
              {pt({2, 3, 4}, 13), pt({2, 1}, 14)}, st);
  }
  check_jvp([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 1, false); }, {pt({2, 3}, 15), pt({3}, 16)});
  check_jvp([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 1, true); }, {pt({2, 3}, 17), pt({3}, 18)});
  check_jvp([&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {uniq, uniq}, {0, 1}, false, true); },
            {pt({3, 3}, 19), pt({}, 20)});
}

TEST(AdvancedSubtensorGrad, OneSidedTangents) {
  // Only x's tangent, or only y's: the rule fills in zeros for the other.
  const Variable x = vector("x", DType::float64), y = vector("y", DType::float64);
  const Variable tx = vector("tx", DType::float64), ty = vector("ty", DType::float64);
  const Array i = idx({2, 0}, {2});
  const Array xv = pt({3}, 1), yv = pt({2}, 2), txv = Array::from<double>({1, 2, 3}), tyv = Array::from<double>({5, 7});
  for (bool set : {false, true}) {
    const Variable out = advanced_inc_subtensor1(x, y, i, 0, set);
    const V only_x = rule_jvp(out, {tx, Variable(), Variable()});
    expect_array(eval1({x, y, tx}, only_x[0], {xv, yv, txv}), DType::float64, {3},
                 set ? std::vector<double>{0, 2, 0} : std::vector<double>{1, 2, 3});
    const V only_y = rule_jvp(out, {Variable(), ty, Variable()});
    expect_array(eval1({x, y, ty}, only_y[0], {xv, yv, tyv}), DType::float64, {3}, {7, 0, 5});
  }
}

TEST(AdvancedSubtensorGrad, GradientDTypes) {
  // y of another float dtype than x gets its own dtype back; integer indices get none.
  const Variable x = tensor("x", DType::float32, {3}), y = tensor("y", DType::float64, {2});
  const Variable i = tensor("i", DType::int32, {2});
  const Variable out = advanced_inc_subtensor1(x, y, i, 0, false);
  const V g = rule_vjp(out, tensor("g", DType::float32, {3}));
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].dtype(), DType::float32);
  EXPECT_EQ(g[1].dtype(), DType::float64);
  EXPECT_FALSE(g[2].valid());
  const V gt = rule_vjp(take(x, i), tensor("g", DType::float32, {2}));
  EXPECT_EQ(gt[0].dtype(), DType::float32);
  EXPECT_FALSE(gt[1].valid());
}

// ---------------------------------------------------------------- through the drivers

TEST(AdvancedSubtensorGrad, VerifyGrad) {
  const Array dup = idx({2, 0, 2, -1}, {2, 2}, DType::int8);
  verify_both([&](const V& v) { return take(v[0], dup); }, {pt({3, 2}, 1)});
  verify_both([&](const V& v) { return take(v[0], dup, -1); }, {pt({2, 3}, 2).slice(1, 2, -4, -1)});
  verify_both([&](const V& v) { return advanced_subtensor1(v[0], idx({1}, {}), 1); }, {pt({4, 3}, 3).transpose()});
  verify_both([&](const V& v) { return advanced_subtensor(v[0], {dup, idx({1, 0}, {2})}, {0, 2}, true); },
              {pt({3, 4, 2}, 4)});
  verify_both([&](const V& v) { return advanced_subtensor(v[0], {dup, idx({1, 0}, {2})}, {1, 2}, false); },
              {pt({2, 4, 3}, 5).transpose({0, 2, 1})});
  verify_both([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 1, false); },
              {pt({2, 3}, 6), pt({2, 2, 2}, 7)});
  verify_both([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], idx({2, 0}, {2}), 0, true); },
              {pt({3, 2}, 8).slice(0, 2, -4, -1), pt({2, 1}, 9)});
  verify_both([&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {dup, idx({0}, {1})}, {0, 1}, false, false); },
              {pt({3, 2, 2}, 10), pt({2}, 11)});
  verify_both(
      [&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {idx({0, 2}, {2}), idx({1, 0}, {2})}, {0, 2}, true, true); },
      {pt({3, 2, 2}, 12).transpose({2, 1, 0}).transpose({2, 1, 0}), pt({2}, 13)});
  // Set with repeated indices: only the last write of each element reaches the output,
  // so only it gets a gradient (a broadcast y sums over its writes that won).
  verify_both([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 0, true); },
              {pt({3, 2}, 16), pt({2, 2, 2}, 17)});
  verify_both([&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], dup, 1, true); }, {pt({2, 3}, 18), pt({2}, 19)});
  verify_both([&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {dup, idx({1, 1}, {2})}, {0, 1}, false, true); },
              {pt({3, 2, 2}, 20), pt({2, 2, 2}, 21)});
  // A chain: the gradient of an increment of a gather.
  verify_both([&](const V& v) { return advanced_inc_subtensor1(take(v[0], dup, 0), v[1] * v[1], idx({1, 0, 1}, {3}), 0, false); },
              {pt({3, 2}, 14), pt({3, 2, 2}, 15)});
}

// ---------------------------------------------------------------- batch rules

TEST(AdvancedSubtensorGrad, GatherBatch) {
  const Array i = idx({2, 0, 2, 1}, {2, 2});
  const Array bi = idx({2, 0, 2, 1, 0, 0, 1, 1, 2, 2, 0, 1}, {3, 2, 2});  // a batch of 3 index arrays
  const Fun take0 = [](const V& v) { return advanced_subtensor1(v[0], v[1], 0); };
  const Fun take1 = [](const V& v) { return advanced_subtensor1(v[0], v[1], 1); };
  for (bool st : {true, false}) {
    for (const Fun& f : {take0, take1}) {
      check_batch(f, {pt({3, 3, 3}, 1), i}, {true, false}, 1e-12, st);
      check_batch(f, {pt({3, 3}, 2), bi}, {false, true}, 1e-12, st);
      check_batch(f, {pt({3, 3, 3}, 3), bi}, {true, true}, 1e-12, st);
    }
  }
  const Array j = idx({1, 3}, {2}), bj = idx({1, 3, 0, 0, 2, 2}, {3, 2});
  for (bool first : {false, true}) {
    const Fun adjacent = [&](const V& v) { return advanced_subtensor(v[0], {v[1], v[2]}, {1, 2}, first); };
    const Fun apart = [&](const V& v) { return advanced_subtensor(v[0], {v[1], v[2]}, {0, 2}, true); };
    const Fun zero_d = [&](const V& v) { return advanced_subtensor(v[0], {v[1], v[2]}, {0, 1}, first); };
    check_batch(adjacent, {pt({3, 2, 3, 4}, 4), i, j}, {true, false, false});
    check_batch(adjacent, {pt({2, 3, 4}, 5), bi, j}, {false, true, false});
    check_batch(adjacent, {pt({2, 3, 4}, 6), i, bj}, {false, false, true});
    check_batch(adjacent, {pt({3, 2, 3, 4}, 7), bi, bj}, {true, true, true});
    check_batch(adjacent, {pt({3, 2, 3, 4}, 7), i, bj}, {true, false, true});
    check_batch(apart, {pt({3, 3, 2, 4}, 8), i, bj}, {true, false, true});
    check_batch(apart, {pt({3, 2, 4}, 9), bi, j}, {false, true, false});
    check_batch(zero_d, {pt({3, 3, 4, 2}, 10), idx({1}, {}), idx({0, 3, 2}, {3})}, {true, false, true});
  }
}

TEST(AdvancedSubtensorGrad, IncrementBatch) {
  const Array i = idx({2, 0, 2}, {3});
  const Array bi = idx({2, 0, 2, 1, 1, 0}, {2, 3});
  for (bool set : {false, true}) {
    SCOPED_TRACE(set);
    const Fun inc0 = [&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], v[2], 0, set); };
    const Fun inc1 = [&](const V& v) { return advanced_inc_subtensor1(v[0], v[1], v[2], 1, set); };
    for (const Fun& f : {inc0, inc1}) {
      for (const std::vector<bool>& flags : std::vector<std::vector<bool>>{
               {true, false, false}, {false, true, false}, {true, true, false}}) {
        check_batch(f, {flags[0] ? pt({2, 3, 3}, 1) : pt({3, 3}, 1), flags[1] ? pt({2, 3}, 2) : pt({3}, 2), i},
                    flags);
      }
      check_batch(f, {pt({3, 3}, 3), pt({3}, 4), bi}, {false, false, true});
      check_batch(f, {pt({2, 3, 3}, 5), pt({2, 3, 1}, 6), bi}, {true, true, true});
      check_batch(f, {pt({3, 3}, 7), pt({2, 1}, 8), bi}, {false, true, true});
    }
    const Array j = idx({1, 0}, {2, 1}), bj = idx({1, 0, 2, 2}, {2, 2, 1});
    for (bool first : {false, true}) {
      const Fun adjacent = [&](const V& v) {
        return advanced_inc_subtensor(v[0], v[1], {v[2], v[3]}, {1, 2}, first, set);
      };
      const Fun apart = [&](const V& v) { return advanced_inc_subtensor(v[0], v[1], {v[2], v[3]}, {0, 2}, true, set); };
      const Array k = idx({3, 0, 1}, {3});
      const Shape sel = first ? Shape{2, 3, 2} : Shape{2, 2, 3};  // an element's selection
      check_batch(adjacent, {pt({2, 2, 3, 4}, 9), pt({sel[2]}, 10), j, k}, {true, false, false, false});
      check_batch(adjacent, {pt({2, 3, 4}, 11), pt({2, sel[0], sel[1], sel[2]}, 12), j, k}, {false, true, false, false});
      check_batch(adjacent, {pt({2, 3, 4}, 13), pt({sel[1], sel[2]}, 14), bj, k}, {false, false, true, false});
      check_batch(adjacent, {pt({2, 2, 3, 4}, 15), pt({2, 1, sel[2]}, 16), bj, k}, {true, true, true, false});
      check_batch(apart, {pt({2, 3, 3, 4}, 17), pt({3}, 18), j, k}, {true, false, false, false});
      check_batch(apart, {pt({3, 3, 4}, 19), pt({2, 2, 3, 3}, 20), bj, k}, {false, true, true, false});
    }
  }
}

TEST(AdvancedSubtensorGrad, NonzeroHasNoBatch) {
  const Variable x = vector("x");
  const Variable out = nonzero(x)[0];
  const Variable xb = matrix("xb");
  EXPECT_THROW(out.node().op().batch(BatchArgs{out.node(), {&xb, 1}, {true}, out.node().where()}), ValueError);
  EXPECT_FALSE(out.node().op().not_differentiable_because.empty());
}

// ---------------------------------------------------------------- jacobians by hand

TEST(AdvancedSubtensorGrad, JacobianOfTake) {
  // d take(x, [2, 0, 2])_k / d x_j = [idx_k == j].
  const Variable x = vector("x", DType::float64);
  const Array xv = pt({3}, 1);
  expect_array(eval1({x}, jacobian(take(x, idx({2, 0, 2}, {3})), x), {xv}), DType::float64, {3, 3},
               {0, 0, 1, 1, 0, 0, 0, 0, 1});
  // Along axis 1 of a matrix: out[r, k] = X[r, idx_k].
  const Variable m = matrix("m", DType::float64);
  const Array J = eval1({m}, jacobian(advanced_subtensor1(m, idx({1, -1}, {2}), 1), m), {pt({2, 3}, 2)});
  std::vector<double> want(2 * 2 * 2 * 3, 0.0);
  const int cols[] = {1, 2};
  for (int r = 0; r < 2; ++r) {
    for (int k = 0; k < 2; ++k) want[static_cast<std::size_t>(((r * 2 + k) * 2 + r) * 3 + cols[k])] = 1;
  }
  expect_array(J, DType::float64, {2, 2, 2, 3}, want);
}

TEST(AdvancedSubtensorGrad, JacobianOfAdvancedSubtensor) {
  // m[[1, 0], [2, 2]] is (m[1, 2], m[0, 2]); and with the index dimension first over
  // axes 0 and 2 of t (2, 2, 2): out[k, c] = t[i_k, c, j_k].
  const Variable m = matrix("m", DType::float64);
  const Variable s = advanced_subtensor(m, {idx({1, 0}, {2}), idx({2, 2}, {2})}, {0, 1}, false);
  expect_array(eval1({m}, jacobian(s, m), {pt({2, 3}, 1)}), DType::float64, {2, 2, 3},
               {0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0});
  const Variable t = tensor3("t", DType::float64);
  const std::int64_t i[] = {1, 0, 1}, j[] = {0, 0, 1};
  const Variable u = advanced_subtensor(t, {idx({1, 0, 1}, {3}), idx({0, 0, 1}, {3})}, {0, 2}, true);
  std::vector<double> want(3 * 2 * 8, 0.0);
  for (int k = 0; k < 3; ++k) {
    for (int c = 0; c < 2; ++c) want[static_cast<std::size_t>((k * 2 + c) * 8 + i[k] * 4 + c * 2 + j[k])] = 1;
  }
  expect_array(eval1({t}, jacobian(u, t), {pt({2, 2, 2}, 2)}), DType::float64, {3, 2, 2, 2, 2}, want);
}

TEST(AdvancedSubtensorGrad, JacobianOfIncrements) {
  const Variable x = vector("x", DType::float64), y = vector("y", DType::float64);
  const Array xv = pt({3}, 1), yv = pt({2}, 2);
  // inc at [1, 1]: out = x + (0, y0 + y1, 0).
  const Variable inc = advanced_inc_subtensor1(x, y, idx({1, 1}, {2}), 0, false);
  expect_array(eval1({x, y}, jacobian(inc, x), {xv, yv}), DType::float64, {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  expect_array(eval1({x, y}, jacobian(inc, y), {xv, yv}), DType::float64, {3, 2}, {0, 0, 1, 1, 0, 0});
  // set at [2, 0]: out = (y1, x1, y0).
  const Variable set = advanced_inc_subtensor1(x, y, idx({2, 0}, {2}), 0, true);
  expect_array(eval1({x, y}, jacobian(set, x), {xv, yv}), DType::float64, {3, 3}, {0, 0, 0, 0, 1, 0, 0, 0, 0});
  expect_array(eval1({x, y}, jacobian(set, y), {xv, yv}), DType::float64, {3, 2}, {0, 1, 0, 0, 1, 0});
  // Over two axes with the index dimension first: m (2, 3), set m[[1, 0], [2, 0]] = s.
  const Variable m = matrix("m", DType::float64), s = scalar("s", DType::float64);
  const Variable ms = advanced_inc_subtensor(m, s, {idx({1, 0}, {2}), idx({2, 0}, {2})}, {0, 1}, true, true);
  expect_array(eval1({m, s}, jacobian(ms, s), {pt({2, 3}, 3), Array::scalar(2.0)}), DType::float64, {2, 3},
               {1, 0, 0, 0, 0, 1});
  std::vector<double> eye(36, 0.0);
  for (int k = 0; k < 6; ++k) eye[static_cast<std::size_t>(k * 6 + k)] = (k == 0 || k == 5) ? 0 : 1;
  expect_array(eval1({m, s}, jacobian(ms, m), {pt({2, 3}, 3), Array::scalar(2.0)}), DType::float64, {2, 3, 2, 3},
               eye);
}

TEST(AdvancedSubtensorGrad, Hessian) {
  // sum(take(x, [0, 0, 2])^2) = 2 x0^2 + x2^2: hessian diag(4, 0, 2).
  const Variable x = vector("x", DType::float64);
  const Variable t = take(x, idx({0, 0, 2}, {3}));
  expect_array(eval1({x}, hessian(sum(t * t), x), {pt({3}, 1)}), DType::float64, {3, 3},
               {4, 0, 0, 0, 0, 0, 0, 0, 2});
  // sum(inc(x, x[[1]] * x[[1]], [0])^2) with x (2,): (x0 + x1^2)^2 + x1^2.
  const Variable sq = take(x, idx({1}, {1}));
  const Variable u = advanced_inc_subtensor1(x, sq * sq, idx({0}, {1}), 0, false);
  const Array xv = Array::from<double>({0.5, 2.0});
  const double a = 0.5, b = 2.0;
  // d/dx0 = 2(a + b^2); d/dx1 = 4b(a + b^2) + 2b.
  expect_array(eval1({x}, hessian(sum(u * u), x), {xv}), DType::float64, {2, 2},
               {2, 4 * b, 4 * b, 4 * (a + b * b) + 8 * b * b + 2}, 1e-12);
}

}  // namespace
}  // namespace hypatia::testing
