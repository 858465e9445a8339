// Indexing, forward and backward, with NumPy's semantics (src/ops/subtensor.cpp for the
// basic forms and the front end, src/ops/advanced_subtensor.cpp for the array forms).
//
// Semantics, stated once:
// - A key is a list of items, as NumPy writes the tuple inside `x[...]`:
//     an integer (a C++ integer or an integer scalar Variable; negative counts from the
//       end; it removes its axis),
//     a slice `slice(start, stop, step)` (each bound a C++ integer, an integer scalar
//       Variable or `none`; out-of-range bounds clip as in NumPy; a zero step is a
//       ValueError),
//     `ellipsis` (as many full slices as the key leaves unindexed; at most one),
//     `new_axis` (NumPy's None: a new axis of size 1),
//     an integer array (Variable or Array, any rank) or a bool array (a mask over as
//       many axes as it has, NumPy's `x[mask]`).
//   Axes the key does not reach are taken whole.
// - Basic indexing (integers, slices, ellipsis, new_axis) returns a view of x.
// - Advanced indexing (any array in the key) returns a new array. Integers in such a key
//   act as 0-d index arrays. The index arrays broadcast together; their broadcast
//   dimensions replace the indexed axes where the array items (and integers) sit next
//   to each other in the key, and go first otherwise (NumPy's placement rule).
// - An integer or index array out of bounds is an IndexError at run time naming the
//   node, the axis, the bad index and the axis' size; nothing is read or written
//   outside memory.
// - set_subtensor(x[key], y) and inc_subtensor(x[key], y) return a new array: x with
//   the selection replaced by, or incremented by, y broadcast to the selection's shape.
//   inc accumulates over repeated indices (numpy.add.at); set with repeated indices
//   keeps the last write. x itself is never modified.
// - Gradients: indexing's gradient is an increment into zeros; set's gradient zeroes the
//   replaced selection for x and gathers it for y.
// - Static shapes propagate where known; `x[2:5].shape` needs no data.
#pragma once

#include <initializer_list>
#include <optional>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

// Tags for the special items of a key.
struct NoneTag {};
inline constexpr NoneTag none{};          // an open bound of a slice
struct EllipsisTag {};
inline constexpr EllipsisTag ellipsis{};  // NumPy's ...
struct NewAxisTag {};
inline constexpr NewAxisTag new_axis{};   // NumPy's None / np.newaxis in a key

// One bound of a slice: none, a C++ integer, or an integer scalar Variable.
class SliceBound {
 public:
  SliceBound(NoneTag) {}
  SliceBound(Variable v, SourceLocation where = SourceLocation::current()) : value_(Operand(std::move(v), where)) {}
  template <class T>
    requires std::is_integral_v<T>
  SliceBound(T v, SourceLocation where = SourceLocation::current()) : value_(Operand(v, where)) {}

  const std::optional<Operand>& value() const { return value_; }

 private:
  std::optional<Operand> value_;
};

// One item of a key.
class Index {
 public:
  enum class Kind { integer, slice, new_axis, ellipsis, array };

  template <class T>
    requires std::is_integral_v<T> && (!std::is_same_v<T, bool>)
  Index(T i, SourceLocation where = SourceLocation::current())
      : kind_(Kind::integer), value_(Operand(i, where)), where_(where) {}
  // An integer scalar Variable is an integer item; any other integer or bool Variable
  // (a 0-d bool too, as in NumPy) is an array item.
  Index(Variable v, SourceLocation where = SourceLocation::current());
  Index(Array a, SourceLocation where = SourceLocation::current());
  Index(NewAxisTag, SourceLocation where = SourceLocation::current()) : kind_(Kind::new_axis), where_(where) {}
  Index(EllipsisTag, SourceLocation where = SourceLocation::current()) : kind_(Kind::ellipsis), where_(where) {}

  static Index make_slice(SliceBound start, SliceBound stop, SliceBound step, SourceLocation where);

  Kind kind() const { return kind_; }
  // The integer or the array (Kind::integer, Kind::array).
  const Operand& value() const { return *value_; }
  // The bounds (Kind::slice); an empty optional is an open bound.
  const std::optional<Operand>& start() const { return start_; }
  const std::optional<Operand>& stop() const { return stop_; }
  const std::optional<Operand>& step() const { return step_; }
  const SourceLocation& where() const { return where_; }

 private:
  Index(Kind kind, SourceLocation where) : kind_(kind), where_(where) {}
  Kind kind_;
  std::optional<Operand> value_;
  std::optional<Operand> start_, stop_, step_;
  SourceLocation where_;
};

// NumPy's `start:stop:step`. There is deliberately no one-argument form: Python's
// slice(2) means `:2` while `x[2:]` means `slice(2, none)`; write what you mean.
inline Index slice(SourceLocation where = SourceLocation::current()) {
  return Index::make_slice(none, none, none, where);
}
inline Index slice(SliceBound start, SliceBound stop, SliceBound step = none,
                   SourceLocation where = SourceLocation::current()) {
  return Index::make_slice(std::move(start), std::move(stop), std::move(step), where);
}

// x[key]: also written `x[{slice(1, none), 2, new_axis}]` or `x[2]` on a Variable.
Variable index(const Operand& x, const std::vector<Index>& key);

// x with the selection `indexed` (the result of indexing x) replaced by y, or
// incremented by y. A TypeError if `indexed` was not made by indexing.
Variable set_subtensor(const Operand& indexed, const Operand& y);
Variable inc_subtensor(const Operand& indexed, const Operand& y);

// numpy.take with mode='raise': the elements of x at `indices` along `axis` (of the
// flattened x when absent). The common advanced case, and the fast one.
Variable take(const Operand& x, const Operand& indices, std::optional<std::int64_t> axis = std::nullopt);

// numpy.nonzero: one int64 vector per axis of x, the coordinates of its nonzero
// elements in C order. Its length depends on the data.
std::vector<Variable> nonzero(const Operand& x);

// The graph ops these build, for rewrites, printers and other ops' gradients:
// - "subtensor"(x, bounds...): basic indexing, a view. Attribute `items` holds one code
//   per key item after the ellipsis is expanded: kIndexInteger, kIndexNewAxis, or a
//   slice as a bit mask of its present bounds (kSliceHasStart | kSliceHasStop |
//   kSliceHasStep). Each present integer or bound is the next int64 scalar input.
// - "inc_subtensor"(x, y, bounds...): the same key; attribute `set` picks set or inc.
// - "advanced_subtensor1"(x, indices): numpy.take along attribute `axis`.
// - "advanced_inc_subtensor1"(x, y, indices): its increment/set (attributes axis, set).
// - "advanced_subtensor"(x, index arrays...): attribute `axes` lists the axis of x each
//   array indexes (ascending); `first` says whether the broadcast index dimensions go
//   first (else they replace the indexed axes, which are then adjacent).
// - "advanced_inc_subtensor"(x, y, index arrays...): attributes axes, first, set.
// - "nonzero"(x): one int64 vector per axis of x.
// The advanced ops carry attribute `of_basic`: true when the front end made their
// input 0 as the basic part (a subtensor node) of the same key, as in `x[1:, idx]`, so
// that set/inc write through that subtensor into x; a user's own chain `x[1:][idx]`
// has it false and set/inc then write into `x[1:]`, as in Theano.
inline constexpr std::int64_t kIndexInteger = -1;
inline constexpr std::int64_t kIndexNewAxis = -2;
inline constexpr std::int64_t kSliceHasStart = 1;
inline constexpr std::int64_t kSliceHasStop = 2;
inline constexpr std::int64_t kSliceHasStep = 4;

// The lower-level builders of those ops (the front end above calls them).
Variable subtensor(const Operand& x, const std::vector<std::int64_t>& items, const std::vector<Operand>& bounds);
Variable inc_subtensor(const Operand& x, const Operand& y, const std::vector<std::int64_t>& items,
                       const std::vector<Operand>& bounds, bool set);
Variable advanced_subtensor1(const Operand& x, const Operand& indices, std::int64_t axis, bool of_basic = false);
Variable advanced_inc_subtensor1(const Operand& x, const Operand& y, const Operand& indices, std::int64_t axis,
                                 bool set);
Variable advanced_subtensor(const Operand& x, const std::vector<Operand>& indices,
                            const std::vector<std::int64_t>& axes, bool first, bool of_basic = false);
Variable advanced_inc_subtensor(const Operand& x, const Operand& y, const std::vector<Operand>& indices,
                                const std::vector<std::int64_t>& axes, bool first, bool set);

}  // namespace hypatia
