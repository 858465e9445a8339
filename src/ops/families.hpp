// The op families, one file each in src/ops/. The registry calls each family's
// registration function once, in this order. Adding an op touches only its family's
// file; adding a family adds a line here.
#pragma once

namespace hypatia {
class OpRegistry;

// X(family): the family's file defines register_<family>_ops(OpRegistry&).
#define HYPATIA_OP_FAMILIES(X) \
  X(leaf)                      \
  X(elemwise_arith)            \
  X(elemwise_math)             \
  X(compare)                   \
  X(logic)                     \
  X(reduce)                    \
  X(shape)                     \
  X(blas)                      \
  X(blas_gemm)                 \
  X(creation)                  \
  X(subtensor)                 \
  X(advanced_subtensor)        \
  X(advanced_inc_subtensor)    \
  X(join)                      \
  X(rearrange)                 \
  X(sort)                      \
  X(cumulative)                \
  X(diagonal)                  \
  X(counting)                  \
  X(nnet)                      \
  X(random)                    \
  X(grad)

#define HYPATIA_X(family) void register_##family##_ops(OpRegistry& registry);
HYPATIA_OP_FAMILIES(HYPATIA_X)
#undef HYPATIA_X

}  // namespace hypatia
