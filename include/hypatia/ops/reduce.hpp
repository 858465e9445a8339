// Reductions (src/ops/reduce.cpp). Semantics, stated once:
// - `axis` absent reduces every axis; a list reduces those (negative counts from the
//   end; repeats are an error); an empty list reduces nothing. keepdims as in NumPy.
// - Dtypes as NumPy: sum and prod of bool and signed ints give int64, of unsigned
//   ints uint64; mean, var and std of integers give float64; argmax/argmin give
//   int64; all/any give bool.
// - Float sums are pairwise, at least as accurate as NumPy's.
// - max, min, argmax and argmin of an empty selection are a ValueError; NaN
//   propagates through max/min and argmax/argmin return the first NaN.
#pragma once

#include <initializer_list>
#include <optional>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

// The axes a reduction runs over: every axis (std::nullopt, the default) or a list,
// written as NumPy writes a tuple: `sum(x, {1})`, `sum(x, {0, -1})`; `sum(x, {})`
// reduces nothing (NumPy's axis=()). A class rather than std::optional<std::vector>,
// which cannot be made from `{1}` and would read `{}` as "every axis".
class Axes {
 public:
  Axes(std::nullopt_t) {}
  Axes(std::initializer_list<std::int64_t> axes) : axes_(std::vector<std::int64_t>(axes)) {}
  Axes(std::vector<std::int64_t> axes) : axes_(std::move(axes)) {}
  Axes(std::optional<std::vector<std::int64_t>> axes) : axes_(std::move(axes)) {}

  bool is_all() const { return !axes_.has_value(); }
  // The listed axes; empty for is_all().
  const std::vector<std::int64_t>& list() const {
    static const std::vector<std::int64_t> kNone;
    return axes_ ? *axes_ : kNone;
  }

 private:
  std::optional<std::vector<std::int64_t>> axes_;
};

Variable sum(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable prod(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable mean(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable var(const Operand& x, Axes axis = std::nullopt, std::int64_t ddof = 0, bool keepdims = false);
Variable std(const Operand& x, Axes axis = std::nullopt, std::int64_t ddof = 0, bool keepdims = false);
Variable max(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable min(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable all(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
Variable any(const Operand& x, Axes axis = std::nullopt, bool keepdims = false);
// One axis, or the flattened array when absent (NumPy's argmax).
Variable argmax(const Operand& x, std::optional<std::int64_t> axis = std::nullopt, bool keepdims = false);
Variable argmin(const Operand& x, std::optional<std::int64_t> axis = std::nullopt, bool keepdims = false);

}  // namespace hypatia
