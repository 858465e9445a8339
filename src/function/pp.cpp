// pp: infix math with Python's operators and precedence (hypatia/printing.hpp).
// Every node's text is built once, inputs before users (no recursion: long chains do
// not overflow the stack), with the precedence of its outermost operator, so that a
// user adds parentheses only where that precedence is lower than its place needs.
#include <unordered_map>

#include "function/printing_util.hpp"
#include "graph/op.hpp"
#include "hypatia/printing.hpp"

namespace hypatia {
namespace {

// Python's precedence, loosest first.
enum Prec : int { kCompare = 1, kOr, kXor, kAnd, kAdd, kMul, kUnary, kPow, kAtom };

struct Text {
  std::string s;
  int prec = kAtom;
};

struct Infix {
  const char* symbol;
  int prec;
};

const Infix* infix_of(const std::string& op) {
  static const std::unordered_map<std::string, Infix> table{
      {"add", {"+", kAdd}},          {"sub", {"-", kAdd}},          {"mul", {"*", kMul}},
      {"true_div", {"/", kMul}},     {"floor_div", {"//", kMul}},   {"mod", {"%", kMul}},
      {"pow", {"**", kPow}},         {"lt", {"<", kCompare}},       {"le", {"<=", kCompare}},
      {"gt", {">", kCompare}},       {"ge", {">=", kCompare}},      {"eq", {"==", kCompare}},
      {"neq", {"!=", kCompare}},     {"logical_and", {"&", kAnd}},  {"bitwise_and", {"&", kAnd}},
      {"logical_or", {"|", kOr}},    {"bitwise_or", {"|", kOr}},    {"logical_xor", {"^", kXor}},
      {"bitwise_xor", {"^", kXor}},
  };
  auto it = table.find(op);
  return it == table.end() ? nullptr : &it->second;
}

const char* prefix_of(const std::string& op) {
  if (op == "neg") return "-";
  if (op == "logical_not" || op == "invert") return "~";
  return nullptr;
}

std::string wrap(const Text& t, bool parens) { return parens ? "(" + t.s + ")" : t.s; }

// A leaf's text: names, values.
Text leaf_text(const Variable& v) {
  switch (detail::leaf_kind(v.node())) {
    case detail::LeafKind::input: return {v.name().empty() ? "<" + v.type().str() + ">" : v.name()};
    case detail::LeafKind::shared: return {v.name().empty() ? "<shared " + v.type().str() + ">" : v.name()};
    case detail::LeafKind::constant: {
      const Array& a = v.constant_value();
      if (a.size() > 8) return {"<constant " + detail::constant_text(a) + ">"};
      const std::string s = a.str();
      return {s, !s.empty() && s[0] == '-' ? kUnary : kAtom};
    }
    case detail::LeafKind::none: break;
  }
  throw InternalError("pp: not a leaf");
}

// The keyword arguments of a call: ", axis=1, keepdims=True".
std::string keywords(const Node& node) {
  std::string s;
  for (const auto& [key, value] : detail::shown_attrs(node)) {
    const auto* axes = std::get_if<std::vector<std::int64_t>>(value);
    const std::string v = key == "axis" && axes != nullptr && axes->size() == 1 ? std::to_string(axes->front())
                                                                                : detail::attr_value_text(*value, true);
    s += ", " + key + "=" + v;
  }
  return s;
}

// The text of output `index` of `node`, from its inputs' texts.
Text node_text(const Node& node, int index, const std::vector<const Text*>& in) {
  const std::string& op = node.op().name;
  const std::size_t n = in.size();
  if (const Infix* f = infix_of(op); f != nullptr && n >= 2) {
    // Left-associative (n-ary add and mul fold from the left); ** is right-associative;
    // comparisons never chain.
    const bool right_assoc = op == "pow";
    Text t{wrap(*in[0], right_assoc || f->prec == kCompare ? in[0]->prec <= f->prec : in[0]->prec < f->prec), f->prec};
    for (std::size_t i = 1; i < n; ++i) {
      const bool parens = right_assoc ? in[i]->prec < kUnary : in[i]->prec <= f->prec;
      t.s += std::string(" ") + f->symbol + " " + wrap(*in[i], parens);
    }
    return t;
  }
  if (const char* p = prefix_of(op); p != nullptr && n == 1) return {p + wrap(*in[0], in[0]->prec < kUnary), kUnary};
  auto postfix = [&](const std::string& tail) { return Text{wrap(*in[0], in[0]->prec < kAtom) + tail}; };
  if (op == "dimshuffle") {
    const auto& pattern = node.attrs().get_ints("pattern");
    bool reversed = pattern.size() >= 2 && static_cast<int>(pattern.size()) == node.inputs()[0].ndim();
    for (std::size_t i = 0; reversed && i < pattern.size(); ++i) {
      reversed = pattern[i] == static_cast<std::int64_t>(pattern.size() - 1 - i);
    }
    if (reversed) return postfix(".T");
    std::string args;
    for (std::int64_t p : pattern) args += (args.empty() ? "" : ", ") + (p < 0 ? std::string("'x'") : std::to_string(p));
    return postfix(".dimshuffle(" + args + ")");
  }
  if (op == "cast") return postfix(".astype(" + detail::attr_value_text(node.attrs().get("dtype"), true) + ")");
  if (const int start = detail::key_inputs_start(node); start >= 0) {
    const std::string key = detail::key_text(node.attrs().get_ints("items"),
                                             [&](int i) { return in[static_cast<std::size_t>(start + i)]->s; });
    const Text indexed = postfix("[" + key + "]");
    if (op == "subtensor") return indexed;
    const bool set = node.attrs().has("set") && node.attrs().get_bool("set");
    return {std::string(set ? "set_subtensor(" : "inc_subtensor(") + indexed.s + ", " + in[1]->s + ")"};
  }
  std::string s = op + "(";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", " : "") + in[i]->s;
  s += keywords(node) + ")";
  if (node.num_outputs() > 1) s += "[" + std::to_string(index) + "]";
  return {s};
}

}  // namespace

std::string pp(const Variable& v) {
  if (!v.valid()) throw TypeError("pp: an empty Variable (default-constructed) was given");
  const auto order = topological_order({v});
  // A text is dropped once its last user has read it: a long chain keeps O(length)
  // text alive, not one copy per level.
  std::unordered_map<Variable, int, VariableHash> uses{{v, 1}};
  for (const auto& node : order) {
    for (const Variable& x : node->inputs()) ++uses[x];
  }
  std::unordered_map<Variable, Text, VariableHash> text;
  for (const auto& node : order) {
    for (int i = 0; i < node->num_outputs(); ++i) {
      const Variable out = node->output(i);
      if (!uses.count(out)) continue;
      if (node->inputs().empty()) {
        text.emplace(out, leaf_text(out));
        continue;
      }
      std::vector<const Text*> in;
      for (const Variable& x : node->inputs()) in.push_back(&text.at(x));
      text.emplace(out, node_text(*node, i, in));
    }
    for (const Variable& x : node->inputs()) {
      if (--uses[x] == 0) text.erase(x);
    }
  }
  return text.at(v).s;
}

}  // namespace hypatia
