// The indexing front end: keys (Index, slice), x[key], set_subtensor and inc_subtensor
// (hypatia/ops/index.hpp). A key without arrays is one subtensor node; a key with
// arrays is a subtensor node for its basic part (unless that part takes everything)
// followed by one advanced node (src/ops/advanced_subtensor.cpp), as in NumPy, which
// applies the basic items first and the arrays to the axes they leave.
#include <algorithm>
#include <string>

#include "hypatia/ops/creation.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/index.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"

namespace hypatia {
namespace {

template <class E>
[[noreturn]] void fail(SourceLocation where, const char* op, const std::string& message) {
  throw E(format_location(where) + ": " + op + ": " + message);
}

Index::Kind kind_of_index(const Variable& v, SourceLocation where) {
  const DType d = v.dtype();
  if (!is_integer(d) && !is_bool(d)) {
    fail<TypeError>(where, "index",
                    "only integers, slices, ellipsis, new_axis and integer or boolean arrays are valid indices; got " +
                        v.type().str());
  }
  return is_integer(d) && v.ndim() == 0 ? Index::Kind::integer : Index::Kind::array;
}

std::optional<Operand> checked_bound(const SliceBound& b, SourceLocation where) {
  if (!b.value()) return std::nullopt;
  const Variable v = b.value()->variable_like(DType::int64);
  if (!is_integer(v.dtype()) || v.ndim() != 0) {
    fail<TypeError>(where, "slice", "slice indices must be integer scalars or none; got " + v.type().str());
  }
  return b.value();
}

// Sizes of a boolean index's dimensions that the axes of x it covers must match.
Variable checked_mask(const Variable& x, const Variable& mask, int first_axis, SourceLocation w) {
  bool all_known = true;
  for (int i = 0; i < mask.ndim(); ++i) {
    const std::int64_t xd = x.type().shape[static_cast<std::size_t>(first_axis + i)];
    const std::int64_t md = mask.type().shape[static_cast<std::size_t>(i)];
    if (xd != kUnknownDim && md != kUnknownDim && xd != md) {
      fail<IndexError>(w, "index",
                       "boolean index did not match indexed array along dimension " + std::to_string(first_axis + i) +
                           "; dimension is " + std::to_string(xd) + " but corresponding boolean dimension is " +
                           std::to_string(md));
    }
    all_known = all_known && xd != kUnknownDim && md != kUnknownDim;
  }
  if (all_known) return mask;
  std::vector<Variable> inputs{mask};
  for (int i = 0; i < mask.ndim(); ++i) inputs.push_back(shape(Operand(x, w), first_axis + i));
  return apply1("check_mask", std::move(inputs), Attrs{{"axis", std::int64_t{first_axis}}}, w);
}

std::int64_t slice_code(const Index& item) {
  return (item.start() ? kSliceHasStart : 0) | (item.stop() ? kSliceHasStop : 0) | (item.step() ? kSliceHasStep : 0);
}

void push_slice_bounds(const Index& item, std::vector<Operand>& bounds) {
  for (const std::optional<Operand>* b : {&item.start(), &item.stop(), &item.step()}) {
    if (*b) bounds.push_back(**b);
  }
}

}  // namespace

Index::Index(Variable v, SourceLocation where)
    : kind_(kind_of_index(v, where)), value_(Operand(std::move(v), where)), where_(where) {}

Index::Index(Array a, SourceLocation where) : Index(constant(a, where), where) {}

Index Index::make_slice(SliceBound start, SliceBound stop, SliceBound step, SourceLocation where) {
  Index i(Kind::slice, where);
  i.start_ = checked_bound(start, where);
  i.stop_ = checked_bound(stop, where);
  i.step_ = checked_bound(step, where);
  return i;
}

Variable Variable::operator[](const Index& item) const { return hypatia::index(Operand(*this, item.where()), {item}); }

Variable Variable::operator[](std::initializer_list<Index> key) const {
  const SourceLocation w = key.size() != 0 ? key.begin()->where() : SourceLocation::current();
  return hypatia::index(Operand(*this, w), std::vector<Index>(key));
}

Variable index(const Operand& x, const std::vector<Index>& key) {
  const Variable xv = x.variable();
  const SourceLocation w = x.where();
  const int nd = xv.ndim();
  int ellipses = 0, consumed = 0;
  bool has_array = false;
  for (const Index& item : key) {
    switch (item.kind()) {
      case Index::Kind::ellipsis: ++ellipses; break;
      case Index::Kind::new_axis: break;
      case Index::Kind::integer:
      case Index::Kind::slice: ++consumed; break;
      case Index::Kind::array: {
        const Variable v = item.value().variable();
        has_array = true;
        consumed += is_bool(v.dtype()) ? v.ndim() : 1;
        break;
      }
    }
  }
  if (ellipses > 1) fail<IndexError>(w, "index", "an index can only have a single ellipsis ('...')");
  if (consumed > nd) {
    fail<IndexError>(w, "index",
                     "too many indices for array: array is " + std::to_string(nd) + "-dimensional, but " +
                         std::to_string(consumed) + " were indexed");
  }
  // The ellipsis as full slices.
  std::vector<Index> items;
  for (const Index& item : key) {
    if (item.kind() != Index::Kind::ellipsis) {
      items.push_back(item);
      continue;
    }
    for (int i = consumed; i < nd; ++i) items.push_back(Index::make_slice(none, none, none, item.where()));
  }

  std::vector<std::int64_t> codes;
  std::vector<Operand> bounds;
  if (!has_array) {
    for (const Index& item : items) {
      switch (item.kind()) {
        case Index::Kind::integer:
          codes.push_back(kIndexInteger);
          bounds.push_back(item.value());
          break;
        case Index::Kind::new_axis: codes.push_back(kIndexNewAxis); break;
        case Index::Kind::slice:
          codes.push_back(slice_code(item));
          push_slice_bounds(item, bounds);
          break;
        default: throw InternalError("index: unexpected item");
      }
    }
    return subtensor(Operand(xv, w), codes, bounds);
  }

  // The arrays (integers and masks included) index the axes of the basic part x'.
  std::vector<Operand> arrays;
  std::vector<std::int64_t> axes;
  std::vector<std::size_t> positions;  // the key positions of the advanced items
  bool has_integer = false;
  std::int64_t out_axis = 0;
  int x_axis = 0;
  for (std::size_t pos = 0; pos < items.size(); ++pos) {
    const Index& item = items[pos];
    const SourceLocation iw = item.where();
    switch (item.kind()) {
      case Index::Kind::integer:
        codes.push_back(0);
        arrays.push_back(item.value());
        axes.push_back(out_axis++);
        positions.push_back(pos);
        has_integer = true;
        ++x_axis;
        break;
      case Index::Kind::slice:
        codes.push_back(slice_code(item));
        push_slice_bounds(item, bounds);
        ++out_axis;
        ++x_axis;
        break;
      case Index::Kind::new_axis:
        codes.push_back(kIndexNewAxis);
        ++out_axis;
        break;
      case Index::Kind::array: {
        const Variable v = item.value().variable();
        positions.push_back(pos);
        if (!is_bool(v.dtype())) {
          codes.push_back(0);
          arrays.emplace_back(v, iw);
          axes.push_back(out_axis++);
          ++x_axis;
        } else if (v.ndim() == 0) {
          // A 0-d mask is a new axis of size 1 indexed by [0] (true) or [] (false).
          codes.push_back(kIndexNewAxis);
          arrays.emplace_back(arange(Operand(cast(Operand(v, iw), DType::int64), iw), DType::int64), iw);
          axes.push_back(out_axis++);
        } else {
          const Variable mask = checked_mask(xv, v, x_axis, iw);
          for (const Variable& coords : nonzero(Operand(mask, iw))) {
            codes.push_back(0);
            arrays.emplace_back(coords, iw);
            axes.push_back(out_axis++);
            ++x_axis;
          }
        }
        break;
      }
      default: throw InternalError("index: unexpected item");
    }
  }
  const bool all_full = std::all_of(codes.begin(), codes.end(), [](std::int64_t c) { return c == 0; });
  const Variable basic = all_full ? xv : subtensor(Operand(xv, w), codes, bounds);
  // NumPy's placement: the broadcast index dimensions replace the indexed axes when the
  // advanced items sit next to each other in the key, and go first otherwise.
  bool adjacent = true;
  for (std::size_t i = 1; i < positions.size(); ++i) adjacent = adjacent && positions[i] - positions[i - 1] <= 1;
  if (arrays.size() == 1 && !has_integer) {
    return advanced_subtensor1(Operand(basic, w), arrays[0], axes[0], !all_full);
  }
  return advanced_subtensor(Operand(basic, w), arrays, axes, !adjacent, !all_full);
}

namespace {

Variable write_back(const Operand& indexed, const Operand& y, bool set, const char* what) {
  const SourceLocation w = indexed.where();
  const Variable v = indexed.variable();
  const Node& n = v.node();
  const std::string& op = n.op().name;
  const Attrs& attrs = n.attrs();
  std::vector<Operand> rest;
  for (std::size_t i = 1; i < n.inputs().size(); ++i) rest.emplace_back(n.inputs()[i], w);
  const Operand x(n.inputs().empty() ? v : n.inputs()[0], w);
  if (op == "subtensor") return inc_subtensor(x, y, attrs.get_ints("items"), rest, set);
  Variable inner;
  if (op == "advanced_subtensor1") {
    inner = advanced_inc_subtensor1(x, y, rest[0], attrs.get_int("axis"), set);
  } else if (op == "advanced_subtensor") {
    inner = advanced_inc_subtensor(x, y, rest, attrs.get_ints("axes"), attrs.get_bool("first"), set);
  } else {
    fail<TypeError>(w, what, std::string(what) + " needs the result of indexing (e.g. x[1:3]); got the output of '" +
                                 op + "'");
  }
  // The arrays indexed the key's basic part: write that back into x.
  if (attrs.has("of_basic") && attrs.get_bool("of_basic")) return write_back(x, Operand(inner, w), true, what);
  return inner;
}

}  // namespace

Variable set_subtensor(const Operand& indexed, const Operand& y) { return write_back(indexed, y, true, "set_subtensor"); }

Variable inc_subtensor(const Operand& indexed, const Operand& y) {
  return write_back(indexed, y, false, "inc_subtensor");
}

}  // namespace hypatia
