// The expression graph: Type, Variable, Node and the attributes ops carry.
//
// Semantics, stated once:
// - Everything is a node: graph inputs and constants are nodes without inputs, and a
//   Variable is one output of one node. Nodes are immutable.
// - Nodes are hash-consed: applying the same op with the same attributes to the same
//   inputs gives the same node, so common subexpressions are shared by construction.
//   Inputs are never merged (each call to `matrix("x")` is a new input); constants are
//   merged when their dtype, shape and bytes agree.
// - Every node records where in the user's code it was made, and errors point there.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <initializer_list>
#include <memory>
#include "hypatia/source_location.hpp"
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/dtype.hpp"

namespace hypatia {

inline constexpr std::int64_t kUnknownDim = -1;

// A tensor type: dtype and static shape. Each dimension is a known size or
// kUnknownDim; a dimension known to be 1 is "broadcastable" in Theano's sense.
struct Type {
  DType dtype = DType::float64;
  Shape shape;  // kUnknownDim for sizes known only at run time

  int ndim() const { return static_cast<int>(shape.size()); }
  std::vector<bool> broadcastable() const;
  // Whether `a` has this dtype, rank and every known size.
  bool matches(const Array& a) const;
  std::string str() const;  // "float64 (2, ?)"
  friend bool operator==(const Type&, const Type&) = default;
};

// An object a node owns and that equals only itself (a shared variable's storage,
// hypatia/shared.hpp): nodes holding different ones never merge.
struct Opaque {
  std::shared_ptr<void> object;
  friend bool operator==(const Opaque& a, const Opaque& b) { return a.object == b.object; }
};

// Attribute values ops carry: axes, flags, dtypes, constant payloads.
using AttrValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>, DType, Array, Opaque>;

class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<std::string, AttrValue>> items);

  Attrs& set(const std::string& key, AttrValue value);
  bool has(const std::string& key) const;
  const AttrValue& get(const std::string& key) const;  // InternalError if absent
  template <class T>
  const T& get(const std::string& key) const {
    const T* v = std::get_if<T>(&get(key));
    if (v == nullptr) throw InternalError("attribute '" + key + "' has another type");
    return *v;
  }
  std::int64_t get_int(const std::string& key) const { return get<std::int64_t>(key); }
  const std::vector<std::int64_t>& get_ints(const std::string& key) const {
    return get<std::vector<std::int64_t>>(key);
  }
  bool get_bool(const std::string& key) const { return get<bool>(key); }

  const std::vector<std::pair<std::string, AttrValue>>& items() const { return items_; }
  std::size_t hash() const;
  bool operator==(const Attrs& other) const;
  std::string str() const;  // "axis=[1], keepdims=false"

 private:
  std::vector<std::pair<std::string, AttrValue>> items_;  // sorted by key
};

struct OpDef;
class Node;
class Index;

// One output of one node: what users hold and combine.
class Variable {
 public:
  Variable() = default;
  Variable(std::shared_ptr<const Node> node, int index) : node_(std::move(node)), index_(index) {}

  const Node& node() const { return *node_; }
  const std::shared_ptr<const Node>& node_ptr() const { return node_; }
  int index() const { return index_; }
  bool valid() const { return node_ != nullptr; }

  const Type& type() const;
  DType dtype() const { return type().dtype; }
  int ndim() const { return type().ndim(); }
  // The name the user gave an input; otherwise empty.
  const std::string& name() const;
  bool is_input() const;
  bool is_constant() const;
  // The value of a constant; InternalError for anything else.
  const Array& constant_value() const;

  // Indexing with NumPy's semantics (hypatia/ops/index.hpp): `x[2]`,
  // `x[{slice(1, none), new_axis, idx}]`.
  Variable operator[](const Index& item) const;
  Variable operator[](std::initializer_list<Index> key) const;

  friend bool operator==(const Variable& a, const Variable& b) {
    return a.node_ == b.node_ && a.index_ == b.index_;
  }
  std::size_t hash() const;

 private:
  std::shared_ptr<const Node> node_;
  int index_ = 0;
};

struct VariableHash {
  std::size_t operator()(const Variable& v) const { return v.hash(); }
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  const OpDef& op() const { return *op_; }
  const Attrs& attrs() const { return attrs_; }
  const std::vector<Variable>& inputs() const { return inputs_; }
  const std::vector<Type>& output_types() const { return output_types_; }
  int num_outputs() const { return static_cast<int>(output_types_.size()); }
  Variable output(int i) const { return Variable(shared_from_this(), i); }
  const SourceLocation& where() const { return where_; }
  // Creation order; stable across a process, used for printing and deterministic order.
  std::uint64_t id() const { return id_; }
  std::size_t hash() const { return hash_; }
  ~Node();

  // Made only through apply(), input() and constant() below.
  Node(const OpDef* op, Attrs attrs, std::vector<Variable> inputs, std::vector<Type> output_types,
       SourceLocation where, std::size_t hash, std::uint64_t id);

 private:
  const OpDef* op_;
  Attrs attrs_;
  std::vector<Variable> inputs_;
  std::vector<Type> output_types_;
  SourceLocation where_;
  std::size_t hash_;
  std::uint64_t id_;
};

// Applies the registered op `op_name` to `inputs`: type inference, then the
// hash-consed node. Type errors are raised here, naming the op and `where`.
std::vector<Variable> apply(std::string_view op_name, std::vector<Variable> inputs, Attrs attrs,
                            SourceLocation where);
// The same, for single-output ops.
Variable apply1(std::string_view op_name, std::vector<Variable> inputs, Attrs attrs,
                SourceLocation where);

// A C++ value where an expression is expected: a Variable, a scalar (which takes the
// dtype of the expression it meets, as NumPy 2 treats Python scalars) or an Array
// (a constant). It also captures the user's source line for operators, which cannot
// take a defaulted SourceLocation themselves.
class Operand {
 public:
  Operand(Variable v, SourceLocation where = SourceLocation::current())
      : value_(std::move(v)), where_(where) {}
  Operand(Array a, SourceLocation where = SourceLocation::current());
  template <class T>
    requires std::is_arithmetic_v<T>
  Operand(T v, SourceLocation where = SourceLocation::current())
      : value_(literal_of(v)), where_(where) {}

  const SourceLocation& where() const { return where_; }
  bool is_literal() const { return std::holds_alternative<ScalarLiteral>(value_); }
  // As a variable; a literal becomes a constant of its own default dtype
  // (bool, int64 or floatX).
  Variable variable() const;
  // As a variable meeting `other`: a literal takes a dtype of `other`'s kind that can
  // hold it (NumPy 2's rule for Python scalars).
  Variable variable_like(DType other) const;

 private:
  struct ScalarLiteral {
    double value;
    bool is_float;
    bool is_bool;
    std::int64_t int_value;    // integers only; the bits of a uint64 when above_int64
    bool above_int64 = false;  // a uint64 literal above INT64_MAX
  };
  template <class T>
  static ScalarLiteral literal_of(T v) {
    ScalarLiteral lit{static_cast<double>(v), std::is_floating_point_v<T>, std::is_same_v<T, bool>, 0};
    // Only integers: a cast of NaN or a huge double to int64 would be undefined.
    if constexpr (std::is_integral_v<T>) {
      lit.int_value = static_cast<std::int64_t>(v);  // modular for uint64
      if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
        lit.above_int64 = v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      }
    }
    return lit;
  }
  std::variant<Variable, ScalarLiteral> value_;
  SourceLocation where_;
};

// Symbolic inputs. `tensor(name, dtype, shape)` takes kUnknownDim for unknown sizes.
Variable tensor(const std::string& name, DType dtype, const Shape& shape,
                SourceLocation where = SourceLocation::current());
Variable scalar(const std::string& name, DType dtype = floatX(),
                SourceLocation where = SourceLocation::current());
Variable vector(const std::string& name, DType dtype = floatX(),
                SourceLocation where = SourceLocation::current());
Variable matrix(const std::string& name, DType dtype = floatX(),
                SourceLocation where = SourceLocation::current());
Variable tensor3(const std::string& name, DType dtype = floatX(),
                 SourceLocation where = SourceLocation::current());
Variable tensor4(const std::string& name, DType dtype = floatX(),
                 SourceLocation where = SourceLocation::current());

// Constants.
Variable constant(const Array& value, SourceLocation where = SourceLocation::current());
template <class T>
  requires std::is_arithmetic_v<T>
Variable constant(T value, SourceLocation where = SourceLocation::current()) {
  return constant(Array::scalar(value), where);
}
// A 0-d constant of `dtype` holding `value` converted to it.
Variable constant(double value, DType dtype, SourceLocation where = SourceLocation::current());

// Graph utilities.
// Every node `outputs` depend on, inputs before users, in a deterministic order.
std::vector<std::shared_ptr<const Node>> topological_order(const std::vector<Variable>& outputs);
// Rebuilds `outputs` with each key of `replace` swapped for its value.
std::vector<Variable> clone_replace(const std::vector<Variable>& outputs,
                                    const std::vector<std::pair<Variable, Variable>>& replace);
// A readable listing, one node a line: "%3 = add(%1, %2) : float64 (2, 3)   # demo.cpp:7".
std::string graph_text(const std::vector<Variable>& outputs);

std::ostream& operator<<(std::ostream& os, const Variable& v);

}  // namespace hypatia
