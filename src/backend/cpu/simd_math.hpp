// Vector forms of the float primitives of runtime/scalar_math.hpp, for the CPU
// backend's generated code: the renderer embeds this text after scalar_math.hpp, and
// the unit-stride loop of a float kernel runs its body on whole vectors, then the
// scalar statements on the tail. Same rules as scalar_math.hpp: self-contained, no
// standard header (compile time), usable from any namespace.
//
// Width: what the module is compiled for. AVX2 + FMA (-march=native here): 8 floats
// or 4 doubles; plain x86-64 (SSE2, -march=native off): 4 floats or 2 doubles;
// another CPU: no vector path (HP_SIMD_BYTES undefined), the scalar loop alone.
//
// The libm functions call SLEEF's vector functions when the module is compiled with
// HP_SLEEF=1 and linked with libsleef (the compiler driver does both when it finds
// libsleef.so.3): the u10 variants (at most 1.0 ULP from the exact result; glibc's
// scalar functions, the reference, are within 1 ULP too, so the two differ by at most
// 2 ULP) and erfc_u15 (1.5 ULP, the only one SLEEF has). They follow C99 Annex F at
// NaN, +-inf, +-0 and denormals as the scalar ones do (float32 takes u35 variants by
// default: HP_SLEEF_U35 below). With HP_LIBMVEC_F32 / HP_LIBMVEC_F64 (AVX2 width) glibc's
// libmvec takes the functions where it is the faster one (see "glibc's libmvec"
// below). Without either each lane calls the scalar function: the same results as the
// scalar loop, bit for bit.
//
// Arithmetic, abs, neg, maximum, minimum, clip, sign, sqrt (the instruction, exact)
// and the comparisons give exactly the scalar results (FMA contraction aside, which
// the scalar loop has too). sigmoid and softplus are the scalar formulas with both
// branches folded into one: exp(-|x|) is what either branch takes the exp of.
#pragma once

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#if defined(__AVX2__) && defined(__FMA__)
#define HP_SIMD_BYTES 32
#else
#define HP_SIMD_BYTES 16
#endif
#endif

#ifdef HP_SIMD_BYTES
// Wider-than-register values (8 doubles of a float32 kernel) live only inside inlined
// functions: the ABI note on passing them does not concern us.
#pragma GCC diagnostic ignored "-Wpsabi"
namespace hypatia::simd_math {

typedef float vf __attribute__((vector_size(HP_SIMD_BYTES)));
typedef double vd __attribute__((vector_size(HP_SIMD_BYTES)));
typedef int mf __attribute__((vector_size(HP_SIMD_BYTES)));        // a float lane's mask
typedef long long md __attribute__((vector_size(HP_SIMD_BYTES)));  // a double lane's mask

template <class T>
struct Of;
template <>
struct Of<float> {
  using V = vf;
  using M = mf;
};
template <>
struct Of<double> {
  using V = vd;
  using M = md;
};
template <class T>
using vec = typename Of<T>::V;
template <class T>
inline constexpr long width = HP_SIMD_BYTES / static_cast<long>(sizeof(T));

template <class V>
struct Lane;
template <>
struct Lane<vf> {
  using T = float;
  using M = mf;
};
template <>
struct Lane<vd> {
  using T = double;
  using M = md;
};
template <class V>
using mask_of = typename Lane<V>::M;
template <class V>
inline constexpr int lanes = HP_SIMD_BYTES / static_cast<int>(sizeof(typename Lane<V>::T));

// Unaligned: the operands are only element-aligned.
template <class T>
inline vec<T> load(const T* p) {
  vec<T> v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
inline void store(T* p, vec<T> v) {
  __builtin_memcpy(p, &v, sizeof v);
}
// x - (+0) is x for every x, -0 included (x + 0 would turn -0 into +0).
template <class T>
inline vec<T> splat(T x) {
  return x - vec<T>{};
}

// c ? a : b per lane (c all ones or all zeros): bitwise, the same in g++ and clang.
template <class V>
inline V blend(mask_of<V> c, V a, V b) {
  using M = mask_of<V>;
  return (V)((c & (M)a) | (~c & (M)b));
}

// ---- masks (bool values), comparisons, select and casts
//
// A bool value of a float kernel is a mask of T's width (all ones: true), so a kernel
// with comparisons, select and casts to and from bool runs on vectors too. Values of
// other dtypes appear only as loads that are cast at once (an int8 label, a float32
// operand of a float64 kernel): `wide<D, T>` holds width<T> of them.
template <class T>
using mask = typename Of<T>::M;
template <class D, class T>
struct WideOf {
  typedef D type __attribute__((vector_size(sizeof(D) * (HP_SIMD_BYTES / sizeof(T)))));
};
template <class D, class T>
using wide = typename WideOf<D, T>::type;

template <class D, class T>
inline wide<D, T> load_as(const D* p) {
  wide<D, T> v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class D, class T>
inline wide<D, T> splat_as(D x) {
  return x - wide<D, T>{};  // as splat: keeps -0
}
// A bool operand: bytes, any nonzero one true.
template <class T>
inline mask<T> load_mask(const bool* p) {
  wide<unsigned char, T> b;
  __builtin_memcpy(&b, p, sizeof b);
  return __builtin_convertvector(b != 0, mask<T>);
}
template <class T>
inline void store_mask(bool* p, mask<T> m) {
  const wide<unsigned char, T> b = __builtin_convertvector(m, wide<unsigned char, T>) & 1;
  __builtin_memcpy(p, &b, sizeof b);
}
template <class T>
inline mask<T> splat_mask(bool c) {
  return c ? ~mask<T>{} : mask<T>{};
}
// scalar::cast: bool -> T is 0 or 1; D -> T the nearest value (static_cast, which
// __builtin_convertvector is lane by lane); anything -> bool is x != 0 (NaN: true).
template <class T>
inline vec<T> mask_to(mask<T> m) {
  return (vec<T>)(m & (mask<T>)splat(T(1)));
}
template <class T, class W>
inline vec<T> convert(W x) {
  return __builtin_convertvector(x, vec<T>);
}
template <class V>
inline mask_of<V> nonzero(V x) {
  return (mask_of<V>)(x != V{});
}
template <class T, class W>
inline mask<T> nonzero_as(W x) {
  return __builtin_convertvector(x != W{}, mask<T>);
}

// Comparisons as the scalar ones: ordered, so false at NaN, except neq.
template <class V>
inline mask_of<V> lt(V a, V b) {
  return (mask_of<V>)(a < b);
}
template <class V>
inline mask_of<V> gt(V a, V b) {
  return (mask_of<V>)(a > b);
}
template <class V>
inline mask_of<V> le(V a, V b) {
  return (mask_of<V>)(a <= b);
}
template <class V>
inline mask_of<V> ge(V a, V b) {
  return (mask_of<V>)(a >= b);
}
template <class V>
inline mask_of<V> eq(V a, V b) {
  return (mask_of<V>)(a == b);
}
template <class V>
inline mask_of<V> neq(V a, V b) {
  return (mask_of<V>)(a != b);
}
// The truth value x != 0 (NaN is true).
template <class V>
inline mask_of<V> logical_and(V a, V b) {
  return nonzero(a) & nonzero(b);
}
template <class V>
inline mask_of<V> logical_or(V a, V b) {
  return nonzero(a) | nonzero(b);
}
template <class V>
inline mask_of<V> logical_xor(V a, V b) {
  return nonzero(a) ^ nonzero(b);
}
template <class V>
inline mask_of<V> logical_not(V x) {
  return (mask_of<V>)(x == V{});
}
template <class V>
inline mask_of<V> isnan(V x) {
  return (mask_of<V>)(x != x);
}
template <class V>
inline mask_of<V> isinf(V x) {
  using M = mask_of<V>;
  return (M)(((M)x & ~(M)(-V{})) == (M)(V{} + static_cast<typename Lane<V>::T>(__builtin_inf())));
}
template <class V>
inline mask_of<V> isfinite(V x) {
  using M = mask_of<V>;
  // |x| < inf compared as integers: NaN's bits are above inf's.
  return (M)(((M)x & ~(M)(-V{})) < (M)(V{} + static_cast<typename Lane<V>::T>(__builtin_inf())));
}
template <class V>
inline V select(mask_of<V> c, V a, V b) {
  return blend<V>(c, a, b);
}
// On bool values (masks): the renderer calls these for bool arguments.
template <class M>
inline M mask_eq(M a, M b) {
  return ~(a ^ b);
}
template <class M>
inline M mask_neq(M a, M b) {
  return a ^ b;
}
template <class M>
inline M mask_logical_and(M a, M b) {
  return a & b;
}
template <class M>
inline M mask_logical_or(M a, M b) {
  return a | b;
}
template <class M>
inline M mask_logical_xor(M a, M b) {
  return a ^ b;
}
template <class M>
inline M mask_logical_not(M a) {
  return ~a;
}
template <class M>
inline M mask_bitwise_and(M a, M b) {
  return a & b;
}
template <class M>
inline M mask_bitwise_or(M a, M b) {
  return a | b;
}
template <class M>
inline M mask_bitwise_xor(M a, M b) {
  return a ^ b;
}
template <class M>
inline M mask_invert(M a) {
  return ~a;
}
template <class M>
inline M mask_select(M c, M a, M b) {
  return (c & a) | (~c & b);
}

template <class V>
inline V add(V a, V b) {
  return a + b;
}
template <class V>
inline V sub(V a, V b) {
  return a - b;
}
template <class V>
inline V mul(V a, V b) {
  return a * b;
}
template <class V>
inline V true_div(V a, V b) {
  return a / b;
}
template <class V>
inline V neg(V x) {
  return -x;
}
template <class V>
inline V sqr(V x) {
  return x * x;
}
template <class V>
inline V reciprocal(V x) {
  return typename Lane<V>::T(1) / x;
}
template <class V>
inline V abs(V x) {
  using M = mask_of<V>;
  return (V)((M)x & ~(M)(-V{}));  // -V{}: -0.0, the sign bits
}
// As scalar maximum: a when a is NaN or a > b, else b.
template <class V>
inline V maximum(V a, V b) {
  return blend<V>((a > b) | (a != a), a, b);
}
template <class V>
inline V minimum(V a, V b) {
  return blend<V>((a < b) | (a != a), a, b);
}
template <class V>
inline V clip(V x, V lo, V hi) {
  return minimum(maximum(x, lo), hi);
}
template <class V>
inline V sign(V x) {
  using T = typename Lane<V>::T;
  const V one = V{} + T(1), zero = V{};
  return blend<V>(x > zero, one, blend<V>(x < zero, -one, blend<V>(x == zero, zero, x)));
}

// ---- rounding: the round instructions (AVX, SSE4.1) in a fixed mode, which give
// the scalar functions' results bit for bit (NaN stays the same quiet NaN, -0.0 and
// +-inf pass through); without them (march_native=0: plain SSE2) each lane calls the
// scalar function. Mode bits: 8 suppresses the inexact exception, then 0 to nearest
// (ties to even), 1 down, 2 up, 3 toward zero.
#if HP_SIMD_BYTES == 32
template <int mode>
inline vf round_mode(vf x) { return __builtin_ia32_roundps256(x, 8 | mode); }
template <int mode>
inline vd round_mode(vd x) { return __builtin_ia32_roundpd256(x, 8 | mode); }
#define HP_SIMD_ROUND 1
#elif defined(__SSE4_1__)
template <int mode>
inline vf round_mode(vf x) { return __builtin_ia32_roundps(x, 8 | mode); }
template <int mode>
inline vd round_mode(vd x) { return __builtin_ia32_roundpd(x, 8 | mode); }
#define HP_SIMD_ROUND 1
#endif
#ifdef HP_SIMD_ROUND
template <class V>
inline V round_half_even(V x) { return round_mode<0>(x); }
template <class V>
inline V floor(V x) { return round_mode<1>(x); }
template <class V>
inline V ceil(V x) { return round_mode<2>(x); }
template <class V>
inline V trunc(V x) { return round_mode<3>(x); }
#undef HP_SIMD_ROUND
#else
#define HP_SIMD_PER_LANE(prim)                                         \
  template <class V>                                                   \
  inline V prim(V x) {                                                 \
    V r;                                                               \
    for (int l = 0; l < lanes<V>; ++l) r[l] = scalar_math::prim(x[l]); \
    return r;                                                          \
  }
HP_SIMD_PER_LANE(round_half_even)
HP_SIMD_PER_LANE(floor)
HP_SIMD_PER_LANE(ceil)
HP_SIMD_PER_LANE(trunc)
#undef HP_SIMD_PER_LANE
#endif
// Half-way cases away from zero: x - trunc(x) is exact, and only where it reaches a
// half does the result move from trunc(x) (so -0.3 keeps trunc's -0.0); NaN and +-inf
// (whose difference is NaN) stay trunc(x), themselves.
template <class V>
inline V round_half_away(V x) {
  using T = typename Lane<V>::T;
  using M = mask_of<V>;
  const V t = trunc(x);
  const V away = (V)(((M)x & (M)(-V{})) | (M)(V{} + T(1)));  // +-1 with x's sign
  return blend<V>(abs(x - t) >= T(0.5), t + away, t);
}

#if HP_SIMD_BYTES == 32
inline vf sqrt(vf x) { return __builtin_ia32_sqrtps256(x); }
inline vd sqrt(vd x) { return __builtin_ia32_sqrtpd256(x); }
#else
inline vf sqrt(vf x) { return __builtin_ia32_sqrtps(x); }
inline vd sqrt(vd x) { return __builtin_ia32_sqrtpd(x); }
#endif

// glibc's libmvec (HP_LIBMVEC_F32 / HP_LIBMVEC_F64, set by the compiler driver from
// the config flag vector_math, which links libmvec.so.1): its AVX2 functions
// (_ZGVdN8v_expf: 8 floats, _ZGVdN4v_exp: 4 doubles), what g++ -ffast-math calls for a
// hand-written loop. Measured on this project's AVX2 machine (bench/vector_math.cpp,
// bench/RESULTS.md): faster than SLEEF for every function but float32 cbrt and arccos
// (float32 1.1-8x, float64 1.4-7x), within 3.9 ULP of the exact result (float32) and
// 3.4 ULP (float64), C99's results at every edge value tested (+-0, +-inf, NaN,
// denormals, overflow). HP_LIBMVEC_F32=1 (vector_math=auto with sleef_u35, the
// default): float32 takes libmvec where it is the faster one, which keeps the float32
// bound of 4 ULP that SLEEF's u35 functions have; =2 (vector_math=libmvec): every
// float32 function. HP_LIBMVEC_F64=1 (vector_math=libmvec only): float64 too, at 4
// ULP instead of SLEEF u10's 1. AVX2 width only (AVX-512 machines take it too).
#if HP_SIMD_BYTES == 32 && defined(HP_LIBMVEC_F32) && HP_LIBMVEC_F32
#define HP_MVEC_F(prim, name)                                 \
  extern "C" vf _ZGVdN8v_##name##f(vf) noexcept;              \
  inline vf prim(vf x) { return _ZGVdN8v_##name##f(x); }
HP_MVEC_F(exp, exp)
HP_MVEC_F(exp2, exp2)
HP_MVEC_F(expm1, expm1)
HP_MVEC_F(log, log)
HP_MVEC_F(log2, log2)
HP_MVEC_F(log10, log10)
HP_MVEC_F(log1p, log1p)
HP_MVEC_F(sin, sin)
HP_MVEC_F(cos, cos)
HP_MVEC_F(tan, tan)
HP_MVEC_F(arcsin, asin)
HP_MVEC_F(arctan, atan)
HP_MVEC_F(sinh, sinh)
HP_MVEC_F(cosh, cosh)
HP_MVEC_F(tanh, tanh)
HP_MVEC_F(arcsinh, asinh)
HP_MVEC_F(arccosh, acosh)
HP_MVEC_F(arctanh, atanh)
HP_MVEC_F(erf, erf)
HP_MVEC_F(erfc, erfc)
#if HP_LIBMVEC_F32 == 2 || !(defined(HP_SLEEF) && HP_SLEEF)
HP_MVEC_F(cbrt, cbrt)      // SLEEF's u35 is faster
HP_MVEC_F(arccos, acos)    // a tie
#endif
#undef HP_MVEC_F
// pow and atan2 too (_ZGVdN8vv_powf: 1.5x SLEEF's u10 powf here, atan2f 1.0-1.4x).
extern "C" vf _ZGVdN8vv_powf(vf, vf) noexcept;
extern "C" vf _ZGVdN8vv_atan2f(vf, vf) noexcept;
inline vf pow(vf a, vf b) { return _ZGVdN8vv_powf(a, b); }
inline vf arctan2(vf a, vf b) { return _ZGVdN8vv_atan2f(a, b); }
#define HP_MVEC_LOG1P_F 1
#endif
#if HP_SIMD_BYTES == 32 && defined(HP_LIBMVEC_F64) && HP_LIBMVEC_F64
#define HP_MVEC_D(prim, name)                              \
  extern "C" vd _ZGVdN4v_##name(vd) noexcept;              \
  inline vd prim(vd x) { return _ZGVdN4v_##name(x); }
HP_MVEC_D(exp, exp)
HP_MVEC_D(exp2, exp2)
HP_MVEC_D(expm1, expm1)
HP_MVEC_D(log, log)
HP_MVEC_D(log2, log2)
HP_MVEC_D(log10, log10)
HP_MVEC_D(log1p, log1p)
HP_MVEC_D(cbrt, cbrt)
HP_MVEC_D(sin, sin)
HP_MVEC_D(cos, cos)
HP_MVEC_D(tan, tan)
HP_MVEC_D(arcsin, asin)
HP_MVEC_D(arccos, acos)
HP_MVEC_D(arctan, atan)
HP_MVEC_D(sinh, sinh)
HP_MVEC_D(cosh, cosh)
HP_MVEC_D(tanh, tanh)
HP_MVEC_D(arcsinh, asinh)
HP_MVEC_D(arccosh, acosh)
HP_MVEC_D(arctanh, atanh)
HP_MVEC_D(erf, erf)
HP_MVEC_D(erfc, erfc)
#undef HP_MVEC_D
extern "C" vd _ZGVdN4vv_atan2(vd, vd) noexcept;
inline vd arctan2(vd a, vd b) { return _ZGVdN4vv_atan2(a, b); }
#endif

#if defined(HP_SLEEF) && HP_SLEEF
#if HP_SIMD_BYTES == 32
#define HP_SLEEF_NAME(name, w, acc) Sleef_##name##w##_##acc##avx2
#define HP_SLEEF_F f8
#define HP_SLEEF_D d4
#else
#define HP_SLEEF_NAME(name, w, acc) Sleef_##name##w##_##acc##sse2
#define HP_SLEEF_F f4
#define HP_SLEEF_D d2
#endif
#define HP_SLEEF_CALL(name, w, acc) HP_SLEEF_NAME(name, w, acc)
// The vector types are ABI-compatible with SLEEF's __m256 / __m128 (sleef.h is not
// included: it pulls in immintrin.h, which costs compile time on every module).
// A template (on vf or vd), so that a libmvec function declared above as a plain
// function of vf or vd is the better match and wins.
#define HP_VMATH1(prim, name, acc)                                          \
  extern "C" vf HP_SLEEF_CALL(name, HP_SLEEF_F, HP_FACC(acc))(vf) noexcept; \
  extern "C" vd HP_SLEEF_CALL(name, HP_SLEEF_D, HP_DACC(acc))(vd) noexcept; \
  template <class V>                                                        \
  inline V HP_SLEEF_PRIM(prim)(V x) {                                       \
    if constexpr (sizeof(x[0]) == 4) {                                      \
      return HP_SLEEF_CALL(name, HP_SLEEF_F, HP_FACC(acc))(x);              \
    } else {                                                                \
      return HP_SLEEF_CALL(name, HP_SLEEF_D, HP_DACC(acc))(x);              \
    }                                                                       \
  }
// SLEEF 3.5 leaves C99's results at a few edges (found by tests/backend/cpu_simd_test):
// log1p, asinh and acosh of huge arguments give inf (log1p beyond 1e38 / 1e307, asinh
// and acosh beyond 1.8e19 / 1e154), sinh and cosh overflow early (|x| > 88.5 / 709),
// and log1p, tan and asinh of a negative denormal give +0. Those go through sleef_*
// and are repaired below, at the cost of one comparison per vector.
#define HP_SLEEF_PRIM(prim) HP_SLEEF_PRIM_##prim
#define HP_SLEEF_PRIM_log1p sleef_log1p
#define HP_SLEEF_PRIM_tan sleef_tan
#define HP_SLEEF_PRIM_sinh sleef_sinh
#define HP_SLEEF_PRIM_cosh sleef_cosh
#define HP_SLEEF_PRIM_arcsinh sleef_arcsinh
#define HP_SLEEF_PRIM_arccosh sleef_arccosh
#define HP_SLEEF_PRIM_exp exp
#define HP_SLEEF_PRIM_exp2 exp2
#define HP_SLEEF_PRIM_expm1 expm1
#define HP_SLEEF_PRIM_log log
#define HP_SLEEF_PRIM_log2 log2
#define HP_SLEEF_PRIM_log10 log10
#define HP_SLEEF_PRIM_cbrt cbrt
#define HP_SLEEF_PRIM_sin sin
#define HP_SLEEF_PRIM_cos cos
#define HP_SLEEF_PRIM_arcsin arcsin
#define HP_SLEEF_PRIM_arccos arccos
#define HP_SLEEF_PRIM_arctan arctan
#define HP_SLEEF_PRIM_tanh tanh
#define HP_SLEEF_PRIM_arctanh arctanh
#define HP_SLEEF_PRIM_erf erf
#define HP_SLEEF_PRIM_erfc erfc
#else
// No SLEEF: each lane calls the scalar primitive.
#define HP_VMATH1(prim, name, acc)                                   \
  template <class V>                                                 \
  inline V prim(V x) {                                               \
    V r;                                                             \
    for (int l = 0; l < lanes<V>; ++l) r[l] = scalar_math::prim(x[l]); \
    return r;                                                        \
  }
#endif
// HP_SLEEF_U35=1 (config flag sleef_u35, on by default): float32 takes the 3.5-ULP
// variants where SLEEF has them (HP_U35 below), 1.3 to 2.5x faster (tanh 2.5x, sin
// 1.9x), as NumPy's own float32 SIMD functions (up to 4 ULP); float64 keeps u10.
#if defined(HP_SLEEF_U35) && HP_SLEEF_U35
#define HP_FACC_HP_U35 u35
#else
#define HP_FACC_HP_U35 u10
#endif
#define HP_FACC_u10 u10
#define HP_FACC_u15 u15
#define HP_DACC_HP_U35 u10
#define HP_DACC_u10 u10
#define HP_DACC_u15 u15
#define HP_FACC(acc) HP_FACC_##acc
#define HP_DACC(acc) HP_DACC_##acc
HP_VMATH1(exp, exp, u10)
HP_VMATH1(exp2, exp2, HP_U35)
HP_VMATH1(expm1, expm1, u10)
HP_VMATH1(log, log, HP_U35)
HP_VMATH1(log2, log2, HP_U35)
HP_VMATH1(log10, log10, u10)
HP_VMATH1(log1p, log1p, u10)
HP_VMATH1(cbrt, cbrt, HP_U35)
HP_VMATH1(sin, sin, HP_U35)
HP_VMATH1(cos, cos, HP_U35)
HP_VMATH1(tan, tan, HP_U35)
HP_VMATH1(arcsin, asin, HP_U35)
HP_VMATH1(arccos, acos, HP_U35)
HP_VMATH1(arctan, atan, HP_U35)
HP_VMATH1(sinh, sinh, HP_U35)
HP_VMATH1(cosh, cosh, HP_U35)
HP_VMATH1(tanh, tanh, HP_U35)
HP_VMATH1(arcsinh, asinh, u10)
HP_VMATH1(arccosh, acosh, u10)
HP_VMATH1(arctanh, atanh, u10)
HP_VMATH1(erf, erf, u10)
HP_VMATH1(erfc, erfc, u15)
#undef HP_VMATH1

// The two-argument functions: SLEEF's u10 pow and atan2 (float32 atan2 in u35 under
// HP_SLEEF_U35), C99's results at the special values (tests/backend/cpu_simd_test
// checks every pair of edge values against the scalar functions); without SLEEF each
// lane calls the scalar function.
#if defined(HP_SLEEF) && HP_SLEEF
#define HP_VMATH2(prim, name, acc)                                                \
  extern "C" vf HP_SLEEF_CALL(name, HP_SLEEF_F, HP_FACC(acc))(vf, vf) noexcept;   \
  extern "C" vd HP_SLEEF_CALL(name, HP_SLEEF_D, HP_DACC(acc))(vd, vd) noexcept;   \
  template <class V>                                                              \
  inline V prim(V a, V b) {                                                       \
    if constexpr (sizeof(a[0]) == 4) {                                            \
      return HP_SLEEF_CALL(name, HP_SLEEF_F, HP_FACC(acc))(a, b);                 \
    } else {                                                                      \
      return HP_SLEEF_CALL(name, HP_SLEEF_D, HP_DACC(acc))(a, b);                 \
    }                                                                             \
  }
#else
#define HP_VMATH2(prim, name, acc)                                             \
  template <class V>                                                           \
  inline V prim(V a, V b) {                                                    \
    V r;                                                                       \
    for (int l = 0; l < lanes<V>; ++l) r[l] = scalar_math::prim(a[l], b[l]);   \
    return r;                                                                  \
  }
#endif
#if defined(HP_SLEEF) && HP_SLEEF
HP_VMATH2(sleef_pow, pow, u10)
#else
HP_VMATH2(pow, pow, u10)
#endif
HP_VMATH2(arctan2, atan2, HP_U35)
#undef HP_VMATH2
// float64 pow stays glibc's, lane by lane: it is correctly rounded, and NumPy's x ** y
// is that same pow, so float64 powers match NumPy bit for bit (the op tests expect it);
// the vector functions are within 1 ULP.
inline vd pow(vd a, vd b) {
  vd r;
  for (int l = 0; l < lanes<vd>; ++l) r[l] = scalar_math::pow(a[l], b[l]);
  return r;
}

#if defined(HP_SLEEF) && HP_SLEEF
template <class M>
inline bool any(M m) {
  for (int l = 0; l < HP_SIMD_BYTES / static_cast<int>(sizeof(m[0])); ++l) {
    if (m[l]) return true;
  }
  return false;
}
// |x| below the smallest normal: f(x) == x for log1p, tan and asinh.
template <class V>
inline mask_of<V> tiny(V x) {
  using T = typename Lane<V>::T;
  return abs(x) < T(sizeof(T) == 4 ? 1.17549435e-38 : 2.2250738585072014e-308);
}
template <class V>
inline V huge_bound() {
  using T = typename Lane<V>::T;
  return V{} + T(sizeof(T) == 4 ? 1e18 : 1e150);
}
#if defined(HP_SLEEF_U35) && HP_SLEEF_U35 && !defined(HP_MVEC_LOG1P_F)
// float32 under u35: SLEEF has log1pf in u10 only, 1.6x the cost of its u35 logf. With
// u = 1 + x rounded, log1p(x) = log(u) - ((u - 1) - x) / u (Goldberg, "What every
// computer scientist should know...", theorem 4: the quotient corrects u's rounding),
// within about 4 ULP. u == 1 (|x| below half an ULP of 1, +-0, denormals): x itself;
// x = -1: log(0) = -inf; x = +inf: inf; x < -1 and NaN: log's NaN.
inline vf log1p(vf x) {
  const vf u = 1.0f + x;
  const vf r = log(u) - ((u - 1.0f) - x) / u;
  const vf inf = splat(__builtin_inff());
  return blend<vf>((u == 1.0f) | (x == inf), x, blend<vf>(u == vf{}, -inf, r));
}
#endif
template <class V>
inline V log1p(V x) {
  using T = typename Lane<V>::T;
  V r = blend<V>(tiny(x), x, sleef_log1p(x));
  const mask_of<V> big = x > huge_bound<V>();
  if (any(big)) r = blend<V>(big & (x != T(__builtin_inf())), log(x), r);  // 1 + x rounds to x
  return r;
}
template <class V>
inline V tan(V x) {
  return blend<V>(tiny(x), x, sleef_tan(x));
}
// asinh(x) = sign(x) (log|x| + log 2) where x^2 + 1 rounds to x^2.
template <class V>
inline V arcsinh(V x) {
  using T = typename Lane<V>::T;
  V r = blend<V>(tiny(x), x, sleef_arcsinh(x));
  const V a = abs(x);
  const mask_of<V> big = (a > huge_bound<V>()) & (a != T(__builtin_inf()));
  if (any(big)) {
    const V l = log(a) + T(0.6931471805599453094);
    r = blend<V>(big, blend<V>(x < V{}, -l, l), r);
  }
  return r;
}
template <class V>
inline V arccosh(V x) {
  using T = typename Lane<V>::T;
  V r = sleef_arccosh(x);
  const mask_of<V> big = (x > huge_bound<V>()) & (x != T(__builtin_inf()));
  if (any(big)) r = blend<V>(big, log(x) + T(0.6931471805599453094), r);
  return r;
}
// SLEEF's pow overflows a little early: pow(DBL_MAX, 1) gives inf. An infinite result
// of finite operands is computed again by the scalar function, lane by lane.
template <class V>
inline V pow(V a, V b) {
  using T = typename Lane<V>::T;
  V r = sleef_pow(a, b);
  const V inf = V{} + T(__builtin_inf());
  const mask_of<V> redo = (abs(r) == inf) & (abs(a) < inf) & (abs(b) < inf);
  if (any(redo)) {
    for (int l = 0; l < lanes<V>; ++l) {
      if (redo[l]) r[l] = scalar_math::pow(a[l], b[l]);
    }
  }
  return r;
}
// Beyond SLEEF's range, up to where the result overflows: h = exp(|x| / 2) (halving is
// exact), sinh|x| ~ cosh x ~ h * (h / 2), three roundings more than exp.
template <class V>
inline mask_of<V> hyperbolic_edge(V a) {
  using T = typename Lane<V>::T;
  return (a > T(sizeof(T) == 4 ? 88 : 709)) & (a != T(__builtin_inf()));
}
template <class V>
inline V sinh(V x) {
  using T = typename Lane<V>::T;
  V r = sleef_sinh(x);
  const V a = abs(x);
  const mask_of<V> edge = hyperbolic_edge(a);
  if (any(edge)) {
    const V h = exp(a * T(0.5));
    const V big = h * (h * T(0.5));
    r = blend<V>(edge, blend<V>(x < V{}, -big, big), r);
  }
  return r;
}
template <class V>
inline V cosh(V x) {
  using T = typename Lane<V>::T;
  V r = sleef_cosh(x);
  const V a = abs(x);
  const mask_of<V> edge = hyperbolic_edge(a);
  if (any(edge)) {
    const V h = exp(a * T(0.5));
    r = blend<V>(edge, h * (h * T(0.5)), r);
  }
  return r;
}
#endif

// The scalar sigmoid: x >= 0 ? 1 / (1 + exp(-x)) : e / (1 + e) with e = exp(x); both
// take exp(-|x|). NaN fails x >= 0 and propagates through e.
template <class V>
inline V sigmoid(V x) {
  using T = typename Lane<V>::T;
  const V e = exp(-abs(x));
  return blend<V>(x >= V{}, T(1) / (T(1) + e), e / (T(1) + e));
}
// The scalar softplus: x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)).
template <class V>
inline V softplus(V x) {
  const V l = log1p(exp(-abs(x)));
  return blend<V>(x > V{}, x + l, l);
}

}  // namespace hypatia::simd_math
#endif
