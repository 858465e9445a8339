// Helpers for the tests of the gradient drivers (driver, forward, jacobian and
// verify_grad tests): arrays, and nodes of private ops that lack some rule.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "graph/op.hpp"
#include "test_util.hpp"

namespace hypatia::driver_testing {

inline Array random_array(const Shape& shape, std::uint64_t seed, DType dtype = DType::float64, double lo = -1.0,
                          double hi = 1.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (double& x : v) x = d(rng);
  const Array a = Array::from_vector(v, shape.empty() ? Shape{1} : shape);
  return (shape.empty() ? a.reshape({}) : a).astype(dtype);
}

// A node of an op that is not in the registry (so registry walks never see it):
// the identity times 2, with only the rules `def` carries. Its reference kernel and
// type inference are filled in here.
inline OpDef private_op(const char* name) {
  OpDef d;
  d.name = name;
  d.summary = "test op: 2 * x";
  d.infer = [](const InferArgs& a) { return std::vector<Type>{a.type(0)}; };
  d.shape = detail::shape_same_as_input0;
  d.reference = [](const KernelArgs& a) {
    const std::vector<double> v = a.inputs[0].to_vector<double>();
    std::vector<double> out;
    for (double x : v) out.push_back(2 * x);
    const Array r = Array::from_vector(out, a.inputs[0].ndim() ? a.inputs[0].shape() : Shape{1});
    return std::vector<Array>{(a.inputs[0].ndim() ? r : r.reshape({})).astype(a.inputs[0].dtype())};
  };
  return d;
}

inline Variable private_node(const OpDef& def, const Variable& x, SourceLocation where = SourceLocation::current()) {
  static std::uint64_t next_id = std::uint64_t{1} << 40;
  auto node = std::make_shared<Node>(&def, Attrs{}, std::vector<Variable>{x}, std::vector<Type>{x.type()}, where,
                                     std::size_t{0}, next_id++);
  return node->output(0);
}

// The private op with a vjp (the op itself: 2 g) but no jvp and no batch rule.
inline const OpDef& vjp_only_op() {
  static const OpDef def = [] {
    OpDef d = private_op("test_vjp_only");
    d.vjp = [](const VjpArgs& a) {
      return std::vector<Variable>{a.grad().valid() ? private_node(a.node.op(), a.grad(), a.where) : Variable()};
    };
    return d;
  }();
  return def;
}

// The private op with no rule and no reason.
inline const OpDef& no_rule_op() {
  static const OpDef def = private_op("test_no_rule");
  return def;
}

// Reads a float array as doubles.
inline std::vector<double> values(const Array& a) { return a.to_vector<double>(); }

}  // namespace hypatia::driver_testing
