// The sort op family: being written (issue 5). See include/hypatia/ops/ for its API.
#include "graph/op.hpp"

namespace hypatia {

void register_sort_ops(OpRegistry& /*r*/) {}

}  // namespace hypatia
