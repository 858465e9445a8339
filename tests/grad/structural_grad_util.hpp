// Checks of single differentiation rules (vjp, jvp, batch) of one op against
// independent references: central finite differences of the op's own kernel, and the
// op applied batch element by batch element through the interpreter.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia::testing {

using Fun = std::function<Variable(const std::vector<Variable>&)>;

// Deterministic values in [lo, hi) (a fixed LCG, the same on every platform).
inline std::vector<double> draws(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
  std::uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  std::vector<double> out(n);
  for (double& v : out) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  return out;
}

// An array of `shape` holding `values` in C order (from_vector reads an empty shape as
// "1-d").
inline Array array_of(const std::vector<double>& values, const Shape& shape) {
  return shape.empty() ? Array::scalar(values.at(0)) : Array::from_vector(values, shape);
}

inline Array random_array(const Shape& shape, std::uint64_t seed, DType dtype = DType::float64, double lo = -1.0,
                          double hi = 1.0) {
  return array_of(draws(static_cast<std::size_t>(shape_size(shape)), seed, lo, hi), shape).astype(dtype);
}

// One input per point; static shapes or every size unknown.
inline std::vector<Variable> inputs_for(const std::vector<Array>& point, bool static_shapes = true) {
  std::vector<Variable> vars;
  for (std::size_t i = 0; i < point.size(); ++i) {
    Shape s = point[i].shape();
    if (!static_shapes) s.assign(s.size(), kUnknownDim);
    vars.push_back(tensor("x" + std::to_string(i), point[i].dtype(), s));
  }
  return vars;
}

// The vjp rule of out's node, given cotangent g for out.
inline std::vector<Variable> rule_vjp(const Variable& out, const Variable& g) {
  const Node& n = out.node();
  EXPECT_TRUE(static_cast<bool>(n.op().vjp)) << n.op().name << " has no vjp";
  std::vector<Variable> grads(static_cast<std::size_t>(n.num_outputs()));
  grads[static_cast<std::size_t>(out.index())] = g;
  return n.op().vjp(VjpArgs{n, grads, n.where()});
}

inline std::vector<Variable> rule_jvp(const Variable& out, const std::vector<Variable>& tangents) {
  const Node& n = out.node();
  EXPECT_TRUE(static_cast<bool>(n.op().jvp)) << n.op().name << " has no jvp";
  return n.op().jvp(JvpArgs{n, tangents, n.where()});
}

inline Array with_element(const Array& x, std::size_t j, double delta) {
  std::vector<double> v = x.to_vector<double>();
  v[j] += delta;
  return array_of(v, x.shape()).astype(x.dtype());
}

inline Array plus_scaled(const Array& x, const Array& t, double s) {
  std::vector<double> v = x.to_vector<double>(), d = t.to_vector<double>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] += s * d[i];
  return array_of(v, x.shape()).astype(x.dtype());
}

inline double dot_values(const Array& a, const Array& b) {
  std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

// The vjp rule of fun's last node at `point` (float64) against central differences of
// <u, fun(x)> for a random u; static_shapes = false leaves every size unknown.
inline void check_vjp(const Fun& fun, const std::vector<Array>& point, bool static_shapes = true,
                      double tol = 1e-7) {
  const std::vector<Variable> vars = inputs_for(point, static_shapes);
  const Variable out = fun(vars);
  Function f = function(vars, {out});
  const Array y = f(point)[0];
  const Array u = random_array(y.shape(), 99, y.dtype(), 0.5, 1.5);
  const Variable g = tensor("g", y.dtype(), static_shapes ? y.shape() : Shape(y.shape().size(), kUnknownDim));
  const std::vector<Variable> grads = rule_vjp(out, g);
  ASSERT_EQ(grads.size(), out.node().inputs().size());
  for (std::size_t i = 0; i < point.size(); ++i) {
    // The rule differentiates the node's inputs; fun's inputs must be among them.
    std::size_t k = 0;
    while (k < out.node().inputs().size() && !(out.node().inputs()[k] == vars[i])) ++k;
    ASSERT_LT(k, out.node().inputs().size()) << "input " << i << " is not an input of the node";
    ASSERT_TRUE(grads[k].valid()) << "no gradient for input " << i;
    std::vector<Variable> all = vars;
    all.push_back(g);
    std::vector<Array> args = point;
    args.push_back(u);
    const Array gx = eval1(all, grads[k], args);
    ASSERT_EQ(gx.shape(), point[i].shape()) << "gradient shape of input " << i;
    ASSERT_EQ(gx.dtype(), point[i].dtype()) << "gradient dtype of input " << i;
    const std::vector<double> got = gx.to_vector<double>();
    const double eps = 1e-6;
    for (std::size_t j = 0; j < got.size(); ++j) {
      std::vector<Array> plus = point, minus = point;
      plus[i] = with_element(point[i], j, eps);
      minus[i] = with_element(point[i], j, -eps);
      const double numeric = (dot_values(u, f(plus)[0]) - dot_values(u, f(minus)[0])) / (2 * eps);
      EXPECT_NEAR(got[j], numeric, tol * (1 + std::abs(numeric))) << "input " << i << ", element " << j;
    }
  }
}

// The jvp rule of fun's last node against central differences along random tangents.
inline void check_jvp(const Fun& fun, const std::vector<Array>& point, double tol = 1e-7) {
  const std::vector<Variable> vars = inputs_for(point);
  const Variable out = fun(vars);
  Function f = function(vars, {out});
  std::vector<Variable> tangents(out.node().inputs().size());
  std::vector<Variable> all = vars;
  std::vector<Array> args = point, plus = point, minus = point;
  const double eps = 1e-6;
  for (std::size_t i = 0; i < point.size(); ++i) {
    const Array t = random_array(point[i].shape(), 7 + i, point[i].dtype());
    const Variable tv = tensor("t" + std::to_string(i), point[i].dtype(), point[i].shape());
    for (std::size_t k = 0; k < out.node().inputs().size(); ++k) {
      if (out.node().inputs()[k] == vars[i]) tangents[k] = tv;
    }
    all.push_back(tv);
    args.push_back(t);
    plus[i] = plus_scaled(point[i], t, eps);
    minus[i] = plus_scaled(point[i], t, -eps);
  }
  const std::vector<Variable> jv = rule_jvp(out, tangents);
  ASSERT_EQ(jv.size(), 1u);
  ASSERT_TRUE(jv[0].valid());
  const Array got = eval1(all, jv[0], args);
  const Array yp = f(plus)[0], ym = f(minus)[0];
  ASSERT_EQ(got.shape(), yp.shape());
  ASSERT_EQ(got.dtype(), yp.dtype());
  const std::vector<double> g = got.to_vector<double>(), p = yp.to_vector<double>(), m = ym.to_vector<double>();
  for (std::size_t j = 0; j < g.size(); ++j) {
    const double numeric = (p[j] - m[j]) / (2 * eps);
    EXPECT_NEAR(g[j], numeric, tol * (1 + std::abs(numeric))) << "element " << j;
  }
}

// Batch element b of a batched array.
inline Array batch_element(const Array& x, std::int64_t b) {
  Shape s(x.shape().begin() + 1, x.shape().end());
  return x.slice(0, b, b + 1).reshape(s);
}

// The batch rule of fun's last node with the inputs flagged in `batched` carrying a
// leading batch axis (the points given batched), against the node applied to each
// batch element through the interpreter.
inline void check_batch(const Fun& fun, const std::vector<Array>& point, const std::vector<bool>& batched,
                        double tol = 1e-12, bool static_shapes = true) {
  std::int64_t nb = -1;
  std::vector<Array> element0 = point;
  for (std::size_t i = 0; i < point.size(); ++i) {
    if (!batched[i]) continue;
    nb = point[i].shape()[0];
    element0[i] = batch_element(point[i], 0);
  }
  ASSERT_GE(nb, 0);
  const std::vector<Variable> vars = inputs_for(element0, static_shapes);
  const Variable out = fun(vars);
  const Node& node = out.node();
  ASSERT_TRUE(static_cast<bool>(node.op().batch)) << node.op().name << " has no batch rule";
  const std::vector<Variable> bvars = inputs_for(point, static_shapes);
  std::vector<Variable> inputs = node.inputs();
  std::vector<bool> flags(inputs.size(), false);
  for (std::size_t i = 0; i < vars.size(); ++i) {
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      if (node.inputs()[k] == vars[i]) {
        inputs[k] = bvars[i];
        flags[k] = batched[i];
      }
    }
  }
  const std::vector<Variable> res = node.op().batch(BatchArgs{node, inputs, flags, node.where()});
  ASSERT_EQ(res.size(), 1u);
  const Array got = eval1(bvars, res[0], point);
  Function f = function(vars, {out});
  ASSERT_EQ(res[0].ndim(), out.ndim() + 1) << "the result has no batch axis";
  ASSERT_EQ(got.shape()[0], nb);
  for (std::int64_t b = 0; b < nb; ++b) {
    std::vector<Array> args = point;
    for (std::size_t i = 0; i < point.size(); ++i) {
      if (batched[i]) args[i] = batch_element(point[i], b);
    }
    const Array want = f(args)[0];
    const Array have = batch_element(got, b);
    ASSERT_EQ(have.dtype(), want.dtype());
    ASSERT_EQ(have.shape(), want.shape()) << "batch element " << b;
    const std::vector<double> h = have.to_vector<double>(), w = want.to_vector<double>();
    for (std::size_t j = 0; j < h.size(); ++j) {
      EXPECT_NEAR(h[j], w[j], tol * (1 + std::abs(w[j]))) << "batch element " << b << ", element " << j;
    }
  }
}

}  // namespace hypatia::testing
