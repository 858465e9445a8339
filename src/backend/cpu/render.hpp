// The C++ renderer of the CPU backend: kernel IR -> one self-contained translation
// unit (DESIGN.md, "Backends"). Pure and deterministic: the same kernels give the
// same text (no addresses, no global ids), so identical functions hit the same entry
// of the module cache, and the text can be checked as golden text.
//
// Every kernel becomes one extern "C" function with the kernel ABI below, over a
// rank-generic iteration space (the executor collapses dimensions that are contiguous
// in every operand, so most loops are 1-d). The innermost loop comes twice: once for
// unit strides (whole SIMD vectors, simd_math.hpp, for float kernels whose primitives
// all have vector forms; else a loop the compiler may vectorize) and once for any
// strides; operands of
// rank 0 are read once, outside the loops. Large iteration spaces are split over
// OpenMP threads (hp::kParallelWork in the prelude says where, and why). A kernel has
// at most kMaxOperands operands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lower/kernel_ir.hpp"

namespace hypatia::cpu {

// The kernel ABI: `nd` dimensions of sizes `shape`; operand k's origin is base[k] and
// its byte stride along dimension d is strides[k * nd + d]. For a reduction,
// `out_size` is the number of output elements (the output is C-contiguous, filled
// with the identity first) and `count` the number of elements reduced into each.
using KernelFn = void (*)(std::int64_t nd, const std::int64_t* shape, char* const* base,
                          const std::int64_t* strides, std::int64_t out_size, std::int64_t count);

inline constexpr int kMaxOperands = 256;

// One kernel's code (no prelude): what golden tests compare.
std::string render_kernel(const kir::Kernel& kernel);
// The whole module: the scalar math header's text, the loop prelude, every kernel.
std::string render_module(const std::vector<kir::Kernel>& kernels);
// The text of runtime/scalar_math.hpp embedded at build time.
std::string_view scalar_math_source();
// The text of backend/cpu/simd_math.hpp (vector forms of the float primitives).
std::string_view simd_math_source();

}  // namespace hypatia::cpu
