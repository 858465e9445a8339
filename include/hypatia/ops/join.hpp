// Joining, splitting and rearranging arrays (src/ops/join.cpp, src/ops/rearrange.cpp), with NumPy's semantics
// and Theano's names beside NumPy's. Axes may be negative (counted from the end); a bad
// axis is a ValueError naming it and the rank. Shapes that do not fit together are a
// ShapeError naming the operands and their shapes (at build time when static shapes
// decide, else at run time). Results are new arrays, except flip (a view) and the
// pieces of split (views of x inside a graph; a Function still returns copies).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hypatia/graph.hpp"
#include "hypatia/ops/reduce.hpp"

namespace hypatia {

// numpy.concatenate; the dtype is the promotion of the operands'.
Variable concatenate(const std::vector<Operand>& xs, std::int64_t axis = 0);
// Theano's join(axis, *tensors).
Variable join(std::int64_t axis, const std::vector<Operand>& xs);
// numpy.stack: a new axis.
Variable stack(const std::vector<Operand>& xs, std::int64_t axis = 0);
// numpy.hstack / numpy.vstack (Theano's horizontal_stack / vertical_stack).
Variable horizontal_stack(const std::vector<Operand>& xs);
Variable vertical_stack(const std::vector<Operand>& xs);
// Theano's split: pieces of the given sizes (which must add up to the axis' size)
// along `axis`; one output per size.
std::vector<Variable> split(const Operand& x, const std::vector<Operand>& sizes, std::int64_t axis = 0);

// numpy.tile, numpy.repeat (repeats: a scalar or one count per element of the axis;
// flattened when axis is absent), numpy.roll (flattened when axis is absent),
// numpy.flip (every axis when absent; a view with negative strides).
Variable tile(const Operand& x, const std::vector<std::int64_t>& reps);
Variable repeat(const Operand& x, const Operand& repeats, std::optional<std::int64_t> axis = std::nullopt);
Variable roll(const Operand& x, const Operand& shift, std::optional<std::int64_t> axis = std::nullopt);
Variable flip(const Operand& x, Axes axis = std::nullopt);

// numpy.pad with one (before, after) pair per axis (one pair applies to every axis);
// mode "constant" (with constant_value), "edge" or "reflect".
Variable pad(const Operand& x, const std::vector<std::pair<std::int64_t, std::int64_t>>& pad_width,
             const std::string& mode = "constant", double constant_value = 0.0);

// numpy.diff: the n-th forward difference along axis.
Variable diff(const Operand& x, std::int64_t n = 1, std::int64_t axis = -1);

}  // namespace hypatia
