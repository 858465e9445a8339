// Printing arrays the way NumPy's str() does with its default print options:
// precision 8 with trailing zeros dropped ("maxprec"), decimal points aligned,
// scientific notation when the magnitudes call for it, and summarisation with "..."
// for arrays of more than 1000 elements (3 items at each edge).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

constexpr std::int64_t kThreshold = 1000;
constexpr std::int64_t kEdgeItems = 3;
constexpr int kPrecision = 8;

std::string trim_fraction(std::string s, bool keep_point) {
  // "1.50000000" -> "1.5", "2.00000000" -> "2." (NumPy keeps the point).
  const auto point = s.find('.');
  if (point == std::string::npos) return s;
  std::size_t end = s.size();
  while (end > point + 1 && s[end - 1] == '0') --end;
  s.resize(end);
  if (!keep_point && s.back() == '.') s.pop_back();
  return s;
}

struct FloatFormat {
  bool scientific = false;
  int digits = 0;  // fractional digits (positional) or mantissa digits (scientific)
};

std::string format_float(double v, const FloatFormat& f) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  if (f.scientific) {
    std::snprintf(buf, sizeof buf, "%.*e", f.digits, v);
    std::string s = buf;
    // NumPy writes at least two exponent digits, like printf.
    return s;
  }
  std::snprintf(buf, sizeof buf, "%.*f", f.digits, v);
  std::string s = buf;
  if (f.digits == 0) s += ".";
  return s;
}

// The fewest fractional digits (<= precision) that show `v` as precisely as
// `precision` digits would.
int digits_needed(double v, bool scientific) {
  char buf[64];
  if (scientific) {
    std::snprintf(buf, sizeof buf, "%.*e", kPrecision, v);
    std::string s = buf;
    const auto e = s.find('e');
    std::string mant = trim_fraction(s.substr(0, e), false);
    const auto point = mant.find('.');
    return point == std::string::npos ? 0 : static_cast<int>(mant.size() - point - 1);
  }
  std::snprintf(buf, sizeof buf, "%.*f", kPrecision, v);
  std::string s = trim_fraction(buf, false);
  const auto point = s.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(s.size() - point - 1);
}

class Printer {
 public:
  explicit Printer(const Array& a) : a_(a.contiguous()), summarise_(a.size() > kThreshold) {
    values_ = a_.to_vector<double>();
    if (is_float(a_.dtype())) choose_float_format();
    // Width of the widest element shown, so columns line up.
    for_each_shown([&](std::int64_t i) { width_ = std::max(width_, element(i).size()); });
  }

  std::string str() {
    if (a_.ndim() == 0) return element(0);
    std::string out;
    print_block(out, 0, 0);
    return out;
  }

 private:
  std::string element(std::int64_t flat) const {
    const auto i = static_cast<std::size_t>(flat);
    switch (a_.dtype()) {
      case DType::bool_: return values_[i] != 0 ? "True" : "False";
      case DType::float32:
      case DType::float64: return format_float(values_[i], format_);
      default: {
        // Integers print exactly, also int64 values beyond 2^53.
        return visit_dtype(a_.dtype(), [&](auto tag) -> std::string {
          using T = typename decltype(tag)::type;
          if constexpr (std::is_integral_v<T>) return std::to_string(reinterpret_cast<const T*>(a_.data())[i]);
          return {};
        });
      }
    }
  }

  void choose_float_format() {
    double max_abs = 0, min_abs = INFINITY;
    bool any = false;
    for_each_shown([&](std::int64_t i) {
      const double v = std::abs(values_[static_cast<std::size_t>(i)]);
      if (!std::isfinite(v) || v == 0) return;
      any = true;
      max_abs = std::max(max_abs, v);
      min_abs = std::min(min_abs, v);
    });
    format_.scientific = any && (max_abs >= 1e8 || min_abs < 1e-4 || max_abs / min_abs > 1e3);
    int digits = 0;
    for_each_shown([&](std::int64_t i) {
      const double v = values_[static_cast<std::size_t>(i)];
      if (std::isfinite(v)) digits = std::max(digits, digits_needed(v, format_.scientific));
    });
    format_.digits = digits;
  }

  // Visits the flat indices of the elements that are printed.
  template <class F>
  void for_each_shown(F&& f) const {
    if (a_.ndim() == 0) {
      f(0);
      return;
    }
    visit_level(0, 0, f);
  }
  template <class F>
  void visit_level(int axis, std::int64_t base, F& f) const {
    const std::int64_t n = a_.shape()[static_cast<std::size_t>(axis)];
    const std::int64_t stride = shape_size(Shape(a_.shape().begin() + axis + 1, a_.shape().end()));
    for (std::int64_t i = 0; i < n; ++i) {
      if (summarise_ && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
      if (axis + 1 == a_.ndim()) {
        f(base + i);
      } else {
        visit_level(axis + 1, base + i * stride, f);
      }
    }
  }

  std::string pad(const std::string& s) const {
    if (is_float(a_.dtype())) {
      // Left-align at the decimal point, as NumPy pads fractions on the right.
      const auto point = s.find('.');
      const std::size_t frac = point == std::string::npos ? 0 : s.size() - point - 1;
      const std::size_t right = format_.scientific || point == std::string::npos
                                    ? 0
                                    : static_cast<std::size_t>(format_.digits) - std::min<std::size_t>(frac, format_.digits);
      std::string t = s + std::string(right, ' ');
      return std::string(width_ > t.size() ? width_ - t.size() : 0, ' ') + t;
    }
    return std::string(width_ > s.size() ? width_ - s.size() : 0, ' ') + s;
  }

  void print_block(std::string& out, int axis, std::int64_t base) const {
    const int nd = a_.ndim();
    const std::int64_t n = a_.shape()[static_cast<std::size_t>(axis)];
    const std::int64_t stride = shape_size(Shape(a_.shape().begin() + axis + 1, a_.shape().end()));
    out += '[';
    for (std::int64_t i = 0; i < n; ++i) {
      if (summarise_ && n > 2 * kEdgeItems && i == kEdgeItems) {
        out += axis + 1 == nd ? "..." : "...";
        out += axis + 1 == nd ? " " : std::string(",\n") + std::string(static_cast<std::size_t>(axis + 1), ' ');
        if (axis + 1 < nd) {
          out.pop_back();
          out.resize(out.size() - static_cast<std::size_t>(axis));
          out += "\n" + std::string(static_cast<std::size_t>(nd - axis - 2), '\n') +
                 std::string(static_cast<std::size_t>(axis + 1), ' ');
        }
        i = n - kEdgeItems;
      }
      if (axis + 1 == nd) {
        out += pad(element(base + i));
        if (i + 1 < n) out += ' ';
      } else {
        print_block(out, axis + 1, base + i * stride);
        if (i + 1 < n) {
          out += std::string(static_cast<std::size_t>(nd - axis - 1), '\n');
          out += std::string(static_cast<std::size_t>(axis + 1), ' ');
        }
      }
    }
    out += ']';
  }

  Array a_;
  bool summarise_;
  std::vector<double> values_;
  FloatFormat format_;
  std::size_t width_ = 0;
};

}  // namespace

std::string Array::str() const { return Printer(*this).str(); }

std::ostream& operator<<(std::ostream& os, const Array& a) { return os << a.str(); }

}  // namespace hypatia
