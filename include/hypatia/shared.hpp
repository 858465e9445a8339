// Shared variables (Theano's `shared`): arrays owned by the library that persist
// across calls of compiled functions and may appear in any graph.
//
// Semantics, stated once:
// - A shared variable is a graph leaf (op "shared") whose node owns its storage: two
//   shared variables never merge, even with equal values, and the storage lives as
//   long as any graph or handle refers to it.
// - Its type follows Theano: the dtype of the value (so `shared(0.1)` is float64) and
//   every size unknown unless declared broadcastable (size 1). set_value may change
//   the shape but not the dtype or the rank: a value of another dtype is converted when
//   it converts without loss (as function arguments are), otherwise it is a TypeError
//   naming the variable.
// - Values are never exposed aliased unless asked: get_value(borrow=false) returns a
//   copy and set_value(v, borrow=false) stores a copy; with borrow=true the array's
//   buffer is shared, and writes through it are seen by (and may be lost to) the
//   functions that read or update the variable.
// - A compiled function reads every shared variable of its graph at each call (an
//   implicit input) and applies its updates after computing every output from the old
//   values (see hypatia/function.hpp, FunctionOptions). An update stores the
//   function's new result buffer: no copy per step.
// - A default update (Theano's `default_update`, used by random streams) is applied by
//   every function that reads the variable, unless the function is compiled with
//   no_default_updates or gives the variable an update of its own.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hypatia/array.hpp"
#include "hypatia/graph.hpp"
#include "hypatia/source_location.hpp"

namespace hypatia {

namespace detail {
// What a shared variable's node owns. Reached through SharedVariable.
struct SharedStorage {
  Array value;
  Type type;  // dtype, rank and the sizes declared broadcastable (1); others unknown
  std::string name;
  // The default update with the variable itself replaced by `self`, an input of the
  // variable's type: the storage must not own a graph that owns the storage.
  Variable default_update;
  Variable self;
  // What a borrowed value views (e.g. a NumPy array), released with the value.
  std::shared_ptr<void> keep_alive;
};
}  // namespace detail

class SharedVariable : public Variable {
 public:
  SharedVariable() = default;
  // `v` as a shared variable, when it is one (its node is a "shared" leaf).
  static std::optional<SharedVariable> of(const Variable& v);

  // The value: a copy, or with borrow the stored array itself (same buffer).
  Array get_value(bool borrow = false) const;
  // Stores `v` (a copy unless borrow), converted to the variable's dtype when that is
  // lossless; TypeError naming the variable for another dtype or rank, ShapeError for
  // a size other than 1 where the type says broadcastable.
  void set_value(const Array& v, bool borrow = false) const;
  // The update applied by functions that read this variable (an expression that may
  // use the variable itself); its type must convert to the variable's as an update's
  // must. An invalid (default-constructed) Variable clears it.
  void set_default_update(const Variable& u) const;
  std::optional<Variable> default_update() const;

  detail::SharedStorage& storage() const;

 private:
  explicit SharedVariable(Variable v) : Variable(std::move(v)) {}
};

// A new shared variable holding `value` (a copy unless borrow). Its sizes are unknown
// to the graph; the second form declares the axes where `broadcastable` is true to
// have size 1 (Theano's broadcastable pattern; ValueError if the value disagrees).
SharedVariable shared(const Array& value, std::string name = "", bool borrow = false,
                      SourceLocation where = SourceLocation::current());
SharedVariable shared(const Array& value, std::string name, bool borrow, const std::vector<bool>& broadcastable,
                      SourceLocation where = SourceLocation::current());

// (shared variable, new value expression) pairs, applied together after a call.
using Updates = std::vector<std::pair<SharedVariable, Variable>>;

namespace detail {
// The value `v` stored into `s`: checked against its type (errors name `s` and
// `context`) and converted to its dtype when lossless. Shared by set_value and the
// functions that apply updates.
Array checked_shared_value(const SharedVariable& s, const Array& v, const std::string& context);
}  // namespace detail

}  // namespace hypatia
