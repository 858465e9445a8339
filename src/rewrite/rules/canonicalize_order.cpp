// Canonical operand order of commutative binary ops (DESIGN.md, "Rewrites"): `x + y` and
// `y + x` become one hash-consed node, so common subexpressions written in either order
// merge, and the graph (hence generated code and compile-cache keys) is the same
// whichever order the user wrote.
//
// The order is a structural key that never looks at pointers or at the order nodes
// were allocated in, so it is the same in every process:
//   1. non-constants before constants (`x * 2`, as constant collection leaves it);
//   2. shallower before deeper (graph inputs before computed values: `x + exp(y)`);
//   3. op name, then the input's name for graph inputs (`x + y`, `exp(a) * log(b)`);
//   4. the inputs' keys, two levels down (`exp(a) + exp(b)`);
//   5. a structural hash (FNV-1a over op names, attributes, types, constant values and
//      input names), then the output index.
// Only nodes that are structurally identical tie through all of that: they differ only
// in which of two same-named, same-typed graph inputs they read. Those keep creation
// order (Node::id), which is the user program's order, the same run to run.
//
// The pattern matcher still tries both operand orders (pattern.cpp): FAST_COMPILE runs
// stabilize without canonicalize, stabilize and specialize rules make new nodes in
// whatever order reads best, and a rule's author should not need to know the key.
//
// Not reordered: float maximum and minimum. Their results differ in the sign of a zero
// (maximum(-0.0, 0.0) is 0.0, maximum(0.0, -0.0) is -0.0, as in NumPy), which a later
// division turns into +inf or -inf.
#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

struct Key {
  std::uint64_t hash = 0;
  int depth = 0;
};

class Fnv {
 public:
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h_ = (h_ ^ b[i]) * 1099511628211ull;
  }
  void str(std::string_view s) {
    bytes(s.data(), s.size());
    u64(s.size());
  }
  void u64(std::uint64_t v) { bytes(&v, sizeof v); }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 14695981039346656037ull;
};

// Keys by node, for the nodes still alive: computed once per node, so ordering the
// operands of every node of a graph costs one visit per node. An entry whose node died
// (its address may be reused) is recomputed; dead entries are swept as the table grows.
class KeyCache {
 public:
  Key of_node(const std::shared_ptr<const Node>& root) {
    if (const Key* k = find(root.get())) return *k;
    // Post-order without recursion: graphs may be chains of 50,000 nodes.
    std::vector<std::pair<const Node*, bool>> stack{{root.get(), false}};
    while (!stack.empty()) {
      auto [n, expanded] = stack.back();
      stack.pop_back();
      if (find(n) != nullptr) continue;
      if (!expanded) {
        stack.emplace_back(n, true);
        for (const Variable& in : n->inputs()) {
          if (find(&in.node()) == nullptr) stack.emplace_back(&in.node(), false);
        }
        continue;
      }
      store(n, compute(*n));
    }
    return *find(root.get());
  }

 private:
  struct Entry {
    std::weak_ptr<const Node> node;
    Key key;
  };

  const Key* find(const Node* n) {
    auto it = table_.find(n);
    if (it == table_.end()) return nullptr;
    const auto alive = it->second.node.lock();
    if (alive.get() != n) {
      table_.erase(it);
      return nullptr;
    }
    return &it->second.key;
  }

  void store(const Node* n, Key k) {
    if (table_.size() >= sweep_at_) {
      for (auto it = table_.begin(); it != table_.end();) it = it->second.node.expired() ? table_.erase(it) : ++it;
      sweep_at_ = std::max<std::size_t>(4096, 2 * table_.size());
    }
    table_[n] = Entry{n->shared_from_this(), k};
  }

  Key compute(const Node& n) {
    Fnv h;
    h.str(n.op().name);
    // An input's attributes hold a process-wide counter ("uid"): its name and type only.
    if (n.op().name != "input") h.str(n.attrs().str());
    for (const Type& t : n.output_types()) {
      h.str(dtype_name(t.dtype));
      for (std::int64_t d : t.shape) h.u64(static_cast<std::uint64_t>(d));
    }
    Key k;
    if (n.op().name == "input") {
      h.str(n.output(0).name());
    } else if (n.op().name == "constant") {
      const Array& a = n.output(0).constant_value();
      if (a.size() <= 4096) {
        for (double d : a.astype(DType::float64).to_vector<double>()) h.bytes(&d, sizeof d);
      }
    }
    for (const Variable& in : n.inputs()) {
      const Key& ik = *find(&in.node());
      h.u64(ik.hash);
      h.u64(static_cast<std::uint64_t>(in.index()));
      k.depth = std::max(k.depth, ik.depth + 1);
    }
    k.hash = h.value();
    return k;
  }

  std::unordered_map<const Node*, Entry> table_;
  std::size_t sweep_at_ = 4096;
};

KeyCache& key_cache() {
  thread_local KeyCache cache;
  return cache;
}

// <0 when a goes first, >0 when b does, 0 when they are the same variable or tie.
int compare(const Variable& a, const Variable& b, int levels) {
  if (a == b) return 0;
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (int c = cmp(a.is_constant(), b.is_constant())) return c;
  const Key ka = key_cache().of_node(a.node_ptr());
  const Key kb = key_cache().of_node(b.node_ptr());
  if (int c = cmp(ka.depth, kb.depth)) return c;
  if (int c = a.node().op().name.compare(b.node().op().name)) return c;
  if (a.is_input()) {
    if (int c = a.name().compare(b.name())) return c;
  }
  const auto& ia = a.node().inputs();
  const auto& ib = b.node().inputs();
  if (int c = cmp(ia.size(), ib.size())) return c;
  if (levels > 0) {
    for (std::size_t i = 0; i < ia.size(); ++i) {
      if (int c = compare(ia[i], ib[i], levels - 1)) return c;
    }
  }
  if (int c = cmp(ka.hash, kb.hash)) return c;
  return cmp(a.index(), b.index());
}

bool reorders(const Node& n) {
  const OpDef& op = n.op();
  if (!op.has(kCommutative) || n.inputs().size() != 2 || n.num_outputs() != 1) return false;
  if ((op.name == "maximum" || op.name == "minimum") && is_float(n.output_types()[0].dtype)) return false;
  return true;
}

bool canonical_operand_order(const Variable& a, const Variable& b) {
  const int c = compare(a, b, 2);
  if (c != 0) return c < 0;
  return a.node().id() <= b.node().id();
}

}  // namespace

void register_canonicalize_order_rules(RuleBook& book) {
  // f(b, a) -> f(a, b) for commutative f, a before b in the canonical order
  book.custom("canonical_operand_order", "", "f(b, a) -> f(a, b), f commutative, a before b",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Node& n = v.node();
                if (!reorders(n)) return std::nullopt;
                const auto& in = n.inputs();
                if (in[0] == in[1] || canonical_operand_order(in[0], in[1])) return std::nullopt;
                Variable swapped = apply1(n.op().name, {in[1], in[0]}, n.attrs(), where);
                if (swapped.type() != v.type()) return std::nullopt;  // promotion is symmetric; be sure
                return swapped;
              });
}

}  // namespace hypatia::rewrite
