// The registry walk: every registered op declares every part of the op contract.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "graph/op.hpp"

namespace hypatia {
namespace {

// The ops the core issue requires, by family; the walk also checks every other
// registered op. (transpose, flatten, squeeze, expand_dims, shape_pad*, zeros, ones,
// full, zeros_like and ones_like build dimshuffle, reshape and alloc nodes.)
const char* const kRequiredOps[] = {
    // elementwise arithmetic and math
    "add", "sub", "mul", "true_div", "floor_div", "mod", "pow", "neg", "abs", "sign", "reciprocal", "sqr",
    "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "sigmoid",
    "softplus", "erf", "erfc", "erfcx", "erfinv", "gamma", "gammaln", "digamma", "ceil", "floor", "trunc",
    "round", "round_half_away_from_zero", "maximum", "minimum", "clip", "where",
    // comparisons, logic, bits, predicates, casts
    "lt", "gt", "le", "ge", "eq", "neq", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "isnan", "isinf", "isfinite", "cast",
    // reductions
    "sum", "prod", "mean", "var", "std", "max", "min", "argmax", "argmin", "all", "any",
    // shape
    "dimshuffle", "reshape", "broadcast_to", "shape", "shape_i", "specify_shape",
    // products
    "dot", "matmul", "tensordot", "outer", "gemm",
    // creation and leaves
    "constant", "input", "alloc", "arange", "eye", "linspace", "tri",
    // indexing
    "subtensor", "inc_subtensor", "advanced_subtensor1", "advanced_inc_subtensor1", "advanced_subtensor",
    "advanced_inc_subtensor", "nonzero", "take_along_axis", "inc_along_axis",
    // joining and rearranging
    "join", "split", "repeat", "roll", "flip", "pad", "diff",
    // sorting, searching, cumulative
    "sort", "argsort", "topk", "argtopk", "searchsorted", "cumsum", "cumprod",
    // diagonals and counting
    "diagonal", "alloc_diagonal", "one_hot", "bincount",
    // stable nnet ops
    "logaddexp", "log1mexp", "logsumexp", "softmax", "log_softmax", "softmax_cross_entropy",
    // random sampling
    "random_uniform", "random_normal", "random_truncated_normal", "random_binomial", "random_integers",
    "random_choice", "random_permutation", "random_multinomial",
};

// Ops whose derivative Hypatia cannot build yet, with why.
const std::set<std::string> kGradientUndefined = {
    "trigamma",  // its derivative is polygamma(2, x), which is not an op yet
};

TEST(Registry, EveryOpHasEveryPart) {
  for (const OpDef* op : OpRegistry::get().all()) {
    SCOPED_TRACE(op->name);
    EXPECT_FALSE(op->summary.empty()) << "summary";
    EXPECT_TRUE(static_cast<bool>(op->infer)) << "type inference";
    EXPECT_TRUE(static_cast<bool>(op->shape)) << "shape inference";
    EXPECT_TRUE(static_cast<bool>(op->reference)) << "reference kernel";
    EXPECT_TRUE(op->lowering.has_value()) << "lowering";
    EXPECT_TRUE(op->aliasing.has_value()) << "aliasing facts";
    // The gradient slot: a vjp, or a reason why the gradient is zero, or (listed
    // below) a gradient that is genuinely undefined, so the driver raises
    // NullTypeGradError rather than returning a wrong zero.
    if (!op->vjp && !kGradientUndefined.count(op->name)) {
      EXPECT_GT(op->not_differentiable_because.size(), 10u) << "no vjp and no reason why";
    }
    // Every computing op can be batched (jacobian and hessian rely on it) and every
    // differentiable one has a forward rule too.
    if (!op->has(kLeaf)) {
      EXPECT_TRUE(static_cast<bool>(op->batch)) << "batch rule";
    }
    if (op->vjp) {
      EXPECT_TRUE(static_cast<bool>(op->jvp)) << "jvp";
    }
    if (op->lowering && op->lowering->kind == Lowering::Kind::scalar) {
      EXPECT_TRUE(op->has(kElementwise)) << "lowers to a scalar primitive but is not elementwise";
    }
  }
}

TEST(Registry, RequiredOpsAreRegistered) {
  for (const char* name : kRequiredOps) EXPECT_NE(OpRegistry::get().find(name), nullptr) << name;
}

}  // namespace
}  // namespace hypatia
