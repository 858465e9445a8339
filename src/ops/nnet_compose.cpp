// Activations and losses of neural networks (include/hypatia/ops/nnet.hpp, second
// part): compositions of registered ops, so they need no kernels or gradient rules of
// their own. Every intermediate node carries the user's source line (x.where()).
//
// Stability rule: a `where` whose unselected branch overflows poisons the gradient
// (its vjp multiplies that branch's inf derivative by 0), so each branch is fed only
// the inputs it is meant for (elu's expm1 sees min(x, 0)) or is finite everywhere
// (both branches of sigmoid_binary_crossentropy).
#include <string>

#include "graph/op.hpp"
#include "hypatia/error.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/nnet.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "hypatia/ops/sort.hpp"

namespace hypatia {
namespace {

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// A variable as an operand made at the user's line.
Operand at(const Variable& v, SourceLocation w) { return Operand(v, w); }
Operand at(double v, SourceLocation w) { return Operand(v, w); }

// softmax(z) over z's last axis -> z; otherwise nothing.
const Variable* softmax_logits(const Variable& p) {
  if (p.is_input() || p.is_constant() || p.node().op().name != "softmax") return nullptr;
  const Variable& z = p.node().inputs()[0];
  if (p.node().attrs().get_int("axis") != z.ndim() - 1) return nullptr;
  return &z;
}

bool is_index_dtype(DType t) { return is_integer(t); }

[[noreturn]] void crossentropy_error(SourceLocation w, const std::string& what) {
  throw TypeError(format_location(w) + ": categorical_crossentropy: " + what);
}

}  // namespace

Variable relu(const Operand& x, double alpha) {
  const SourceLocation w = x.where();
  // An integer 0, so an integer x keeps its dtype (a 0.0 would make it float64).
  if (alpha == 0.0) return maximum(x, Operand(0, w));
  return where(at(gt(x, at(0.0, w)), w), x, at(mul(at(alpha, w), x), w));
}

Variable elu(const Operand& x, double alpha) {
  const SourceLocation w = x.where();
  const Variable negative = mul(at(alpha, w), at(expm1(at(minimum(x, at(0.0, w)), w)), w));
  return where(at(gt(x, at(0.0, w)), w), x, at(negative, w));
}

Variable selu(const Operand& x) {
  const SourceLocation w = x.where();
  return mul(at(kSeluScale, w), at(elu(x, kSeluAlpha), w));
}

Variable softsign(const Operand& x) {
  const SourceLocation w = x.where();
  return true_div(x, at(add(at(1.0, w), at(abs(x), w)), w));
}

Variable hard_sigmoid(const Operand& x) {
  const SourceLocation w = x.where();
  const Variable line = add(at(mul(x, at(0.2, w)), w), at(0.5, w));
  return clip(at(line, w), at(0.0, w), at(1.0, w));
}

Variable categorical_crossentropy(const Operand& coding_dist, const Operand& true_dist) {
  const SourceLocation w = coding_dist.where();
  const Variable p = coding_dist.variable();
  const Variable t = true_dist.variable();
  if (p.ndim() < 1) crossentropy_error(w, "coding_dist must have a class axis, but it is a scalar");
  const Variable* z = softmax_logits(p);
  if (t.ndim() == p.ndim() - 1) {
    if (!is_index_dtype(t.dtype())) {
      crossentropy_error(w, "class indices (true_dist of rank " + std::to_string(t.ndim()) +
                                ") must have an integer dtype, not " + std::string(dtype_name(t.dtype())));
    }
    if (z != nullptr) return softmax_cross_entropy(at(*z, w), at(t, w));
    const Variable picked = take_along_axis(at(p, w), at(expand_dims(at(t, w), -1), w), -1);
    return neg(at(log(at(squeeze(at(picked, w), {-1}), w)), w));
  }
  if (t.ndim() == p.ndim()) {
    const Variable logp = z != nullptr ? log_softmax(at(*z, w), -1) : log(at(p, w));
    return neg(at(sum(at(mul(at(t, w), at(logp, w)), w), {-1}), w));
  }
  crossentropy_error(w, "true_dist must have coding_dist's rank (" + std::to_string(p.ndim()) +
                            ", a distribution) or one less (integer classes), not " + std::to_string(t.ndim()));
}

Variable binary_crossentropy(const Operand& output, const Operand& target) {
  const SourceLocation w = output.where();
  const Variable o = output.variable();
  if (!o.is_input() && !o.is_constant() && o.node().op().name == "sigmoid") {
    return sigmoid_binary_crossentropy(at(o.node().inputs()[0], w), target);
  }
  // -(t log(o) + (1 - t) log1p(-o))
  const Variable on = mul(target, at(log(output), w));
  const Variable off = mul(at(sub(at(1.0, w), target), w), at(log1p(at(neg(output), w)), w));
  return neg(at(add(at(on, w), at(off, w)), w));
}

Variable sigmoid_binary_crossentropy(const Operand& logits, const Operand& target) {
  const SourceLocation w = logits.where();
  // x > 0: (1 - t) x + softplus(-x); elsewhere: softplus(x) - t x. Both finite for
  // every finite x, and each is a sum of non-negative terms on its side (0 <= t <= 1).
  const Variable above = add(at(mul(at(sub(at(1.0, w), target), w), logits), w), at(softplus(at(neg(logits), w)), w));
  const Variable below = sub(at(softplus(logits), w), at(mul(target, logits), w));
  return where(at(gt(logits, at(0.0, w)), w), at(above, w), at(below, w));
}

}  // namespace hypatia
