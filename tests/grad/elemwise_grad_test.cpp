// Gradients of the elementwise ops: each op's vjp and jvp rule against central finite
// differences computed in float64 (so float32 rules are checked against an accurate
// reference), the kink conventions, and the generic batch rule against a loop.
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "graph/op.hpp"
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
      {"digamma", u(digamma), {{0.5, 4}}},
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

}  // namespace
}  // namespace hypatia
