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

}  // namespace hypatia
