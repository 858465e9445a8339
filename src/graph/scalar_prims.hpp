// The scalar primitives of the kernel IR: the closed list that elementwise ops lower
// to and that backends render. One X-macro, so every switch over it is checked by the
// compiler (-Werror=switch). Adding a primitive is rare; adding a graph op is not.
#pragma once

#include <string_view>

namespace hypatia {

// X(name, arity)
#define HYPATIA_SCALAR_PRIMS(X)                                                           \
  X(add, 2) X(sub, 2) X(mul, 2) X(true_div, 2) X(floor_div, 2) X(mod, 2) X(pow, 2)       \
  X(maximum, 2) X(minimum, 2) X(arctan2, 2)                                               \
  X(neg, 1) X(abs, 1) X(sign, 1) X(reciprocal, 1) X(sqr, 1) X(sqrt, 1) X(cbrt, 1)       \
  X(exp, 1) X(exp2, 1) X(expm1, 1) X(log, 1) X(log2, 1) X(log10, 1) X(log1p, 1)          \
  X(sin, 1) X(cos, 1) X(tan, 1) X(arcsin, 1) X(arccos, 1) X(arctan, 1)                   \
  X(sinh, 1) X(cosh, 1) X(tanh, 1) X(arcsinh, 1) X(arccosh, 1) X(arctanh, 1)             \
  X(sigmoid, 1) X(softplus, 1) X(erf, 1) X(erfc, 1) X(erfcx, 1) X(erfinv, 1)            \
  X(gamma, 1) X(gammaln, 1) X(digamma, 1) X(trigamma, 1)                                  \
  X(ceil, 1) X(floor, 1) X(trunc, 1) X(round_half_even, 1) X(round_half_away, 1)         \
  X(clip, 3) X(select, 3)                                                                 \
  X(lt, 2) X(gt, 2) X(le, 2) X(ge, 2) X(eq, 2) X(neq, 2)                                  \
  X(logical_and, 2) X(logical_or, 2) X(logical_xor, 2) X(logical_not, 1)                 \
  X(bitwise_and, 2) X(bitwise_or, 2) X(bitwise_xor, 2) X(invert, 1)                      \
  X(isnan, 1) X(isinf, 1) X(isfinite, 1) X(cast, 1)

enum class ScalarPrim {
#define HYPATIA_X(name, arity) name,
  HYPATIA_SCALAR_PRIMS(HYPATIA_X)
#undef HYPATIA_X
};

std::string_view scalar_prim_name(ScalarPrim p);
int scalar_prim_arity(ScalarPrim p);

// The reductions of the kernel IR.
#define HYPATIA_REDUCE_PRIMS(X) X(sum) X(prod) X(max) X(min) X(argmax) X(argmin) X(all) X(any)

enum class ReducePrim {
#define HYPATIA_X(name) name,
  HYPATIA_REDUCE_PRIMS(HYPATIA_X)
#undef HYPATIA_X
};

std::string_view reduce_prim_name(ReducePrim p);

}  // namespace hypatia
