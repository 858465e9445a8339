// Printing graphs (hypatia/printing.hpp) for hypatia.printing: each takes a compiled
// Function, a variable, or a list of variables.
#include "binding.hpp"

namespace hypatia::python {
namespace {

std::vector<Variable> outputs_of(py::handle obj, const char* who) {
  if (py::isinstance<Variable>(obj)) return {obj.cast<Variable>()};
  std::vector<Variable> out;
  if (py::isinstance<py::sequence>(obj) && !py::isinstance<py::str>(obj)) {
    for (py::handle item : obj) {
      if (!py::isinstance<Variable>(item)) {
        throw TypeError(std::string(who) + ": expected TensorVariables in the list, got " +
                        std::string(py::str(py::type::handle_of(item).attr("__name__"))));
      }
      out.push_back(item.cast<Variable>());
    }
    return out;
  }
  throw TypeError(std::string(who) + " takes a hypatia Function, a TensorVariable or a list of them, not " +
                  std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
}

}  // namespace

void bind_printing(py::module_& m) {
  m.def(
      "debugprint",
      [](py::handle obj, bool types, bool locations, int depth) {
        const PrintOptions options{types, locations, depth};
        if (const Function* f = function_of(obj)) return debugprint(*f, options);
        return debugprint(outputs_of(obj, "debugprint"), options);
      },
      py::arg("obj"), py::arg("types") = true, py::arg("locations") = false, py::arg("depth") = -1,
      "The graph as a tree with ids, types and shapes (a Function: its compiled graph).");
  m.def(
      "pp", [](const Variable& v) { return pp(v); }, py::arg("var"),
      "The variable as infix math, with only the needed parentheses.");
  m.def(
      "graph_dot",
      [](py::handle obj) {
        if (const Function* f = function_of(obj)) return graph_dot(*f);
        return graph_dot(outputs_of(obj, "graph_dot"));
      },
      py::arg("obj"), "DOT text (Graphviz) of the graph (a Function: its compiled graph, fused kernels as clusters).");
}

}  // namespace hypatia::python
