// Creating arrays inside a graph (src/ops/creation.cpp). Sizes may be symbolic int64
// scalars or C++ integers; a negative size is a ValueError at run time.
#pragma once

#include <optional>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

Variable zeros(const std::vector<Operand>& shape, DType dtype = floatX());
Variable ones(const std::vector<Operand>& shape, DType dtype = floatX());
// `value` broadcast to `shape`, in value's dtype unless one is given.
Variable full(const std::vector<Operand>& shape, const Operand& value, std::optional<DType> dtype = std::nullopt);
// Theano's alloc: `value` broadcast to `shape`, in value's dtype.
Variable alloc(const Operand& value, const std::vector<Operand>& shape);
Variable zeros_like(const Operand& x, std::optional<DType> dtype = std::nullopt);
Variable ones_like(const Operand& x, std::optional<DType> dtype = std::nullopt);
// numpy.arange; the dtype defaults to NumPy's choice for the arguments.
Variable arange(const Operand& stop, std::optional<DType> dtype = std::nullopt);
Variable arange(const Operand& start, const Operand& stop, const Operand& step = 1,
                std::optional<DType> dtype = std::nullopt);
// n x m (m defaults to n) with ones on diagonal k.
Variable eye(const Operand& n, std::optional<Operand> m = std::nullopt, std::int64_t k = 0, DType dtype = floatX());

}  // namespace hypatia
