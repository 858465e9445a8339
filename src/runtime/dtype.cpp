#include "hypatia/dtype.hpp"

#include <atomic>

#include "hypatia/error.hpp"

namespace hypatia {

std::string_view dtype_name(DType t) {
  switch (t) {
#define HYPATIA_X(e, T, n) \
  case DType::e: return n;
    HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
  }
  throw InternalError("dtype_name: bad dtype");
}

DType dtype_from_name(std::string_view name) {
#define HYPATIA_X(e, T, n) \
  if (name == n) return DType::e;
  HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
  throw TypeError("unknown dtype '" + std::string(name) +
                  "'; expected one of bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, "
                  "float32, float64");
}

std::size_t dtype_size(DType t) {
  return visit_dtype(t, [](auto tag) { return sizeof(typename decltype(tag)::type); });
}

bool is_bool(DType t) { return t == DType::bool_; }
bool is_signed_integer(DType t) {
  return t == DType::int8 || t == DType::int16 || t == DType::int32 || t == DType::int64;
}
bool is_unsigned_integer(DType t) {
  return t == DType::uint8 || t == DType::uint16 || t == DType::uint32 || t == DType::uint64;
}
bool is_integer(DType t) { return is_signed_integer(t) || is_unsigned_integer(t); }
bool is_float(DType t) { return t == DType::float32 || t == DType::float64; }

namespace {

DType signed_of_size(std::size_t bytes) {
  switch (bytes) {
    case 1: return DType::int8;
    case 2: return DType::int16;
    case 4: return DType::int32;
    default: return DType::int64;
  }
}

// The narrowest float that holds every value of integer type `t` exactly enough for
// NumPy: float32 up to 16 bits, float64 beyond.
DType float_for_integer(DType t) { return dtype_size(t) <= 2 ? DType::float32 : DType::float64; }

}  // namespace

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  if (is_bool(a)) return b;
  if (is_bool(b)) return a;
  if (is_float(a) || is_float(b)) {
    if (is_float(a) && is_float(b)) return dtype_size(a) >= dtype_size(b) ? a : b;
    const DType f = is_float(a) ? a : b;
    const DType i = is_float(a) ? b : a;
    const DType need = float_for_integer(i);
    return dtype_size(need) > dtype_size(f) ? need : f;
  }
  // Both integers.
  if (is_signed_integer(a) == is_signed_integer(b)) return dtype_size(a) >= dtype_size(b) ? a : b;
  const DType s = is_signed_integer(a) ? a : b;
  const DType u = is_signed_integer(a) ? b : a;
  if (dtype_size(s) > dtype_size(u)) return s;
  if (dtype_size(u) == 8) return DType::float64;  // int64 with uint64: NumPy's float64
  return signed_of_size(dtype_size(u) * 2);
}

DType upcast_to_float(DType t) {
  if (is_float(t)) return t;
  if (is_bool(t)) return DType::float32;
  return float_for_integer(t);
}

bool can_cast_safely(DType from, DType to) { return promote_types(from, to) == to; }

namespace {
std::atomic<DType> g_floatX{DType::float64};
}

DType floatX() { return g_floatX.load(); }

void set_floatX(DType t) {
  if (!is_float(t)) {
    throw ValueError("floatX must be float32 or float64, not " + std::string(dtype_name(t)));
  }
  g_floatX.store(t);
}

}  // namespace hypatia
