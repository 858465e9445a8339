// Shared variables: the "shared" leaf and its storage (hypatia/shared.hpp).
#include "hypatia/shared.hpp"

#include <atomic>

#include "graph/op.hpp"

namespace hypatia {

namespace {

std::atomic<std::int64_t> g_next_shared_uid{1};

std::string describe(const SharedVariable& s) {
  return s.name().empty() ? "shared variable of type " + s.type().str()
                          : "shared variable '" + s.name() + "'";
}

}  // namespace

std::optional<SharedVariable> SharedVariable::of(const Variable& v) {
  if (!v.valid() || v.node().op().name != "shared") return std::nullopt;
  return SharedVariable(v);
}

detail::SharedStorage& SharedVariable::storage() const {
  if (!valid()) throw TypeError("an empty SharedVariable (default-constructed) was used");
  return *static_cast<detail::SharedStorage*>(node().attrs().get<Opaque>("storage").object.get());
}

Array SharedVariable::get_value(bool borrow) const {
  const Array& v = storage().value;
  return borrow ? v : v.copy();
}

Array detail::checked_shared_value(const SharedVariable& s, const Array& v, const std::string& context) {
  const Type& t = s.type();
  const std::string who = context + describe(s);
  if (v.device() != Device::cpu) throw TypeError(who + ": expected a CPU array");
  if (v.ndim() != t.ndim()) {
    throw TypeError(who + " has " + std::to_string(t.ndim()) + " dimension" + (t.ndim() == 1 ? "" : "s") + " (" +
                    t.str() + "); got an array of shape " + shape_str(v.shape()));
  }
  for (std::size_t i = 0; i < t.shape.size(); ++i) {
    if (t.shape[i] != kUnknownDim && t.shape[i] != v.shape()[i]) {
      throw ShapeError(who + " has type " + t.str() + " (dimension " + std::to_string(i) +
                       " broadcastable); got an array of shape " + shape_str(v.shape()));
    }
  }
  if (v.dtype() == t.dtype) return v;
  if (!can_cast_safely(v.dtype(), t.dtype)) {
    throw TypeError(who + " has dtype " + std::string(dtype_name(t.dtype)) + "; got " +
                    std::string(dtype_name(v.dtype())) + ", which does not convert to it without loss");
  }
  return v.astype(t.dtype);
}

void SharedVariable::set_value(const Array& v, bool borrow) const {
  detail::SharedStorage& s = storage();
  Array checked = detail::checked_shared_value(*this, v, "set_value: ");
  const bool converted = checked.buffer() != v.buffer();
  s.value = borrow || converted ? std::move(checked) : checked.copy();
  s.keep_alive.reset();
}

void SharedVariable::set_default_update(const Variable& u) const {
  detail::SharedStorage& s = storage();
  if (!u.valid()) {
    s.default_update = Variable();
    return;
  }
  const Type& t = type();
  if (u.ndim() != t.ndim() || (u.dtype() != t.dtype && !can_cast_safely(u.dtype(), t.dtype))) {
    throw TypeError("set_default_update: the update of " + describe(*this) + " (type " + t.str() +
                    ") has type " + u.type().str() + ", which does not convert to it (same rank, lossless dtype)");
  }
  s.default_update = clone_replace({u}, {{*this, s.self}})[0];
}

std::optional<Variable> SharedVariable::default_update() const {
  const detail::SharedStorage& s = storage();
  if (!s.default_update.valid()) return std::nullopt;
  return clone_replace({s.default_update}, {{s.self, *this}})[0];
}

SharedVariable shared(const Array& value, std::string name, bool borrow, const std::vector<bool>& broadcastable,
                      SourceLocation where) {
  if (value.device() != Device::cpu) throw ValueError(format_location(where) + ": shared: expected a CPU array");
  if (broadcastable.size() != static_cast<std::size_t>(value.ndim())) {
    throw ValueError(format_location(where) + ": shared: broadcastable has " + std::to_string(broadcastable.size()) +
                     " entries for a value of shape " + shape_str(value.shape()));
  }
  Shape shape(broadcastable.size(), kUnknownDim);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!broadcastable[i]) continue;
    if (value.shape()[i] != 1) {
      throw ValueError(format_location(where) + ": shared" + (name.empty() ? "" : " '" + name + "'") +
                       ": dimension " + std::to_string(i) + " is declared broadcastable but the value has shape " +
                       shape_str(value.shape()));
    }
    shape[i] = 1;
  }
  auto storage = std::make_shared<detail::SharedStorage>();
  storage->value = borrow ? value : value.copy();
  storage->type = Type{value.dtype(), shape};
  storage->name = name;
  storage->self = tensor(name, value.dtype(), shape, where);
  const std::int64_t uid = g_next_shared_uid.fetch_add(1);
  Attrs attrs{{"name", name}, {"dtype", value.dtype()}, {"shape", shape}, {"uid", uid},
              {"storage", Opaque{std::static_pointer_cast<void>(storage)}}};
  return *SharedVariable::of(apply1("shared", {}, std::move(attrs), where));
}

SharedVariable shared(const Array& value, std::string name, bool borrow, SourceLocation where) {
  return shared(value, std::move(name), borrow, std::vector<bool>(static_cast<std::size_t>(value.ndim()), false),
                where);
}

}  // namespace hypatia
