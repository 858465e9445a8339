// Nodes, variables and hash-consing.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <ostream>

#include "graph/gradient_scope.hpp"
#include "graph/op.hpp"
#include "hypatia/graph.hpp"

namespace hypatia {
namespace {

std::size_t combine(std::size_t seed, std::size_t v) {
  return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

// The hash-consing table: every live node, by structural hash. Entries are raw
// pointers, so the table never keeps a graph alive; a node removes itself when
// destroyed (under the mutex, so an entry always points at a node whose members are
// intact). Open addressing with linear probing in one array: a lookup touches one
// cache line of the table and then the candidate node, and making a node allocates
// nothing here (a list node per entry made lookups in graphs of 10^5 nodes a chase
// through cold memory).
class InternTable {
 public:
  std::recursive_mutex mutex;

  // Calls f(node) for each node of hash `h` until f returns true.
  template <class F>
  void for_each(std::size_t h, F&& f) const {
    for (std::size_t i = home(h);; i = (i + 1) & mask_) {
      if (slots_[i].node == nullptr) return;
      if (slots_[i].hash == h && f(slots_[i].node)) return;
    }
  }
  void insert(std::size_t h, const Node* node) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t i = home(h);
    while (slots_[i].node != nullptr) i = (i + 1) & mask_;
    slots_[i] = Slot{h, node};
    ++size_;
  }
  void erase(std::size_t h, const Node* node) {
    std::size_t i = home(h);
    while (slots_[i].node != node) {
      if (slots_[i].node == nullptr) return;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later entries of the probe run into the hole, so that no
    // lookup stops early at it and no tombstones pile up.
    for (std::size_t j = (i + 1) & mask_; slots_[j].node != nullptr; j = (j + 1) & mask_) {
      const std::size_t k = home(slots_[j].hash);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
    --size_;
  }

 private:
  struct Slot {
    std::size_t hash = 0;
    const Node* node = nullptr;
  };
  std::size_t home(std::size_t h) const { return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ULL) >> shift_); }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    const std::size_t cap = old.empty() ? 1024 : 2 * old.size();
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 64;
    for (std::size_t c = cap; c > 1; c >>= 1) --shift_;
    for (const Slot& s : old) {
      if (s.node == nullptr) continue;
      std::size_t i = home(s.hash);
      while (slots_[i].node != nullptr) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(1024);
  std::size_t size_ = 0;
  std::size_t mask_ = 1023;
  int shift_ = 54;
};

InternTable& intern_table() {
  static InternTable* table = new InternTable();  // never destroyed: nodes may outlive statics
  return *table;
}

std::atomic<std::uint64_t> g_next_node_id{1};

bool same_structure(const Node& n, const OpDef* op, const Attrs& attrs, const std::vector<Variable>& inputs) {
  return &n.op() == op && n.inputs() == inputs && n.attrs() == attrs;
}

}  // namespace

Node::Node(const OpDef* op, Attrs attrs, std::vector<Variable> inputs, std::vector<Type> output_types,
           SourceLocation where, std::size_t hash, std::uint64_t id)
    : op_(op),
      attrs_(std::move(attrs)),
      inputs_(std::move(inputs)),
      output_types_(std::move(output_types)),
      where_(where),
      hash_(hash),
      id_(id) {}

namespace {
// Inputs of nodes being destroyed, released one at a time by the outermost ~Node. A
// raw pointer, so that it needs no destructor of its own at thread exit.
thread_local std::vector<Variable>* t_releasing = nullptr;
}  // namespace

Node::~Node() {
  {
    InternTable& table = intern_table();
    std::lock_guard lock(table.mutex);
    table.erase(hash_, this);
  }
  // Releasing the inputs may destroy them, and their inputs in turn: a chain of 10^5
  // nodes would recurse 10^5 destructors deep and overflow the stack. So an inner
  // ~Node hands its inputs to the outermost one, which releases them in a loop.
  if (t_releasing != nullptr) {
    for (Variable& v : inputs_) t_releasing->push_back(std::move(v));
    return;
  }
  std::vector<Variable> pending = std::move(inputs_);
  t_releasing = &pending;
  while (!pending.empty()) {
    Variable last = std::move(pending.back());
    pending.pop_back();
  }  // `last` dies here; a ~Node it runs appends to `pending`
  t_releasing = nullptr;
}

const Type& Variable::type() const {
  if (!node_) throw TypeError("an empty Variable (default-constructed) was used in an expression");
  return node_->output_types()[static_cast<std::size_t>(index_)];
}

const std::string& Variable::name() const {
  static const std::string kNoName;
  if (node_ && node_->attrs().has("name")) return node_->attrs().get<std::string>("name");
  return kNoName;
}

bool Variable::is_input() const { return node_ && node_->op().name == "input"; }
bool Variable::is_constant() const { return node_ && node_->op().name == "constant"; }

const Array& Variable::constant_value() const {
  if (!is_constant()) throw InternalError("constant_value() of a variable that is not a constant");
  return node_->attrs().get<Array>("value");
}

std::size_t Variable::hash() const {
  return combine(std::hash<const void*>()(node_.get()), std::hash<int>()(index_));
}

std::vector<Variable> apply(std::string_view op_name, std::vector<Variable> inputs, Attrs attrs,
                            SourceLocation where) {
  const OpDef& op = OpRegistry::get().op(op_name);
  if (const SourceLocation* in_gradient = detail::GradientScope::current()) where = *in_gradient;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].valid()) {
      throw TypeError(format_location(where) + ": " + op.name + ": input " + std::to_string(i) +
                      " is an empty Variable (default-constructed)");
    }
  }
  std::vector<Type> types;
  try {
    types = op.infer(InferArgs{inputs, attrs, where});
  } catch (const UserError& e) {
    throw_user_error(e.kind(), describe_location(where) + ": " + op.name + ": " + e.what());
  }

  std::size_t h = std::hash<const void*>()(&op);
  h = combine(h, attrs.hash());
  for (const Variable& v : inputs) h = combine(h, v.hash());

  InternTable& table = intern_table();
  std::shared_ptr<const Node> node;
  {
    std::lock_guard lock(table.mutex);
    // Compared before it is locked: under the mutex a listed node's members are
    // intact even if its last reference is being dropped (its ~Node waits for us).
    table.for_each(h, [&](const Node* candidate) {
      if (!same_structure(*candidate, &op, attrs, inputs)) return false;
      node = candidate->weak_from_this().lock();  // empty if being destroyed: make another
      return node != nullptr;
    });
    if (!node) {
      auto made = std::make_shared<Node>(&op, std::move(attrs), std::move(inputs), std::move(types), where, h,
                                         g_next_node_id.fetch_add(1));
      table.insert(h, made.get());
      node = std::move(made);
    }
  }
  std::vector<Variable> outputs;
  for (int i = 0; i < node->num_outputs(); ++i) outputs.push_back(node->output(i));
  return outputs;
}

Variable apply1(std::string_view op_name, std::vector<Variable> inputs, Attrs attrs, SourceLocation where) {
  std::vector<Variable> out = apply(op_name, std::move(inputs), std::move(attrs), where);
  if (out.size() != 1) throw InternalError("apply1 on op '" + std::string(op_name) + "' with several outputs");
  return out[0];
}

// ---------------------------------------------------------------- leaves

namespace {
std::atomic<std::int64_t> g_next_input_uid{1};
}

Variable tensor(const std::string& name, DType dtype, const Shape& shape, SourceLocation where) {
  for (std::int64_t d : shape) {
    if (d < 0 && d != kUnknownDim) {
      throw ValueError(format_location(where) + ": tensor '" + name + "': dimension " + std::to_string(d) +
                       " is neither a size nor kUnknownDim");
    }
  }
  Attrs attrs{{"name", name}, {"dtype", dtype}, {"shape", shape}, {"uid", g_next_input_uid.fetch_add(1)}};
  return apply1("input", {}, std::move(attrs), where);
}

Variable scalar(const std::string& name, DType dtype, SourceLocation where) {
  return tensor(name, dtype, {}, where);
}
Variable vector(const std::string& name, DType dtype, SourceLocation where) {
  return tensor(name, dtype, {kUnknownDim}, where);
}
Variable matrix(const std::string& name, DType dtype, SourceLocation where) {
  return tensor(name, dtype, {kUnknownDim, kUnknownDim}, where);
}
Variable tensor3(const std::string& name, DType dtype, SourceLocation where) {
  return tensor(name, dtype, Shape(3, kUnknownDim), where);
}
Variable tensor4(const std::string& name, DType dtype, SourceLocation where) {
  return tensor(name, dtype, Shape(4, kUnknownDim), where);
}

Variable constant(const Array& value, SourceLocation where) {
  if (value.device() != Device::cpu) throw ValueError("constants must be CPU arrays");
  // A private contiguous copy: constants never alias user memory.
  return apply1("constant", {}, Attrs{{"value", value.copy()}}, where);
}

Variable constant(double value, DType dtype, SourceLocation where) {
  return constant(Array::full(dtype, {}, value), where);
}

// ---------------------------------------------------------------- Operand

Operand::Operand(Array a, SourceLocation where) : value_(constant(a, where)), where_(where) {}

Variable Operand::variable() const {
  if (const auto* v = std::get_if<Variable>(&value_)) {
    if (!v->valid()) {
      throw TypeError(format_location(where_) + ": an empty Variable (default-constructed) was used in an expression");
    }
    return *v;
  }
  const auto& lit = std::get<ScalarLiteral>(value_);
  if (lit.is_bool) return constant(Array::scalar(lit.int_value != 0), where_);
  if (lit.above_int64) return constant(Array::scalar(static_cast<std::uint64_t>(lit.int_value)), where_);
  if (!lit.is_float) return constant(Array::scalar(lit.int_value), where_);
  return constant(lit.value, floatX(), where_);
}

Variable Operand::variable_like(DType other) const {
  if (std::holds_alternative<Variable>(value_)) return variable();
  const auto& lit = std::get<ScalarLiteral>(value_);
  if (lit.is_bool) return constant(lit.value, other, where_);
  if (lit.is_float) return constant(lit.value, is_float(other) ? other : floatX(), where_);
  if (is_bool(other)) return variable();
  if (is_float(other)) return constant(lit.value, other, where_);
  // An integer literal meeting an integer type must fit it (NumPy 2 raises too).
  const bool fits = visit_dtype(other, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (lit.above_int64) return std::is_same_v<T, std::uint64_t>;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if constexpr (std::is_unsigned_v<T>) {
        return lit.int_value >= 0 && static_cast<std::uint64_t>(lit.int_value) <= std::numeric_limits<T>::max();
      } else {
        return lit.int_value >= std::numeric_limits<T>::min() && lit.int_value <= std::numeric_limits<T>::max();
      }
    }
    return true;
  });
  if (!fits) {
    const std::string value = lit.above_int64 ? std::to_string(static_cast<std::uint64_t>(lit.int_value))
                                              : std::to_string(lit.int_value);
    throw ValueError(format_location(where_) + ": the integer literal " + value + " is out of bounds for " +
                     std::string(dtype_name(other)));
  }
  return constant(Array::scalar(lit.int_value).astype(other), where_);
}

}  // namespace hypatia
