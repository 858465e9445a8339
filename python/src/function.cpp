// Function: a compiled hypatia::Function called with Python values. Arguments go
// through Theano's filter (filter_argument: NumPy arrays borrowed where possible);
// results come back as NumPy arrays that own their buffers (the core never returns an
// output that shares memory with an argument, a constant or another output).
//
// hypatia/compile.py wraps this class: input specs (In: names, defaults), output
// structure (one, list, dict, Out) and config defaults are Python's business.
#include <unordered_set>

#include "binding.hpp"

namespace hypatia::python {
namespace {

class CompiledFunction {
 public:
  CompiledFunction(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs, const Mode& mode,
                   std::vector<std::optional<bool>> allow_downcast, SourceLocation where)
      : function_(hypatia::function(inputs, outputs, mode, where)),
        allow_downcast_(std::move(allow_downcast)),
        where_(where) {
    if (allow_downcast_.size() != inputs.size()) allow_downcast_.resize(inputs.size());
  }

  py::list call(const py::sequence& args) const {
    const std::vector<Variable>& inputs = function_.inputs();
    const std::size_t n = py::len(args);
    if (n != inputs.size()) {
      throw TypeError("function made at " + format_location(where_) + " takes " + std::to_string(inputs.size()) +
                      " argument" + (inputs.size() == 1 ? "" : "s") + ", got " + std::to_string(n));
    }
    std::vector<py::object> keep;  // what borrowed arguments view, alive until the call ends
    std::vector<Array> arrays;
    arrays.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string who = describe_input(inputs[i], i);
      arrays.push_back(filter_argument(args[i], inputs[i].type(), allow_downcast_[i], who, keep));
    }
    std::vector<Array> results;
    {
      py::gil_scoped_release release;  // the run touches no Python object
      results = function_(arrays);
    }
    py::list out;
    for (const Array& r : results) out.append(to_numpy(r));
    return out;
  }

  const Function& function() const { return function_; }

 private:
  Function function_;
  std::vector<std::optional<bool>> allow_downcast_;
  SourceLocation where_;
};

// Positions of the inputs that no output depends on.
std::vector<std::size_t> unused_inputs(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs) {
  std::unordered_set<const Node*> used;
  for (const auto& node : topological_order(outputs)) used.insert(node.get());
  std::vector<std::size_t> unused;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!used.count(&inputs[i].node())) unused.push_back(i);
  }
  return unused;
}

std::vector<Variable> variables(py::handle list, const char* what, SourceLocation where) {
  std::vector<Variable> out;
  std::size_t i = 0;
  for (py::handle item : list) {
    if (!py::isinstance<Variable>(item)) {
      throw TypeError(format_location(where) + ": function: " + what + " " + std::to_string(i) + " is " +
                      std::string(py::str(py::type::handle_of(item).attr("__name__"))) +
                      ", not a TensorVariable");
    }
    out.push_back(item.cast<Variable>());
    ++i;
  }
  return out;
}

// The rewrite trace and the rule names (hypatia/rewrite.hpp).
void bind_rewrite(py::module_& m) {
  py::class_<RewriteTrace::Firing>(m, "RewriteFiring", "One rule firing: phase, rule, file, line, before, after.")
      .def_readonly("phase", &RewriteTrace::Firing::phase)
      .def_readonly("rule", &RewriteTrace::Firing::rule)
      .def_property_readonly("file", [](const RewriteTrace::Firing& f) { return std::string(f.where.file_name()); })
      .def_property_readonly("line", [](const RewriteTrace::Firing& f) { return f.where.line(); })
      .def_readonly("before", &RewriteTrace::Firing::before, "The replaced expression, as infix text.")
      .def_readonly("after", &RewriteTrace::Firing::after, "Its replacement.")
      .def("__repr__", [](const RewriteTrace::Firing& f) {
        return "<RewriteFiring " + f.phase + "/" + f.rule + " at " + format_location(f.where) + ": " + f.before +
               " -> " + f.after + ">";
      });
  py::class_<RewriteTrace>(m, "RewriteTrace",
                           "What the rewriter did for a function: firings, counts(), passes, graphs before and "
                           "after; str() is a summary table then every firing with the user's line.")
      .def_readonly("firings", &RewriteTrace::firings)
      .def_readonly("passes", &RewriteTrace::passes, "Per phase, how many passes it took to its fixed point.")
      .def_readonly("graph_before", &RewriteTrace::graph_before)
      .def_readonly("graph_after", &RewriteTrace::graph_after)
      .def("counts", &RewriteTrace::counts, "{rule name: times fired}.")
      .def("__str__", &RewriteTrace::str)
      .def("__repr__", [](const RewriteTrace& t) {
        return "<RewriteTrace: " + std::to_string(t.firings.size()) + " firings>";
      });
  m.def("rewrite_rule_names", &rewrite_rule_names, "Every rewrite rule as 'phase/name', in the order tried.");
}

}  // namespace

void bind_function(py::module_& m) {
  py::class_<CompiledFunction> cls(m, "CompiledFunction",
                                   "The compiled core of hypatia.function (see hypatia.compile.Function).");
  cls.def(py::init([](py::handle inputs, py::handle outputs, py::handle on_unused_input,
                      std::vector<std::optional<bool>> allow_downcast, const std::string& mode,
                      std::vector<std::string> excluding, bool trace_rewrites, std::string linker) {
            const SourceLocation w = user_location();
            const std::vector<Variable> ins = variables(inputs, "input", w);
            const std::vector<Variable> outs = variables(outputs, "output", w);
            const Mode m{mode, std::move(excluding), trace_rewrites, std::move(linker)};
            CompiledFunction compiled(ins, outs, m, std::move(allow_downcast), w);  // checks the inputs first
            const std::string policy = py::str(on_unused_input);
            if (policy != "ignore") {
              for (std::size_t i : unused_inputs(ins, outs)) {
                const std::string message =
                    format_location(w) + ": function: " + describe_input(ins[i], i) +
                    " is not part of the graph that computes the outputs; remove it, or pass "
                    "on_unused_input='warn' or 'ignore' to hypatia.function";
                if (policy == "raise") throw_unused_input(message);
                if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) != 0) throw py::error_already_set();
              }
            }
            return compiled;
          }),
          py::arg("inputs"), py::arg("outputs"), py::arg("on_unused_input") = "raise",
          py::arg("allow_downcast") = std::vector<std::optional<bool>>{}, py::arg("mode") = "FAST_RUN",
          py::arg("excluding") = std::vector<std::string>{}, py::arg("trace_rewrites") = false,
          py::arg("linker") = "")
      .def("__call__", &CompiledFunction::call, py::arg("args"),
           "Runs the function on a sequence of arguments (one per input); a list of NumPy arrays.")
      .def_property_readonly("inputs", [](const CompiledFunction& f) { return f.function().inputs(); })
      .def_property_readonly("outputs", [](const CompiledFunction& f) { return f.function().outputs(); })
      .def("source", [](const CompiledFunction& f) { return f.function().source(); },
           "The C++ source generated for the cpu backend; '' on interp.")
      .def_property_readonly("linker", [](const CompiledFunction& f) { return f.function().linker(); })
      .def("graph_text", [](const CompiledFunction& f) { return f.function().graph_text(); },
           "The graph the function runs (after rewriting), one node a line.")
      .def_property_readonly(
          "rewrite_trace",
          [](const CompiledFunction& f) -> std::optional<RewriteTrace> {
            if (!f.function().mode().trace_rewrites) return std::nullopt;
            return f.function().rewrite_trace();
          },
          "What the rewriter did (a RewriteTrace), or None unless the mode asked for a trace.");

  bind_rewrite(m);

  m.def(
      "clone_replace",
      [](py::handle outputs, py::handle replace) {
        const SourceLocation w = user_location();
        std::vector<std::pair<Variable, Variable>> pairs;
        for (py::handle item : replace) {
          const py::sequence pair = py::reinterpret_borrow<py::sequence>(item);
          if (py::len(pair) != 2) throw TypeError(format_location(w) + ": replacements are (old, new) pairs");
          const Variable old_var = to_variable(pair[0], w);
          const Variable new_var = to_variable(pair[1], w);
          const Type& a = old_var.type();
          const Type& b = new_var.type();
          bool fits = a.dtype == b.dtype && a.ndim() == b.ndim();
          for (int i = 0; fits && i < a.ndim(); ++i) {
            const auto iu = static_cast<std::size_t>(i);
            fits = a.shape[iu] == kUnknownDim || a.shape[iu] == b.shape[iu];
          }
          if (!fits) {
            throw TypeError(format_location(w) + ": a replacement must have the dtype, rank and known sizes of "
                            "what it replaces: " + a.str() + " replaced by " + b.str());
          }
          pairs.emplace_back(old_var, new_var);
        }
        return clone_replace(variables(outputs, "output", w), pairs);
      },
      py::arg("outputs"), py::arg("replace"),
      "outputs rebuilt with each (old, new) pair of replace swapped in (Theano's givens); new must have old's "
      "dtype, rank and known sizes.");
  m.def(
      "graph_text", [](py::handle outputs) { return graph_text(variables(outputs, "output", user_location())); },
      py::arg("outputs"), "A readable listing of the graph of outputs, one node a line.");
}

}  // namespace hypatia::python
