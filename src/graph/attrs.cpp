#include <algorithm>
#include <cstring>
#include <functional>

#include "hypatia/graph.hpp"

namespace hypatia {
namespace {

std::size_t combine(std::size_t seed, std::size_t v) {
  return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_array(const Array& a) {
  std::size_t h = combine(std::hash<int>()(static_cast<int>(a.dtype())), std::hash<std::size_t>()(a.shape().size()));
  for (auto d : a.shape()) h = combine(h, std::hash<std::int64_t>()(d));
  const Array c = a.contiguous();
  const std::string_view bytes(reinterpret_cast<const char*>(c.data()), c.nbytes());
  return combine(h, std::hash<std::string_view>()(bytes));
}

bool same_array(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  const Array ca = a.contiguous(), cb = b.contiguous();
  return ca.nbytes() == 0 || std::memcmp(ca.data(), cb.data(), ca.nbytes()) == 0;
}

std::string value_str(const AttrValue& v) {
  struct {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return Array::scalar(d).str(); }  // NumPy's repr: 0.5, 1e-05
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
      return s + "]";
    }
    std::string operator()(DType t) const { return std::string(dtype_name(t)); }
    std::string operator()(const Opaque&) const { return "<opaque>"; }
    std::string operator()(const Array& a) const {
      if (a.size() <= 8) return a.str();
      // Appended piece by piece: g++ 12 at -O3 warns (-Wrestrict, falsely) on the
      // equivalent chain of operator+.
      std::string s = "<";
      s.append(dtype_name(a.dtype())).append(" array ").append(shape_str(a.shape())).append(">");
      return s;
    }
  } visitor;
  return std::visit(visitor, v);
}

}  // namespace

Attrs::Attrs(std::initializer_list<std::pair<std::string, AttrValue>> items) {
  for (const auto& [k, v] : items) set(k, v);
}

Attrs& Attrs::set(const std::string& key, AttrValue value) {
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const auto& item, const std::string& k) { return item.first < k; });
  if (it != items_.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    items_.insert(it, {key, std::move(value)});
  }
  return *this;
}

bool Attrs::has(const std::string& key) const {
  return std::any_of(items_.begin(), items_.end(), [&](const auto& item) { return item.first == key; });
}

const AttrValue& Attrs::get(const std::string& key) const {
  for (const auto& item : items_) {
    if (item.first == key) return item.second;
  }
  throw InternalError("attribute '" + key + "' is not set");
}

std::size_t Attrs::hash() const {
  std::size_t h = items_.size();
  for (const auto& [k, v] : items_) {
    h = combine(h, std::hash<std::string>()(k));
    h = combine(h, v.index());
    std::size_t vh = std::visit(
        [](const auto& x) -> std::size_t {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, Array>) {
            return hash_array(x);
          } else if constexpr (std::is_same_v<X, std::vector<std::int64_t>>) {
            std::size_t s = x.size();
            for (auto i : x) s = combine(s, std::hash<std::int64_t>()(i));
            return s;
          } else if constexpr (std::is_same_v<X, DType>) {
            return std::hash<int>()(static_cast<int>(x));
          } else if constexpr (std::is_same_v<X, Opaque>) {
            return std::hash<const void*>()(x.object.get());
          } else if constexpr (std::is_same_v<X, double>) {
            std::uint64_t bits;
            std::memcpy(&bits, &x, sizeof bits);
            return std::hash<std::uint64_t>()(bits);
          } else {
            return std::hash<X>()(x);
          }
        },
        v);
    h = combine(h, vh);
  }
  return h;
}

bool Attrs::operator==(const Attrs& other) const {
  if (items_.size() != other.items_.size()) return false;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    // Plain references, not structured bindings: clang 14 cannot capture those.
    const std::string& ka = items_[i].first;
    const AttrValue& va = items_[i].second;
    const std::string& kb = other.items_[i].first;
    const AttrValue& vb = other.items_[i].second;
    if (ka != kb || va.index() != vb.index()) return false;
    if (const auto* a = std::get_if<Array>(&va)) {
      if (!same_array(*a, std::get<Array>(vb))) return false;
    } else if (const auto* d = std::get_if<double>(&va)) {
      // Bitwise, so that NaN attributes compare equal to themselves.
      if (std::memcmp(d, &std::get<double>(vb), sizeof(double)) != 0) return false;
    } else {
      bool eq = std::visit(
          [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, Array>) {
              return false;
            } else {
              return x == std::get<X>(vb);
            }
          },
          va);
      if (!eq) return false;
    }
  }
  return true;
}

std::string Attrs::str() const {
  std::string s;
  for (const auto& [k, v] : items_) {
    if (!s.empty()) s += ", ";
    s += k + "=" + value_str(v);
  }
  return s;
}

}  // namespace hypatia
