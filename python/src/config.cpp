// hypatia.config: the flags, each with its choices, meaning and value. Only flags that
// change what Hypatia does are listed. Parsing HYPATIA_FLAGS and change_flags are in
// hypatia/configparser.py.
#include <algorithm>
#include <functional>

#include "backend/cpu/compiler.hpp"
#include "binding.hpp"

namespace hypatia::python {
namespace {

struct Flag {
  std::string name;
  std::vector<std::string> choices;
  std::string doc;
  std::function<std::string()> get;
  std::function<void(const std::string&)> set;
};

// Values of the flags the Python layer reads (under the GIL).
std::string g_mode = "FAST_RUN";
std::string g_on_unused_input = "raise";
std::string g_optimizer_excluding;

// Theano's colon-separated list of rule or phase names; an unknown name is a
// ValueError here, so that a typo does not silently leave a rule on.
void set_optimizer_excluding(const std::string& v) {
  std::vector<std::string> known = {"canonicalize", "stabilize", "specialize"};
  for (const std::string& r : rewrite_rule_names()) known.push_back(r.substr(r.find('/') + 1));
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t end = std::min(v.find(':', start), v.size());
    const std::string name = v.substr(start, end - start);
    if (!name.empty() && std::find(known.begin(), known.end(), name) == known.end()) {
      throw ValueError("invalid value '" + v + "' for hypatia.config.optimizer_excluding: '" + name +
                       "' is neither a rewrite phase (canonicalize, stabilize, specialize) nor a rule "
                       "(hypatia.compile.mode.rule_names() lists them)");
    }
    start = end + 1;
  }
  g_optimizer_excluding = v;
}

const std::vector<Flag>& flags() {
  static const auto* table = new std::vector<Flag>{
      {"floatX",
       {"float64", "float32"},
       "Default float dtype: of dtype-less constructors (T.matrix('x')), of T.zeros and friends, of "
       "Python floats given to a floatX input, and of float literals under cast_policy=custom when "
       "float32.",
       [] { return std::string(dtype_name(floatX())); },
       [](const std::string& v) { set_floatX(dtype_from_name(v)); }},
      {"cast_policy",
       {"custom", "numpy"},
       "How Python scalars in expressions get their dtype. custom (Theano's): the narrowest int8..int64 "
       "that holds an int, float32 for a float float32 holds exactly (always under floatX=float32), else "
       "float64; then the usual promotion. numpy (NumPy 2's): a scalar takes the dtype of the expression it "
       "meets (fvector + 0.1 stays float32, bvector + 1000 is an error).",
       [] { return std::string(cast_policy() == CastPolicy::custom ? "custom" : "numpy"); },
       [](const std::string& v) { set_cast_policy(v == "custom" ? CastPolicy::custom : CastPolicy::numpy); }},
      {"mode",
       {"FAST_RUN", "FAST_COMPILE", "DebugMode"},
       "Default mode of hypatia.function. FAST_RUN rewrites the graph in three phases (canonicalize, "
       "stabilize, specialize); FAST_COMPILE runs only stabilize, so that the numbers do not depend on the "
       "mode. Both then run every node with its reference kernel (the interp backend).",
       [] { return g_mode; },
       [](const std::string& v) { g_mode = v; }},
      {"on_unused_input",
       {"raise", "warn", "ignore"},
       "What hypatia.function does with an input its outputs do not depend on: raise UnusedInputError, "
       "warn, or ignore it.",
       [] { return g_on_unused_input; },
       [](const std::string& v) { g_on_unused_input = v; }},
      {"optimizer_excluding",
       {},
       "Rewrite rules or phases hypatia.function leaves out, by name, separated by colons "
       "(Theano's syntax: 'log1p_from_log_one_plus:specialize'); empty: none.",
       [] { return g_optimizer_excluding; },
       set_optimizer_excluding},
      {"cxx",
       {},
       "The C++ compiler the cpu backend runs (a name on PATH or a path): g++ by default, clang++ works.",
       [] { return cpu::default_cxx(); },
       [](const std::string& v) { cpu::set_default_cxx(v); }},
      {"compiledir",
       {},
       "The cpu backend's module cache directory, private to the user (mode 0700); by default "
       "$XDG_CACHE_HOME/hypatia or ~/.cache/hypatia. `python3 -m hypatia.cache list|clear` shows and cleans it.",
       [] { return cpu::default_compiledir(); },
       [](const std::string& v) { cpu::set_default_compiledir(v); }},
  };
  return *table;
}

const Flag& find(const std::string& name) {
  for (const Flag& f : flags()) {
    if (f.name == name) return f;
  }
  std::string known;
  for (const Flag& f : flags()) known += (known.empty() ? "" : ", ") + f.name;
  throw py::attribute_error("hypatia.config has no flag '" + name + "'; the flags are: " + known);
}

std::string choices_str(const Flag& f) {
  std::string s;
  for (const std::string& c : f.choices) s += (s.empty() ? "" : ", ") + c;
  return s;
}

void set_flag(const std::string& name, py::handle value) {
  const Flag& f = find(name);
  if (!py::isinstance<py::str>(value)) {
    throw TypeError("hypatia.config." + name + " takes a string" +
                    (f.choices.empty() ? std::string() : " (one of " + choices_str(f) + ")") + ", not " +
                    std::string(py::str(py::type::handle_of(value).attr("__name__"))));
  }
  const std::string v = py::str(value);
  if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), v) == f.choices.end()) {
    throw ValueError("invalid value '" + v + "' for hypatia.config." + name + "; expected one of: " + choices_str(f));
  }
  f.set(v);
}

struct Config {};

}  // namespace

void bind_config(py::module_& m) {
  py::class_<Config> cls(m, "Config", R"doc(hypatia.config: the configuration flags.

Read and set them as attributes (``hypatia.config.floatX = 'float32'``), for a block
with ``hypatia.config.change_flags(floatX='float32')``, or before the import with the
environment variable ``HYPATIA_FLAGS="floatX=float32,mode=FAST_COMPILE"``.
``print(hypatia.config)`` lists every flag with its choices, meaning and value.)doc");
  cls.attr("__module__") = "hypatia";
  cls.def("__getattr__", [](const Config&, const std::string& name) { return find(name).get(); })
      .def("__setattr__", [](Config&, const std::string& name, py::handle value) { set_flag(name, value); })
      .def("__dir__",
           [](const Config&) {
             py::list names;
             for (const Flag& f : flags()) names.append(f.name);
             names.append("change_flags");
             return names;
           })
      .def("__str__",
           [](const Config&) {
             std::string s;
             for (const Flag& f : flags()) {
               const std::string choices = f.choices.empty() ? std::string("a string") : choices_str(f);
               s += f.name + " (" + choices + ")\n    Doc:   " + f.doc + "\n    Value: " + f.get() + "\n\n";
             }
             return s;
           })
      .def("__repr__", [](const Config&) { return std::string("<hypatia.config: print() it to list the flags>"); })
      .def(
          "_flags",
          [](const Config&) {
            py::list out;
            for (const Flag& f : flags()) out.append(py::make_tuple(f.name, f.choices, f.doc));
            return out;
          },
          "(name, choices, doc) of every flag.");
  m.attr("config") = Config{};
}

}  // namespace hypatia::python
