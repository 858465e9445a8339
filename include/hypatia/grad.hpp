// Symbolic differentiation (src/grad/). Gradients are graphs: differentiate them again
// to any order. Theano's API and semantics:
// - grad(cost, wrt): cost must be a scalar (0-d) unless known_grads is given (a
//   known gradient is final: its variable's users add nothing to it). Gradients have
//   their inputs' dtypes. Integer and bool inputs get zero gradients of dtype floatX
//   (Theano's rule: a gradient is a real-valued direction); no gradient flows through
//   integer values, so an integer cost gives zeros.
// - An input the cost does not depend on (structurally: no path, or a path only
//   through consider_constant variables or disconnected_grad) is a
//   DisconnectedInputError unless disconnected_inputs says "warn" or "ignore".
// - Through an op with a reason for having no gradient (argmax, comparisons) the
//   gradient is zero. Through an op with neither a rule nor a reason it is null: a
//   NullTypeGradError naming the input, the op and its line, unless null_gradients
//   says "return" (an empty Variable for each input it reaches).
// - Conventions at kinks: d|x|/dx at 0 is 0; d sqrt(x)/dx at 0 is +inf; maximum and
//   minimum send a tie's gradient to the first operand; the gradient of
//   where(c, a, b) is routed by c with a select (never by multiplying with a mask, so
//   an inf or NaN in the branch not taken does not leak).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/error.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/source_location.hpp"

namespace hypatia {

// The cost does not depend on one of the `wrt` inputs.
class DisconnectedInputError : public UserError {
 public:
  explicit DisconnectedInputError(const std::string& m) : UserError(ErrorKind::value, m) {}
};
// A gradient was needed through an op that has none.
class NullTypeGradError : public UserError {
 public:
  explicit NullTypeGradError(const std::string& m) : UserError(ErrorKind::type, m) {}
};
// verify_grad found a symbolic gradient that disagrees with finite differences.
class GradientError : public UserError {
 public:
  explicit GradientError(const std::string& m) : UserError(ErrorKind::value, m) {}
};

struct GradOptions {
  // Treated as constants: no gradient flows through them.
  std::vector<Variable> consider_constant;
  // "raise" (default), "warn" or "ignore".
  std::string disconnected_inputs = "raise";
  // Gradients of intermediate variables given by the caller (cost may then be invalid
  // or non-scalar).
  std::vector<std::pair<Variable, Variable>> known_grads;
  // "zero" (default): a disconnected input's gradient is zeros_like(input); "none":
  // an invalid Variable.
  std::string return_disconnected = "zero";
  // "raise" (default) or "return" (an invalid Variable for a null gradient).
  std::string null_gradients = "raise";
  // Differentiate the cost after the stabilize rewrites (hypatia/rewrite.hpp), so that
  // the gradients of stable forms are stable too: d/dx log(sigmoid(x)) is then the
  // derivative of -softplus(-x), 1 at x = -800 and not 0 * inf. Done only when every
  // wrt is a graph input or a shared variable and no consider_constant or known_grads
  // name an intermediate variable that a rewrite could replace.
  bool stabilize_cost = true;
};

Variable grad(const Variable& cost, const Variable& wrt, const GradOptions& options = {},
              SourceLocation where = SourceLocation::current());
std::vector<Variable> grad(const Variable& cost, const std::vector<Variable>& wrt, const GradOptions& options = {},
                           SourceLocation where = SourceLocation::current());

// J·v: the directional derivative of f along eval_points (one per wrt, same shapes).
// Through each op's jvp, or its vjp twice (the double-vjp trick) where it has none; an
// f that does not depend on wrt gets zeros.
std::vector<Variable> Rop(const std::vector<Variable>& f, const std::vector<Variable>& wrt,
                          const std::vector<Variable>& eval_points, SourceLocation where = SourceLocation::current());
// vᵀ·J: eval_points has one cotangent per f (same shapes); one result per wrt
// (grad with the cotangents as known_grads).
std::vector<Variable> Lop(const std::vector<Variable>& f, const std::vector<Variable>& wrt,
                          const std::vector<Variable>& eval_points, SourceLocation where = SourceLocation::current());

// d expr / d wrt, shape expr.shape + wrt.shape, vectorized over expr's elements: one
// graph through the ops' batch rules (each op on the path needs one), not a loop.
// DisconnectedInputError when expr does not depend on wrt.
Variable jacobian(const Variable& expr, const Variable& wrt, SourceLocation where = SourceLocation::current());
// d² cost / d wrt², shape wrt.shape + wrt.shape; cost a scalar. A cost linear in wrt
// gives zeros.
Variable hessian(const Variable& cost, const Variable& wrt, SourceLocation where = SourceLocation::current());
// H·v without forming H.
Variable hessian_vector_product(const Variable& cost, const Variable& wrt, const Variable& v,
                                SourceLocation where = SourceLocation::current());

// Gradient helpers: identity in the forward pass. In forward mode (Rop), zero_grad,
// consider_constant and disconnected_grad give zero tangents, grad_clip passes the
// tangent unchanged and grad_scale scales it.
Variable zero_grad(const Operand& x);                 // gradient zero
Variable disconnected_grad(const Operand& x);         // gradient disconnected
Variable consider_constant(const Operand& x);         // gradient zero (Theano's name)
Variable grad_clip(const Operand& x, double lo, double hi);  // gradient clipped to [lo, hi]; lo > hi: ValueError
Variable grad_scale(const Operand& x, double multiplier);    // gradient scaled

// Checks the symbolic gradient of `fun` (which maps the given inputs to a scalar or
// any-shape output, projected onto a random tensor drawn from [0.5, 1.5)) against
// central finite differences at `point` (error O(eps²), more accurate than Theano's
// one-sided ones); a component fails only where both its absolute and relative errors
// exceed their tolerances. Throws GradientError naming the input, the position, both
// values and both errors; ValueError / TypeError for an empty or integer point,
// n_tests < 1, non-positive eps or tolerances, or a fun returning an empty or
// non-float Variable. The inputs given to fun are named x0, x1, ...
struct VerifyGradOptions {
  int n_tests = 2;
  std::optional<std::uint64_t> seed;  // the rng; a fixed default when absent
  std::optional<double> eps;          // float64: 1e-7, float32: 3e-4
  std::optional<double> abs_tol;      // float64: 1e-4, float32: 1e-2
  std::optional<double> rel_tol;      // float64: 1e-4, float32: 1e-2
};
void verify_grad(const std::function<Variable(const std::vector<Variable>&)>& fun, const std::vector<Array>& point,
                 const VerifyGradOptions& options = {}, SourceLocation where = SourceLocation::current());

}  // namespace hypatia
