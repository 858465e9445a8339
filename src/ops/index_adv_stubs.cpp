// TEMPORARY: weak stand-ins for the advanced indexing builders (branch h-adv defines
// them), so that this branch links before h-adv is merged. Removed on that merge.
#include "hypatia/ops/index.hpp"

namespace hypatia {
namespace {
[[noreturn]] void missing(const char* what) { throw InternalError(std::string(what) + " is not merged yet"); }
}  // namespace

[[gnu::weak]] Variable advanced_subtensor1(const Operand&, const Operand&, std::int64_t, bool) {
  missing("advanced_subtensor1");
}
[[gnu::weak]] Variable advanced_inc_subtensor1(const Operand&, const Operand&, const Operand&, std::int64_t, bool) {
  missing("advanced_inc_subtensor1");
}
[[gnu::weak]] Variable advanced_subtensor(const Operand&, const std::vector<Operand>&,
                                          const std::vector<std::int64_t>&, bool, bool) {
  missing("advanced_subtensor");
}
[[gnu::weak]] Variable advanced_inc_subtensor(const Operand&, const Operand&, const std::vector<Operand>&,
                                              const std::vector<std::int64_t>&, bool, bool) {
  missing("advanced_inc_subtensor");
}
[[gnu::weak]] std::vector<Variable> nonzero(const Operand&) { missing("nonzero"); }
}  // namespace hypatia
