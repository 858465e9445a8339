// Printing graphs for people: a tree (debugprint), infix math (pp) and a picture
// (graph_dot, DOT text for Graphviz's `dot`). graph_text (hypatia/graph.hpp) stays the
// flat, one-line-per-node listing that tests and rewrite traces compare.
//
// debugprint, one node a line, Theano's format: each input of a node on the lines
// below it, indented one step (" |") deeper:
//
//   add [id A] float64 (?, 3)
//    |exp [id B] float64 (?, 3)
//    | |x [id C] float64 (?, 3)
//    |sum{axis=(1,), keepdims=True} [id D] float64 (?, 1)
//      |y [id E] float64 (?, ?)
//
// - A line: the op with its attributes, an id, the output type (dtype and static
//   shape, ? for a size known only at run time), then `shared` for a shared variable,
//   and the user's line (`# file.cpp:12`) when PrintOptions::locations.
// - Ids are letters (A..Z, BA, BB, ...) given in printing order: stable within one
//   print. A node met again is printed once more as its op, id and `...` without its
//   inputs (nodes are hash-consed, so a repeated subexpression is one node). Leaves
//   (inputs, shared variables, constants) are printed in full each time.
// - Output i of a node with several outputs is written `op.i` (`split{axis=0}.1`).
// - Constants show their value when it has at most 8 elements, else dtype and shape.
//
// A Function prints its compiled graph (after rewriting): a header line (inputs,
// backend, mode), then one tree per output, in order, then one per update
// (`update W:`), and on the cpu backend each op node says which step runs it (`in k0`
// for fused kernel k0, `library`, `native`) and a last section lists the fused kernels
// with the ids of their nodes. Shared variables appear by their own names.
//
// pp: readable infix math with Python's operators and precedence, so only the needed
// parentheses appear: `exp(x * 2.0) + sum(y, axis=1)`, `x[1:3, ::2]`, `x.T`,
// `x.dimshuffle(1, 'x', 0)`, `x.astype('float32')`; other ops in call syntax with
// their attributes as keywords. Repeated subexpressions are written out each time.
//
// graph_dot: DOT text. Op nodes are ellipses; inputs (green), shared variables
// (cyan), constants (yellow-green) and outputs (blue) are boxes; edges carry the type
// (and the input position when an op has several). For a Function on the cpu backend
// each fused kernel is a cluster (`subgraph cluster_k0`), and library calls are drawn
// in salmon. Render with `dot -Tsvg` (Python: hypatia.printing.pydotprint).
#pragma once

#include <string>
#include <vector>

#include "hypatia/function.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {

struct PrintOptions {
  bool types = true;       // the output type on each line
  bool locations = false;  // the user's line that made each node, as "# file.cpp:12"
  int depth = -1;          // the deepest level printed (0: the roots only); -1: all
};

std::string debugprint(const std::vector<Variable>& outputs, const PrintOptions& options = {});
std::string debugprint(const Variable& output, const PrintOptions& options = {});
std::string debugprint(const Function& f, const PrintOptions& options = {});

// Infix math for one variable (see above).
std::string pp(const Variable& v);

// DOT text of the graph of `outputs`, or of a function's compiled graph.
std::string graph_dot(const std::vector<Variable>& outputs);
std::string graph_dot(const Function& f);

}  // namespace hypatia
