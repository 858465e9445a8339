// Row kernels of the CPU backend: softmax and log_softmax along the last axis, and
// logsumexp over trailing axes, of float32 and float64 arrays (native_rows.cpp). Each
// row is read from memory once (its max; the row then sits in cache for the sum of
// exponentials and the write), on AVX2 + FMA vectors with SLEEF's exp, rows split
// among threads. The decompose phase keeps those composites whole where these kernels
// run (rewrite/rules/decompose_nnet.cpp) and expands the other cases.
#pragma once

#include <cstdint>
#include <vector>

namespace hypatia::cpu {

// Whether the row kernels run here: the CPU has AVX2 and FMA, libsleef.so.3 with its
// AVX2 exp is loadable, and the environment variable HYPATIA_NATIVE_ROWS is not "0".
// Without them the composites are decomposed (fused kernels).
bool native_rows_available();

// Whether `axes` (normalized, sorted; empty with `all` = every axis) are the trailing
// axes of a rank-`ndim` array: what the logsumexp row kernel takes.
bool trailing_axes(const std::vector<std::int64_t>& axes, bool all, int ndim);

}  // namespace hypatia::cpu
