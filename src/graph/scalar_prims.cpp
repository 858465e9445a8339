#include "graph/scalar_prims.hpp"

namespace hypatia {

std::string_view scalar_prim_name(ScalarPrim p) {
  switch (p) {
#define HYPATIA_X(name, arity) \
  case ScalarPrim::name: return #name;
    HYPATIA_SCALAR_PRIMS(HYPATIA_X)
#undef HYPATIA_X
  }
  return "?";
}

int scalar_prim_arity(ScalarPrim p) {
  switch (p) {
#define HYPATIA_X(name, arity) \
  case ScalarPrim::name: return arity;
    HYPATIA_SCALAR_PRIMS(HYPATIA_X)
#undef HYPATIA_X
  }
  return 0;
}

std::string_view reduce_prim_name(ReducePrim p) {
  switch (p) {
#define HYPATIA_X(name) \
  case ReducePrim::name: return #name;
    HYPATIA_REDUCE_PRIMS(HYPATIA_X)
#undef HYPATIA_X
  }
  return "?";
}

}  // namespace hypatia
