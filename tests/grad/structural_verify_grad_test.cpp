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
