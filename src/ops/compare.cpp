// Comparisons (lt, gt, le, ge, eq, neq) and float predicates (isnan, isinf,
// isfinite), all giving bool.
//
// Comparisons compute in the promoted dtype, except that integers whose promotion is a
// float (a signed integer against uint64) compare exactly by value, as in NumPy 2; an
// integer literal that does not fit the other operand's integer dtype also compares by
// value (NumPy 2's rule for Python ints in comparisons) instead of being an error.
// NaN compares unequal to everything, itself included: only neq is true for it.
// The predicates see no NaN or infinity in integers and bool: false, false, true.
#include <cstdint>
#include <type_traits>
#include <utility>

#include "hypatia/ops/elemwise.hpp"
#include "ops/elemwise_util.hpp"
#include "runtime/scalar_math.hpp"

namespace hypatia {
namespace {

using detail::ElemwiseSpec;
using detail::ResultDType;

enum class Cmp { lt, gt, le, ge, eq, neq };

template <class T>
inline constexpr bool kIsInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// a <C> b by value: integers of mixed signedness compare exactly.
template <Cmp C, class A, class B>
bool compare(A a, B b) {
  if constexpr (C == Cmp::lt) return scalar_math::lt(a, b);
  if constexpr (C == Cmp::gt) return scalar_math::gt(a, b);
  if constexpr (C == Cmp::le) return scalar_math::le(a, b);
  if constexpr (C == Cmp::ge) return scalar_math::ge(a, b);
  if constexpr (C == Cmp::eq) return scalar_math::eq(a, b);
  if constexpr (C == Cmp::neq) return scalar_math::neq(a, b);
}

// The uint64 bits of `a` read as int64: map_broadcast takes one input type, and the
// cast back to uint64 in the loop restores the value exactly (it is modular).
Array uint64_bits_as_int64(const Array& a) {
  const Array u = a.astype(DType::uint64);
  return Array::view_of(u.buffer(), DType::int64, u.shape(), u.strides(), u.offset());
}

template <Cmp C>
KernelFn comparison_kernel() {
  const KernelFn promoted = detail::predicate_kernel<2>([](auto a, auto b) { return compare<C>(a, b); });
  return [promoted](const KernelArgs& args) {
    const DType ta = args.inputs[0].dtype();
    const DType tb = args.inputs[1].dtype();
    if (!is_integer(ta) || !is_integer(tb) || is_integer(promote_types(ta, tb))) return promoted(args);
    // Signed against uint64: promotion would round both through float64.
    const bool a_signed = is_signed_integer(ta);
    const std::array<Array, 2> ins{a_signed ? args.inputs[0].astype(DType::int64) : uint64_bits_as_int64(args.inputs[0]),
                                   a_signed ? uint64_bits_as_int64(args.inputs[1]) : args.inputs[1].astype(DType::int64)};
    return std::vector<Array>{detail::map_broadcast<bool, std::int64_t, 2>(ins, [a_signed](std::int64_t a, std::int64_t b) {
      return a_signed ? compare<C>(a, static_cast<std::uint64_t>(b)) : compare<C>(static_cast<std::uint64_t>(a), b);
    })};
  };
}

bool fits(std::int64_t v, DType t) {
  return visit_dtype(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (kIsInt<T>) {
      return std::in_range<T>(v);
    } else {
      return true;
    }
  });
}

// True when `lit` is an integer literal that `other`'s integer dtype cannot hold.
bool out_of_range_literal(const Operand& lit, const Operand& other) {
  if (!lit.is_literal() || other.is_literal()) return false;
  const Variable v = lit.variable();
  const DType t = other.variable().dtype();
  return v.dtype() == DType::int64 && is_integer(t) && !fits(v.constant_value().item<std::int64_t>(), t);
}

// The operands of a comparison node: literals take the other operand's dtype as in
// arithmetic, except an out-of-range integer literal, which stays int64 so that the
// kernel compares it by value (`int8 < 300` is true, `uint64 == -1` is false).
Variable comparison(std::string_view name, const Operand& a, const Operand& b) {
  std::vector<Variable> vars = out_of_range_literal(a, b) || out_of_range_literal(b, a)
                                   ? std::vector<Variable>{a.variable(), b.variable()}
                                   : detail::to_variables({&a, &b});
  return apply1(name, std::move(vars), {}, a.where());
}

constexpr const char* kComparisonNotDifferentiable = "a comparison is piecewise constant: its gradient is zero";
constexpr const char* kPredicateNotDifferentiable = "a predicate is piecewise constant: its gradient is zero";

}  // namespace

void register_compare_ops(OpRegistry& r) {
  struct Def {
    const char* name;
    const char* summary;
    Traits traits;
    ScalarPrim prim;
    KernelFn kernel;
  };
  const Def comparisons[] = {
      {"lt", "Whether a is less than b, elementwise.", 0, ScalarPrim::lt, comparison_kernel<Cmp::lt>()},
      {"gt", "Whether a is greater than b, elementwise.", 0, ScalarPrim::gt, comparison_kernel<Cmp::gt>()},
      {"le", "Whether a is less than or equal to b, elementwise.", 0, ScalarPrim::le, comparison_kernel<Cmp::le>()},
      {"ge", "Whether a is greater than or equal to b, elementwise.", 0, ScalarPrim::ge,
       comparison_kernel<Cmp::ge>()},
      {"eq", "Whether a equals b, elementwise.", kCommutative, ScalarPrim::eq, comparison_kernel<Cmp::eq>()},
      {"neq", "Whether a differs from b, elementwise (true where either is NaN).", kCommutative, ScalarPrim::neq,
       comparison_kernel<Cmp::neq>()},
  };
  for (const Def& d : comparisons) {
    define_elemwise(r, ElemwiseSpec{d.name, d.summary, d.traits, d.prim, ResultDType::boolean, d.kernel})
        .not_differentiable(kComparisonNotDifferentiable);
  }

  define_elemwise(r, ElemwiseSpec{"isnan", "Whether x is NaN, elementwise (false for integers and bool).", 0,
                                  ScalarPrim::isnan, ResultDType::boolean,
                                  detail::predicate_kernel<1>([](auto x) { return scalar_math::isnan(x); })})
      .not_differentiable(kPredicateNotDifferentiable);
  define_elemwise(r, ElemwiseSpec{"isinf", "Whether x is +inf or -inf, elementwise (false for integers and bool).",
                                  0, ScalarPrim::isinf, ResultDType::boolean,
                                  detail::predicate_kernel<1>([](auto x) { return scalar_math::isinf(x); })})
      .not_differentiable(kPredicateNotDifferentiable);
  define_elemwise(r, ElemwiseSpec{"isfinite", "Whether x is neither NaN nor infinite, elementwise (true for "
                                              "integers and bool).",
                                  0, ScalarPrim::isfinite, ResultDType::boolean,
                                  detail::predicate_kernel<1>([](auto x) { return scalar_math::isfinite(x); })})
      .not_differentiable(kPredicateNotDifferentiable);
}

Variable lt(const Operand& a, const Operand& b) { return comparison("lt", a, b); }
Variable gt(const Operand& a, const Operand& b) { return comparison("gt", a, b); }
Variable le(const Operand& a, const Operand& b) { return comparison("le", a, b); }
Variable ge(const Operand& a, const Operand& b) { return comparison("ge", a, b); }
Variable eq(const Operand& a, const Operand& b) { return comparison("eq", a, b); }
Variable neq(const Operand& a, const Operand& b) { return comparison("neq", a, b); }

Variable isnan(const Operand& x) { return detail::elemwise("isnan", {&x}); }
Variable isinf(const Operand& x) { return detail::elemwise("isinf", {&x}); }
Variable isfinite(const Operand& x) { return detail::elemwise("isfinite", {&x}); }

Variable operator<(const Operand& a, const Operand& b) { return lt(a, b); }
Variable operator>(const Operand& a, const Operand& b) { return gt(a, b); }
Variable operator<=(const Operand& a, const Operand& b) { return le(a, b); }
Variable operator>=(const Operand& a, const Operand& b) { return ge(a, b); }

}  // namespace hypatia
