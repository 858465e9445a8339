// Numerically stable ops for neural networks and probabilities (src/ops/nnet.cpp):
// what the stabilize rewrites (issue 6) turn the naive formulas into. Each computes
// max-shifted or through log1p/expm1, so no intermediate overflows or cancels.
// Integer and bool inputs compute in upcast_to_float(dtype) as exp does; float32 stays
// float32 (the kernels accumulate in double).
#pragma once

#include <cstdint>

#include "hypatia/graph.hpp"
#include "hypatia/ops/reduce.hpp"  // Axes

namespace hypatia {

// log(exp(x) + exp(y)), elementwise with broadcasting (NumPy's np.logaddexp):
// logaddexp(1000, 1000) = 1000 + log 2; (-inf, -inf) -> -inf; (inf, inf) -> inf;
// NaN propagates.
Variable logaddexp(const Operand& x, const Operand& y);

// log(1 - exp(x)) for x <= 0, accurate everywhere: log(-expm1(x)) above -ln 2,
// log1p(-exp(x)) below. log1mexp(0) = -inf, x > 0 gives NaN.
Variable log1mexp(const Operand& x);

// log(sum(exp(x), axis, keepdims)), max-shifted (scipy.special.logsumexp). Axes as in
// reduce.hpp. A selection of only -inf (or an empty one) gives -inf, one holding +inf
// gives +inf, NaN propagates.
Variable logsumexp(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);

// exp(x) / sum(exp(x), axis, keepdims=True), max-shifted (scipy.special.softmax): a
// slice holding +inf, NaN, or only -inf gives NaN throughout.
Variable softmax(const Operand& x, std::int64_t axis = -1);
// x - logsumexp(x, axis, keepdims=True) (scipy.special.log_softmax): log_softmax of
// [0, -1000] is [0, -1000].
Variable log_softmax(const Operand& x, std::int64_t axis = -1);

// The cross-entropy of softmax(logits) against integer class targets, fused:
// -log_softmax(logits)[..., target] for each row. logits has shape (..., k), targets
// integers of shape (...); a target outside [0, k) is an IndexError. Stable at any
// logit gap, with its own gradient (softmax(logits) - one_hot(targets)) * g.
Variable softmax_cross_entropy(const Operand& logits, const Operand& targets);

// Activations and losses of neural networks, built from the ops above and the
// elementwise ones (src/ops/nnet_compose.cpp), with Theano's names and semantics. Each
// composition is stable in value and gradient: no branch of a `where` can overflow, so
// no inf * 0 reaches a gradient. Integer inputs compute in float64 where the formula
// needs a float (as NumPy's `x * 0.2`); float32 stays float32.

// Theano's relu: max(x, 0) for alpha 0, otherwise x where x > 0 and alpha * x elsewhere
// (leaky relu). NaN propagates.
Variable relu(const Operand& x, double alpha = 0.0);
// x where x > 0, alpha * expm1(x) elsewhere (Clevert et al.); the expm1 branch sees
// min(x, 0), so a huge x gives neither inf nor a NaN gradient.
Variable elu(const Operand& x, double alpha = 1.0);
// scale * elu(x, alpha) with Klambauer et al.'s alpha = 1.6732632423543772 and
// scale = 1.0507009873554805 (self-normalizing networks).
Variable selu(const Operand& x);
// x / (1 + |x|).
Variable softsign(const Operand& x);
// Theano's hard_sigmoid: clip(0.2 x + 0.5, 0, 1).
Variable hard_sigmoid(const Operand& x);

// Theano's categorical_crossentropy over the last axis of coding_dist (probabilities):
// integer class indices of one rank less give -log(coding_dist[..., target]); a
// distribution (one-hot or soft) of coding_dist's shape gives
// -sum(true_dist * log(coding_dist), -1). coding_dist = softmax(z) over the last axis
// is recognized and computed from z (softmax_cross_entropy / log_softmax), stable at
// any logit gap. Another rank or float indices are a TypeError.
Variable categorical_crossentropy(const Operand& coding_dist, const Operand& true_dist);
// Theano's binary_crossentropy: -(target log(output) + (1 - target) log(1 - output)),
// elementwise with broadcasting; output = sigmoid(z) is computed from z as
// sigmoid_binary_crossentropy(z, target).
Variable binary_crossentropy(const Operand& output, const Operand& target);
// binary_crossentropy(sigmoid(logits), target) without forming the sigmoid: (1 - t) x
// + softplus(-x) for x > 0, softplus(x) - t x elsewhere, so neither side overflows nor
// cancels at huge |logits| (the value is 0 where a huge logit agrees with its target);
// gradient sigmoid(x) - t.
Variable sigmoid_binary_crossentropy(const Operand& logits, const Operand& target);

}  // namespace hypatia
