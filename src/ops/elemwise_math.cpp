// Elementwise math functions: roots, exponentials and logarithms, trigonometric and
// hyperbolic functions, sigmoid and softplus, the error and gamma families, rounding.
// Integer inputs compute in upcast_to_float(dtype) (Theano's rule), except rounding,
// which keeps integer dtypes as NumPy does.
#include <cmath>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"

namespace hypatia {

using detail::ElemwiseSpec;
using detail::ResultDType;

void register_elemwise_math_ops(OpRegistry& r) {
  define_elemwise(r, ElemwiseSpec{"exp", "e to the power x, elementwise.", kMonotoneIncreasing, ScalarPrim::exp,
                                  ResultDType::float_upcast,
                                  detail::float_kernel<1>([](auto x) { return std::exp(x); })});
}

Variable exp(const Operand& x) { return detail::elemwise("exp", {&x}); }

}  // namespace hypatia
