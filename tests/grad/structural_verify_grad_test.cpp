// verify_grad (the driver's grad against finite differences) on every differentiable
// structural op, in float64 and float32.
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

// verify_grad at `point` in float64, then in float32.
void verify_both(const Fun& fun, const std::vector<Array>& point) {
  SCOPED_TRACE(fun(inputs_for(point)).node().op().name);
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, 0.5, 1.5); }

TEST(StructuralVerifyGrad, Reductions) {
  const Array x = pt({2, 3, 4}, 1);
  for (const Axes& ax : {Axes(std::nullopt), Axes{0}, Axes{-1}, Axes{0, 2}}) {
    for (bool keep : {false, true}) {
      verify_both([&](const V& v) { return sum(v[0], ax, keep); }, {x});
      verify_both([&](const V& v) { return mean(v[0], ax, keep); }, {x});
      verify_both([&](const V& v) { return prod(v[0], ax, keep); }, {x});
      verify_both([&](const V& v) { return max(v[0], ax, keep); }, {x});
      verify_both([&](const V& v) { return min(v[0], ax, keep); }, {x});
      for (std::int64_t ddof : {0, 1}) {
        verify_both([&](const V& v) { return var(v[0], ax, ddof, keep); }, {x});
        verify_both([&](const V& v) { return std(v[0], ax, ddof, keep); }, {x});
      }
    }
  }
  // A non-contiguous point.
  verify_both([](const V& v) { return var(v[0], {1}); }, {pt({4, 3}, 2).transpose()});
  verify_both([](const V& v) { return prod(v[0], {0}); }, {pt({4, 3}, 2).slice(1, 2, -1, -1)});
}

TEST(StructuralVerifyGrad, ShapeOps) {
  const Array x = pt({2, 1, 3}, 3);
  verify_both([](const V& v) { return dimshuffle(v[0], {2, newaxis, 0}); }, {x});
  verify_both([](const V& v) { return transpose(v[0]); }, {x});
  verify_both([](const V& v) { return reshape(v[0], {3, -1}); }, {x});
  verify_both([](const V& v) { return flatten(v[0]); }, {pt({3, 2}, 4).transpose()});
  verify_both([](const V& v) { return squeeze(v[0]); }, {x});
  verify_both([](const V& v) { return expand_dims(v[0], 1); }, {x});
  verify_both([](const V& v) { return broadcast_to(v[0], {4, 2, 5, 3}); }, {x});
  verify_both([](const V& v) { return specify_shape(v[0], {2, 1, 3}); }, {x});
  verify_both([](const V& v) { return alloc(v[0], {4, 2, 3, 3}); }, {x});
  verify_both([](const V& v) { return full({2, 3}, v[0]); }, {pt({}, 5)});
}

TEST(StructuralVerifyGrad, Products) {
  const Shape as[] = {{}, {3}, {2, 3}, {2, 2, 3}};
  const Shape bs[] = {{}, {3}, {3, 4}, {2, 3, 4}};
  for (const Shape& sa : as) {
    for (const Shape& sb : bs) verify_both([](const V& v) { return dot(v[0], v[1]); }, {pt(sa, 6), pt(sb, 7)});
  }
  const std::pair<Shape, Shape> mm[] = {{{3}, {3}},          {{3}, {3, 4}},       {{2, 3}, {3}},
                                        {{2, 2, 3}, {3, 4}}, {{1, 2, 3}, {5, 1, 3, 4}}, {{3}, {2, 3, 4}}};
  for (const auto& [sa, sb] : mm) verify_both([](const V& v) { return matmul(v[0], v[1]); }, {pt(sa, 8), pt(sb, 9)});
  verify_both([](const V& v) { return tensordot(v[0], v[1], 2); }, {pt({2, 3, 4}, 10), pt({3, 4, 2}, 11)});
  verify_both([](const V& v) { return tensordot(v[0], v[1], {0, 2}, {2, 0}); }, {pt({2, 3, 4}, 10), pt({4, 5, 2}, 11)});
  verify_both([](const V& v) { return outer(v[0], v[1]); }, {pt({2, 3}, 12), pt({4}, 13)});
  verify_both([](const V& v) { return matmul(v[0], v[1]); }, {pt({3, 2}, 14).transpose(), pt({4, 3}, 15).transpose()});
}

TEST(StructuralVerifyGrad, ClosedFormOfSumOfWTimesX) {
  // d/dW sum(W @ x) = outer(ones, x).
  const Variable W = matrix("W", DType::float64), x = vector("x", DType::float64);
  const Array r = eval1({W, x}, grad(sum(matmul(W, x)), W),
                        {Array::from<double>({{1, 2, 3}, {4, 5, 6}}), Array::from<double>({7, 8, 9})});
  expect_array(r, DType::float64, {2, 3}, {7, 8, 9, 7, 8, 9});
  const Array d = eval1({x}, grad(sum(x), x), {Array::from<double>({7, 8, 9})});
  expect_array(d, DType::float64, {3}, {1, 1, 1});
}


// Gradients are graphs: the gradient of a structural op's gradient, checked again.
Fun second(Fun f) {
  return [f](const V& v) { return grad(sum(f(v) * f(v)), v[0]); };
}

TEST(StructuralVerifyGrad, SecondOrder) {
  const Array x = random_array({2, 3}, 31, DType::float64, 0.5, 1.5);
  const Array y = random_array({3, 2}, 32, DType::float64, 0.5, 1.5);
  for (const Fun& f : std::vector<Fun>{
           [](const V& v) { return sum(v[0], {1}); },
           [](const V& v) { return mean(v[0], {0}, true); },
           [](const V& v) { return var(v[0], {1}, 1); },
           [](const V& v) { return std(v[0], {0}); },
           [](const V& v) { return transpose(v[0]); },
           [](const V& v) { return reshape(v[0], {3, 2}); },
           [](const V& v) { return broadcast_to(v[0], {4, 2, 3}); },
           [](const V& v) { return alloc(v[0], {4, 2, 3}); },
       }) {
    verify_grad(second(f), {x});
  }
  for (const Fun& f : std::vector<Fun>{
           [](const V& v) { return dot(v[0], v[1]); },
           [](const V& v) { return matmul(v[0], v[1]); },
           [](const V& v) { return tensordot(v[0], v[1], 1); },
           [](const V& v) { return outer(v[0], v[1]); },
       }) {
    verify_grad(second(f), {x, y});
    verify_grad(second([f](const V& v) { return f({v[1], v[0]}); }), {y, x});
  }
}

// prod's and max's gradients select with `where`, whose own rule is the elementwise
// family's.
TEST(StructuralVerifyGrad, SecondOrderThroughWhere) {
  if (!OpRegistry::get().op("where").vjp) GTEST_SKIP() << "where has no vjp yet";
  const Array x = random_array({2, 3}, 31, DType::float64, 0.5, 1.5);
  verify_grad(second([](const V& v) { return prod(v[0], {1}); }), {x});
  verify_grad(second([](const V& v) { return max(v[0], {1}); }), {x});
  verify_grad(second([](const V& v) { return min(v[0]); }), {x});
}

}  // namespace
}  // namespace hypatia::testing

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

// The jacobian of f at x by central differences: shape f(x).shape + x.shape, C order.
std::vector<double> numeric_jacobian(const Fun& f, const Array& x) {
  const V vars = inputs_for({x});
  Function fn = function(vars, {f(vars)});
  const std::size_t n_out = static_cast<std::size_t>(fn({x})[0].size());
  const std::size_t n_in = static_cast<std::size_t>(x.size());
  std::vector<double> j(n_out * n_in);
  const double eps = 1e-6;
  for (std::size_t k = 0; k < n_in; ++k) {
    const std::vector<double> p = fn({with_element(x, k, eps)})[0].to_vector<double>();
    const std::vector<double> m = fn({with_element(x, k, -eps)})[0].to_vector<double>();
    for (std::size_t i = 0; i < n_out; ++i) j[i * n_in + k] = (p[i] - m[i]) / (2 * eps);
  }
  return j;
}

void expect_near_all(const Array& got, const std::vector<double>& want, double tol) {
  const std::vector<double> g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size());
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], tol * (1 + std::abs(want[i]))) << i;
}

// jacobian (vectorized through the batch rules), Rop and Lop of structural ops against
// the jacobian by finite differences.
TEST(StructuralVerifyGrad, JacobianRopLop) {
  const Array x = random_array({2, 3}, 41, DType::float64, 0.5, 1.5);
  const Array w = random_array({3, 2}, 42);
  const Array b = random_array({2, 3}, 43);
  const std::vector<Fun> funs = {
      [](const V& v) { return sum(v[0], {1}); },
      [](const V& v) { return mean(v[0], {0}, true); },
      [](const V& v) { return prod(v[0], {1}); },
      [](const V& v) { return var(v[0], {1}, 1); },
      [](const V& v) { return std(v[0]); },
      [](const V& v) { return max(v[0], {0}); },
      [](const V& v) { return min(v[0], {1}, true); },
      [](const V& v) { return dimshuffle(v[0], {1, newaxis, 0}); },
      [](const V& v) { return reshape(v[0], {3, 2}); },
      [](const V& v) { return broadcast_to(v[0], {2, 2, 3}); },
      [](const V& v) { return alloc(v[0], {2, 2, 3}); },
      [&](const V& v) { return dot(v[0], constant(w)); },
      [&](const V& v) { return matmul(constant(w), v[0]); },
      [&](const V& v) { return tensordot(v[0], constant(b), {0, 1}, {0, 1}); },
      [&](const V& v) { return outer(v[0], constant(w)); },
      [&](const V& v) { return dot(v[0], transpose(v[0])); },
  };
  for (std::size_t k = 0; k < funs.size(); ++k) {
    SCOPED_TRACE(::testing::Message() << "function " << k);
    const Fun& f = funs[k];
    const std::vector<double> want = numeric_jacobian(f, x);
    const Variable xv = matrix("x", DType::float64);
    const Variable y = f({xv});
    expect_near_all(eval1({xv}, jacobian(y, xv), {x}), want, 1e-6);
    // Rop: J v; Lop: u^T J.
    const Array t = random_array({2, 3}, 44);
    const Variable tv = matrix("t", DType::float64);
    const Array yv = eval1({xv}, y, {x});
    const Array u = random_array(yv.shape(), 45);
    const Variable uv = tensor("u", DType::float64, y.type().shape);
    const std::size_t n_in = 6, n_out = want.size() / n_in;
    const std::vector<double> tt = t.to_vector<double>(), uu = u.to_vector<double>();
    std::vector<double> jv(n_out, 0.0), uj(n_in, 0.0);
    for (std::size_t i = 0; i < n_out; ++i) {
      for (std::size_t c = 0; c < n_in; ++c) {
        jv[i] += want[i * n_in + c] * tt[c];
        uj[c] += uu[i] * want[i * n_in + c];
      }
    }
    expect_near_all(eval1({xv, tv}, Rop({y}, {xv}, {tv})[0], {x, t}), jv, 1e-6);
    expect_near_all(eval1({xv, uv}, Lop({y}, {xv}, {uv})[0], {x, u}), uj, 1e-6);
  }
}

TEST(StructuralVerifyGrad, Hessian) {
  // The hessian of sum(f(x)^2), vectorized, against differences of its gradient.
  const Array x = random_array({2, 3}, 51, DType::float64, 0.5, 1.5);
  const Array w = random_array({3, 2}, 52);
  const std::vector<Fun> funs = {
      [](const V& v) { return sum(v[0], {1}); },
      [](const V& v) { return var(v[0], {0}); },
      [](const V& v) { return reshape(v[0], {6}); },
      [&](const V& v) { return matmul(v[0], constant(w)); },
      [](const V& v) { return dot(v[0], transpose(v[0])); },
  };
  for (const Fun& f : funs) {
    const Fun g = [f](const V& v) { return grad(sum(f(v) * f(v)), v[0]); };
    const std::vector<double> want = numeric_jacobian(g, x);
    const Variable xv = matrix("x", DType::float64);
    expect_near_all(eval1({xv}, hessian(sum(f({xv}) * f({xv})), xv), {x}), want, 1e-6);
  }
}

}  // namespace
}  // namespace hypatia::testing
