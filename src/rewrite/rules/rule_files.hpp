// The rule files, one per phase and topic in src/rewrite/rules/. The book registers
// them in this order, which is the order rules are tried within a phase. Adding a rule
// touches only its file; adding a file adds a line here.
#pragma once

namespace hypatia::rewrite {
class RuleBook;

// X(phase, topic): the file <phase>_<topic>.cpp defines
// register_<phase>_<topic>_rules(RuleBook&).
#define HYPATIA_RULE_FILES(X) \
  X(canonicalize, arith)      \
  X(canonicalize, order)      \
  X(canonicalize, shape)      \
  X(canonicalize, reduce)     \
  X(stabilize, log)           \
  X(stabilize, sigmoid)       \
  X(stabilize, erf)           \
  X(stabilize, logexp)        \
  X(stabilize, softmax)       \
  X(stabilize, where)         \
  X(specialize, pow)          \
  X(specialize, blas)        \
  X(decompose, nnet)          \
  X(decompose, sigmoid)       \
  X(decompose, reduce)

#define HYPATIA_X(phase, topic) void register_##phase##_##topic##_rules(RuleBook& book);
HYPATIA_RULE_FILES(HYPATIA_X)
#undef HYPATIA_X

}  // namespace hypatia::rewrite
