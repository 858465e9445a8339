// Element types and NumPy's type promotion.
//
// Semantics, stated once:
// - The dtypes are NumPy's: bool, the signed and unsigned integers of 8 to 64 bits,
//   float32 and float64. (float16, bfloat16 and complex are left room for: add them
//   to HYPATIA_DTYPES and the compiler points at every switch that must learn them.)
// - promote_types(a, b) is NumPy's result_type for two array dtypes.
// - upcast_to_float(t) is Theano's rule for float-valued functions of integers:
//   bool, int8, uint8, int16 and uint16 become float32; wider integers become float64.
//   (NumPy would give float16 for the narrow ones; Hypatia has no float16 yet.)
// - floatX is the float type of dtype-less constructors; float64 unless set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace hypatia {

// X(enumerator, C++ type, name)
#define HYPATIA_DTYPES(X)          \
  X(bool_, bool, "bool")          \
  X(int8, std::int8_t, "int8")     \
  X(int16, std::int16_t, "int16")  \
  X(int32, std::int32_t, "int32")  \
  X(int64, std::int64_t, "int64")  \
  X(uint8, std::uint8_t, "uint8")  \
  X(uint16, std::uint16_t, "uint16") \
  X(uint32, std::uint32_t, "uint32") \
  X(uint64, std::uint64_t, "uint64") \
  X(float32, float, "float32")     \
  X(float64, double, "float64")

enum class DType : std::uint8_t {
#define HYPATIA_X(e, T, n) e,
  HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
};

// The user-facing spellings: hp::float64, hp::int32, hp::bool_ ...
#define HYPATIA_X(e, T, n) inline constexpr DType e = DType::e;
HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X

inline constexpr int kNumDTypes = 0
#define HYPATIA_X(e, T, n) +1
    HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
    ;

std::string_view dtype_name(DType t);
// Parses "float64", "int8", ...; throws TypeError for an unknown name.
DType dtype_from_name(std::string_view name);
std::size_t dtype_size(DType t);
bool is_bool(DType t);
bool is_integer(DType t);   // signed or unsigned, not bool
bool is_signed_integer(DType t);
bool is_unsigned_integer(DType t);
bool is_float(DType t);

DType promote_types(DType a, DType b);
DType upcast_to_float(DType t);
// True when every value of `from` is representable in `to` without loss of kind
// (NumPy's can_cast(from, to, "safe")).
bool can_cast_safely(DType from, DType to);

// The default float type (Theano's config.floatX).
DType floatX();
void set_floatX(DType t);  // float32 or float64; anything else is a ValueError

template <class T> struct dtype_of;
#define HYPATIA_X(e, T, n) \
  template <> struct dtype_of<T> { static constexpr DType value = DType::e; };
HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
template <class T> inline constexpr DType dtype_of_v = dtype_of<T>::value;

// Calls f(std::type_identity<T>{}) with T the C++ type of `t`.
template <class F>
decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
#define HYPATIA_X(e, T, n) \
  case DType::e: return f(std::type_identity<T>{});
    HYPATIA_DTYPES(HYPATIA_X)
#undef HYPATIA_X
  }
  __builtin_unreachable();
}

}  // namespace hypatia
