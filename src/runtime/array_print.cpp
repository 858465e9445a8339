// Printing arrays exactly as NumPy's str() does with its default print options
// (numpy/core/arrayprint.py: precision 8, floatmode "maxprec", linewidth 75,
// threshold 1000, edgeitems 3):
// - floats: each value's shortest round-trip digits (of its own dtype, so float32
//   prints as float32), cut to 8 fractional digits when longer; integer parts padded
//   on the left and fractions on the right so that the points line up; scientific
//   notation, with one mantissa precision for all, when the non-zero magnitudes reach
//   1e8, go below 1e-4 or span more than a factor 1000;
// - rows wrap at 75 columns; axes beyond the last are separated by blank lines;
// - arrays of more than 1000 elements show 3 items at each edge of each axis, "..."
//   between, and only the shown items choose the format;
// - a 0-d array prints as NumPy's scalar str ("1.0", "1e-05", "True").
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

constexpr std::int64_t kThreshold = 1000;
constexpr std::int64_t kEdgeItems = 3;
constexpr int kPrecision = 8;
constexpr std::size_t kLineWidth = 75;

// ---------------------------------------------------------------- Dragon4
//
// NumPy formats floats with its own Dragon4 (numpy/core/src/multiarray/dragon4.c),
// whose "unique" mode prints the shortest digits that identify the value and, with
// min_digits, keeps printing exact digits past them, rounding the last one by its own
// rule. Shortest-repr libraries and printf agree with it only sometimes (float32
// 99999992 prints "99999992." in an array but its shortest digits are 9999999e1), so
// the digit loop is reproduced here over exact big integers.

// An unsigned integer of any size, little-endian 32-bit limbs: just what the digit
// loop needs.
class BigUint {
 public:
  explicit BigUint(std::uint64_t v = 0) {
    while (v != 0) {
      limbs_.push_back(static_cast<std::uint32_t>(v));
      v >>= 32;
    }
  }
  static BigUint pow2(int n) { return BigUint(1).shifted_left(n); }

  BigUint shifted_left(int n) const {
    BigUint r;
    if (limbs_.empty()) return r;
    const int words = n / 32, bits = n % 32;
    r.limbs_.assign(static_cast<std::size_t>(words), 0);
    std::uint32_t carry = 0;
    for (std::uint32_t l : limbs_) {
      r.limbs_.push_back(bits == 0 ? l : (l << bits) | carry);
      carry = bits == 0 ? 0 : l >> (32 - bits);
    }
    if (carry != 0) r.limbs_.push_back(carry);
    return r;
  }
  void mul_small(std::uint32_t m) {
    std::uint64_t carry = 0;
    for (std::uint32_t& l : limbs_) {
      const std::uint64_t t = static_cast<std::uint64_t>(l) * m + carry;
      l = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  }
  void mul_pow10(int n) {
    for (; n >= 9; n -= 9) mul_small(1000000000u);
    for (; n > 0; --n) mul_small(10);
  }
  BigUint operator+(const BigUint& o) const {
    BigUint r;
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < std::max(limbs_.size(), o.limbs_.size()); ++i) {
      const std::uint64_t t = static_cast<std::uint64_t>(limb(i)) + o.limb(i) + carry;
      r.limbs_.push_back(static_cast<std::uint32_t>(t));
      carry = t >> 32;
    }
    if (carry != 0) r.limbs_.push_back(static_cast<std::uint32_t>(carry));
    return r;
  }
  // *this -= o; requires *this >= o.
  void subtract(const BigUint& o) {
    std::int64_t borrow = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::int64_t t = static_cast<std::int64_t>(limbs_[i]) - o.limb(i) - borrow;
      borrow = t < 0 ? 1 : 0;
      if (t < 0) t += std::int64_t{1} << 32;
      limbs_[i] = static_cast<std::uint32_t>(t);
    }
    trim();
  }
  friend int compare(const BigUint& a, const BigUint& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }
  // The quotient (at most 9 here) of *this / d; *this becomes the remainder.
  std::uint32_t divide_digit(const BigUint& d) {
    std::uint32_t q = 0;
    while (compare(*this, d) >= 0) {
      subtract(d);
      ++q;
    }
    return q;
  }

 private:
  std::uint32_t limb(std::size_t i) const { return i < limbs_.size() ? limbs_[i] : 0; }
  void trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }
  std::vector<std::uint32_t> limbs_;
};

enum class Cutoff { total_length, fraction_length };

struct Digits {
  std::string digits;  // the first digit is at 10^exponent
  int exponent = 0;
};

// NumPy's Dragon4() in unique mode for the finite |v| (of float32 when is_float32):
// digits until the value is identified and the digit at cutoff_min is reached, or
// until cutoff_max; -1 for no limit. Cutoffs count total digits or fraction digits.
Digits dragon4(double v, bool is_float32, Cutoff mode, int cutoff_max, int cutoff_min) {
  std::uint64_t mantissa;
  int exponent, mantissa_bit;
  bool unequal_margins;
  if (is_float32) {
    const float f = std::abs(static_cast<float>(v));
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const int e = static_cast<int>(bits >> 23);
    const std::uint32_t m = bits & ((1u << 23) - 1);
    mantissa = e != 0 ? (m | (1u << 23)) : m;
    exponent = e != 0 ? e - 127 - 23 : 1 - 127 - 23;
    mantissa_bit = e != 0 ? 23 : static_cast<int>(std::bit_width(m)) - 1;
    unequal_margins = e > 1 && m == 0;
  } else {
    const double d = std::abs(v);
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    const int e = static_cast<int>(bits >> 52);
    const std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
    mantissa = e != 0 ? (m | (std::uint64_t{1} << 52)) : m;
    exponent = e != 0 ? e - 1023 - 52 : 1 - 1023 - 52;
    mantissa_bit = e != 0 ? 52 : static_cast<int>(std::bit_width(m)) - 1;
    unequal_margins = e > 1 && m == 0;
  }
  if (mantissa == 0) return {"0", 0};

  // value = scaled_value / scale; the margins are half the gaps to the neighbours
  // (the high one twice the low one at a power of two).
  const int extra = unequal_margins ? 2 : 1;
  BigUint scaled_value = BigUint(mantissa).shifted_left(std::max(exponent, 0) + extra);
  BigUint scale = exponent > 0 ? BigUint(std::uint64_t{1} << extra) : BigUint::pow2(-exponent + extra);
  BigUint margin_low = exponent > 0 ? BigUint::pow2(exponent) : BigUint(1);
  auto margin_high = [&] { return unequal_margins ? margin_low.shifted_left(1) : margin_low; };

  int digit_exponent = static_cast<int>(std::ceil((mantissa_bit + exponent) * 0.30102999566398119521 - 0.69));
  if (cutoff_max >= 0 && mode == Cutoff::fraction_length && digit_exponent <= -cutoff_max) {
    digit_exponent = -cutoff_max + 1;
  }
  if (digit_exponent > 0) {
    scale.mul_pow10(digit_exponent);
  } else if (digit_exponent < 0) {
    scaled_value.mul_pow10(-digit_exponent);
    margin_low.mul_pow10(-digit_exponent);
  }
  if (compare(scaled_value, scale) >= 0) {
    ++digit_exponent;  // the estimate was one too low
  } else {
    scaled_value.mul_small(10);
    margin_low.mul_small(10);
  }

  int cutoff_max_exponent = digit_exponent - 10000;
  if (cutoff_max >= 0) {
    cutoff_max_exponent =
        std::max(cutoff_max_exponent, mode == Cutoff::total_length ? digit_exponent - cutoff_max : -cutoff_max);
  }
  int cutoff_min_exponent = digit_exponent;
  if (cutoff_min >= 0) {
    cutoff_min_exponent =
        std::min(cutoff_min_exponent, mode == Cutoff::total_length ? digit_exponent - cutoff_min : -cutoff_min);
  }
  Digits out;
  out.exponent = digit_exponent - 1;

  const bool is_even = mantissa % 2 == 0;
  bool low = false, high = false;
  std::uint32_t digit = 0;
  for (;;) {
    --digit_exponent;
    digit = scaled_value.divide_digit(scale);
    const int cmp_low = compare(scaled_value, margin_low);
    const int cmp_high = compare(scaled_value + margin_high(), scale);
    low = is_even ? cmp_low <= 0 : cmp_low < 0;
    high = is_even ? cmp_high >= 0 : cmp_high > 0;
    if (((low || high) && digit_exponent <= cutoff_min_exponent) || digit_exponent == cutoff_max_exponent) break;
    out.digits += static_cast<char>('0' + digit);
    scaled_value.mul_small(10);
    margin_low.mul_small(10);
  }
  // Round the last digit: the only direction that stays within the margins, else the
  // nearest, ties to even.
  bool round_down = low;
  if (low == high) {
    scaled_value.mul_small(2);
    const int cmp = compare(scaled_value, scale);
    round_down = cmp < 0 || (cmp == 0 && digit % 2 == 0);
  }
  if (round_down) {
    out.digits += static_cast<char>('0' + digit);
  } else if (digit < 9) {
    out.digits += static_cast<char>('0' + digit + 1);
  } else {
    while (!out.digits.empty() && out.digits.back() == '9') out.digits.pop_back();
    if (out.digits.empty()) {
      out.digits = "1";
      ++out.exponent;
    } else {
      ++out.digits.back();
    }
  }
  return out;
}

// ---------------------------------------------------------------- float layout

struct FloatParts {
  std::string int_part;  // with the sign
  std::string frac;
  int exponent = 0;      // scientific only
};

std::string trim_zeros(std::string s) {
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

std::string sign_of(double v) { return std::signbit(v) ? "-" : ""; }

// NumPy's FormatPositional, trailing zeros of the fraction trimmed.
FloatParts positional_parts(double v, bool is_float32, int precision, int min_digits) {
  const Digits d = dragon4(v, is_float32, Cutoff::fraction_length, precision, min_digits);
  FloatParts p;
  if (d.exponent >= 0) {
    const auto whole = static_cast<std::size_t>(d.exponent) + 1;
    if (d.digits.size() <= whole) {
      p.int_part = d.digits + std::string(whole - d.digits.size(), '0');
    } else {
      p.int_part = d.digits.substr(0, whole);
      p.frac = d.digits.substr(whole);
    }
  } else {
    p.int_part = "0";
    p.frac = std::string(static_cast<std::size_t>(-(d.exponent + 1)), '0') + d.digits;
  }
  p.int_part = sign_of(v) + p.int_part;
  p.frac = trim_zeros(p.frac);
  return p;
}

// NumPy's FormatScientific: with min_digits the mantissa keeps that many fraction
// digits (exact ones, then zeros); without, trailing zeros are trimmed.
FloatParts scientific_parts(double v, bool is_float32, int precision, int min_digits) {
  const Digits d = dragon4(v, is_float32, Cutoff::total_length, precision < 0 ? -1 : precision + 1,
                           min_digits < 0 ? -1 : min_digits + 1);
  FloatParts p;
  p.int_part = sign_of(v) + d.digits.substr(0, 1);
  p.frac = d.digits.substr(1);
  if (min_digits >= 0) {
    if (p.frac.size() < static_cast<std::size_t>(min_digits)) p.frac.resize(static_cast<std::size_t>(min_digits), '0');
  } else {
    p.frac = trim_zeros(p.frac);
  }
  p.exponent = d.exponent;
  return p;
}

std::string exponent_str(int exponent, std::size_t digits) {
  std::string d = std::to_string(exponent < 0 ? -exponent : exponent);
  if (d.size() < digits) d.insert(0, digits - d.size(), '0');
  return (exponent < 0 ? "-" : "+") + d;
}

// NumPy's str() of a float scalar: positional for 0, NaN and 1e-4 <= |v| < 1e16, with
// at least one fractional digit ("1.0"); scientific otherwise, trimmed ("1e+20").
std::string scalar_float_str(double v, bool is_float32) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::abs(v);
  if (a == 0 || (a >= 1e-4 && a < 1e16)) {
    const FloatParts p = positional_parts(v, is_float32, -1, -1);
    return p.int_part + "." + (p.frac.empty() ? "0" : p.frac);
  }
  const FloatParts p = scientific_parts(v, is_float32, -1, -1);
  return p.int_part + (p.frac.empty() ? "" : "." + p.frac) + "e" + exponent_str(p.exponent, 2);
}

// Formats the floats of one array with a common layout (NumPy's FloatingFormat).
class FloatFormat {
 public:
  FloatFormat(const std::vector<double>& shown, bool is_float32) : is_float32_(is_float32) {
    double max_abs = 0, min_abs = INFINITY;
    bool any_nonzero = false, any_finite = false, any_nonfinite = false, neg_inf = false;
    for (double v : shown) {
      if (!std::isfinite(v)) {
        any_nonfinite = true;
        neg_inf = neg_inf || v < 0;
        continue;
      }
      any_finite = true;
      if (v == 0) continue;
      any_nonzero = true;
      max_abs = std::max(max_abs, std::abs(v));
      min_abs = std::min(min_abs, std::abs(v));
    }
    if (any_nonzero) {
      // The ratio in the array's own precision, as NumPy computes it.
      const double ratio = is_float32 ? static_cast<double>(static_cast<float>(max_abs / min_abs)) : max_abs / min_abs;
      scientific_ = max_abs >= 1e8 || min_abs < 1e-4 || ratio > 1e3;
    }
    if (any_finite) {
      for (double v : shown) {
        if (!std::isfinite(v)) continue;
        const FloatParts p = scientific_ ? scientific_parts(v, is_float32, kPrecision, -1)
                                        : positional_parts(v, is_float32, kPrecision, -1);
        pad_left_ = std::max(pad_left_, p.int_part.size());
        frac_digits_ = std::max(frac_digits_, p.frac.size());
        if (scientific_) {
          exp_digits_ = std::max(exp_digits_, exponent_str(p.exponent, 2).size() - 1);
        }
      }
      pad_right_ = scientific_ ? exp_digits_ + 2 + frac_digits_ : frac_digits_;
    }
    if (any_nonfinite) {
      const std::size_t offset = pad_right_ + 1;  // +1 for the point
      const std::size_t widest = 3 + (neg_inf ? 1 : 0);  // "nan", "inf", "-inf"
      if (widest > offset) pad_left_ = std::max(pad_left_, widest - offset);
    }
  }

  std::string operator()(double v) const {
    if (!std::isfinite(v)) {
      const std::string s = std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
      const std::size_t width = pad_left_ + pad_right_ + 1;
      return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
    }
    if (scientific_) {
      // One mantissa precision for all: digits past a value's shortest ones are exact.
      const int digits = static_cast<int>(frac_digits_);
      const FloatParts p = scientific_parts(v, is_float32_, digits, digits);
      return std::string(pad_left_ - p.int_part.size(), ' ') + p.int_part + "." + p.frac + "e" +
             exponent_str(p.exponent, exp_digits_);
    }
    // min_digits 0: every digit before the point is exact, not padding.
    const FloatParts p = positional_parts(v, is_float32_, kPrecision, 0);
    return std::string(pad_left_ - p.int_part.size(), ' ') + p.int_part + "." + p.frac +
           std::string(pad_right_ - p.frac.size(), ' ');
  }

 private:
  bool is_float32_;
  bool scientific_ = false;
  std::size_t pad_left_ = 0;
  std::size_t pad_right_ = 0;
  std::size_t frac_digits_ = 0;
  std::size_t exp_digits_ = 2;
};

class Printer {
 public:
  explicit Printer(const Array& a) : a_(a.contiguous()), summarise_(a.size() > kThreshold) {}

  std::string str() {
    if (a_.ndim() == 0) return scalar_str();
    if (a_.size() == 0) return "[]";
    std::vector<std::int64_t> shown;
    visit_level(0, 0, shown);
    if (is_float(a_.dtype())) {
      std::vector<double> values;
      for (std::int64_t i : shown) values.push_back(float_at(i));
      float_format_.emplace(values, a_.dtype() == DType::float32);
    } else if (is_integer(a_.dtype())) {
      for (std::int64_t i : shown) int_width_ = std::max(int_width_, int_str(i).size());
    }
    return format_array(0, 0, " ", kLineWidth);
  }

 private:
  std::string scalar_str() const {
    if (is_bool(a_.dtype())) return a_.item<bool>() ? "True" : "False";
    if (is_float(a_.dtype())) return scalar_float_str(a_.item<double>(), a_.dtype() == DType::float32);
    return int_str(0);
  }

  // Integers print exactly, also 64-bit values beyond 2^53.
  std::string int_str(std::int64_t flat) const {
    return visit_dtype(a_.dtype(), [&](auto tag) -> std::string {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        return std::to_string(reinterpret_cast<const T*>(a_.data())[flat]);
      }
      return {};
    });
  }

  double float_at(std::int64_t flat) const {
    return a_.dtype() == DType::float32 ? reinterpret_cast<const float*>(a_.data())[flat]
                                        : reinterpret_cast<const double*>(a_.data())[flat];
  }

  std::string element(std::int64_t flat) const {
    if (is_bool(a_.dtype())) return reinterpret_cast<const bool*>(a_.data())[flat] ? " True" : "False";
    if (is_float(a_.dtype())) return (*float_format_)(float_at(flat));
    const std::string s = int_str(flat);
    return std::string(int_width_ > s.size() ? int_width_ - s.size() : 0, ' ') + s;
  }

  std::int64_t stride_of(int axis) const {
    return shape_size(Shape(a_.shape().begin() + axis + 1, a_.shape().end()));
  }

  // The flat indices of the shown elements (NumPy's _leading_trailing).
  void visit_level(int axis, std::int64_t base, std::vector<std::int64_t>& out) const {
    const std::int64_t n = a_.shape()[static_cast<std::size_t>(axis)];
    const std::int64_t stride = stride_of(axis);
    for (std::int64_t i = 0; i < n; ++i) {
      if (summarise_ && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
      if (axis + 1 == a_.ndim()) {
        out.push_back(base + i);
      } else {
        visit_level(axis + 1, base + i * stride, out);
      }
    }
  }

  // NumPy's _extendLine: starts a new line when `word` would pass `width`, unless
  // the line holds nothing but its indent.
  static void extend_line(std::string& s, std::string& line, const std::string& word, std::size_t width,
                          const std::string& indent) {
    if (line.size() + word.size() > width && line.size() > indent.size()) {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      s += line + "\n";
      line = indent;
    }
    line += word;
  }

  // NumPy's _formatArray for separator " ".
  std::string format_array(int axis, std::int64_t base, const std::string& indent, std::size_t width) const {
    const int axes_left = a_.ndim() - axis;
    const std::int64_t n = a_.shape()[static_cast<std::size_t>(axis)];
    const std::int64_t stride = stride_of(axis);
    const std::string next_indent = indent + " ";
    const std::size_t next_width = width - 1;  // room for the ']'
    const bool summary = summarise_ && n > 2 * kEdgeItems;
    const std::int64_t leading = summary ? kEdgeItems : 0;
    const std::int64_t trailing = summary ? kEdgeItems : n;
    std::string s;
    if (axes_left == 1) {
      const std::size_t elem_width = width - 1;
      std::string line = indent;
      for (std::int64_t i = 0; i < leading; ++i) {
        extend_line(s, line, element(base + i), elem_width, indent);
        line += ' ';
      }
      if (summary) {
        extend_line(s, line, "...", elem_width, indent);
        line += ' ';
      }
      for (std::int64_t i = trailing; i > 1; --i) {
        extend_line(s, line, element(base + n - i), elem_width, indent);
        line += ' ';
      }
      extend_line(s, line, element(base + n - 1), elem_width, indent);
      s += line;
    } else {
      const std::string line_sep(static_cast<std::size_t>(axes_left - 1), '\n');
      for (std::int64_t i = 0; i < leading; ++i) {
        s += indent + format_array(axis + 1, base + i * stride, next_indent, next_width) + line_sep;
      }
      if (summary) s += indent + "..." + line_sep;
      for (std::int64_t i = trailing; i > 1; --i) {
        s += indent + format_array(axis + 1, base + (n - i) * stride, next_indent, next_width) + line_sep;
      }
      s += indent + format_array(axis + 1, base + (n - 1) * stride, next_indent, next_width);
    }
    return "[" + s.substr(indent.size()) + "]";
  }

  Array a_;
  bool summarise_;
  std::optional<FloatFormat> float_format_;
  std::size_t int_width_ = 0;
};

}  // namespace

std::string Array::str() const { return Printer(*this).str(); }

std::ostream& operator<<(std::ostream& os, const Array& a) { return os << a.str(); }

}  // namespace hypatia
