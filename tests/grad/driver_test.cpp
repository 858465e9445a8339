// The reverse driver: grad's semantics and every GradOptions field, its errors, integer
// inputs, fan-out accumulation, unbroadcast (static and at run time), gradients of
// gradients, and a closed form.
#include <cmath>
#include <string>
#include <vector>

#include "driver_test_util.hpp"
#include "grad/grad_util.hpp"

namespace hypatia {
namespace {

using driver_testing::no_rule_op;
using driver_testing::private_node;
using driver_testing::random_array;
using driver_testing::values;
using testing::eval;
using testing::eval1;
using testing::expect_array;
using testing::expect_error;

// ---------------------------------------------------------------- basics

TEST(GradDriver, ScalarPolynomialAndFanOut) {
  const Variable x = scalar("x", DType::float64);
  const Variable cost = x * x * x + x * x + x;  // x used many times: contributions must add up
  const Variable g = grad(cost, x);
  expect_array(eval1({x}, g, {Array::scalar(2.0)}), DType::float64, {}, {3 * 4 + 2 * 2 + 1});
}

TEST(GradDriver, GradOfGradToThirdOrder) {
  const Variable x = scalar("x", DType::float64);
  const Variable g = grad(x * x * x, x);
  const Variable gg = grad(g, x);
  const Variable ggg = grad(gg, x);
  const auto r = eval({x}, {g, gg, ggg}, {Array::scalar(1.5)});
  expect_array(r[0], DType::float64, {}, {3 * 1.5 * 1.5});
  expect_array(r[1], DType::float64, {}, {6 * 1.5});
  expect_array(r[2], DType::float64, {}, {6.0});
}

TEST(GradDriver, ListOfWrtKeepsOrderAndAccumulatesThroughSharedNodes) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  const Variable ab = a * b;  // used twice
  const Variable cost = sum(ab * ab + ab);
  const auto g = grad(cost, std::vector<Variable>{b, a});
  const Array av = Array::from<double>({1, 2, -3}), bv = Array::from<double>({0.5, -1, 2});
  const auto r = eval({a, b}, g, {av, bv});
  std::vector<double> gb, ga;
  for (int i = 0; i < 3; ++i) {
    const double x = values(av)[i], y = values(bv)[i];
    ga.push_back((2 * x * y + 1) * y);
    gb.push_back((2 * x * y + 1) * x);
  }
  expect_array(r[0], DType::float64, {3}, gb);
  expect_array(r[1], DType::float64, {3}, ga);
}

TEST(GradDriver, GradientWithRespectToAnIntermediateVariable) {
  const Variable x = vector("x", DType::float64);
  const Variable y = x * 3.0;
  const Variable cost = sum(y * y);
  expect_array(eval1({x}, grad(cost, y), {Array::from<double>({1, 2})}), DType::float64, {2}, {6, 12});
}

TEST(GradDriver, GradientDtypeFollowsTheInput) {
  // x is float32, w float64: the product is float64, x's gradient comes back float32.
  const Variable x = vector("x", DType::float32), w = vector("w", DType::float64);
  const auto g = grad(sum(x * w), std::vector<Variable>{x, w});
  const auto r = eval({x, w}, g, {Array::from<float>({1, 2}), Array::from<double>({3, 4})});
  expect_array(r[0], DType::float32, {2}, {3, 4});
  expect_array(r[1], DType::float64, {2}, {1, 2});
}

// ---------------------------------------------------------------- closed form

TEST(GradDriver, ClosedFormOfSumTanhOfMatrixVectorProduct) {
  // cost = sum(tanh(W x)): dW[i][j] = (1 - tanh(z_i)^2) x_j, dx[j] = sum_i W[i][j] (1 - tanh(z_i)^2).
  const Variable W = matrix("W", DType::float64), x = vector("x", DType::float64);
  const Variable cost = sum(tanh(dot(W, x)));
  const auto g = grad(cost, std::vector<Variable>{W, x});
  const Array Wv = random_array({3, 4}, 1), xv = random_array({4}, 2);
  const auto r = eval({W, x}, g, {Wv, xv});
  const std::vector<double> w = values(Wv), xs = values(xv);
  std::vector<double> d(3), gW, gx(4, 0.0);
  for (int i = 0; i < 3; ++i) {
    double z = 0;
    for (int j = 0; j < 4; ++j) z += w[static_cast<std::size_t>(i * 4 + j)] * xs[static_cast<std::size_t>(j)];
    d[static_cast<std::size_t>(i)] = 1 - std::tanh(z) * std::tanh(z);
  }
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) {
      gW.push_back(d[static_cast<std::size_t>(i)] * xs[static_cast<std::size_t>(j)]);
      gx[static_cast<std::size_t>(j)] += w[static_cast<std::size_t>(i * 4 + j)] * d[static_cast<std::size_t>(i)];
    }
  }
  expect_array(r[0], DType::float64, {3, 4}, gW, 1e-12, 1e-14);
  expect_array(r[1], DType::float64, {4}, gx, 1e-12, 1e-14);
}

// ---------------------------------------------------------------- cost errors

TEST(GradDriver, NonScalarCostIsATypeErrorNamingItsType) {
  const Variable x = vector("x", DType::float64);
  expect_error<TypeError>([&] { grad(x * 2.0, x); },
                          {"driver_test.cpp", "grad", "the cost must be a scalar", "float64 (?,)", "known_grads"});
}

TEST(GradDriver, EmptyCostWithoutKnownGradsIsATypeError) {
  const Variable x = vector("x", DType::float64);
  expect_error<TypeError>([&] { grad(Variable(), x); }, {"driver_test.cpp", "the cost is an empty Variable"});
}

TEST(GradDriver, EmptyWrtIsATypeError) {
  const Variable x = scalar("x", DType::float64);
  expect_error<TypeError>([&] { grad(x, std::vector<Variable>{x, Variable()}); },
                          {"driver_test.cpp", "wrt[1] is an empty Variable"});
}

TEST(GradDriver, UnknownOptionValuesAreValueErrors) {
  const Variable x = scalar("x", DType::float64);
  GradOptions o;
  o.disconnected_inputs = "loud";
  expect_error<ValueError>([&] { grad(x, x, o); }, {"driver_test.cpp", "disconnected_inputs", "\"loud\"", "\"warn\""});
  o = {};
  o.return_disconnected = "Disconnected";
  expect_error<ValueError>([&] { grad(x, x, o); }, {"return_disconnected", "\"zero\", \"none\""});
  o = {};
  o.null_gradients = "warn";
  expect_error<ValueError>([&] { grad(x, x, o); }, {"null_gradients", "\"raise\", \"return\""});
}

// ---------------------------------------------------------------- disconnected inputs

TEST(GradDriver, DisconnectedInputRaisesNamingTheInput) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  expect_error<DisconnectedInputError>([&] { grad(sum(a), std::vector<Variable>{a, b}); },
                                       {"driver_test.cpp", "does not depend on wrt[1] 'b'", "float64 (?,)",
                                        "disconnected_inputs=\"ignore\""});
}

TEST(GradDriver, DisconnectedInputIgnoredGivesZerosOrNone) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  GradOptions o;
  o.disconnected_inputs = "ignore";
  const auto g = grad(sum(a), std::vector<Variable>{a, b}, o);
  const auto r = eval({a, b}, g, {Array::from<double>({1, 2}), Array::from<double>({3, 4, 5})});
  expect_array(r[0], DType::float64, {2}, {1, 1});
  expect_array(r[1], DType::float64, {3}, {0, 0, 0});
  o.return_disconnected = "none";
  EXPECT_FALSE(grad(sum(a), std::vector<Variable>{a, b}, o)[1].valid());
}

TEST(GradDriver, DisconnectedInputWarnPrintsAndGivesZeros) {
  const Variable a = scalar("a", DType::float64), b = scalar("b", DType::float64);
  GradOptions o;
  o.disconnected_inputs = "warn";
  ::testing::internal::CaptureStderr();
  const Variable g = grad(a * 2.0, b, o);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("warning"), std::string::npos) << err;
  EXPECT_NE(err.find("wrt[0] 'b'"), std::string::npos) << err;
  expect_array(eval1({b}, g, {Array::scalar(1.0)}), DType::float64, {}, {0});
}

// ---------------------------------------------------------------- integers

TEST(GradDriver, IntegerInputsGetFloatZeros) {
  // Theano's rule: an integer input's gradient is zero, of dtype floatX.
  const Variable n = vector("n", DType::int32), x = vector("x", DType::float64);
  const auto g = grad(sum(n * x), std::vector<Variable>{n, x});
  const auto r = eval({n, x}, g, {Array::from<std::int32_t>({2, -3}), Array::from<double>({0.5, 4})});
  expect_array(r[0], floatX(), {2}, {0, 0});
  expect_array(r[1], DType::float64, {2}, {2, -3});
}

TEST(GradDriver, IntegerCostGivesZeroGradients) {
  const Variable n = scalar("n", DType::int64);
  expect_array(eval1({n}, grad(n * n, n), {Array::scalar<std::int64_t>(3)}), floatX(), {}, {0});
}

// ---------------------------------------------------------------- null gradients

TEST(GradDriver, OpWithoutRuleOrReasonIsANullGradientNamingOpAndLine) {
  const Variable x = vector("x", DType::float64);
  const Variable y = private_node(no_rule_op(), x);  // made on this line
  const int line = __LINE__ - 1;
  expect_error<NullTypeGradError>([&] { grad(sum(y), x); },
                                  {"driver_test.cpp", "wrt[0] 'x'", "is undefined", "op 'test_no_rule'",
                                   "driver_test.cpp:" + std::to_string(line), "no gradient rule"});
}

TEST(GradDriver, NullGradientReturnedAsNoneSpreadsOnlyWhereItFlows) {
  const Variable x = vector("x", DType::float64), z = vector("z", DType::float64);
  const Variable y = private_node(no_rule_op(), x);
  GradOptions o;
  o.null_gradients = "return";
  const auto g = grad(sum(y * z + z), std::vector<Variable>{x, z}, o);
  EXPECT_FALSE(g[0].valid());
  ASSERT_TRUE(g[1].valid());
  expect_array(eval1({x, z}, g[1], {Array::from<double>({1, 2}), Array::from<double>({0, 0})}), DType::float64, {2},
               {3, 5});
}

TEST(GradDriver, OpWithAReasonGivesAZeroGradientAndStaysConnected) {
  // arange has no gradient "because its values are piecewise constant": zero, no error.
  const Variable start = scalar("start", DType::float64);
  const Variable cost = sum(arange(start, 5.0, 1.0));
  expect_array(eval1({start}, grad(cost, start), {Array::scalar(0.5)}), DType::float64, {}, {0});
}

// ---------------------------------------------------------------- known_grads

TEST(GradDriver, KnownGradsWithoutCost) {
  const Variable x = vector("x", DType::float64), g = vector("g", DType::float64);
  const Variable y = x * x;
  GradOptions o;
  o.known_grads = {{y, g}};
  const Variable gx = grad(Variable(), x, o);
  expect_array(eval1({x, g}, gx, {Array::from<double>({1, 3}), Array::from<double>({2, -1})}), DType::float64, {2},
               {4, -6});
}

TEST(GradDriver, KnownGradsAreFinalAndAddToTheCostsOthers) {
  // cost = sum(y) + sum(x), y = 2x, with y's gradient given as 3: dx = 3 * 2 + 1. The
  // cost's own path through y (which would give 1) is overridden (Theano's rule).
  const Variable x = vector("x", DType::float64);
  const Variable y = x * 2.0;
  GradOptions o;
  o.known_grads = {{y, alloc(3.0, {shape(x, 0)})}};
  const Variable gx = grad(sum(y) + sum(x), x, o);
  expect_array(eval1({x}, gx, {Array::from<double>({1, 3})}), DType::float64, {2}, {7, 7});
}

TEST(GradDriver, KnownGradOfTheWrongRankIsATypeError) {
  const Variable x = vector("x", DType::float64);
  GradOptions o;
  o.known_grads = {{x * 2.0, scalar("g", DType::float64)}};
  expect_error<TypeError>([&] { grad(Variable(), x, o); },
                          {"driver_test.cpp", "known gradient of type float64 ()", "float64 (?,)"});
}

// ---------------------------------------------------------------- stopping gradients

TEST(GradDriver, ConsiderConstantOptionCutsTheGraphThere) {
  const Variable x = vector("x", DType::float64);
  const Variable y = x * 2.0;
  GradOptions o;
  o.consider_constant = {y};
  // sum(x * y) with y constant: dx = y = 2x (not 4x).
  expect_array(eval1({x}, grad(sum(x * y), x, o), {Array::from<double>({1, 3})}), DType::float64, {2}, {2, 6});
  // The gradient with respect to y itself is still computed.
  expect_array(eval1({x}, grad(sum(x * y), y, o), {Array::from<double>({1, 3})}), DType::float64, {2}, {1, 3});
  // Only through y: disconnected.
  expect_error<DisconnectedInputError>([&] { grad(sum(y), x, o); }, {"wrt[0] 'x'"});
}

TEST(GradDriver, ZeroGradAndConsiderConstantOpsGiveZeroButStayConnected) {
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, 3});
  expect_array(eval1({x}, grad(sum(x * zero_grad(x)), x), {xv}), DType::float64, {2}, {1, 3});
  expect_array(eval1({x}, grad(sum(x * consider_constant(x)), x), {xv}), DType::float64, {2}, {1, 3});
  expect_array(eval1({x}, grad(sum(zero_grad(x)), x), {xv}), DType::float64, {2}, {0, 0});
  // Forward, both are the identity.
  expect_array(eval1({x}, zero_grad(x) + consider_constant(x), {xv}), DType::float64, {2}, {2, 6});
}

TEST(GradDriver, DisconnectedGradOpDisconnects) {
  const Variable x = vector("x", DType::float64);
  const Array xv = Array::from<double>({1, 3});
  expect_array(eval1({x}, grad(sum(x * disconnected_grad(x)), x), {xv}), DType::float64, {2}, {1, 3});
  expect_error<DisconnectedInputError>([&] { grad(sum(disconnected_grad(x)), x); },
                                       {"driver_test.cpp", "wrt[0] 'x'", "disconnected_grad"});
}

TEST(GradDriver, GradClipAndGradScale) {
  const Variable x = vector("x", DType::float64), c = vector("c", DType::float64);
  const Array xv = Array::from<double>({1, 1, 1}), cv = Array::from<double>({-5, 0.5, 5});
  expect_array(eval1({x, c}, grad(sum(grad_clip(x, -1, 2) * c), x), {xv, cv}), DType::float64, {3}, {-1, 0.5, 2});
  expect_array(eval1({x, c}, grad(sum(grad_scale(x, -3) * c), x), {xv, cv}), DType::float64, {3}, {15, -1.5, -15});
  expect_array(eval1({x}, grad_clip(x, -1, 2) + grad_scale(x, 7), {Array::from<double>({4, -4, 0})}),
               DType::float64, {3}, {8, -8, 0});
}

TEST(GradDriver, GradClipWithLoAboveHiIsAValueError) {
  const Variable x = vector("x", DType::float64);
  expect_error<ValueError>([&] { grad_clip(x, 2, 1); }, {"driver_test.cpp", "grad_clip", "lo (2", "hi (1"});
}

// ---------------------------------------------------------------- unbroadcast

TEST(GradDriver, UnbroadcastWithStaticShapes) {
  const Variable col = tensor("col", DType::float64, {3, 1}), row = tensor("row", DType::float64, {4});
  const Variable m = tensor("m", DType::float64, {2, 3, 4});
  const auto g = grad(sum(col * row * m), std::vector<Variable>{col, row});
  const Array cv = random_array({3, 1}, 3), rv = random_array({4}, 4), mv = random_array({2, 3, 4}, 5);
  const auto r = eval({col, row, m}, g, {cv, rv, mv});
  std::vector<double> gc(3, 0.0), gr(4, 0.0);
  const auto c = values(cv), rr = values(rv), mm = values(mv);
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        gc[i] += rr[j] * mm[(b * 3 + i) * 4 + j];
        gr[j] += c[i] * mm[(b * 3 + i) * 4 + j];
      }
    }
  }
  expect_array(r[0], DType::float64, {3, 1}, gc, 1e-12);
  expect_array(r[1], DType::float64, {4}, gr, 1e-12);
  EXPECT_EQ(graph_text(g).find("sum_to"), std::string::npos) << "static shapes decide: no run-time sum_to";
}

TEST(GradDriver, UnbroadcastAtRunTimeWhenASizeIsUnknown) {
  // x's size is unknown statically: one graph must serve x of size 1 (broadcast) and 3.
  const Variable x = vector("x", DType::float64), y = tensor("y", DType::float64, {2, 3});
  const Variable gx = grad(sum(x * y), x);
  EXPECT_NE(graph_text({gx}).find("sum_to"), std::string::npos);
  const Array yv = Array::from<double>({{1, 2, 3}, {4, 5, 6}});
  expect_array(eval1({x, y}, gx, {Array::from<double>({10}), yv}), DType::float64, {1}, {21});
  expect_array(eval1({x, y}, gx, {Array::from<double>({10, 20, 30}), yv}), DType::float64, {3}, {5, 7, 9});
}

TEST(GradDriver, UnbroadcastBothSizesUnknown) {
  const Variable x = matrix("x", DType::float64), y = matrix("y", DType::float64);
  const auto g = grad(sum(x * y), std::vector<Variable>{x, y});
  const Array xv = Array::from<double>({{1, 2, 3}}), yv = Array::from<double>({{1}, {2}});
  const auto r = eval({x, y}, g, {xv, yv});
  expect_array(r[0], DType::float64, {1, 3}, {3, 3, 3});
  expect_array(r[1], DType::float64, {2, 1}, {6, 6});
}

TEST(GradDriver, UnbroadcastProvesEqualSizesSymbolically) {
  // x + x: both operands have x's (unknown) size, so no run-time sum is needed.
  const Variable x = vector("x", DType::float64);
  const Variable gx = grad(sum(x * x), x);
  EXPECT_EQ(graph_text({gx}).find("sum_to"), std::string::npos) << graph_text({gx});
}

// ---------------------------------------------------------------- sum_to

TEST(SumTo, ReferenceSumsLeadingAndSizeOneAxes) {
  const Variable g = tensor3("g", DType::float64);
  const Variable a = scalar("a", DType::int64), b = scalar("b", DType::int64);
  const Variable s = detail::sum_to(g, {a, b}, SourceLocation::current());
  const Array gv = Array::from<double>({{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}});  // (2, 2, 3)
  auto run = [&](std::int64_t av, std::int64_t bv) {
    return eval1({g, a, b}, s, {gv, Array::scalar(av), Array::scalar(bv)});
  };
  expect_array(run(2, 3), DType::float64, {2, 3}, {8, 10, 12, 14, 16, 18});
  expect_array(run(1, 3), DType::float64, {1, 3}, {22, 26, 30});
  expect_array(run(2, 1), DType::float64, {2, 1}, {30, 48});
  expect_array(run(1, 1), DType::float64, {1, 1}, {78});
  // Non-contiguous input, float32.
  const Variable h = matrix("h", DType::float32);
  const Variable t = detail::sum_to(h, {detail::size_constant(1, SourceLocation::current()), a},
                                    SourceLocation::current());
  const Array hv = Array::from<float>({{1, 2}, {3, 4}, {5, 6}}).transpose();  // (2, 3)
  expect_array(eval1({h, a}, t, {hv, Array::scalar<std::int64_t>(3)}), DType::float32, {1, 3}, {3, 7, 11});
  // To a 0-d shape.
  const Variable u = detail::sum_to(h, {}, SourceLocation::current());
  expect_array(eval1({h}, u, {hv}), DType::float32, {}, {21});
  EXPECT_EQ(u.type().shape, Shape{});
}

TEST(SumTo, RunTimeShapeMismatchIsAShapeError) {
  const Variable g = matrix("g", DType::float64), a = scalar("a", DType::int64);
  const Variable s = detail::sum_to(g, {a, a}, SourceLocation::current());
  expect_error<ShapeError>(
      [&] { eval1({g, a}, s, {Array::from<double>({{1, 2}, {3, 4}}), Array::scalar<std::int64_t>(3)}); },
      {"sum_to", "cannot sum an array of shape (2, 2) to shape (3, 3)"});
}

TEST(SumTo, StaticErrors) {
  const Variable g = tensor("g", DType::float64, {2, 3});
  const auto here = SourceLocation::current();
  expect_error<ShapeError>([&] { detail::sum_to(g, {detail::size_constant(2, here)}, here); },
                           {"sum_to", "cannot sum an array of type float64 (2, 3) to shape (2,)"});
  expect_error<TypeError>([&] { detail::sum_to(vector("n", DType::int32), {}, here); },
                          {"sum_to", "must be a float array"});
}

TEST(SumTo, ItsOwnRules) {
  // vjp = broadcast_to, jvp = sum_to of the tangent, batch = sum_to with the batch axis kept.
  const Variable g = matrix("g", DType::float64);
  verify_grad(
      [](const std::vector<Variable>& v) {
        const auto w = SourceLocation::current();
        return detail::sum_to(v[0], {detail::size_constant(1, w), shape(v[0], 1)}, w);
      },
      {random_array({3, 2}, 7)});
  const Variable t = matrix("t", DType::float64);
  const auto here = SourceLocation::current();
  const Variable s = detail::sum_to(g, {detail::size_constant(2, here)}, here);
  const Variable jv = Rop({s}, {g}, {t})[0];
  expect_array(eval1({g, t}, jv, {random_array({3, 2}, 8), Array::from<double>({{1, 2}, {3, 4}, {5, 6}})}),
               DType::float64, {2}, {9, 12});
  const Variable j = jacobian(s, g);  // d s_k / d g_ij = [j == k]
  const Array jvv = eval1({g}, j, {random_array({3, 2}, 9)});
  ASSERT_EQ(jvv.shape(), (Shape{2, 3, 2}));
  const auto jj = values(jvv);
  for (std::size_t k = 0; k < 2; ++k) {
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t l = 0; l < 2; ++l) EXPECT_EQ(jj[(k * 3 + i) * 2 + l], l == k ? 1.0 : 0.0);
    }
  }
}

}  // namespace
}  // namespace hypatia
