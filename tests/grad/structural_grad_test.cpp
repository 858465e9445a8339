// The differentiation rules of the structural ops: reductions, shape ops, products
// and alloc. Each rule is checked alone (vjp and jvp against central differences of
// the op's kernel, batch against a loop over batch elements).
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

Array m23() { return random_array({2, 3}, 1); }

Attrs reduction_attrs(const Axes& ax, bool keep, std::int64_t ddof = -1) {
  Attrs a{{"keepdims", keep}};
  if (!ax.is_all()) a.set("axes", ax.list());
  if (ddof >= 0) a.set("ddof", ddof);
  return a;
}

std::int64_t ddof_of(const std::string& op) { return op == "var" || op == "std" ? 1 : -1; }
Array t234() { return random_array({2, 3, 4}, 2); }

// ---------------------------------------------------------------- reductions: sum, mean

TEST(StructuralGradReduce, SumAndMeanVjpOverAxesAndKeepdims) {
  const std::vector<Axes> axes_cases = {Axes(std::nullopt), Axes{0}, Axes{1}, Axes{-1}, Axes{0, 2}, Axes{}};
  for (bool keep : {false, true}) {
    for (const Axes& ax : axes_cases) {
      for (bool st : {true, false}) {
        SCOPED_TRACE(::testing::Message() << "keepdims " << keep << " static " << st);
        check_vjp([&](const V& v) { return sum(v[0], ax, keep); }, {t234()}, st);
        check_vjp([&](const V& v) { return mean(v[0], ax, keep); }, {t234()}, st);
      }
    }
  }
}

TEST(StructuralGradReduce, SumGradientIsOnes) {
  // d sum(x) / dx = ones, exactly, for a non-contiguous x.
  const Variable x = matrix("x", DType::float64);
  const Variable s = sum(x);
  const V g = rule_vjp(s, constant(1.0));
  const Array xv = random_array({3, 2}, 3).transpose();
  expect_array(eval1({x}, g[0], {xv}), DType::float64, {2, 3}, {1, 1, 1, 1, 1, 1});
  const V gm = rule_vjp(mean(x, {1}), constant(Array::from<double>({3, 6})));
  expect_array(eval1({x}, gm[0], {xv}), DType::float64, {2, 3}, {1, 1, 1, 2, 2, 2});
}

TEST(StructuralGradReduce, SumMeanFloat32KeepDtype) {
  const Variable x = tensor("x", DType::float32, {2, 3});
  for (const Variable& out : {sum(x, {1}), mean(x, {0}, true)}) {
    const Variable g = tensor("g", DType::float32, out.type().shape);
    const V gx = rule_vjp(out, g);
    EXPECT_EQ(gx[0].dtype(), DType::float32);
    const Array r = eval1({x, g}, gx[0], {random_array({2, 3}, 1, DType::float32),
                                          Array::full(DType::float32, out.type().shape, 2.0)});
    expect_array(r, DType::float32, {2, 3}, std::vector<double>(6, out.node().op().name == "sum" ? 2.0 : 1.0));
  }
}

TEST(StructuralGradReduce, SumMeanJvpAndBatch) {
  check_jvp([](const V& v) { return sum(v[0], {1}); }, {t234()});
  check_jvp([](const V& v) { return mean(v[0], {0, 2}, true); }, {t234()});
  for (const char* op : {"sum", "mean", "prod", "var", "std", "max", "min", "argmax", "argmin", "all", "any"}) {
    SCOPED_TRACE(op);
    for (const Axes& ax : {Axes(std::nullopt), Axes{1}, Axes{0, 2}}) {
      for (bool keep : {false, true}) {
        check_batch([&](const V& v) { return apply1(op, {v[0]}, reduction_attrs(ax, keep, ddof_of(op)),
                                                    SourceLocation::current()); },
                    {random_array({3, 2, 3, 4}, 5)}, {true});
        check_batch([&](const V& v) { return apply1(op, {v[0]}, reduction_attrs(ax, keep, ddof_of(op)),
                                                    SourceLocation::current()); },
                    {random_array({3, 2, 3, 4}, 5)}, {true}, 1e-12, false);
      }
    }
  }
}

// ---------------------------------------------------------------- shape ops

TEST(StructuralGradShape, DimshuffleVjpJvpBatch) {
  const Array x = random_array({2, 1, 3}, 4);
  const std::vector<std::vector<std::int64_t>> patterns = {
      {2, 0, 1}, {0, 2}, {newaxis, 2, 0, newaxis}, {2, newaxis, 1, 0}, {0, 1, newaxis, 2}};
  for (const auto& p : patterns) {
    check_vjp([&](const V& v) { return dimshuffle(v[0], p); }, {x});
    check_jvp([&](const V& v) { return dimshuffle(v[0], p); }, {x});
    check_batch([&](const V& v) { return dimshuffle(v[0], p); }, {random_array({4, 2, 1, 3}, 5)}, {true});
  }
  check_vjp([](const V& v) { return transpose(v[0]); }, {random_array({3, 4}, 5).transpose()});
}

TEST(StructuralGradShape, DimshuffleVjpOfAGradientWithUnknownSizes) {
  // The cotangent may know less than the output: the rule asserts the new axes.
  const Variable x = tensor("x", DType::float64, {2, 3});
  const Variable y = dimshuffle(x, {1, newaxis, 0});
  const Variable g = tensor("g", DType::float64, {kUnknownDim, kUnknownDim, kUnknownDim});
  const V gx = rule_vjp(y, g);
  const Array gv = Array::from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {3, 1, 2});
  expect_array(eval1({g}, gx[0], {gv}), DType::float64, {2, 3}, {1, 3, 5, 2, 4, 6});
}

TEST(StructuralGradShape, ReshapeVjpJvpBatch) {
  for (bool st : {true, false}) {
    check_vjp([](const V& v) { return reshape(v[0], {4, -1}); }, {t234()}, st);
    check_vjp([](const V& v) { return flatten(v[0], 2); }, {t234()}, st);
  }
  check_vjp([](const V& v) { return reshape(v[0], {6}); }, {random_array({3, 2}, 4).transpose()});
  const Variable x = tensor("x", DType::float64, {2, 3, 4});
  const V g = rule_vjp(reshape(x, {6, 4}), tensor("g", DType::float64, {6, 4}));
  ASSERT_EQ(g.size(), 3u);
  EXPECT_FALSE(g[1].valid());
  EXPECT_FALSE(g[2].valid());
  check_jvp([](const V& v) { return reshape(v[0], {3, 8}); }, {t234()});
  check_batch([](const V& v) { return reshape(v[0], {-1, 2}); }, {random_array({3, 2, 3, 4}, 6)}, {true});
  check_batch([](const V& v) { return reshape(v[0], {shape(v[0], 2), 6}); }, {random_array({3, 2, 3, 4}, 6)}, {true});
}

TEST(StructuralGradShape, BroadcastToVjpJvpBatch) {
  check_vjp([](const V& v) { return broadcast_to(v[0], {4, 2, 3}); }, {random_array({2, 1}, 1)});
  check_vjp([](const V& v) { return broadcast_to(v[0], {2, 5, 3}); }, {random_array({2, 1, 3}, 1)});
  check_vjp([](const V& v) { return broadcast_to(v[0], {2, 3}); }, {random_array({}, 1)});
  check_vjp([](const V& v) { return broadcast_to(v[0], {2, 3}); }, {m23()});
  check_jvp([](const V& v) { return broadcast_to(v[0], {4, 2, 3}); }, {random_array({2, 1}, 1)});
  check_batch([](const V& v) { return broadcast_to(v[0], {4, 2, 3}); }, {random_array({5, 2, 1}, 1)}, {true});
  check_batch([](const V& v) { return broadcast_to(v[0], {2, 3}); }, {random_array({5}, 1)}, {true});
}

TEST(StructuralGradShape, SpecifyShapeAndSqueeze) {
  check_vjp([](const V& v) { return specify_shape(v[0], {2, kUnknownDim}); }, {m23()}, false);
  check_jvp([](const V& v) { return specify_shape(v[0], {2, 3}); }, {m23()});
  check_batch([](const V& v) { return specify_shape(v[0], {2, kUnknownDim}); }, {random_array({4, 2, 3}, 1)},
              {true});
  // squeeze of an unknown size goes through specify_shape, then dimshuffle.
  const Variable x = tensor("x", DType::float64, {kUnknownDim, 3});
  const Variable y = squeeze(x, {0});
  const Variable g = tensor("g", DType::float64, {3});
  const V g1 = rule_vjp(y, g);
  const V g0 = rule_vjp(y.node().inputs()[0], g1[0]);
  expect_array(eval1({g}, g0[0], {Array::from<double>({1, 2, 3})}), DType::float64, {1, 3}, {1, 2, 3});
}

TEST(StructuralGradShape, ShapeAndShapeIBatchReadTheElementSizes) {
  check_batch([](const V& v) { return shape(v[0]); }, {random_array({4, 2, 3}, 1)}, {true});
  check_batch([](const V& v) { return shape(v[0], 1); }, {random_array({4, 2, 3}, 1)}, {true}, 0, false);
  check_batch([](const V& v) { return shape(v[0], -1); }, {random_array({4, 2, 3}, 1)}, {true}, 0, false);
}

// ---------------------------------------------------------------- alloc

TEST(StructuralGradCreation, AllocVjpJvpBatch) {
  check_vjp([](const V& v) { return alloc(v[0], {4, 2, 3}); }, {random_array({2, 1}, 1)});
  check_vjp([](const V& v) { return alloc(v[0], {2, 3}); }, {random_array({}, 1)});
  check_vjp([](const V& v) { return alloc(v[0], {2, 3}); }, {random_array({3}, 1)});
  check_vjp([](const V& v) { return full({2, 3}, v[0]); }, {random_array({}, 2)});
  const Variable n = scalar("n", DType::int64);
  const Variable x = vector("x", DType::float64);
  const V g = rule_vjp(alloc(x, {n, 3}), matrix("g", DType::float64));
  EXPECT_FALSE(g[1].valid());
  EXPECT_FALSE(g[2].valid());
  check_jvp([](const V& v) { return alloc(v[0], {4, 2, 3}); }, {random_array({2, 1}, 1)});
  check_batch([](const V& v) { return alloc(v[0], {4, 2, 3}); }, {random_array({5, 2, 1}, 1)}, {true});
  check_batch([](const V& v) { return alloc(v[0], {2, 3}); }, {random_array({5}, 1)}, {true});
}


// ---------------------------------------------------------------- prod, var, std, max, min

TEST(StructuralGradReduce, NonlinearReductionRulesAgainstDifferences) {
  // Values away from 0 (prod) and without ties (max, min).
  const Array x = random_array({2, 3, 4}, 21, DType::float64, 0.5, 1.5);
  for (const Axes& ax : {Axes(std::nullopt), Axes{1}, Axes{0, 2}}) {
    for (bool keep : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "keepdims " << keep);
      check_vjp([&](const V& v) { return prod(v[0], ax, keep); }, {x});
      check_jvp([&](const V& v) { return prod(v[0], ax, keep); }, {x});
      for (const char* op : {"max", "min"}) {
        check_vjp([&](const V& v) { return apply1(op, {v[0]}, reduction_attrs(ax, keep), SourceLocation::current()); },
                  {x});
        check_jvp([&](const V& v) { return apply1(op, {v[0]}, reduction_attrs(ax, keep), SourceLocation::current()); },
                  {x});
      }
      for (std::int64_t ddof : {0, 1}) {
        check_vjp([&](const V& v) { return var(v[0], ax, ddof, keep); }, {x});
        check_vjp([&](const V& v) { return std(v[0], ax, ddof, keep); }, {x}, false);
        check_jvp([&](const V& v) { return var(v[0], ax, ddof, keep); }, {x});
        check_jvp([&](const V& v) { return std(v[0], ax, ddof, keep); }, {x});
      }
    }
  }
}

// The gradient of sum(op(x, axes)) through the driver.
Array grad_of_reduction(const Variable& x, const Variable& r, const Array& xv) {
  return eval1({x}, grad(sum(r), x), {xv});
}

TEST(StructuralGradReduce, ProdWithZeros) {
  // No zero: prod / x. One zero: the product of the others there, 0 elsewhere. Two
  // zeros: 0 everywhere. Never NaN.
  const Variable x = matrix("x", DType::float64);
  const Array xv = Array::from<double>({{2, 0, 3}, {1, 2, 3}, {0, 0, 5}, {-1, 4, 0.5}});
  expect_array(grad_of_reduction(x, prod(x, {1}), xv), DType::float64, {4, 3},
               {0, 6, 0, 6, 3, 2, 0, 0, 0, 2, -0.5, -4});
  expect_array(grad_of_reduction(x, prod(x, {0}, true), xv.slice(0, 0, 2)), DType::float64, {2, 3},
               {1, 2, 3, 2, 0, 3});
  const Variable v = vector("v", DType::float64);
  expect_array(grad_of_reduction(v, prod(v), Array::from<double>({0})), DType::float64, {1}, {1});
  // Its tangent: the partials times the tangent, summed.
  check_jvp([](const V& w) { return prod(w[0], {1}); }, {Array::from<double>({{2, 0, 3}, {0, 0, 5}, {1, 2, 3}})});
  check_vjp([](const V& w) { return prod(w[0], {1}); }, {Array::from<double>({{2, 0, 3}, {0, 0, 5}, {1, 2, 3}})});
}

TEST(StructuralGradReduce, MaxMinSendTheGradientToEveryTie) {
  const Variable x = matrix("x", DType::float64);
  const Array xv = Array::from<double>({{1, 3, 3, 2}, {-1, -1, 0, -1}});
  expect_array(grad_of_reduction(x, max(x, {1}), xv), DType::float64, {2, 4}, {0, 1, 1, 0, 0, 0, 1, 0});
  expect_array(grad_of_reduction(x, min(x, {1}), xv), DType::float64, {2, 4}, {1, 0, 0, 0, 1, 1, 0, 1});
  expect_array(grad_of_reduction(x, max(x), xv), DType::float64, {2, 4}, {0, 1, 1, 0, 0, 0, 0, 0});
  // A NaN result matches no element: no gradient.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_array(grad_of_reduction(x, max(x, {1}), Array::from<double>({{1, nan}, {2, 1}})), DType::float64, {2, 2},
               {0, 0, 1, 0});
}

TEST(StructuralGradReduce, VarAndStdClosedForms) {
  // d var / dx = 2 (x - mean) / (N - ddof); d std / dx = (x - mean) / ((N - ddof) std).
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, 2, 6});  // mean 3, deviations -2 -1 3, sum of squares 14
  expect_array(grad_of_reduction(x, var(x), xv), DType::float64, {3}, {-4.0 / 3, -2.0 / 3, 2});
  expect_array(grad_of_reduction(x, var(x, std::nullopt, 1), xv), DType::float64, {3}, {-2, -1, 3});
  const double s = std::sqrt(7.0);
  expect_array(grad_of_reduction(x, std(x, std::nullopt, 1), xv), DType::float64, {3}, {-2 / (2 * s), -1 / (2 * s), 3 / (2 * s)},
               1e-12);
}

TEST(StructuralGradReduce, NotDifferentiableReductionsSayWhy) {
  for (const char* op : {"argmax", "argmin", "all", "any"}) {
    const OpDef& def = OpRegistry::get().op(op);
    EXPECT_FALSE(static_cast<bool>(def.vjp)) << op;
    EXPECT_FALSE(def.not_differentiable_because.empty()) << op;
    EXPECT_TRUE(static_cast<bool>(def.batch)) << op;
  }
}


TEST(StructuralGradCreation, SizesCannotBeBatched) {
  // eye, arange and their sizes: a batch of sizes would give ragged results.
  const Variable n = scalar("n", DType::int64);
  const Variable e = eye(n);
  const Variable ns = vector("ns", DType::int64);
  const OpDef& def = e.node().op();
  const V eye_inputs{ns, e.node().inputs()[1]};
  expect_error<ValueError>([&] { def.batch(BatchArgs{e.node(), eye_inputs, {true, false}, e.node().where()}); },
                           {"eye", "input 0", "size", "batch"});
  const Variable x = vector("x", DType::float64);
  const Variable a = alloc(x, {n, 3});
  const V alloc_inputs{x, ns, a.node().inputs()[2]};
  expect_error<ValueError>(
      [&] { a.node().op().batch(BatchArgs{a.node(), alloc_inputs, {false, true, false}, a.node().where()}); },
      {"alloc", "input 1"});
  const Variable r = arange(n);
  EXPECT_TRUE(static_cast<bool>(r.node().op().batch));
  EXPECT_FALSE(r.node().op().not_differentiable_because.empty());
}

}  // namespace
}  // namespace hypatia::testing
