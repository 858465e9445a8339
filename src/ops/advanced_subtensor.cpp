// The advanced_subtensor op family: being written (issue 5). See include/hypatia/ops/ for its API.
#include "graph/op.hpp"

namespace hypatia {

void register_advanced_subtensor_ops(OpRegistry& /*r*/) {}

}  // namespace hypatia
