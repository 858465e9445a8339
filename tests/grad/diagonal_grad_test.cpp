// Gradients of the matrix ops (tril, triu, diagonal, diag, trace, linspace, bincount):
// verify_grad through the drivers, each rule (vjp, jvp, batch) against central
// differences or the op applied batch element by element, and second order for the
// diagonal / alloc_diagonal pair.
#include "hypatia/ops/matrix.hpp"

#include <limits>

#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

void verify_both(const Fun& fun, const std::vector<Array>& point) {
  SCOPED_TRACE(fun(inputs_for(point)).node().op().name);
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, 0.5, 1.5); }

TEST(DiagonalVerifyGrad, Triangles) {
  for (const Shape& s : {Shape{3, 4}, Shape{4, 3}, Shape{2, 3, 3}}) {
    for (std::int64_t k : {-2, 0, 1, 5}) {
      verify_both([k](const V& v) { return tril(v[0], k); }, {pt(s, 1)});
      verify_both([k](const V& v) { return triu(v[0], k); }, {pt(s, 2)});
    }
  }
  verify_both([](const V& v) { return tril(v[0], -1); }, {pt({4, 3}, 3).transpose()});
}

TEST(DiagonalVerifyGrad, DiagonalOffsetsAndAxes) {
  const Array x = pt({3, 4}, 4);
  for (std::int64_t off : {-2, -1, 0, 1, 3}) verify_both([off](const V& v) { return diagonal(v[0], off); }, {x});
  const Array t = pt({2, 3, 4}, 5);
  verify_both([](const V& v) { return diagonal(v[0], 1, 2, 0); }, {t});
  verify_both([](const V& v) { return diagonal(v[0], -1, 1, 2); }, {t});
  // Non-contiguous points.
  verify_both([](const V& v) { return diagonal(v[0], 1); }, {pt({4, 3}, 6).transpose()});
  verify_both([](const V& v) { return diagonal(v[0], 0, 0, 2); }, {t.slice(1, 2, -4, -1)});
}

TEST(DiagonalVerifyGrad, DiagAndTrace) {
  for (std::int64_t k : {-2, 0, 1}) {
    verify_both([k](const V& v) { return diag(v[0], k); }, {pt({3}, 7)});
    verify_both([k](const V& v) { return diag(v[0], k); }, {pt({3, 4}, 8)});
    verify_both([k](const V& v) { return trace(v[0], k); }, {pt({4, 3}, 9)});
  }
  verify_both([](const V& v) { return diag(v[0]); }, {pt({6}, 10).slice(0, 5, -7, -2)});
  verify_both([](const V& v) { return trace(v[0], 1, 2, 1); }, {pt({2, 3, 4}, 11)});
}

TEST(DiagonalVerifyGrad, SecondOrder) {
  // The gradient of sum(diagonal(x)^2) is an alloc_diagonal, whose own gradient is a
  // diagonal again.
  verify_both([](const V& v) { return sqr(grad(sum(sqr(diagonal(v[0], 1))), v[0])); }, {pt({3, 4}, 12)});
  verify_both([](const V& v) { return sqr(grad(sum(sqr(diag(v[0], -1))), v[0])); }, {pt({3}, 13)});
  verify_both([](const V& v) { return grad(sum(sqr(diagonal(v[0], 0, 2, 0))), v[0]); }, {pt({2, 3, 2}, 14)});
  // The hessian of trace(x)^2 is known: 2 at pairs of diagonal positions.
  const Variable m = matrix("m", float64);
  const Array h = eval1({m}, hessian(sqr(trace(m)), m), {pt({2, 2}, 15)});
  std::vector<double> want(16, 0.0);
  for (int a : {0, 3}) {
    for (int b : {0, 3}) want[static_cast<std::size_t>(a * 4 + b)] = 2.0;
  }
  expect_array(h, float64, {2, 2, 2, 2}, want);
}

TEST(DiagonalVerifyGrad, Linspace) {
  verify_both([](const V& v) { return linspace(v[0], v[1], 5); }, {pt({}, 16), pt({}, 17)});
  verify_both([](const V& v) { return linspace(v[0], v[1], 4, false); }, {pt({}, 18), pt({}, 19)});
  verify_both([](const V& v) { return linspace(v[0], v[1], 1); }, {pt({}, 20), pt({}, 21)});
  verify_both([](const V& v) { return linspace(v[0], 3.0, 6); }, {pt({}, 22)});
  // float64 ends, float32 values.
  VerifyGradOptions loose;
  loose.abs_tol = loose.rel_tol = 1e-3;
  verify_grad([](const V& v) { return linspace(v[0], v[1], 3, true, float32); }, {pt({}, 23), pt({}, 24)}, loose);
}

TEST(DiagonalVerifyGrad, BincountWeights) {
  const Variable x = constant(Array::from<std::int64_t>({3, 0, 3, 1, 6}));
  verify_both([x](const V& v) { return bincount(x, v[0]); }, {pt({5}, 25)});
  verify_both([x](const V& v) { return bincount(x, v[0], 9); }, {pt({10}, 26).slice(0, 0, 10, 2)});
}

TEST(DiagonalRules, BincountGradientGathersOnlyItsBin) {
  // An infinite cotangent in one bin reaches only the weights counted there; bool x
  // counts as 0 and 1, not as a mask.
  const Variable x = vector("x", bool_), w = vector("w", float64), g = vector("g", float64);
  const Variable gw = Lop({bincount(x, w)}, {w}, {g})[0];
  const double inf = std::numeric_limits<double>::infinity();
  expect_array(eval1({x, w, g}, gw,
                     {Array::from_vector(std::vector<bool>{true, false, true}), Array::from({1.0, 2.0, 3.0}),
                      Array::from({inf, 5.0})}),
               float64, {3}, {5.0, inf, 5.0});
}

TEST(DiagonalRules, VjpJvpBatch) {
  const Fun diag_fun = [](const V& v) { return diagonal(v[0], -1, 2, 0); };
  const Array t = random_array({3, 2, 4}, 30);
  check_vjp(diag_fun, {t});
  check_vjp(diag_fun, {t}, false);
  check_jvp(diag_fun, {t});
  check_batch(diag_fun, {random_array({2, 3, 2, 4}, 31)}, {true});

  const Fun alloc_fun = [](const V& v) { return diag(v[0], 2); };
  check_vjp(alloc_fun, {random_array({3}, 32)});
  check_vjp(alloc_fun, {random_array({3}, 32)}, false);
  check_jvp(alloc_fun, {random_array({3}, 33)});
  check_batch(alloc_fun, {random_array({4, 3}, 34)}, {true});

  const Fun lin = [](const V& v) { return linspace(v[0], v[1], 5); };
  check_vjp(lin, {random_array({}, 36), random_array({}, 37)});
  check_jvp(lin, {random_array({}, 38), random_array({}, 39)});
  check_batch(lin, {random_array({3}, 40), random_array({}, 41)}, {true, false});
  check_batch(lin, {random_array({3}, 40), random_array({3}, 41)}, {true, true});
  check_batch([](const V& v) { return linspace(v[0], v[1], 4, false, int32); },
              {random_array({3}, 42, DType::float64, -9, 9), random_array({}, 43, DType::float64, -9, 9)},
              {true, false});

  const Variable x = constant(Array::from<std::int64_t>({2, 0, 2}));
  const Fun bc = [x](const V& v) { return bincount(x, v[0], 4); };
  check_vjp(bc, {random_array({3}, 44)});
  check_jvp(bc, {random_array({3}, 45)});
  check_batch(bc, {random_array({2, 3}, 46)}, {true});
}

TEST(DiagonalRules, OneHotBatch) {
  const Array labels = Array::from<std::int64_t>({{0, 2}, {1, 1}, {2, 0}});
  const V in{matrix("l", int64)};
  const Variable y = one_hot(in[0], 3);
  const std::vector<Variable> inputs{in[0], y.node().inputs()[1]};
  const std::vector<Variable> res =
      y.node().op().batch(BatchArgs{y.node(), inputs, std::vector<bool>{true, false}, y.node().where()});
  expect_array(eval1(in, res[0], {labels}), floatX(), {3, 2, 3},
               {1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0});
}

TEST(DiagonalRules, JacobianOfDiagonalAndTril) {
  // d diagonal(x)_i / d x_jk = [j == i and k == i].
  const Variable m = matrix("m", float64);
  const Array j = eval1({m}, jacobian(diagonal(m), m), {pt({2, 3}, 50)});
  std::vector<double> want(2 * 2 * 3, 0.0);
  want[0 * 6 + 0 * 3 + 0] = 1;
  want[1 * 6 + 1 * 3 + 1] = 1;
  expect_array(j, float64, {2, 2, 3}, want);
  const Array jt = eval1({m}, jacobian(sum(tril(m), {1}), m), {pt({2, 2}, 51)});
  expect_array(jt, float64, {2, 2, 2}, {1, 0, 0, 0, 0, 0, 1, 1});
}

}  // namespace
}  // namespace hypatia::testing
