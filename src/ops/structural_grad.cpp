#include "ops/structural_grad.hpp"

#include <algorithm>

#include "grad/grad_util.hpp"
#include "hypatia/ops/blas.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"

namespace hypatia::detail {
namespace {

// The product of symbolic sizes: a constant when every one is, 1 for none.
Variable product_of(const std::vector<Variable>& sizes, SourceLocation w) {
  std::int64_t known = 1;
  Variable rest;
  for (const Variable& s : sizes) {
    const std::int64_t n = static_size(s);
    if (n != kUnknownDim) {
      known *= n;
    } else {
      rest = rest.valid() ? mul(Operand(rest, w), Operand(s, w)) : s;
    }
  }
  if (!rest.valid()) return size_constant(known, w);
  return known == 1 ? rest : mul(Operand(rest, w), Operand(size_constant(known, w), w));
}

std::vector<int> free_of(const std::vector<int>& summed, int nd) {
  std::vector<int> out;
  for (int i = 0; i < nd; ++i) {
    if (std::find(summed.begin(), summed.end(), i) == summed.end()) out.push_back(i);
  }
  return out;
}

}  // namespace

std::vector<Operand> shape_operands(const Variable& x, SourceLocation where) {
  std::vector<Operand> out;
  for (const Variable& s : symbolic_shape(x, where)) out.emplace_back(s, where);
  return out;
}

Variable sum_back_to(const Variable& g, const Variable& x, SourceLocation where) {
  return g.valid() ? unbroadcast(g, x, where) : g;
}

Variable in_dtype_of(const Variable& g, const Variable& x, SourceLocation where) {
  if (!g.valid() || !is_float(x.dtype()) || g.dtype() == x.dtype()) return g;
  return cast(Operand(g, where), x.dtype());
}

Variable with_static_shape(const Variable& v, const Type& type, SourceLocation where) {
  if (v.ndim() != type.ndim()) {
    throw InternalError("with_static_shape: " + v.type().str() + " cannot have the shape of " + type.str());
  }
  Shape want(static_cast<std::size_t>(type.ndim()), kUnknownDim);
  bool needed = false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (type.shape[i] != kUnknownDim && v.type().shape[i] == kUnknownDim) {
      want[i] = type.shape[i];
      needed = true;
    }
  }
  return needed ? specify_shape(Operand(v, where), want) : v;
}

Variable reapply(const Node& node, std::vector<Variable> inputs, SourceLocation where) {
  return apply1(node.op().name, std::move(inputs), node.attrs(), where);
}

Variable reapply_on(const Node& node, int i, const Variable& v, SourceLocation where) {
  std::vector<Variable> inputs = node.inputs();
  inputs[static_cast<std::size_t>(i)] = v;
  return reapply(node, std::move(inputs), where);
}

Variable batch_size(const Variable& v, SourceLocation where) { return shape(Operand(v, where), 0); }

Variable move_to_front(const Variable& v, int from, SourceLocation where) {
  std::vector<std::int64_t> perm{from};
  for (int i = 0; i < v.ndim(); ++i) {
    if (i != from) perm.push_back(i);
  }
  return dimshuffle(Operand(v, where), perm);
}

Variable pad_after_batch(const Variable& v, int n, SourceLocation where) {
  std::vector<std::int64_t> pattern{0};
  pattern.insert(pattern.end(), static_cast<std::size_t>(n), newaxis);
  for (int i = 1; i < v.ndim(); ++i) pattern.push_back(i);
  return dimshuffle(Operand(v, where), pattern);
}

void check_batch(const BatchArgs& a, int first_unbatchable) {
  const std::string& op = a.node.op().name;
  if (std::none_of(a.batched.begin(), a.batched.end(), [](bool b) { return b; })) {
    throw InternalError("the batch rule of " + op + " was called with no batched input");
  }
  for (std::size_t i = static_cast<std::size_t>(first_unbatchable); i < a.batched.size(); ++i) {
    if (a.batched[i]) {
      throw ValueError(op + ": input " + std::to_string(i) +
                       " is a size, which cannot vary across a batch (the results would be ragged)");
    }
  }
}

// (B, free a, summed a) . (B, summed b, free b), each flattened to a matrix per batch
// element, is one batched matmul; its (B, Ma, Nb) result reshapes to the free sizes.
Variable batched_tensordot(const Variable& a, const Variable& b, const std::vector<int>& a_axes,
                           const std::vector<int>& b_axes, SourceLocation w) {
  const SymShape sa = symbolic_shape(a, w), sb = symbolic_shape(b, w);
  const std::vector<int> fa = free_of(a_axes, a.ndim() - 1), fb = free_of(b_axes, b.ndim() - 1);
  auto sizes = [](const SymShape& s, const std::vector<int>& axes) {
    std::vector<Variable> out;
    for (int i : axes) out.push_back(s[static_cast<std::size_t>(i + 1)]);
    return out;
  };
  auto arranged = [&](const Variable& v, const std::vector<int>& first, const std::vector<int>& second,
                      const SymShape& s) {
    std::vector<std::int64_t> perm{0};
    for (int i : first) perm.push_back(i + 1);
    for (int i : second) perm.push_back(i + 1);
    return reshape(Operand(transpose(Operand(v, w), perm), w),
                   {Operand(s[0], w), Operand(product_of(sizes(s, first), w), w),
                    Operand(product_of(sizes(s, second), w), w)});
  };
  const Variable am = arranged(a, fa, a_axes, sa);
  const Variable bm = arranged(b, b_axes, fb, sb);
  std::vector<Operand> out{Operand(sa[0], w)};
  for (const Variable& s : sizes(sa, fa)) out.emplace_back(s, w);
  for (const Variable& s : sizes(sb, fb)) out.emplace_back(s, w);
  return reshape(Operand(matmul(Operand(am, w), Operand(bm, w)), w), out);
}

}  // namespace hypatia::detail
