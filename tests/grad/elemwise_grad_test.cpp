// Gradients of the elementwise ops: each op's vjp and jvp rule against central finite
// differences computed in float64 (so float32 rules are checked against an accurate
// reference), the kink conventions, and the generic batch rule against a loop.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "graph/op.hpp"
#include "hypatia/grad.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval;

using Fn = std::function<Variable(const std::vector<Variable>&)>;

struct Range {
  double lo, hi;
};

struct GradCase {
  const char* name;
  Fn f;
  std::vector<Range> ranges;  // one per input: where the op is smooth
  bool second_order = true;   // false: the derivative's own rule is missing (trigamma)
};

std::vector<GradCase> grad_cases() {
  auto u = [](Variable (*f)(const Operand&)) { return Fn([f](const std::vector<Variable>& x) { return f(x[0]); }); };
  auto b = [](Variable (*f)(const Operand&, const Operand&)) {
    return Fn([f](const std::vector<Variable>& x) { return f(x[0], x[1]); });
  };
  auto t = [](Variable (*f)(const Operand&, const Operand&, const Operand&)) {
    return Fn([f](const std::vector<Variable>& x) { return f(x[0], x[1], x[2]); });
  };
  const Range any{-2, 2}, pos{0.5, 4}, unit{-0.9, 0.9};
  return {
      {"add", b(add), {any, any}},
      {"sub", b(sub), {any, any}},
      {"mul", b(mul), {any, any}},
      {"true_div", b(true_div), {any, {0.5, 2}}},
      {"mod", b(mod), {{-3, 3}, {0.7, 1.3}}},
      {"pow", b(pow), {{0.5, 2}, any}},
      {"neg", u(neg), {any}},
      {"abs", u(abs), {any}},
      {"reciprocal", u(reciprocal), {pos}},
      {"sqr", u(sqr), {any}},
      {"maximum", b(maximum), {any, any}},
      {"minimum", b(minimum), {any, any}},
      {"clip", t(clip), {{-2, 2}, {-1.5, -0.5}, {0.5, 1.5}}},
      {"sqrt", u(sqrt), {pos}},
      {"cbrt", u(cbrt), {{-4, 4}}},
      {"exp", u(exp), {any}},
      {"exp2", u(exp2), {any}},
      {"expm1", u(expm1), {any}},
      {"log", u(log), {pos}},
      {"log2", u(log2), {pos}},
      {"log10", u(log10), {pos}},
      {"log1p", u(log1p), {{-0.5, 3}}},
      {"sin", u(sin), {{-3, 3}}},
      {"cos", u(cos), {{-3, 3}}},
      {"tan", u(tan), {{-1.2, 1.2}}},
      {"arcsin", u(arcsin), {unit}},
      {"arccos", u(arccos), {unit}},
      {"arctan", u(arctan), {{-3, 3}}},
      {"arctan2", b(arctan2), {any, any}},
      {"sinh", u(sinh), {any}},
      {"cosh", u(cosh), {any}},
      {"tanh", u(tanh), {any}},
      {"arcsinh", u(arcsinh), {{-3, 3}}},
      {"arccosh", u(arccosh), {{1.2, 4}}},
      {"arctanh", u(arctanh), {unit}},
      {"sigmoid", u(sigmoid), {{-5, 5}}},
      {"softplus", u(softplus), {{-5, 5}}},
      {"erf", u(erf), {any}},
      {"erfc", u(erfc), {any}},
      {"erfcx", u(erfcx), {{-1, 3}}},
      {"erfinv", u(erfinv), {unit}},
      {"gamma", u(gamma), {{0.5, 4}}},
      {"gamma_negative", u(gamma), {{-0.9, -0.1}}},
      {"gammaln", u(gammaln), {{0.5, 4}}},
      {"gammaln_negative", u(gammaln), {{-1.9, -1.1}}},
      {"digamma", u(digamma), {{0.5, 4}}, false},
      {"where", Fn([](const std::vector<Variable>& x) { return where(gt(x[0], 0), x[1], x[2]); }), {any, any, any}},
  };
}

std::mt19937_64& rng() {
  static std::mt19937_64 r(20240521);
  return r;
}

Array random_array(Range r, const Shape& shape, DType dtype) {
  std::uniform_real_distribution<double> d(r.lo, r.hi);
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  std::vector<double> v(static_cast<std::size_t>(n));
  for (double& x : v) x = d(rng());
  return Array::from_vector(v, shape).astype(dtype);
}

std::vector<double> values(const Array& a) { return a.to_vector<double>(); }

// f applied once at float64 `point` (already rounded to the checked dtype).
std::vector<double> eval_f64(const GradCase& c, const std::vector<Array>& point) {
  std::vector<Variable> xs;
  for (std::size_t i = 0; i < point.size(); ++i) xs.push_back(tensor("x", DType::float64, point[i].shape()));
  std::vector<Array> args;
  for (const Array& p : point) args.push_back(p.astype(DType::float64));
  return values(eval(xs, {c.f(xs)}, args)[0]);
}

// The node input that is xs[i], or -1 (then f is piecewise constant in xs[i] there,
// as for where's condition, and its gradient is checked to be 0).
int node_input_of(const Node& node, const Variable& x) {
  for (std::size_t k = 0; k < node.inputs().size(); ++k) {
    if (node.inputs()[k] == x) return static_cast<int>(k);
  }
  return -1;
}

// The rule's vjp and jvp at a random point, against central differences in float64.
void check_rules(const GradCase& c, DType dtype, double tol) {
  const Shape shape{2, 3};
  const SourceLocation here = SourceLocation::current();
  std::vector<Variable> xs, ts;
  std::vector<Array> point, tangents;
  for (std::size_t i = 0; i < c.ranges.size(); ++i) {
    xs.push_back(tensor("x" + std::to_string(i), dtype, shape));
    ts.push_back(tensor("t" + std::to_string(i), dtype, shape));
    point.push_back(random_array(c.ranges[i], shape, dtype));
    tangents.push_back(random_array({-1, 1}, shape, dtype));
  }
  const Variable y = c.f(xs);
  ASSERT_EQ(y.dtype(), dtype);
  const Node& node = y.node();
  ASSERT_TRUE(node.op().vjp) << "no vjp";
  ASSERT_TRUE(node.op().jvp) << "no jvp";
  const Variable g = tensor("g", dtype, shape);
  const Array g_value = random_array({0.5, 1.5}, shape, dtype);
  const std::vector<Variable> gs{g};
  std::vector<Variable> node_tangents(node.inputs().size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const int k = node_input_of(node, xs[i]);
    if (k >= 0) node_tangents[static_cast<std::size_t>(k)] = ts[i];
  }
  const std::vector<Variable> grads = node.op().vjp(VjpArgs{node, gs, here});
  const std::vector<Variable> tangent = node.op().jvp(JvpArgs{node, node_tangents, here});
  ASSERT_EQ(grads.size(), node.inputs().size());
  ASSERT_EQ(tangent.size(), 1u);
  ASSERT_TRUE(tangent[0].valid());

  std::vector<Variable> ins = xs;
  ins.insert(ins.end(), ts.begin(), ts.end());
  ins.push_back(g);
  std::vector<Array> args = point;
  args.insert(args.end(), tangents.begin(), tangents.end());
  args.push_back(g_value);
  std::vector<Variable> outs{tangent[0]};
  for (const Variable& gr : grads) {
    if (gr.valid()) outs.push_back(gr);
  }
  const std::vector<Array> got = eval(ins, outs, args);

  const double eps = 1e-6;
  const std::vector<double> gv = values(g_value);
  auto near = [&](double actual, double expected) {
    return std::abs(actual - expected) <= tol * (1 + std::abs(expected));
  };
  // vjp: d sum(g * f) / d x_i[j].
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const int k = node_input_of(node, xs[i]);
    std::vector<double> gi(values(point[i]).size(), 0.0);
    if (k >= 0) {
      const Variable& gr = grads[static_cast<std::size_t>(k)];
      ASSERT_TRUE(gr.valid()) << "input " << i << " got no gradient";
      const auto at = std::find(outs.begin(), outs.end(), gr) - outs.begin();
      const Array& ga = got[static_cast<std::size_t>(at)];
      EXPECT_EQ(ga.dtype(), dtype) << "gradient dtype of input " << i;
      ASSERT_EQ(ga.shape(), shape);
      gi = values(ga);
    }
    for (std::size_t j = 0; j < gi.size(); ++j) {
      std::vector<Array> plus, minus;
      for (std::size_t m = 0; m < point.size(); ++m) {
        std::vector<double> p = values(point[m]), q = p;
        if (m == i) {
          p[j] += eps;
          q[j] -= eps;
        }
        plus.push_back(Array::from_vector(p, shape));
        minus.push_back(Array::from_vector(q, shape));
      }
      const std::vector<double> fp = eval_f64(c, plus), fm = eval_f64(c, minus);
      double fd = 0;
      for (std::size_t e = 0; e < fp.size(); ++e) fd += gv[e] * (fp[e] - fm[e]) / (2 * eps);
      EXPECT_TRUE(near(gi[j], fd)) << "vjp of input " << i << " at " << j << ": rule " << gi[j] << ", fd " << fd;
    }
  }
  // jvp: (f(x + eps t) - f(x - eps t)) / 2 eps.
  std::vector<Array> plus, minus;
  for (std::size_t m = 0; m < point.size(); ++m) {
    std::vector<double> p = values(point[m]), q = p, tv = values(tangents[m]);
    for (std::size_t j = 0; j < p.size(); ++j) {
      p[j] += eps * tv[j];
      q[j] -= eps * tv[j];
    }
    plus.push_back(Array::from_vector(p, shape));
    minus.push_back(Array::from_vector(q, shape));
  }
  const std::vector<double> fp = eval_f64(c, plus), fm = eval_f64(c, minus);
  const Array& jv = got[0];
  EXPECT_EQ(jv.dtype(), dtype) << "tangent dtype";
  ASSERT_EQ(jv.shape(), shape);
  const std::vector<double> jvv = values(jv);
  for (std::size_t e = 0; e < fp.size(); ++e) {
    const double fd = (fp[e] - fm[e]) / (2 * eps);
    EXPECT_TRUE(near(jvv[e], fd)) << "jvp at " << e << ": rule " << jvv[e] << ", fd " << fd;
  }
}

TEST(ElemwiseGrad, RulesMatchFiniteDifferences) {
  for (const GradCase& c : grad_cases()) {
    for (DType dtype : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(c.name) + " " + std::string(dtype_name(dtype)));
      check_rules(c, dtype, dtype == DType::float64 ? 1e-6 : 1e-4);
    }
  }
}

std::vector<Array> random_point(const GradCase& c, const Shape& shape, DType dtype) {
  std::vector<Array> point;
  for (Range r : c.ranges) point.push_back(random_array(r, shape, dtype));
  return point;
}

// verify_grad through the reverse driver, with its dtype tolerances.
TEST(ElemwiseGrad, VerifyGradEveryOp) {
  for (const GradCase& c : grad_cases()) {
    for (DType dtype : {DType::float64, DType::float32}) {
      SCOPED_TRACE(std::string(c.name) + " " + std::string(dtype_name(dtype)));
      EXPECT_NO_THROW(verify_grad(c.f, random_point(c, {2, 3}, dtype))) << c.name;
    }
  }
}

// Second order: verify_grad of the gradient with respect to each input (away from
// kinks, abs, maximum, where... are smooth too).
TEST(ElemwiseGrad, VerifyGradOfGradient) {
  for (const GradCase& c : grad_cases()) {
    if (!c.second_order) continue;
    for (std::size_t i = 0; i < c.ranges.size(); ++i) {
      SCOPED_TRACE(std::string(c.name) + " input " + std::to_string(i));
      const Fn dfdx = [&c, i](const std::vector<Variable>& x) { return grad(sum(c.f(x)), x[i]); };
      EXPECT_NO_THROW(verify_grad(dfdx, random_point(c, {3}, DType::float64))) << c.name;
    }
  }
}

// trigamma (digamma's derivative) has no rule: polygamma(2, x) is missing, and a zero
// would be wrong, so the second derivative of digamma is a NullTypeGradError.
TEST(ElemwiseGrad, DigammaSecondDerivativeIsUndefined) {
  const Variable x = vector("x", DType::float64);
  const Variable d = grad(sum(digamma(x)), x);
  testing::expect_error<NullTypeGradError>([&] { grad(sum(d), x); }, {"trigamma", "no gradient rule", "_test.cpp"});
}

// Rop (each op's jvp) against Lop (its vjp): <Lop(v), t> == <v, Rop(t)>.
TEST(ElemwiseGrad, RopAgreesWithLop) {
  for (const GradCase& c : grad_cases()) {
    SCOPED_TRACE(c.name);
    const Shape shape{2, 3};
    std::vector<Variable> xs, ts;
    std::vector<Array> args;
    for (std::size_t i = 0; i < c.ranges.size(); ++i) {
      xs.push_back(tensor("x", DType::float64, shape));
      args.push_back(random_array(c.ranges[i], shape, DType::float64));
    }
    for (std::size_t i = 0; i < c.ranges.size(); ++i) {
      ts.push_back(tensor("t", DType::float64, shape));
      args.push_back(random_array({-1, 1}, shape, DType::float64));
    }
    const Variable v = tensor("v", DType::float64, shape);
    args.push_back(random_array({-1, 1}, shape, DType::float64));
    const Variable y = c.f(xs);
    const Variable jv = Rop({y}, xs, ts)[0];
    const std::vector<Variable> vj = Lop({y}, xs, {v});
    Variable lhs = sum(v * jv), rhs = constant(0.0);
    for (std::size_t i = 0; i < xs.size(); ++i) rhs = rhs + sum(vj[i] * ts[i]);
    std::vector<Variable> ins = xs;
    ins.insert(ins.end(), ts.begin(), ts.end());
    ins.push_back(v);
    const std::vector<Array> got = eval(ins, {lhs, rhs}, args);
    EXPECT_NEAR(got[0].item<double>(), got[1].item<double>(), 1e-12 * (1 + std::abs(got[1].item<double>())));
  }
}

// A tangent from an input that broadcasts has the output's shape, also when the sizes
// are known only at run time.
TEST(ElemwiseGrad, RopBroadcastsTheTangentOfABroadcastInput) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64), t = vector("t", DType::float64);
  for (const Variable& y : {a * b, a + b, maximum(a, b), where(gt(b, 0), a, b)}) {
    const Variable jv = Rop({y}, {a}, {t})[0];
    const Array got = eval({a, b, t}, {jv},
                           {Array::from<double>({2}), Array::from<double>({1, -2, 3}), Array::from<double>({0.5})})[0];
    ASSERT_EQ(got.shape(), Shape{3}) << y.node().op().name;
  }
  const Variable y = a * b;
  testing::expect_array(
      eval({a, b, t}, {Rop({y}, {a}, {t})[0]},
           {Array::from<double>({2}), Array::from<double>({1, -2, 3}), Array::from<double>({0.5})})[0],
      DType::float64, {3}, {0.5, -1, 1.5});
}

// ---- the conventions at kinks (include/hypatia/grad.hpp)

Array grad_at(const std::function<Variable(const Variable&)>& f, const Array& x) {
  const Variable v = tensor("x", x.dtype(), x.shape());
  return eval({v}, {grad(sum(f(v)), v)}, {x})[0];
}

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(ElemwiseGrad, AbsHasZeroGradientAtZero) {
  testing::expect_array(grad_at([](const Variable& x) { return abs(x); }, Array::from<double>({-2, -0.0, 0.0, 3})),
                        DType::float64, {4}, {-1, 0, 0, 1});
}

TEST(ElemwiseGrad, SqrtHasInfiniteGradientAtZero) {
  testing::expect_array(grad_at([](const Variable& x) { return sqrt(x); }, Array::from<double>({0.0, 4.0})),
                        DType::float64, {2}, {kInf, 0.25});
  testing::expect_array(grad_at([](const Variable& x) { return sqrt(x); }, Array::from<float>({0.0f, 4.0f})),
                        DType::float32, {2}, {kInf, 0.25});
}

TEST(ElemwiseGrad, MaximumAndMinimumSendTiesToTheFirstOperand) {
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  const std::vector<Array> args{Array::from<double>({1, 2, 3}), Array::from<double>({1, 5, 0})};
  for (const auto& [name, f] :
       {std::pair<const char*, Variable (*)(const Operand&, const Operand&)>{"maximum", maximum},
        {"minimum", minimum}}) {
    SCOPED_TRACE(name);
    const std::vector<Variable> g = grad(sum(f(a, b)), {a, b});
    const std::vector<Array> got = eval({a, b}, g, args);
    const bool max = std::string(name) == "maximum";
    testing::expect_array(got[0], DType::float64, {3}, {1, max ? 0.0 : 1.0, max ? 1.0 : 0.0});
    testing::expect_array(got[1], DType::float64, {3}, {0, max ? 1.0 : 0.0, max ? 0.0 : 1.0});
  }
}

TEST(ElemwiseGrad, ClipPassesTheGradientOnItsClosedInterval) {
  const Variable x = vector("x", DType::float64), lo = scalar("lo", DType::float64), hi = scalar("hi", DType::float64);
  const std::vector<Variable> g = grad(sum(clip(x, lo, hi)), {x, lo, hi});
  const std::vector<Array> got =
      eval({x, lo, hi}, g, {Array::from<double>({-2, -1, 0, 1, 2}), Array::scalar(-1.0), Array::scalar(1.0)});
  testing::expect_array(got[0], DType::float64, {5}, {0, 1, 1, 1, 0});
  testing::expect_array(got[1], DType::float64, {}, {1});
  testing::expect_array(got[2], DType::float64, {}, {1});
  // lo > hi: hi wins everywhere (NumPy), and so does its gradient.
  const std::vector<Array> crossed =
      eval({x, lo, hi}, g, {Array::from<double>({-2, 0, 2}), Array::scalar(1.0), Array::scalar(-1.0)});
  testing::expect_array(crossed[0], DType::float64, {3}, {0, 0, 0});
  testing::expect_array(crossed[1], DType::float64, {}, {0});
  testing::expect_array(crossed[2], DType::float64, {}, {3});
}

TEST(ElemwiseGrad, WhereRoutesBySelectSoTheBranchNotTakenDoesNotLeak) {
  // The upstream gradient -1/z^2 is -inf where z = x = 0 is taken: y, not taken there,
  // must get 0 (a mask multiplication would give 0 * -inf = NaN).
  const Variable c = vector("c", DType::bool_), x = vector("x", DType::float64), y = vector("y", DType::float64);
  const std::vector<Variable> g = grad(sum(reciprocal(where(c, x, y))), {x, y});
  const std::vector<Array> got =
      eval({c, x, y}, g, {Array::from<bool>({true, false}), Array::from<double>({0, 1}), Array::from<double>({2, 3})});
  testing::expect_array(got[0], DType::float64, {2}, {-kInf, 0});
  testing::expect_array(got[1], DType::float64, {2}, {0, -1.0 / 9});
  // The safe-sqrt idiom: the untaken sqrt sees a harmless argument, so no NaN appears.
  testing::expect_array(grad_at(
                            [](const Variable& v) {
                              const Variable pos = gt(v, 0);
                              return where(pos, sqrt(where(pos, v, 1.0)), 0.0);
                            },
                            Array::from<double>({-1, 0, 4})),
                        DType::float64, {3}, {0, 0, 0.25});
}

TEST(ElemwiseGrad, PowAtZeroBase) {
  // d(0^b)/db = 0 (0^b is constant in b on either side); d(a^0)/da = 0.
  const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
  const std::vector<Variable> g = grad(sum(pow(a, b)), {a, b});
  const std::vector<Array> got = eval({a, b}, g, {Array::from<double>({0, 0, 2}), Array::from<double>({2, 0, 0})});
  testing::expect_array(got[0], DType::float64, {3}, {0, 0, 0});
  testing::expect_array(got[1], DType::float64, {3}, {0, 0, std::log(2.0)});
}

TEST(ElemwiseGrad, PiecewiseConstantOpsHaveZeroGradient) {
  for (const auto& f : std::vector<Fn>{[](const std::vector<Variable>& x) { return sign(x[0]) * x[1]; },
                                       [](const std::vector<Variable>& x) { return floor_div(x[0], x[1]) + x[1]; },
                                       [](const std::vector<Variable>& x) { return floor(x[0]) + round(x[1]); }}) {
    const Variable a = vector("a", DType::float64), b = vector("b", DType::float64);
    const std::vector<Variable> g = grad(sum(f({a, b})), {a, b}, GradOptions{{}, "ignore", {}, "zero", "raise"});
    const Array ga = eval({a, b}, {g[0]}, {Array::from<double>({-1.5, 2.5}), Array::from<double>({0.7, 1.2})})[0];
    testing::expect_array(ga, DType::float64, {2}, {0, 0});
  }
}

TEST(ElemwiseGrad, GradientsKeepTheInputDtype) {
  // float32 meets float64: the result is float64, the float32 input's gradient float32.
  const Variable a = vector("a", DType::float32), b = vector("b", DType::float64);
  const std::vector<Variable> g = grad(sum(a * b + exp(a)), {a, b});
  EXPECT_EQ(g[0].dtype(), DType::float32);
  EXPECT_EQ(g[1].dtype(), DType::float64);
  // cast: the gradient is cast back.
  const Variable x = vector("x", DType::float32);
  const Variable gx = grad(sum(cast(x, DType::float64) * 3.0), x);
  EXPECT_EQ(gx.dtype(), DType::float32);
  testing::expect_array(eval({x}, {gx}, {Array::from<float>({1, 2})})[0], DType::float32, {2}, {3, 3});
  verify_grad([](const std::vector<Variable>& v) { return cast(v[0], DType::float32) * 2.0f; },
              {Array::from<double>({0.5, -1.5})});
}

TEST(ElemwiseGrad, BroadcastOperandsGetSummedGradients) {
  // d sum(a * b) / da[i] = sum_j b[j] for a (3, 1) and b (4,).
  const Variable a = tensor("a", DType::float64, {3, 1}), b = vector("b", DType::float64);
  const std::vector<Variable> g = grad(sum(a * b), {a, b});
  const std::vector<Array> got =
      eval({a, b}, g, {Array::from<double>({{1}, {2}, {3}}), Array::from<double>({1, 2, 3, 4})});
  testing::expect_array(got[0], DType::float64, {3, 1}, {10, 10, 10});
  testing::expect_array(got[1], DType::float64, {4}, {6, 6, 6, 6});
  for (const GradCase& c : grad_cases()) {
    if (c.ranges.size() < 2) continue;
    SCOPED_TRACE(c.name);
    std::vector<Array> point;
    const Shape shapes[] = {{3, 1}, {4}, {1, 4}};
    for (std::size_t i = 0; i < c.ranges.size(); ++i)
      point.push_back(random_array(c.ranges[i], shapes[i], DType::float64));
    EXPECT_NO_THROW(verify_grad(c.f, point)) << c.name;
  }
}

// ---- the generic batch rule

// The op applied to batched inputs (batch axis first) through its batch rule, against
// the op applied to each batch element in turn.
void check_batch(const std::string& name, const std::vector<Array>& unbatched, const std::vector<bool>& batched,
                 const std::vector<Array>& batched_values, std::int64_t n, const Attrs& attrs) {
  std::vector<Variable> xs, bxs;
  for (std::size_t i = 0; i < unbatched.size(); ++i) {
    xs.push_back(tensor("x", unbatched[i].dtype(), unbatched[i].shape()));
    bxs.push_back(batched[i] ? tensor("bx", batched_values[i].dtype(), batched_values[i].shape()) : xs[i]);
  }
  const Variable y = apply1(name, xs, attrs, SourceLocation::current());
  ASSERT_TRUE(y.node().op().batch) << "no batch rule";
  const Variable by = y.node().op().batch(BatchArgs{y.node(), bxs, batched, SourceLocation::current()})[0];
  std::vector<Variable> ins;
  std::vector<Array> args;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    ins.push_back(bxs[i]);
    args.push_back(batched[i] ? batched_values[i] : unbatched[i]);
  }
  const Array got = eval(ins, {by}, args)[0];
  ASSERT_EQ(got.shape()[0], n);
  for (std::int64_t k = 0; k < n; ++k) {
    std::vector<Array> slice;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      slice.push_back(batched[i] ? batched_values[i].slice(0, k, k + 1).reshape(unbatched[i].shape()) : unbatched[i]);
    }
    const Array expected = eval(xs, {y}, slice)[0];
    const Array actual = got.slice(0, k, k + 1).reshape(expected.shape());
    ASSERT_EQ(actual.dtype(), expected.dtype());
    const std::vector<double> e = expected.to_vector<double>(), a = actual.to_vector<double>();
    for (std::size_t j = 0; j < e.size(); ++j) {
      EXPECT_TRUE(std::isnan(e[j]) ? std::isnan(a[j]) : a[j] == e[j]) << "batch element " << k << ", element " << j;
    }
  }
}

TEST(ElemwiseGrad, BatchRuleOfEveryElementwiseOpMatchesALoop) {
  const std::int64_t n = 3;
  // Ranks differ so that a batch axis put in front without new axes would misalign.
  const Shape shapes[] = {{2, 1}, {4}, {1, 4}};
  int checked = 0;
  for (const OpDef* op : OpRegistry::get().all()) {
    if (!op->has(kElementwise)) continue;
    SCOPED_TRACE(op->name);
    const int arity = op->lowering ? scalar_prim_arity(op->lowering->scalar) : 1;
    const bool bits = op->name.starts_with("bitwise") || op->name == "invert";
    const DType dtype = bits ? DType::int32 : DType::float64;
    const Attrs attrs = op->name == "cast" ? Attrs{{"dtype", DType::float32}} : Attrs{};
    std::vector<Array> unbatched, batched_values;
    for (int i = 0; i < arity; ++i) {
      unbatched.push_back(random_array({0.2, 0.9}, shapes[i], dtype));
      Shape bs{n};
      bs.insert(bs.end(), shapes[i].begin(), shapes[i].end());
      batched_values.push_back(random_array({0.2, 0.9}, bs, dtype));
    }
    if (bits) {
      for (auto* v : {&unbatched, &batched_values}) {
        for (Array& a : *v) a = random_array({0, 100}, a.shape(), DType::float64).astype(DType::int32);
      }
    }
    for (int mask = 1; mask < (1 << arity); ++mask) {
      std::vector<bool> batched;
      for (int i = 0; i < arity; ++i) batched.push_back(((mask >> i) & 1) != 0);
      check_batch(op->name, unbatched, batched, batched_values, n, attrs);
    }
    ++checked;
  }
  EXPECT_GE(checked, 70);
}

// jacobian and hessian go through the batch rules: closed forms.
TEST(ElemwiseGrad, JacobianAndHessianThroughBatchRules) {
  const Variable x = vector("x", DType::float64);
  const std::vector<double> xs{-1.0, 0.5, 2.0};
  // d (x sin x) / dx is diagonal: sin x + x cos x; d2 sum(exp(x) * x) is diagonal: (x + 2) e^x.
  const std::vector<Array> got =
      eval({x}, {jacobian(x * sin(x), x), hessian(sum(exp(x) * x), x)}, {Array::from_vector(xs)});
  std::vector<double> jac(9, 0.0), hess(9, 0.0);
  for (std::size_t i = 0; i < 3; ++i) {
    jac[i * 4] = std::sin(xs[i]) + xs[i] * std::cos(xs[i]);
    hess[i * 4] = (xs[i] + 2) * std::exp(xs[i]);
  }
  testing::expect_array(got[0], DType::float64, {3, 3}, jac, 1e-14, 1e-15);
  testing::expect_array(got[1], DType::float64, {3, 3}, hess, 1e-14, 1e-15);
}

}  // namespace
}  // namespace hypatia
