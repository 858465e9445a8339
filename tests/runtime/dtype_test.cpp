// Dtypes: names, sizes, kinds, and promotion against NumPy's tables (printed by
// NumPy 1.24: np.promote_types(a, b) and np.can_cast(a, b, "safe")).
#include <gtest/gtest.h>

#include "hypatia/dtype.hpp"
#include "hypatia/error.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

// In HYPATIA_DTYPES order.
constexpr DType kAll[] = {bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64};
static_assert(std::size(kAll) == kNumDTypes);

TEST(DType, NamesSizesAndKinds) {
  const char* const names[] = {"bool", "int8", "int16", "int32", "int64", "uint8",
                               "uint16", "uint32", "uint64", "float32", "float64"};
  const std::size_t sizes[] = {1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8};
  for (int i = 0; i < kNumDTypes; ++i) {
    const DType t = kAll[i];
    EXPECT_EQ(dtype_name(t), names[i]);
    EXPECT_EQ(dtype_from_name(names[i]), t);
    EXPECT_EQ(dtype_size(t), sizes[i]) << names[i];
    EXPECT_EQ(is_bool(t), i == 0) << names[i];
    EXPECT_EQ(is_signed_integer(t), i >= 1 && i <= 4) << names[i];
    EXPECT_EQ(is_unsigned_integer(t), i >= 5 && i <= 8) << names[i];
    EXPECT_EQ(is_integer(t), i >= 1 && i <= 8) << names[i];
    EXPECT_EQ(is_float(t), i >= 9) << names[i];
  }
  EXPECT_EQ(dtype_of_v<std::uint16_t>, uint16);
  expect_error<TypeError>([] { dtype_from_name("float16"); }, {"unknown dtype 'float16'", "float32"});
}

TEST(DType, PromoteTypesMatchesNumpyForAllPairs) {
  constexpr DType b = bool_, i8 = int8, i16 = int16, i32 = int32, i64 = int64, u8 = uint8, u16 = uint16,
                  u32 = uint32, u64 = uint64, f32 = float32, f64 = float64;
  const DType table[11][11] = {
      {   b,   i8,  i16,  i32,  i64,   u8,  u16,  u32,  u64,  f32,  f64},  // bool
      {  i8,   i8,  i16,  i32,  i64,  i16,  i32,  i64,  f64,  f32,  f64},  // int8
      { i16,  i16,  i16,  i32,  i64,  i16,  i32,  i64,  f64,  f32,  f64},  // int16
      { i32,  i32,  i32,  i32,  i64,  i32,  i32,  i64,  f64,  f64,  f64},  // int32
      { i64,  i64,  i64,  i64,  i64,  i64,  i64,  i64,  f64,  f64,  f64},  // int64
      {  u8,  i16,  i16,  i32,  i64,   u8,  u16,  u32,  u64,  f32,  f64},  // uint8
      { u16,  i32,  i32,  i32,  i64,  u16,  u16,  u32,  u64,  f32,  f64},  // uint16
      { u32,  i64,  i64,  i64,  i64,  u32,  u32,  u32,  u64,  f64,  f64},  // uint32
      { u64,  f64,  f64,  f64,  f64,  u64,  u64,  u64,  u64,  f64,  f64},  // uint64
      { f32,  f32,  f32,  f64,  f64,  f32,  f32,  f64,  f64,  f32,  f64},  // float32
      { f64,  f64,  f64,  f64,  f64,  f64,  f64,  f64,  f64,  f64,  f64},  // float64
  };
  for (int i = 0; i < kNumDTypes; ++i) {
    for (int j = 0; j < kNumDTypes; ++j) {
      EXPECT_EQ(promote_types(kAll[i], kAll[j]), table[i][j]) << kAll[i] << " with " << kAll[j];
    }
  }
}

TEST(DType, CanCastSafelyMatchesNumpyForAllPairs) {
  const bool table[11][11] = {
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // bool
      {0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},  // int8
      {0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1},  // int16
      {0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1},  // int32
      {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1},  // int64
      {0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // uint8
      {0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1},  // uint16
      {0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1},  // uint32
      {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1},  // uint64
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1},  // float32
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},  // float64
  };
  for (int i = 0; i < kNumDTypes; ++i) {
    for (int j = 0; j < kNumDTypes; ++j) {
      EXPECT_EQ(can_cast_safely(kAll[i], kAll[j]), table[i][j]) << kAll[i] << " to " << kAll[j];
    }
  }
}

TEST(DType, UpcastToFloatIsTheanosRule) {
  for (DType t : {bool_, int8, uint8, int16, uint16, float32}) EXPECT_EQ(upcast_to_float(t), float32) << t;
  for (DType t : {int32, uint32, int64, uint64, float64}) EXPECT_EQ(upcast_to_float(t), float64) << t;
}

TEST(DType, FloatX) {
  EXPECT_EQ(floatX(), float64);
  set_floatX(float32);
  EXPECT_EQ(floatX(), float32);
  set_floatX(float64);
  EXPECT_EQ(floatX(), float64);
  expect_error<ValueError>([] { set_floatX(int32); }, {"floatX", "float32 or float64", "int32"});
  EXPECT_EQ(floatX(), float64);
}

}  // namespace
}  // namespace hypatia
