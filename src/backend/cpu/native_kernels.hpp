// Native kernels of the CPU backend: the ops that lower to Lowering::loop_nest
// (gathers, scatters, sorts, scans, joins, fills) run inside cpu functions as C++
// loops specialised by dtype, with fast paths for contiguous data (memcpy runs,
// gathers with hoisted strides, sorts of contiguous copies), instead of their generic
// reference kernels. Ops that lower to Lowering::view run their own view-building code
// (new strides over the same buffer, no loop, no copy).
//
// A native kernel computes exactly the reference kernel's values. It never raises the
// user's error itself: on inputs the op rejects (an index out of range, sizes that
// differ, ...) it declines, and run_native runs the reference kernel through the
// interpreter, which raises its own error (type, text, op, operands, the user's line).
// The family files (native_*.cpp) each fill their part of the table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"

namespace hypatia::cpu {

// The node's outputs, or nothing to decline (the reference kernel then runs).
using NativeKernel = std::optional<std::vector<Array>> (*)(const Node& node, std::span<const Array> inputs);

// The native kernel of this node's op, or nullptr when there is none (the executor
// then runs the op's reference kernel).
const NativeKernel* find_native_kernel(const Node& node);

// Whether the table has a kernel for the op of this name.
bool has_native_kernel(const std::string& op);

// Runs `kernel`; its decline, or a UserError it hits, runs the reference kernel.
std::vector<Array> run_native(NativeKernel kernel, const Node& node, const std::vector<Array>& inputs);

// The loop_nest ops that keep their reference kernel on cpu, each because it was
// measured no slower than NumPy there (bench/RESULTS.md, "loop ops"). Sorted. (Of the
// other ops, only bool matrix products and, under FAST_COMPILE, float32 sums across
// rows run by reference: tests/backend/kernel_errors_test.cpp checks the ones that
// used to, softmax_cross_entropy, signed integer pow, flat argmax/argmin, integer dot.)
const std::vector<std::string>& reference_kept_ops();

namespace native {
using Table = std::unordered_map<std::string, NativeKernel>;
// One per family file.
void add_copy_kernels(Table& t);    // native_copy.cpp: join, repeat, roll, pad, diff
void add_fill_kernels(Table& t);    // native_fill.cpp: alloc, eye, tri, arange, linspace, shape
void add_gather_kernels(Table& t);  // native_gather.cpp: take, advanced indexing, inc_subtensor
void add_sort_kernels(Table& t);    // native_sort.cpp: sort, argsort, topk, searchsorted
void add_scan_kernels(Table& t);    // native_scan.cpp: cumsum, cumprod
void add_product_kernels(Table& t); // native_product.cpp: tensordot, outer
void add_grad_kernels(Table& t);    // native_grad.cpp: sum_to, repeat_grad, pad_grad, diff_grad
void add_rows_kernels(Table& t);    // native_rows.cpp: softmax, log_softmax, logsumexp (composites)
void add_xent_kernels(Table& t);    // native_xent.cpp: softmax_cross_entropy (a composite)
}  // namespace native

}  // namespace hypatia::cpu
