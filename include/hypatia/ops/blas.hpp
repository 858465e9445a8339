// Products (src/ops/blas.cpp), with NumPy's semantics; the result dtype is the
// promotion of the operands' dtypes. Shapes that do not align are a ShapeError.
#pragma once

#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

Variable dot(const Operand& a, const Operand& b);     // numpy.dot, every rank
Variable matmul(const Operand& a, const Operand& b);  // numpy.matmul: batched, broadcast
Variable tensordot(const Operand& a, const Operand& b, std::int64_t axes = 2);
Variable tensordot(const Operand& a, const Operand& b, const std::vector<std::int64_t>& a_axes,
                   const std::vector<std::int64_t>& b_axes);
Variable outer(const Operand& a, const Operand& b);   // flattens both, as numpy.outer

}  // namespace hypatia
