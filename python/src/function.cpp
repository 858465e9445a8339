// Function: a compiled hypatia::Function called with Python values. Arguments go
// through Theano's filter (filter_argument: NumPy arrays borrowed where possible);
// results come back as NumPy arrays that own their buffers (the core never returns an
// output that shares memory with an argument, a constant or another output).
//
// hypatia/compile.py wraps this class: input specs (In: names, defaults), output
// structure (one, list, dict, Out) and config defaults are Python's business.
#include <tuple>
#include <unordered_set>

#include "binding.hpp"
#include "fast_array.hpp"
#include "graph/op.hpp"

namespace hypatia::python {

void bind_profile(py::module_& m);  // profile.cpp

namespace {

// The shape of a function's result (hypatia.function's `outputs`).
enum class Structure { one, list, dict };

class CompiledFunction {
 public:
  CompiledFunction(const std::vector<Variable>& inputs, const std::vector<Variable>& outputs,
                   const FunctionOptions& options, const Mode& mode, std::vector<std::optional<bool>> allow_downcast,
                   SourceLocation where)
      : function_(hypatia::function(inputs, outputs, options, mode, where)),
        allow_downcast_(std::move(allow_downcast)),
        where_(where) {
    if (allow_downcast_.size() != inputs.size()) allow_downcast_.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      who_.push_back(describe_input(inputs[i], i));
      descr_.push_back(numpy_descr(inputs[i].dtype()));
    }
  }
  CompiledFunction(const CompiledFunction& other, Function copied)
      : function_(std::move(copied)),
        allow_downcast_(other.allow_downcast_),
        who_(other.who_),
        descr_(other.descr_),
        where_(other.where_),
        structure_(other.structure_),
        keys_(other.keys_) {}

  // A list of NumPy arrays, one per output.
  py::list run(const py::sequence& args) const {
    const std::size_t n = py::len(args);
    check_count(n);
    std::vector<py::object> keep;  // what borrowed arguments view, alive until the call ends
    std::vector<Array> arrays;
    arrays.reserve(n);
    for (std::size_t i = 0; i < n; ++i) arrays.push_back(argument(args[i], i, keep));
    const std::vector<Array> results = execute(arrays);
    py::list out(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) out[i] = to_numpy(results[i]);
    return out;
  }

  // f(*args, **kwargs): positional arguments, one per input, go straight to the core;
  // anything else (keywords, defaults, output_subset) through the Python method
  // `_call_slow` of hypatia.compile.Function.
  static py::object call(py::handle self, py::args args, py::kwargs kwargs) {
    const CompiledFunction& f = self.cast<const CompiledFunction&>();
    if ((kwargs && py::len(kwargs) != 0) || args.size() != f.who_.size()) {
      return self.attr("_call_slow")(*args, **kwargs);
    }
    return f.call_positional(args.ptr());
  }

  // Every argument given positionally (`args` a tuple of the right length). A NumPy
  // array of the input's exact dtype is viewed directly (fast_array.cpp); anything else
  // goes through filter_argument, as on the slow path.
  py::object call_positional(PyObject* args) const {
    const std::size_t n = who_.size();
    std::vector<py::object> keep;
    std::vector<Array> arrays;
    arrays.reserve(n);
    const std::vector<Variable>& inputs = function_.inputs();
    for (std::size_t i = 0; i < n; ++i) {
      PyObject* arg = PyTuple_GET_ITEM(args, static_cast<Py_ssize_t>(i));
      if (!borrow_exact(arg, descr_[i], inputs[i].dtype(), arrays)) arrays.push_back(argument(arg, i, keep));
    }
    const std::vector<Array> results = execute(arrays);
    const CompiledFunction& f = *this;
    switch (f.structure_) {
      case Structure::one:
        return to_numpy(results.at(0));
      case Structure::list: {
        py::list out(results.size());
        for (std::size_t i = 0; i < results.size(); ++i) out[i] = to_numpy(results[i]);
        return out;
      }
      case Structure::dict: {
        py::dict out;
        for (std::size_t i = 0; i < results.size(); ++i) out[f.keys_[i]] = to_numpy(results[i]);
        return out;
      }
    }
    return py::none();
  }

  void set_structure(py::handle structure) {
    if (structure.is_none()) {
      structure_ = Structure::one;
    } else if (py::isinstance<py::list>(structure)) {
      structure_ = Structure::dict;
      keys_.clear();
      for (py::handle k : structure) keys_.push_back(py::reinterpret_borrow<py::object>(k));
    } else {
      structure_ = Structure::list;
    }
  }

  const Function& function() const { return function_; }
  std::size_t arity() const { return who_.size(); }

 private:
  void check_count(std::size_t n) const {
    const std::size_t want = who_.size();
    if (n != want) {
      throw TypeError("function made at " + format_location(where_) + " takes " + std::to_string(want) +
                      " argument" + (want == 1 ? "" : "s") + ", got " + std::to_string(n));
    }
  }

  Array argument(py::handle value, std::size_t i, std::vector<py::object>& keep) const {
    return filter_argument(value, function_.inputs()[i].type(), allow_downcast_[i], who_[i], keep);
  }

  std::vector<Array> execute(const std::vector<Array>& arrays) const {
    py::gil_scoped_release release;  // the run touches no Python object
    return function_(arrays);
  }

  Function function_;
  std::vector<std::optional<bool>> allow_downcast_;
  std::vector<std::string> who_;  // "input 0 ('x')", made once
  std::vector<PyObject*> descr_;  // each input's NumPy descriptor (numpy_descr)
  SourceLocation where_;
  Structure structure_ = Structure::list;
  std::vector<py::object> keys_;
};

// hypatia.Function's tp_call slot (see _install_fast_call): pybind's dispatch of
// __call__(*args, **kwargs) costs more than the rest of a small call, so a call with
// every argument positional goes from Python to the core here directly.
PyObject* call_slow(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* method = PyObject_GetAttrString(self, "_call_slow");
  if (method == nullptr) return nullptr;
  PyObject* result = PyObject_Call(method, args, kwargs);
  Py_DECREF(method);
  return result;
}

PyObject* fast_call(PyObject* self, PyObject* args, PyObject* kwargs) {
  const CompiledFunction* f = nullptr;
  try {
    // _install_fast_call put this slot only on subclasses of CompiledFunction, so self
    // is its pybind11 instance: read the value pointer as pybind11's cast would (after
    // a lookup of self's type in pybind11's registry, a tenth of a small call).
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    if (inst->simple_layout && inst->simple_holder_constructed) {
      f = static_cast<const CompiledFunction*>(inst->simple_value_holder[0]);
    } else {
      f = py::handle(self).cast<const CompiledFunction*>();
    }
    if ((kwargs != nullptr && PyDict_GET_SIZE(kwargs) != 0) ||
        static_cast<std::size_t>(PyTuple_GET_SIZE(args)) != f->arity()) {
      return call_slow(self, args, kwargs);
    }
    return f->call_positional(args).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  } catch (...) {
    // A user error (bad argument, kernel error): the slow path raises it again as
    // pybind translates it (the call changed nothing: updates are stored last).
    return call_slow(self, args, kwargs);
  }
}

std::vector<std::pair<Variable, Variable>> variable_pairs(py::handle pairs, const char* what, SourceLocation where) {
  std::vector<std::pair<Variable, Variable>> out;
  if (pairs.is_none()) return out;
  for (py::handle item : pairs) {
    const py::sequence pair = py::reinterpret_borrow<py::sequence>(item);
    if (py::len(pair) != 2) {
      throw TypeError(format_location(where) + ": function: " + what + " must be (variable, expression) pairs");
    }
    out.emplace_back(to_variable(pair[0], where), to_variable(pair[1], where));
  }
  return out;
}

FunctionOptions function_options(py::handle updates, py::handle givens, py::handle no_default_updates,
                                 SourceLocation where) {
  FunctionOptions options;
  for (auto& [target, expr] : variable_pairs(updates, "updates", where)) {
    const auto s = SharedVariable::of(target);
    if (!s) {
      throw TypeError(format_location(where) + ": function: an update's target must be a shared variable "
                      "(hypatia.shared), not " + (target.is_input() ? "input '" + target.name() + "'" :
                      "a " + target.node().op().name + " expression"));
    }
    options.updates.emplace_back(*s, expr);
  }
  options.givens = variable_pairs(givens, "givens", where);
  if (py::isinstance<py::bool_>(no_default_updates)) {
    options.no_default_updates = no_default_updates.cast<bool>();
  } else if (!no_default_updates.is_none()) {
    for (py::handle v : no_default_updates) {
      const auto s = SharedVariable::of(to_variable(v, where));
      if (!s) throw TypeError(format_location(where) + ": function: no_default_updates lists a non-shared variable");
      options.no_default_updates_for.push_back(*s);
    }
  }
  return options;
}

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

const Function* function_of(py::handle obj) {
  if (!py::isinstance<CompiledFunction>(obj)) return nullptr;
  return &obj.cast<const CompiledFunction&>().function();
}

void bind_function(py::module_& m) {
  py::class_<CompiledFunction> cls(m, "CompiledFunction",
                                   "The compiled core of hypatia.function (see hypatia.compile.Function).");
  cls.def(py::init([](const CompiledFunction& other,
                      const std::vector<std::pair<SharedVariable, SharedVariable>>& swap, bool delete_updates) {
            return CompiledFunction(other, other.function().copy(false, swap, delete_updates));
          }),
          py::arg("other"), py::arg("swap"), py::arg("delete_updates"),
          "A copy of other running the same compiled code (Theano's Function.copy).");
  cls.def(py::init([](py::handle inputs, py::handle outputs, py::handle on_unused_input,
                      std::vector<std::optional<bool>> allow_downcast, const std::string& mode,
                      std::vector<std::string> excluding, bool trace_rewrites, std::string linker,
                      py::handle updates, py::handle givens, py::handle no_default_updates, py::handle structure,
                      std::string optimizer, std::vector<std::string> including,
                      std::optional<std::tuple<bool, bool, bool>> nan_guard, std::optional<bool> profile,
                      std::string name, bool check_isfinite) {
            const SourceLocation w = user_location();
            const std::vector<Variable> ins = variables(inputs, "input", w);
            const std::vector<Variable> outs = variables(outputs, "output", w);
            Mode m;
            m.name = mode;
            m.excluding = std::move(excluding);
            m.trace_rewrites = trace_rewrites;
            m.linker = std::move(linker);
            m.optimizer = std::move(optimizer);
            m.including = std::move(including);
            m.check_isfinite = check_isfinite;  // DebugMode's
            if (nan_guard) {
              m.name = "NanGuardMode";
              m.nan_guard_checks = Mode::NanGuard{std::get<0>(*nan_guard), std::get<1>(*nan_guard), std::get<2>(*nan_guard)};
            }
            FunctionOptions options = function_options(updates, givens, no_default_updates, w);
            options.profile = profile;
            options.name = std::move(name);
            // checks the inputs first
            CompiledFunction compiled(ins, outs, options, m, std::move(allow_downcast), w);
            compiled.set_structure(structure);
            const std::string policy = py::str(on_unused_input);
            if (policy != "ignore") {
              std::vector<Variable> used = outs;
              for (const auto& [s, u] : options.updates) used.push_back(u);
              if (!options.givens.empty()) used = clone_replace(used, options.givens);
              for (std::size_t i : unused_inputs(ins, used)) {
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
          py::arg("linker") = "", py::arg("updates") = py::none(), py::arg("givens") = py::none(),
          py::arg("no_default_updates") = false, py::arg("structure") = py::list(),
          py::arg("optimizer") = "", py::arg("including") = std::vector<std::string>{},
          py::arg("nan_guard") = py::none(), py::arg("profile") = py::none(), py::arg("name") = "", py::arg("check_isfinite") = true)
      .def("__call__", &CompiledFunction::call,
           "Runs the function: one argument per input (NumPy arrays, numbers, lists), positionally or by name.")
      .def("_run", &CompiledFunction::run, py::arg("args"),
           "Runs the function on a sequence of arguments (one per input); a list of NumPy arrays.")
      .def_property_readonly("shared_variables",
                             [](const CompiledFunction& f) { return f.function().shared_variables(); },
                             "The shared variables the function reads (its implicit inputs).")
      .def_property_readonly(
          "updates",
          [](const CompiledFunction& f) {
            py::list out;
            for (const auto& [s, u] : f.function().updates()) out.append(py::make_tuple(s, u));
            return out;
          },
          "The (shared variable, expression) pairs the function applies after each call, defaults included.")
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
          "What the rewriter did (a RewriteTrace), or None unless the mode asked for a trace.")
      .def_property_readonly("_profiling", [](const CompiledFunction& f) { return f.function().profiling(); })
      .def("_profile_snapshot", [](const CompiledFunction& f) { return f.function().profile(); },
           "What the profiler measured so far (profile.cpp); a ValueError unless made with profile=True.");

  m.def(
      "_install_fast_call",
      [](py::type cls) {
        if (!PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(cls.ptr()),
                              reinterpret_cast<PyTypeObject*>(py::type::of<CompiledFunction>().ptr()))) {
          throw TypeError("_install_fast_call: not a subclass of CompiledFunction");
        }
        reinterpret_cast<PyTypeObject*>(cls.ptr())->tp_call = fast_call;
      },
      py::arg("cls"),
      "Makes calls of cls (a Python subclass of CompiledFunction defining no __call__) go to C++ directly.");

  bind_rewrite(m);
  bind_profile(m);

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
