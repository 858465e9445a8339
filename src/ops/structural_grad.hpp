// Helpers for the gradient, tangent and batch rules of the non-elementwise ops
// (reductions, shape ops, products, creation). Each builds graph with the public op
// functions, at the forward node's `where`.
#pragma once

#include <vector>

#include "graph/op.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::detail {

// x's shape as sizes for reshape, broadcast_to and alloc (constants where known).
std::vector<Operand> shape_operands(const Variable& x, SourceLocation where);

// A gradient `g` of something broadcast from x's shape (NumPy's rules), summed back to
// x's shape: over the leading axes x lacks and over axes where x has size 1 (the
// driver's unbroadcast: static where the shapes decide, a sum_to node otherwise).
Variable sum_back_to(const Variable& g, const Variable& x, SourceLocation where);

// `g` in x's dtype when x is a float and a promotion changed the dtype on the way.
Variable in_dtype_of(const Variable& g, const Variable& x, SourceLocation where);

// `v` with the static shape `type` claims, asserted with specify_shape where v's own
// static shape leaves a size unknown (dimshuffle drops only axes known to be 1).
Variable with_static_shape(const Variable& v, const Type& type, SourceLocation where);

// The op of `node`, with its attributes, applied to `inputs` (a linear op's tangent is
// the op applied to the tangent).
Variable reapply(const Node& node, std::vector<Variable> inputs, SourceLocation where);
// The same with input i replaced by v, the other inputs kept.
Variable reapply_on(const Node& node, int i, const Variable& v, SourceLocation where);

// ---- batching

// The batch size of a batched variable: its leading size.
Variable batch_size(const Variable& v, SourceLocation where);
// `v` with axis `from` moved to the front.
Variable move_to_front(const Variable& v, int from, SourceLocation where);
// A batched `v` with n new size-1 axes right after the batch axis.
Variable pad_after_batch(const Variable& v, int n, SourceLocation where);
// InternalError unless one of the inputs is batched and none of inputs first.. is
// (sizes cannot vary across a batch: the outputs would be ragged).
void check_batch(const BatchArgs& a, int first_unbatchable);
// The product over the batch (both a and b carry a leading batch axis) of
// tensordot(a[i], b[i], a_axes, b_axes), with a and b's axes numbered without the batch
// axis: (B, a's free axes, b's free axes), through one batched matmul.
Variable batched_tensordot(const Variable& a, const Variable& b, const std::vector<int>& a_axes,
                           const std::vector<int>& b_axes, SourceLocation where);

}  // namespace hypatia::detail
