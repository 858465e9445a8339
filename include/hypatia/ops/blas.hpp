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

// Theano's Gemm (src/ops/blas_gemm.cpp): alpha * op(x) @ op(y) + beta * z, where op
// transposes x when trans_x (y when trans_y). z, x and y are matrices of one float
// dtype, z of the product's shape exactly (no broadcasting); alpha and beta are scalars,
// cast to that dtype. NaN semantics are the formula's (beta == 0 still reads z). The
// specialize phase builds it from alpha * dot(x, y) + beta * z; users rarely need to.
Variable gemm(const Operand& z, const Operand& alpha, const Operand& x, const Operand& y, const Operand& beta,
              bool trans_x = false, bool trans_y = false);

}  // namespace hypatia
