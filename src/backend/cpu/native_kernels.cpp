#include "backend/cpu/native_kernels.hpp"

#include <algorithm>

#include "backend/interp/interp.hpp"
#include "graph/op.hpp"

namespace hypatia::cpu {
namespace {

// A view op's own kernel: it only computes new strides over its input's buffer (a
// reshape of a non-contiguous input copies, as NumPy's does).
std::optional<std::vector<Array>> view_kernel(const Node& node, std::span<const Array> inputs) {
  return node.op().reference(KernelArgs{inputs, node});
}

// A user op's cpu kernel: it raises its own errors (run_native reports them as the
// interpreter would), since the reference kernel may not be the one that fails.
std::optional<std::vector<Array>> user_cpu_kernel(const Node& node, std::span<const Array> inputs) {
  return node.op().cpu_kernel(KernelArgs{inputs, node});
}

const native::Table& table() {
  static const native::Table t = [] {
    native::Table made;
    native::add_copy_kernels(made);
    native::add_fill_kernels(made);
    native::add_gather_kernels(made);
    native::add_sort_kernels(made);
    native::add_scan_kernels(made);
    native::add_product_kernels(made);
    native::add_grad_kernels(made);
    native::add_rows_kernels(made);
    native::add_xent_kernels(made);
    return made;
  }();
  return t;
}

}  // namespace

const NativeKernel* find_native_kernel(const Node& node) {
  static const NativeKernel view = view_kernel;
  static const NativeKernel user = user_cpu_kernel;
  if (node.op().cpu_kernel) return &user;  // a user op's own (hypatia/op.hpp)
  const auto& lowering = node.op().lowering;
  if (!lowering) return nullptr;
  if (lowering->kind == Lowering::Kind::view) return &view;
  // A library op (a matrix product) comes here only for what no library call takes; a
  // composite only where the decompose phase kept it whole (native_rows.hpp).
  if (lowering->kind != Lowering::Kind::loop_nest && lowering->kind != Lowering::Kind::library &&
      lowering->kind != Lowering::Kind::composite) {
    return nullptr;
  }
  const auto it = table().find(node.op().name);
  return it == table().end() ? nullptr : &it->second;
}

bool has_native_kernel(const std::string& op) { return table().count(op) != 0; }

std::vector<Array> run_native(NativeKernel kernel, const Node& node, const std::vector<Array>& inputs) {
  if (node.op().cpu_kernel) return interp::run_kernel(node.op().cpu_kernel, node, inputs);
  std::optional<std::vector<Array>> out;
  try {
    out = kernel(node, inputs);
  } catch (const UserError&) {
    out.reset();
  }
  if (!out) return interp::run_node(node, inputs);  // raises the interpreter's error
  return std::move(*out);
}

const std::vector<std::string>& reference_kept_ops() {
  static const std::vector<std::string> kept = [] {
    // Each already writes its result in one pass over contiguous memory (a zero fill
    // plus a diagonal, a typed fill loop, a count into bins) or reads only a shape;
    // bench/loop_ops.py measures them against NumPy (bench/RESULTS.md, "loop ops").
    std::vector<std::string> k = {"alloc_diagonal", "arange", "arange_length", "bincount", "bincount_length",
                                  "eye",            "shape",  "shape_i",       "tri"};
    // The random ops (src/ops/random.cpp): their reference kernel is already one typed
    // loop over contiguous memory, a Philox sub-stream per element; not yet measured
    // against NumPy's generators (NOTES.md).
    for (const char* op : {"random_binomial", "random_choice", "random_integers", "random_multinomial",
                           "random_normal", "random_permutation", "random_truncated_normal", "random_uniform"}) {
      k.emplace_back(op);
    }
    std::sort(k.begin(), k.end());
    return k;
  }();
  return kept;
}

}  // namespace hypatia::cpu
