// The user's rewrite rules from Python (hypatia.tensor.rewriting): a Python callable
// registered through hypatia::register_rewrite. The callable gets the node's output
// variable (hypatia/tensor/rewriting wraps the user's function of the node) and
// returns a TensorVariable or None.
#include "binding.hpp"
#include "hypatia/rewrite.hpp"

namespace hypatia::python {

namespace {

// Holds the callable for as long as the rule lives; never released after the
// interpreter is gone (rules may outlive it at exit).
std::shared_ptr<py::object> keep(py::object fn) {
  return std::shared_ptr<py::object>(new py::object(std::move(fn)), [](py::object* p) {
    if (Py_IsInitialized()) {
      py::gil_scoped_acquire gil;
      delete p;
    }
  });
}

}  // namespace

void bind_rewriting(py::module_& m) {
  m.def(
      "register_rewrite",
      [](const std::string& phase, const std::string& name, const std::string& root_op, py::object fn) {
        std::shared_ptr<py::object> callable = keep(std::move(fn));
        register_rewrite(phase, name, root_op, [callable](const Node& node) -> std::optional<Variable> {
          py::gil_scoped_acquire gil;
          py::object r = (*callable)(node.output(0));
          if (r.is_none()) return std::nullopt;
          if (!py::isinstance<Variable>(r)) {
            throw TypeError("rewrite rule: the function returned a " + std::string(py::str(r.get_type().attr("__name__"))) +
                            ", not a TensorVariable or None");
          }
          return r.cast<Variable>();
        });
      },
      py::arg("phase"), py::arg("name"), py::arg("root_op"), py::arg("fn"),
      "Registers fn(variable) -> TensorVariable or None as a rule of phase, tried on nodes of root_op ('' for "
      "any op).");
  m.def("unregister_rewrite", &unregister_rewrite, py::arg("name"),
        "Removes a user rule; False when no user rule has that name.");
}

}  // namespace hypatia::python
