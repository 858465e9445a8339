// Graph rewriting (src/rewrite/): what turns a user's naive formula into a fast and
// numerically sound one before it runs.
//
// Merging equal subexpressions needs no phase: nodes are hash-consed (constants by
// value), so building the same expression twice gives the same node. The phases run
// in order, each to a fixed point (no rule fires on any node of the result) or to a
// cap (RewriteOptions::max_passes):
//   canonicalize one spelling per meaning (x * 1 -> x, neg(neg(x)) -> x, constant
//                folding), so that later rules need to know one form only;
//   stabilize    numerically sound forms (log(1 + x) -> log1p(x), ...);
//   specialize   faster forms of the same values (x ** 2 -> sqr(x), ...).
// Every rule has a name and lives in src/rewrite/rules/<phase>_<topic>.cpp. A rule or a
// whole phase is switched off by naming it in `excluding` (Theano's
// optimizer_excluding), and switched on where `phases` leaves it out by naming it in
// `including` (optimizer_including). A node a rule makes carries the source line of the node it
// replaced, so errors and printouts still point at the user's code.
//
// Policy on NaN and infinity: canonicalize rules keep IEEE semantics wherever the
// inputs may be NaN or infinite. `x - x -> 0`, `x % x -> 0` and `x * 0 -> 0` would turn
// NaN and inf into numbers, so they fire only for integer x (where NumPy's 0 % 0 is 0).
// `x / x -> 1` never fires: true division of integers is float, and 0 / 0 is NaN.
// Stabilize rules may be more accurate than the formula they replace (that is their
// purpose) but never less.
//
// Policy on re-association: add and mul chains are re-associated to gather their
// scalar constants at the top and fold them into one, `(x + 2) + y + 3 -> (x + y) + 5`,
// `2 * (x * 3) * y -> (x * y) * 6`, and the operands of commutative ops are put in a
// canonical order. Integers wrap modulo 2^n, so this is exact for them. For floats it
// changes rounding by a few ulps of the largest intermediate (more where terms
// cancel), and at the edge of the range an intermediate may overflow or underflow
// where the order as written did not: (x * 1e-20) * y is 1e300 for x = y = 1e160,
// (x * y) * 1e-20 is inf. Theano and compilers' reassociation accept the same. NaN
// and inf inputs give NaN and inf as before: a float constant moves past another term
// only when it is finite (and not 0 in mul), and a folded constant is never a new inf,
// NaN or 0 (x * 1e300 * 1e300 stays as written). `sum(c * x) -> c * sum(x)` may
// likewise overflow at the edge. The random-graph differential test compares to 1e-6
// relative to the larger magnitude.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

struct RewriteOptions {
  // Canonicalize runs again after stabilize to tidy what stabilize rules leave
  // (-softplus(-(-x)) -> -softplus(x)); a phase named twice runs twice.
  std::vector<std::string> phases = {"canonicalize", "stabilize", "canonicalize", "specialize"};
  // Names of rules or phases not to run.
  std::vector<std::string> excluding;
  // Names of rules or phases to run although `phases` lacks their phase: such a phase
  // is added in its place in the order canonicalize, stabilize, specialize, running
  // all its rules when it is named, else only the rules named. Excluding wins.
  std::vector<std::string> including;
  // The convergence cap. A phase is one walk over the graph that rewrites every node
  // to its fixed point; it is declared not to converge (an InternalError naming the
  // rules still firing: a pair of rules undoing each other is our bug) when a node's
  // replacement leads back to the node, or when it makes more than max_passes
  // rewrites per node of the graph (rules that keep making new nodes).
  int max_passes = 50;
  bool trace = false;
};

// What the rewriter did, for a person to read.
struct RewriteTrace {
  struct Firing {
    std::string phase;
    std::string rule;
    SourceLocation where;  // the user's line of the replaced node
    std::string before;    // the replaced expression, as infix text
    std::string after;     // its replacement
  };
  std::vector<Firing> firings;
  std::string graph_before;
  std::string graph_after;
  std::map<std::string, int> passes;  // per phase, walks over the graph (one per run)
  // Work the driver did, summed over phases: what keeps rewriting linear in graph size
  // is that both grow like the number of nodes (tests/rewrite/scaling_test.cpp).
  struct Stats {
    std::int64_t node_visits = 0;    // nodes the driver looked at
    std::int64_t rule_attempts = 0;  // rules tried on a node (fired or not)
  };
  Stats stats;

  std::map<std::string, int> counts() const;  // rule -> times fired
  // A summary table (rule, phase, count), then every firing with its line.
  std::string str() const;
};

// The rewritten outputs (one per output, same types).
std::vector<Variable> rewrite_graph(const std::vector<Variable>& outputs, const RewriteOptions& options = {},
                              RewriteTrace* trace = nullptr);

// Every rule, as "phase/name", in the order they are tried.
std::vector<std::string> rewrite_rule_names();

// An expression as one line of infix text, to `depth` levels: "log1p(neg(x))".
std::string expression_text(const Variable& v, int depth = 4);

}  // namespace hypatia
