// The kernel IR: what a fused group of graph nodes becomes before a backend renders
// it (DESIGN.md, "Two levels of IR"). A closed, short list of statement kinds:
//
//   load      v = operand k at the current point of the iteration space
//   constant  v = a 0-d constant, inlined into the code
//   apply     v = prim(args...) (a scalar primitive of graph/scalar_prims.hpp)
//   cast      v = args[0] converted to `dtype` (scalar::cast)
//   store     operand k at the current point = args[0]
//   reduce    operand k at the current point = combine(operand k, args[0]) with the
//             kernel's ReducePrim
//   check     the call fails where args[0] (bool) is true: a value the reference
//             kernel rejects with an error (a negative integer exponent). The kernel
//             finishes its loops and reports the failure once; the executor then runs
//             the group's nodes by their reference kernels, which raise the error
//             (op, operands, the user's line), as the interpreter does.
//
// Semantics, stated once:
// - A kernel runs its body once for every point of an N-d iteration space whose rank
//   and sizes are known only at run time (the executor collapses dimensions, so the
//   same kernel serves every rank). Every operand is addressed by its own byte strides
//   over that space: zero strides broadcast an input, and for a reduction the output
//   has zero strides along the reduced dimensions, so `reduce` accumulates into it.
// - Statements are in SSA form: a value is the index of the statement that defines
//   it, defined before use. Every value has one dtype; `apply` takes arguments of one
//   compute dtype (select's condition is bool) and the converting is explicit (cast).
// - Scalar semantics (overflow wraps, NaN propagates, integer division) are those of
//   the scalar primitives (runtime/scalar_math.hpp), the same code the reference
//   kernels run, so a kernel and the interpreter agree bit for bit up to the
//   evaluation order of reductions.
// - Order of points is unspecified: points may run in any order or in parallel,
//   except that a kernel with a reduction combines in an order of its choosing (sum
//   over floats is reassociated, within rounding of the reference's pairwise sum).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/scalar_prims.hpp"
#include "hypatia/array.hpp"

namespace hypatia::kir {

// X(name)
#define HYPATIA_KIR_STMTS(X) X(load) X(constant) X(apply) X(cast) X(store) X(reduce) X(check)

enum class StmtKind {
#define HYPATIA_X(name) name,
  HYPATIA_KIR_STMTS(HYPATIA_X)
#undef HYPATIA_X
};
std::string_view stmt_kind_name(StmtKind k);

struct Stmt {
  StmtKind kind = StmtKind::load;
  DType dtype = DType::float64;  // of the value defined; store/reduce: of the operand
  int operand = -1;              // load, store, reduce
  ScalarPrim prim = ScalarPrim::add;  // apply
  std::vector<int> args;         // values used
  Array value;                   // constant (0-d)
  std::string origin;            // the graph op it comes from (for comments)
};

struct Operand {
  DType dtype = DType::float64;
  bool output = false;
  bool uniform = false;  // an input of rank 0: the same value at every point
  // An input of static size 1 along the iteration space's last axis, which is not
  // itself statically 1 (a keepdims reduction's result: a row's max or sum): likely
  // constant along each row, so a backend may load it once per row (after checking
  // its stride along the row is 0).
  bool row_invariant = false;
  std::string name;  // readable: "x", "%7", ...
};

// What a reduction kernel combines with and how it finishes.
struct Reduction {
  ReducePrim prim = ReducePrim::sum;
  bool mean = false;  // finish: divide by the number of reduced elements
  // The reduced input's last axis is kept (its static size is not 1) and an axis
  // before it is reduced (a column sum): a backend may add whole rows into the
  // output row at once.
  bool keeps_last = false;
};

struct Kernel {
  std::string name;                // "k0": the symbol in the module
  std::vector<Operand> operands;   // inputs first, then outputs
  std::vector<Stmt> body;
  std::optional<Reduction> reduction;  // set: the one `reduce` statement's combine

  // Whether the body has a `check` (a kernel that can fail).
  bool can_fail() const;

  int num_inputs() const;
  // Appends a statement and returns its value.
  int add(Stmt s);
};

// The kernel as text, one statement a line (for tests and debugging):
//   kernel k0(in0: float64 x, out1: float64 %3)
//     %0 = load in0            # exp
std::string kernel_text(const Kernel& k);

}  // namespace hypatia::kir
