// Comparisons (lt, gt, le, ge, eq, neq) and float predicates (isnan, isinf,
// isfinite), all giving bool. Mixed signed and unsigned integers compare by value,
// as in NumPy.
#include <cmath>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"

namespace hypatia {

using detail::ElemwiseSpec;
using detail::ResultDType;

void register_compare_ops(OpRegistry& r) {
  define_elemwise(r, ElemwiseSpec{"eq", "Whether a equals b, elementwise.", kCommutative, ScalarPrim::eq,
                                  ResultDType::boolean, detail::predicate_kernel<2>([](auto a, auto b) { return a == b; })})
      .not_differentiable("a comparison is piecewise constant: its gradient is zero");
}

Variable eq(const Operand& a, const Operand& b) { return detail::elemwise("eq", {&a, &b}); }

}  // namespace hypatia
