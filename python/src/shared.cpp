// SharedVariable (hypatia/shared.hpp) for Python: a TensorVariable whose value the
// library stores. Values come in through Theano's filter (filter_argument: the
// variable's dtype, or one that converts without loss) and go out as NumPy arrays: a
// copy, or with borrow=True a view of the stored buffer. A borrowed NumPy value is
// kept alive by the storage for as long as it is the stored value.
#include "binding.hpp"
#include "function/shared_state.hpp"

namespace hypatia::python {
namespace {

// Holds a Python object from C++ code that may run without the GIL (a function call
// that stores an update releases the previous value).
std::shared_ptr<void> hold(std::vector<py::object> objects) {
  auto* held = new std::vector<py::object>(std::move(objects));
  return std::shared_ptr<void>(held, [](void* p) {
    auto* v = static_cast<std::vector<py::object>*>(p);
    if (!Py_IsInitialized()) return;  // at exit: leave it to the process
    py::gil_scoped_acquire gil;
    delete v;
  });
}

std::string who(const SharedVariable& s) {
  return s.name().empty() ? "shared variable" : "shared variable '" + s.name() + "'";
}

void set_value(const SharedVariable& s, py::handle value, bool borrow) {
  if (py::isinstance<Variable>(value)) {
    throw TypeError("set_value: " + who(s) + " takes a value (a NumPy array), not a symbolic variable");
  }
  std::vector<py::object> keep;
  const Array a = filter_argument(value, s.type(), std::nullopt, "set_value: " + who(s), keep);
  s.set_value(a, borrow);
  // Borrowed memory (the argument's own buffer) must outlive the stored value.
  if (borrow && !s.storage().value.buffer()->owned()) {
    keep.push_back(py::reinterpret_borrow<py::object>(value));
    s.storage().keep_alive = hold(std::move(keep));
  }
}

}  // namespace

void bind_shared(py::module_& m) {
  py::class_<SharedVariable, Variable> cls(m, "SharedVariable", R"doc(A shared variable: a TensorVariable whose value
the library stores, read by every function whose graph uses it and changed by their
updates (Theano's SharedVariable). Make one with hypatia.shared(value).)doc");
  cls.attr("__module__") = "hypatia.compile.sharedvalue";
  cls.def(
         "get_value",
         [](const SharedVariable& s, bool borrow, bool return_internal_type) {
           (void)return_internal_type;
           return to_numpy(s.get_value(borrow));
         },
         py::arg("borrow") = false, py::arg("return_internal_type") = false,
         "The value: a copy, or with borrow=True a NumPy view of the stored buffer (writes through it change the "
         "variable).")
      .def("set_value", &set_value, py::arg("value"), py::arg("borrow") = false,
           "Stores value (a copy unless borrow=True): the variable's dtype or one that converts without loss; "
           "any shape of the variable's rank.")
      .def_property(
          "default_update", [](const SharedVariable& s) { return s.default_update(); },
          [](const SharedVariable& s, py::handle u) {
            if (u.is_none()) {
              s.set_default_update(Variable());
            } else {
              s.set_default_update(to_variable(u, user_location()));
            }
          },
          "The update every function reading this variable applies (Theano's default_update), or None.")
      .def_property_readonly("container", [](py::object self) { return self; },
                             "Theano's container (the variable itself here).")
      .def("__repr__", [](const SharedVariable& s) {
        return "<SharedVariable " + (s.name().empty() ? std::string("<unnamed>") : s.name()) + ": " +
               s.type().str() + ">";
      });

  m.def(
      "shared",
      [](py::handle value, py::handle name, bool borrow, py::handle broadcastable) {
        const SourceLocation w = user_location();
        if (py::isinstance<Variable>(value)) {
          throw TypeError(format_location(w) + ": shared() takes a value (a NumPy array or a number), not a "
                          "symbolic variable");
        }
        std::vector<py::object> keep;
        Array a;
        try {
          a = to_array(value, keep);
        } catch (const py::error_already_set& e) {
          throw TypeError(format_location(w) + ": shared: cannot make an array of " +
                          std::string(py::str(py::repr(value))) + ": " + e.what());
        }
        std::vector<bool> pattern(static_cast<std::size_t>(a.ndim()), false);
        if (!broadcastable.is_none()) {
          pattern.clear();
          for (py::handle b : broadcastable) pattern.push_back(py::cast<bool>(b));
        }
        const std::string n = name.is_none() ? std::string() : py::cast<std::string>(name);
        // Borrowing a NumPy array shares its memory only when the layout allows it
        // (to_array converted it otherwise, and then the conversion is the value).
        const bool can_borrow = borrow && !a.buffer()->owned();
        SharedVariable s = shared(a, n, can_borrow, pattern, w);
        if (can_borrow) s.storage().keep_alive = hold(std::move(keep));
        return s;
      },
      py::arg("value"), py::arg("name") = py::none(), py::arg("borrow") = false,
      py::arg("broadcastable") = py::none(),
      "A SharedVariable holding value (a copy unless borrow=True), of value's dtype (a Python float is float64, "
      "as in Theano); sizes are unknown to the graph, except where broadcastable says True (size 1).");
  m.def("_update_copies", &detail::update_copies,
        "For the tests: how many update results were copied (a plain update stores its result buffer).");
  m.def(
      "as_shared_variable",
      [](const Variable& v) { return SharedVariable::of(v); }, py::arg("v"),
      "v as a SharedVariable when it is one (e.g. a TensorVariable from owner.inputs), else None.");
}

}  // namespace hypatia::python
