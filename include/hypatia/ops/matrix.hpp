// Triangles, diagonals and counting (src/ops/diagonal.cpp, src/ops/counting.cpp), with
// NumPy's semantics. Ops on matrices act on the last two axes of a stack of matrices
// where NumPy's do (tril, triu); diagonal and trace take the axes they name.
#pragma once

#include <optional>

#include "hypatia/dtype.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {

// numpy.tri: n x m (m defaults to n), ones at and below diagonal k.
Variable tri(const Operand& n, std::optional<Operand> m = std::nullopt, std::int64_t k = 0, DType dtype = floatX());
// numpy.tril / numpy.triu: zero above / below diagonal k.
Variable tril(const Operand& x, std::int64_t k = 0);
Variable triu(const Operand& x, std::int64_t k = 0);
// numpy.diag: a vector becomes a matrix with it on diagonal k; a matrix gives its
// diagonal k (a copy).
Variable diag(const Operand& x, std::int64_t k = 0);
// numpy.diagonal: the diagonal `offset` of the (axis1, axis2) planes, moved to the last
// axis; a read-only view.
Variable diagonal(const Operand& x, std::int64_t offset = 0, std::int64_t axis1 = 0, std::int64_t axis2 = 1);
// numpy.trace: the sum of that diagonal.
Variable trace(const Operand& x, std::int64_t offset = 0, std::int64_t axis1 = 0, std::int64_t axis2 = 1);

// numpy.linspace: num evenly spaced values from start to stop (included when endpoint).
Variable linspace(const Operand& start, const Operand& stop, std::int64_t num = 50, bool endpoint = true,
                  std::optional<DType> dtype = std::nullopt);

// Theano's to_one_hot: integer labels of any shape to one-hot rows of n classes (a new
// last axis); a label outside [0, n) is an IndexError at run time.
Variable one_hot(const Operand& labels, const Operand& n, DType dtype = floatX());
// numpy.bincount of non-negative integers, with optional weights (float64 result,
// int64 without); at least minlength bins. A negative value is a ValueError.
Variable bincount(const Operand& x, std::optional<Operand> weights = std::nullopt, std::int64_t minlength = 0);

}  // namespace hypatia
