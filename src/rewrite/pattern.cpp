#include "rewrite/pattern.hpp"

#include <sstream>

#include "graph/op.hpp"
#include "hypatia/error.hpp"
#include "hypatia/ops/elemwise.hpp"

namespace hypatia::rewrite {

Pat::Pat(double value) : node_(std::make_shared<const Node>(Node{Kind::value, {}, value, {}})) {}

Pat Pat::any(std::string name) { return Pat(std::make_shared<const Node>(Node{Kind::any, std::move(name), 0, {}})); }

Pat Pat::op(std::string name, std::vector<Pat> args) {
  return Pat(std::make_shared<const Node>(Node{Kind::op, std::move(name), 0, std::move(args)}));
}

std::string Pat::str() const {
  switch (kind()) {
    case Kind::any: return name();
    case Kind::value: {
      std::ostringstream os;
      os << value();
      return os.str();
    }
    case Kind::op: {
      std::string s = name() + "(";
      for (std::size_t i = 0; i < args().size(); ++i) s += (i ? ", " : "") + args()[i].str();
      return s + ")";
    }
  }
  return {};
}

const Variable& Match::operator[](const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) throw InternalError("rewrite: pattern variable '" + name + "' is not bound");
  return it->second;
}

bool Match::bind(const std::string& name, const Variable& v) {
  auto [it, inserted] = vars_.emplace(name, v);
  return inserted || it->second == v;
}

std::optional<double> scalar_constant(const Variable& v) {
  if (!v.is_constant()) return std::nullopt;
  const Array& a = v.constant_value();
  if (a.size() != 1) return std::nullopt;
  return a.astype(DType::float64).reshape({}).item<double>();
}

bool is_constant_value(const Variable& v, double value) {
  const auto c = scalar_constant(v);
  return c && *c == value;
}

bool match(const Pat& p, const Variable& v, Match& m) {
  switch (p.kind()) {
    case Pat::Kind::any: return m.bind(p.name(), v);
    case Pat::Kind::value: return is_constant_value(v, p.value());
    case Pat::Kind::op: {
      const Node& node = v.node();
      if (node.op().name != p.name() || node.num_outputs() != 1) return false;
      const auto& inputs = node.inputs();
      if (inputs.size() != p.args().size()) return false;
      auto match_in_order = [&](bool swapped) {
        Match trial = m;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const std::size_t j = swapped ? inputs.size() - 1 - i : i;
          if (!match(p.args()[i], inputs[j], trial)) return false;
        }
        m = std::move(trial);
        return true;
      };
      if (match_in_order(false)) return true;
      return inputs.size() == 2 && node.op().has(kCommutative) && match_in_order(true);
    }
  }
  return false;
}

Variable instantiate(const Pat& p, const Match& m, DType dtype, SourceLocation where) {
  switch (p.kind()) {
    case Pat::Kind::any: return m[p.name()];
    case Pat::Kind::value: return constant(p.value(), dtype, where);
    case Pat::Kind::op: {
      std::vector<Variable> inputs;
      for (const Pat& a : p.args()) inputs.push_back(instantiate(a, m, dtype, where));
      return apply1(p.name(), std::move(inputs), Attrs{}, where);
    }
  }
  throw InternalError("rewrite: unknown pattern kind");
}

Pat operator+(const Pat& a, const Pat& b) { return Pat::op("add", {a, b}); }
Pat operator-(const Pat& a, const Pat& b) { return Pat::op("sub", {a, b}); }
Pat operator*(const Pat& a, const Pat& b) { return Pat::op("mul", {a, b}); }
Pat operator/(const Pat& a, const Pat& b) { return Pat::op("true_div", {a, b}); }
Pat operator-(const Pat& x) { return Pat::op("neg", {x}); }
Pat pow(const Pat& a, const Pat& b) { return Pat::op("pow", {a, b}); }
#define HYPATIA_X(name) \
  Pat name(const Pat& x) { return Pat::op(#name, {x}); }
HYPATIA_PATTERN_UNARY(HYPATIA_X)
#undef HYPATIA_X

}  // namespace hypatia::rewrite
