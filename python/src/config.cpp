// hypatia.config: the flags, each with its choices, meaning and value: the core's
// (hypatia/config.hpp, the one store of their values) and two of the Python layer.
// Only flags that change what Hypatia does are listed. HYPATIA_FLAGS, ~/.hypatiarc and
// change_flags are in hypatia/configparser.py.
#include <algorithm>
#include <functional>

#include "binding.hpp"
#include "hypatia/config.hpp"

namespace hypatia::python {
namespace {

// A flag as Python sees it: the core's flags (hypatia/config.hpp) by name, plus the
// two only the Python layer reads.
struct Flag {
  std::string name;  // as in HYPATIA_FLAGS: "traceback.limit"
  std::vector<std::string> choices;
  std::string kind;  // "str", "bool", "int"
  std::string doc;
  std::function<std::string()> get;
  std::function<void(const std::string&)> set;
};

// Values of the flags only the Python layer reads (under the GIL).
std::string g_on_unused_input = "raise";

const std::vector<Flag>& flags() {
  static const auto* table = [] {
    auto* t = new std::vector<Flag>();
    for (const Config::Flag& f : Config::flags()) {
      const std::string name = f.name;
      t->push_back({name, f.choices, f.kind, f.doc, [name] { return config().get(name); },
                    [name](const std::string& v) { config().set(name, v); }});
    }
    t->push_back(
        {"cast_policy",
         {"custom", "numpy"},
         "str",
         "How Python scalars in expressions get their dtype. custom (Theano's): the narrowest int8..int64 "
         "that holds an int, float32 for a float float32 holds exactly (always under floatX=float32), else "
         "float64; then the usual promotion. numpy (NumPy 2's): a scalar takes the dtype of the expression it "
         "meets (fvector + 0.1 stays float32, bvector + 1000 is an error).",
         [] { return std::string(cast_policy() == CastPolicy::custom ? "custom" : "numpy"); },
         [](const std::string& v) {
           if (v != "custom" && v != "numpy") {
             throw ValueError("invalid value '" + v + "' for config flag cast_policy; expected one of: custom, numpy");
           }
           set_cast_policy(v == "custom" ? CastPolicy::custom : CastPolicy::numpy);
         }});
    t->push_back({"on_unused_input",
                  {"raise", "warn", "ignore"},
                  "str",
                  "What hypatia.function does with an input its outputs do not depend on: raise "
                  "UnusedInputError, warn, or ignore it.",
                  [] { return g_on_unused_input; },
                  [](const std::string& v) {
                    if (v != "raise" && v != "warn" && v != "ignore") {
                      throw ValueError("invalid value '" + v +
                                       "' for config flag on_unused_input; expected one of: raise, warn, ignore");
                    }
                    g_on_unused_input = v;
                  }});
    return t;
  }();
  return *table;
}

// Theano spells a dotted flag with a double underscore as an attribute:
// config.traceback__limit is traceback.limit.
std::string flag_name(const std::string& attr) {
  std::string name = attr;
  for (std::size_t at = name.find("__"); at != std::string::npos; at = name.find("__", at + 1)) {
    name.replace(at, 2, ".");
  }
  return name;
}

std::string attr_name(const std::string& name) {
  std::string attr = name;
  for (std::size_t at = attr.find('.'); at != std::string::npos; at = attr.find('.', at + 2)) attr.replace(at, 1, "__");
  return attr;
}

const Flag& find(const std::string& attr) {
  const std::string name = flag_name(attr);
  for (const Flag& f : flags()) {
    if (f.name == name) return f;
  }
  std::string known;
  for (const Flag& f : flags()) known += (known.empty() ? "" : ", ") + f.name;
  throw py::attribute_error("hypatia.config has no flag '" + attr + "'; the flags are: " + known);
}

std::string choices_str(const Flag& f) {
  std::string s;
  for (const std::string& c : f.choices) s += (s.empty() ? "" : ", ") + c;
  return s;
}

py::object get_flag(const std::string& attr) {
  const Flag& f = find(attr);
  const std::string v = f.get();
  if (f.kind == "bool") return py::bool_(v == "True");
  if (f.kind == "int") return py::int_(std::stoll(v));
  return py::str(v);
}

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

// A value as the core's text: strings always (config files and HYPATIA_FLAGS give
// text); a bool for a bool flag, an int for an int flag; None for optimizer.
std::string flag_text(const Flag& f, py::handle value) {
  if (py::isinstance<py::str>(value)) return py::str(value);
  if (f.kind == "bool" && py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "True" : "False";
  if (f.kind == "int" && py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value)) {
    return std::string(py::str(value));
  }
  if (f.name == "optimizer" && value.is_none()) return "None";
  const std::string want = f.kind == "bool"  ? "a bool"
                           : f.kind == "int" ? "an int"
                           : "a string" + (f.choices.empty() ? std::string() : " (one of " + choices_str(f) + ")");
  throw TypeError("hypatia.config." + attr_name(f.name) + " takes " + want + ", not " + type_name(value));
}

void set_flag(const std::string& attr, py::handle value) {
  const Flag& f = find(attr);
  const std::string v = flag_text(f, value);
  try {
    f.set(v);
  } catch (const ValueError& e) {
    // The core names the flag "config flag X"; Python users write hypatia.config.X.
    std::string m = e.what();
    const std::string core = "config flag " + f.name;
    if (const std::size_t at = m.find(core); at != std::string::npos) {
      m.replace(at, core.size(), "hypatia.config." + attr_name(f.name));
    }
    throw ValueError(m);
  }
}

struct ConfigObject {};

}  // namespace

void bind_config(py::module_& m) {
  py::class_<ConfigObject> cls(m, "Config", R"doc(hypatia.config: the configuration flags.

Read and set them as attributes (``hypatia.config.floatX = 'float32'``), for a block
with ``hypatia.config.change_flags(floatX='float32')``, or before the import with the
environment variable ``HYPATIA_FLAGS="floatX=float32,mode=FAST_COMPILE"``.
``print(hypatia.config)`` lists every flag with its choices, meaning and value.)doc");
  cls.attr("__module__") = "hypatia";
  cls.def("__getattr__", [](const ConfigObject&, const std::string& name) { return get_flag(name); })
      .def("__setattr__", [](ConfigObject&, const std::string& name, py::handle value) { set_flag(name, value); })
      .def("__dir__",
           [](const ConfigObject&) {
             py::list names;
             for (const Flag& f : flags()) names.append(attr_name(f.name));
             names.append("change_flags");
             return names;
           })
      .def("__str__",
           [](const ConfigObject&) {
             std::string s;
             for (const Flag& f : flags()) {
               const std::string choices = !f.choices.empty() ? choices_str(f)
                                           : f.kind == "int"    ? std::string("an int")
                                                                : std::string("a string");
               s += f.name + " (" + choices + ")\n    Doc:   " + f.doc + "\n    Value: " + f.get() + "\n\n";
             }
             return s;
           })
      .def("__repr__",
           [](const ConfigObject&) { return std::string("<hypatia.config: print() it to list the flags>"); })
      .def(
          "_flags",
          [](const ConfigObject&) {
            py::list out;
            for (const Flag& f : flags()) out.append(py::make_tuple(f.name, f.choices, f.doc));
            return out;
          },
          "(name, choices, doc) of every flag; a dotted name (traceback.limit) is the attribute "
          "traceback__limit.");
  m.attr("config") = ConfigObject{};
}

}  // namespace hypatia::python
