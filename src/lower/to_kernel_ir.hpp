// Lowering a fused group to the kernel IR (lower/kernel_ir.hpp).
//
// Each elementwise node becomes one `apply` of its scalar primitive in its compute
// dtype, with explicit casts of its operands, following the reference kernels'
// dtype rules (ops/elemwise_util.hpp): arithmetic and math functions compute in the
// output dtype, comparisons in the inputs' promoted dtype, logic in bool, `cast`
// converts from the input's dtype, `where` takes its condition as bool. 0-d constants
// are inlined; every other value a group reads is a kernel operand, and every value
// used outside the group (or returned) is stored.
#pragma once

#include <string>
#include <vector>

#include "lower/fuse.hpp"
#include "lower/kernel_ir.hpp"

namespace hypatia::lower {

// Whether the node can be a statement of a kernel: an elementwise op lowering to a
// scalar primitive whose every dtype case the primitives cover. (Integer pow, which
// raises on negative exponents, gets a kir `check` of its exponent unless that cannot
// be negative: unsigned, bool, or a constant >= 0.)
bool lowers_to_scalar(const Node& node);
// Whether the node is a reduction a kernel can end with (sum, prod, mean, max, min,
// all, any).
bool lowers_to_reduction(const Node& node);

struct LoweredGroup {
  kir::Kernel kernel;
  std::vector<Variable> inputs;   // bound to the kernel's input operands, in order
  std::vector<Variable> outputs;  // bound to its output operands, in order
};

// used_outside[i]: whether group.nodes[i]'s value is read outside the group or is a
// function output (then it is stored; otherwise it lives only in registers).
LoweredGroup to_kernel_ir(const Group& group, const std::string& name, const std::vector<bool>& used_outside);

}  // namespace hypatia::lower
