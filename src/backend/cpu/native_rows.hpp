// Row kernels of the CPU backend: softmax and log_softmax along the last axis, and
// logsumexp over trailing axes, of float32 and float64 arrays (native_rows.cpp). Each
// row is read from memory once (its max; the row then sits in cache for the sum of
// exponentials and the write), on AVX2 + FMA vectors with SLEEF's or libmvec's exp, or
// in libm's scalar double as the reference (the backend flags sleef and vector_math
// choose), rows split among threads, long rows cut into chunks among them. The decompose phase keeps those composites whole where these kernels
// run (rewrite/rules/decompose_nnet.cpp) and expands the other cases.
#pragma once

#include <cstdint>
#include <vector>

namespace hypatia::cpu {

// Whether the row kernels run (else the composites are decomposed into fused
// kernels): unless the environment variable HYPATIA_NATIVE_ROWS is "0", or the CPU
// lacks AVX2 + FMA while SLEEF loads and the flag `sleef` is on (the fused kernels then
// have SLEEF's SSE2 vectors, the row kernels only scalar libm). With sleef=0 or without
// SLEEF they run in libm's scalar code, the reference's values.
bool native_rows_available();

// Where the row kernels take exp from now (the flags sleef and vector_math, and what
// loads; see native_rows.cpp): SLEEF's AVX2 u10, glibc's libmvec AVX2, or scalar libm
// (the reference kernel's values bit for bit).
enum class RowExpSource { sleef, libmvec, libm };
RowExpSource row_exp_source();

// Whether `axes` (normalized, sorted; empty with `all` = every axis) are the trailing
// axes of a rank-`ndim` array: what the logsumexp row kernel takes.
bool trailing_axes(const std::vector<std::int64_t>& axes, bool all, int ndim);

}  // namespace hypatia::cpu
