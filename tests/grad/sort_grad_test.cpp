// Gradients, tangents and batch rules of the sort and cumulative families: verify_grad
// through the drivers, each rule against central differences or the op applied batch
// element by batch element, and cumprod's gradient at zeros against hand-derived values.
#include "hypatia/ops/sort.hpp"
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

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, -2.0, 2.0); }

// Repeated and negative indices, for a (3, 4) x along axis 1.
const Array kIdx = Array::from<std::int64_t>({{3, 3, -1}, {0, 2, 1}, {1, -4, 1}});

// Rows of numbers with exact zeros: one zero, two zeros, a zero first, none.
const Array kZeros = Array::from<double>({{2, 0, 3, 0.5, -1}, {0, 1.5, 0, 2, 3}, {0, 2, 3, -1, 1}, {1, -2, 3, 0.5, 2}});

TEST(SortVerifyGrad, SortAndTopK) {
  const Array x = pt({3, 4}, 1);
  for (std::optional<std::int64_t> axis : {std::optional<std::int64_t>(0), std::optional<std::int64_t>(-1),
                                           std::optional<std::int64_t>()}) {
    verify_both([axis](const V& v) { return sort(v[0], axis); }, {x});
  }
  verify_both([](const V& v) { return sort(v[0], 0); }, {pt({4, 3}, 2).transpose()});
  for (std::int64_t k : {1, 2, -2, -3}) {
    verify_both([k](const V& v) { return topk(v[0], k, 0); }, {x});
    verify_both([k](const V& v) { return topk(v[0], k); }, {x.slice(1, 3, -5, -1)});
  }
}

TEST(SortVerifyGrad, TakeAndIncAlongAxis) {
  const Array x = pt({3, 4}, 3);
  verify_both([](const V& v) { return take_along_axis(v[0], constant(kIdx), 1); }, {x});
  verify_both([](const V& v) { return take_along_axis(v[0], constant(kIdx), 1); }, {pt({4, 3}, 4).transpose()});
  // x's size-1 axis broadcast against the indices: the gradient collects every row.
  verify_both([](const V& v) { return take_along_axis(v[0], constant(kIdx), 1); }, {pt({1, 4}, 5)});
  verify_both([](const V& v) { return inc_along_axis(v[0], constant(kIdx), v[1], 1); }, {x, pt({3, 3}, 6)});
  verify_both([](const V& v) { return inc_along_axis(v[0], constant(kIdx), v[1], 1); }, {x, pt({1, 3}, 7)});
  verify_both([](const V& v) { return inc_along_axis(v[0], constant(kIdx), v[1], 1); }, {x, pt({}, 8)});
  verify_both([](const V& v) { return inc_along_axis(v[0], constant(kIdx.transpose()), v[1], 0); },
              {pt({3, 4}, 9).transpose(), pt({3, 1}, 10)});
}

TEST(SortVerifyGrad, Cumulative) {
  const Array x = pt({3, 4}, 11);
  for (std::optional<std::int64_t> axis : {std::optional<std::int64_t>(0), std::optional<std::int64_t>(-1),
                                           std::optional<std::int64_t>()}) {
    verify_both([axis](const V& v) { return cumsum(v[0], axis); }, {x});
    verify_both([axis](const V& v) { return cumprod(v[0], axis); }, {x});
  }
  verify_both([](const V& v) { return cumprod(v[0], 0); }, {pt({4, 3}, 12).transpose()});
  // Exact zeros: cumprod is linear in each element, so finite differences are exact there.
  verify_both([](const V& v) { return cumprod(v[0], 1); }, {kZeros});
  verify_both([](const V& v) { return cumprod(v[0], 0); }, {kZeros.transpose()});
  verify_both([](const V& v) { return cumprod(v[0]); }, {kZeros});
}

// d/dx_j sum_i y_i = sum_{i >= j} prod_{k <= i, k != j} x_k, worked out by hand:
// x = (2, 0, 3, 0.5): (1 + 0, 2 + 2*3 + 2*3*0.5, 2*0 + ..., 2*0*3) = (1, 11, 0, 0);
// x = (0, 2, 0, 3): (1 + 2 + 0 + 0, 0, 0, 0) = (3, 0, 0, 0).
TEST(SortVerifyGrad, CumprodGradientAtZerosByHand) {
  const Variable x = vector("x", DType::float64);
  const Variable g = grad(sum(cumprod(x)), x);
  expect_array(eval1({x}, g, {Array::from<double>({2, 0, 3, 0.5})}), DType::float64, {4}, {1, 11, 0, 0});
  expect_array(eval1({x}, g, {Array::from<double>({0, 2, 0, 3})}), DType::float64, {4}, {3, 0, 0, 0});
  expect_array(eval1({x}, g, {Array::from<double>({0, 0})}), DType::float64, {2}, {1, 0});
  // Weighted: d/dx sum(w * cumprod(x)) at (2, 0, 3) with w = (1, 10, 100):
  // (1 + 10*0 + 100*0, 10*2 + 100*2*3, 100*2*0) = (1, 620, 0).
  const Variable w = grad(sum(cumprod(x) * Array::from<double>({1, 10, 100})), x);
  expect_array(eval1({x}, w, {Array::from<double>({2, 0, 3})}), DType::float64, {3}, {1, 620, 0});
  // float32 keeps its dtype.
  const Variable f = vector("f", DType::float32);
  expect_array(eval1({f}, grad(sum(cumprod(f)), f), {Array::from<float>({2, 0, 3, 0.5f})}), DType::float32, {4},
               {1, 11, 0, 0});
}

// dy_i = sum_{j <= i} t_j prod_{k <= i, k != j} x_k; at x = (2, 0, 3, 0.5), t = 1:
// (1, 0 + 2, 0 + 2*3 + 0, 2*3*0.5) = (1, 2, 6, 3).
TEST(SortVerifyGrad, CumprodTangentAtZerosByHand) {
  const Variable x = vector("x", DType::float64), t = vector("t", DType::float64);
  const Variable r = Rop({cumprod(x)}, {x}, {t})[0];
  expect_array(eval1({x, t}, r, {Array::from<double>({2, 0, 3, 0.5}), Array::from<double>({1, 1, 1, 1})}),
               DType::float64, {4}, {1, 2, 6, 3});
  expect_array(eval1({x, t}, r, {Array::from<double>({0, 2, 0, 3}), Array::from<double>({1, 10, 100, 1000})}),
               DType::float64, {4}, {1, 2, 0, 0});
}

TEST(SortVerifyGrad, RulesAgainstFiniteDifferences) {
  const Array x = pt({3, 4}, 13);
  const std::vector<Fun> funs = {
      [](const V& v) { return sort(v[0], 1); },
      [](const V& v) { return sort(v[0], 0); },
      [](const V& v) { return topk(v[0], 2, 1); },
      [](const V& v) { return topk(v[0], -3, 0); },
      [](const V& v) { return take_along_axis(v[0], constant(kIdx), 1); },
      [](const V& v) { return cumsum(v[0], 1); },
      [](const V& v) { return cumprod(v[0], 0); },
  };
  for (const Fun& f : funs) {
    check_vjp(f, {x});
    check_vjp(f, {x}, false);
    check_jvp(f, {x});
  }
  const Fun inc = [](const V& v) { return inc_along_axis(v[0], constant(kIdx), v[1], 1); };
  check_vjp(inc, {x, pt({3, 3}, 14)});
  check_jvp(inc, {x, pt({3, 1}, 15)});
  check_vjp([](const V& v) { return cumprod(v[0], 1); }, {kZeros});
  check_jvp([](const V& v) { return cumprod(v[0], 1); }, {kZeros});
  check_jvp([](const V& v) { return cumprod(v[0], 0); }, {kZeros});
}

TEST(SortVerifyGrad, BatchRules) {
  const Array xb = pt({2, 3, 4}, 16);
  for (const Fun& f : std::vector<Fun>{
           [](const V& v) { return sort(v[0], 1); },
           [](const V& v) { return argsort(v[0], 0); },
           [](const V& v) { return topk(v[0], 2, 0); },
           [](const V& v) { return argtopk(v[0], -2, 1); },
           [](const V& v) { return cumsum(v[0], 0); },
           [](const V& v) { return cumprod(v[0], -1); },
       }) {
    check_batch(f, {xb}, {true});
  }
  // take/inc along axis with each input batched or not.
  const Array ib = Array::from<std::int64_t>({{{3, 0}, {1, 1}, {-1, 2}}, {{0, 0}, {2, 3}, {1, -2}}});
  const Array i0 = batch_element(ib, 1);
  const Fun take = [](const V& v) { return take_along_axis(v[0], v[1], 1); };
  check_batch(take, {xb, ib}, {true, true});
  check_batch(take, {xb, i0}, {true, false});
  check_batch(take, {batch_element(xb, 0), ib}, {false, true});
  const Fun inc = [](const V& v) { return inc_along_axis(v[0], v[1], v[2], 1); };
  const Array yb = pt({2, 3, 2}, 17), y0 = pt({3, 1}, 18);
  const Array x0 = batch_element(xb, 0);
  for (int mask = 1; mask < 8; ++mask) {
    SCOPED_TRACE(mask);
    check_batch(inc, {mask & 1 ? xb : x0, mask & 2 ? ib : i0, mask & 4 ? yb : y0},
                {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0});
  }
  check_batch([](const V& v) { return inc_along_axis(v[0], v[1], v[2], 1); }, {x0, i0, pt({2, 2}, 19)},
              {false, false, true});
  // searchsorted with a, v or both batched, on sorted rows with ties and NaN.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Array ab = Array::from<double>({{1, 2, 2, nan}, {-1, 0, 3, 3}});
  const Array vb = Array::from<double>({{{2, nan}, {0, 5}}, {{3, -2}, {2, 1}}});
  for (const char* side : {"left", "right"}) {
    const Fun s = [side](const V& v) { return searchsorted(v[0], v[1], side); };
    check_batch(s, {ab, vb}, {true, true});
    check_batch(s, {ab, batch_element(vb, 0)}, {true, false});
    check_batch(s, {batch_element(ab, 1), vb}, {false, true});
  }
  const Fun si = [](const V& v) { return searchsorted(v[0], v[1], "right"); };
  check_batch(si, {Array::from<std::int64_t>({{1, 3, 3}, {0, 0, 9}}), Array::from<std::int64_t>({3, 0})},
              {true, false});
}

TEST(SortVerifyGrad, JacobianThroughBatchRules) {
  // The jacobian of sort is the permutation matrix; of cumsum, a lower triangle of ones.
  const Variable x = vector("x", DType::float64);
  expect_array(eval1({x}, jacobian(sort(x), x), {Array::from<double>({3, 1, 2})}), DType::float64, {3, 3},
               {0, 1, 0, 0, 0, 1, 1, 0, 0});
  expect_array(eval1({x}, jacobian(cumsum(x), x), {Array::from<double>({3, 1, 2})}), DType::float64, {3, 3},
               {1, 0, 0, 1, 1, 0, 1, 1, 1});
  // cumprod at (2, 0, 3): row i holds prod_{k <= i, k != j} x_k for j <= i.
  expect_array(eval1({x}, jacobian(cumprod(x), x), {Array::from<double>({2, 0, 3})}), DType::float64, {3, 3},
               {1, 0, 0, 0, 2, 0, 0, 6, 0});
  expect_array(eval1({x}, jacobian(take_along_axis(x, constant(Array::from<std::int64_t>({2, 2, 0})), 0), x),
                     {Array::from<double>({3, 1, 2})}),
               DType::float64, {3, 3}, {0, 0, 1, 0, 0, 1, 1, 0, 0});
}

Fun second(Fun f) {
  return [f](const V& v) { return grad(sum(f(v) * f(v)), v[0]); };
}

TEST(SortVerifyGrad, SecondOrder) {
  if (!OpRegistry::get().op("where").vjp) GTEST_SKIP() << "where has no vjp yet";
  const Array x = pt({3, 4}, 20);
  for (const Fun& f : std::vector<Fun>{
           [](const V& v) { return sort(v[0], 1); },
           [](const V& v) { return topk(v[0], -2, 0); },
           [](const V& v) { return take_along_axis(v[0], constant(kIdx), 1); },
           [](const V& v) { return cumsum(v[0], 0); },
           [](const V& v) { return cumprod(v[0], 1); },
       }) {
    verify_grad(second(f), {x});
  }
  verify_grad(second([](const V& v) { return cumprod(v[0], 1); }), {kZeros});
}

}  // namespace
}  // namespace hypatia::testing
