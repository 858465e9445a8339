// hypatia's C++ errors as Python exceptions: the caller's faults as the built-in
// exception a Python user expects (TypeError, ValueError, IndexError) or a subclass of
// one, a failing compiler (or cache directory) as hypatia.CompileError, our own bugs as
// hypatia.InternalError.
#include "binding.hpp"

namespace hypatia::python {
namespace {

// Exception classes made once; never freed (they live as long as the module).
struct Classes {
  PyObject* shape = nullptr;
  PyObject* missing_input = nullptr;
  PyObject* unused_input = nullptr;
  PyObject* disconnected_input = nullptr;
  PyObject* null_type_grad = nullptr;
  PyObject* gradient = nullptr;
  PyObject* compile = nullptr;
  PyObject* nan_guard = nullptr;
  PyObject* internal = nullptr;
  PyObject* debug_mode = nullptr;
  PyObject* bad_thunk_output = nullptr;
  PyObject* bad_destroy_map = nullptr;
  PyObject* bad_view_map = nullptr;
  PyObject* bad_optimization = nullptr;
  PyObject* invalid_value = nullptr;
};
Classes g_classes;

PyObject* make_class(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("hypatia.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (cls == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // the module holds one reference, g_classes the other
  return cls;
}

// A hint for the two shape errors new users meet most, appended to the core's message.
std::string with_hint(const std::string& message) {
  if (message.find("could not be broadcast together") != std::string::npos) {
    return message +
           "\n  hint: elementwise operands need equal sizes (or size 1) in each dimension counted from the right; "
           "align them with x.dimshuffle(...), x.reshape(...) or T.shape_padright(x)";
  }
  if (message.find("not aligned") != std::string::npos) {
    return message +
           "\n  hint: dot(a, b) sums over a's last axis and b's first (second-to-last for 3-d and more): check "
           "the operands' order, or transpose one (x.T)";
  }
  return message;
}

PyObject* class_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::type: return PyExc_TypeError;
    case ErrorKind::shape: return g_classes.shape;
    case ErrorKind::value: return PyExc_ValueError;
    case ErrorKind::index: return PyExc_IndexError;
    case ErrorKind::missing_input: return g_classes.missing_input;
  }
  return PyExc_RuntimeError;
}

}  // namespace

void bind_errors(py::module_& m) {
  g_classes.shape = make_class(m, "ShapeError", PyExc_ValueError,
                               "Shapes that do not agree: broadcasting, ranks, static shapes.");
  g_classes.missing_input = make_class(m, "MissingInputError", PyExc_Exception,
                                       "A function's outputs depend on an input that was not given to it.");
  g_classes.unused_input = make_class(m, "UnusedInputError", PyExc_Exception,
                                      "A function was given an input its outputs do not depend on "
                                      "(on_unused_input='raise').");
  g_classes.disconnected_input = make_class(m, "DisconnectedInputError", PyExc_ValueError,
                                            "The cost does not depend on an input it is differentiated with "
                                            "respect to.");
  g_classes.null_type_grad = make_class(m, "NullTypeGradError", PyExc_TypeError,
                                        "A gradient was needed through an op that has none.");
  g_classes.gradient = make_class(m, "GradientError", PyExc_ValueError,
                                  "verify_grad found a symbolic gradient that disagrees with finite differences.");
  g_classes.nan_guard = make_class(m, "NanGuardError", PyExc_ValueError,
                                   "NanGuardMode stopped a call at the first node that made a NaN, an inf or a "
                                   "value above 1e10 in magnitude; the message names that node and the user's line.");
  g_classes.compile = make_class(m, "CompileError", PyExc_RuntimeError,
                                 "The system C++ compiler failed on generated code or could not be run, or the "
                                 "module cache directory is unusable; the message carries the compiler's "
                                 "diagnostics and where the source was kept.");
  g_classes.internal = make_class(m, "InternalError", PyExc_RuntimeError,
                                  "A bug in hypatia (please report it), never the caller's fault.");

  // DebugMode's (hypatia.compile.debugmode re-exports them under Theano's names).
  g_classes.debug_mode = make_class(m, "DebugModeError", PyExc_Exception,
                                    "DebugMode found a wrong step or rewrite (the base of its errors).");
  g_classes.bad_thunk_output = make_class(m, "BadThunkOutput", g_classes.debug_mode,
                                          "A step's result disagrees with the reference kernels' (or with the "
                                          "same step on non-contiguous inputs).");
  g_classes.bad_destroy_map = make_class(m, "BadDestroyMap", g_classes.debug_mode,
                                         "A step changed an input its op does not declare it overwrites.");
  g_classes.bad_view_map = make_class(m, "BadViewMap", g_classes.debug_mode,
                                      "A step's output shares memory with an input without a declared view.");
  g_classes.bad_optimization = make_class(m, "BadOptimization", g_classes.debug_mode,
                                          "A rewrite rule's replacement computes other values than what it "
                                          "replaced.");
  g_classes.invalid_value = make_class(m, "InvalidValueError", g_classes.debug_mode,
                                       "A step made a NaN or an infinity from finite inputs.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const DisconnectedInputError& e) {
      PyErr_SetString(g_classes.disconnected_input, e.what());
    } catch (const NullTypeGradError& e) {
      PyErr_SetString(g_classes.null_type_grad, e.what());
    } catch (const GradientError& e) {
      PyErr_SetString(g_classes.gradient, e.what());
    } catch (const NanGuardError& e) {
      PyErr_SetString(g_classes.nan_guard, e.what());
    } catch (const UserError& e) {
      PyErr_SetString(class_for(e.kind()), (e.kind() == ErrorKind::shape ? with_hint(e.what()) : e.what()).c_str());
    } catch (const CompileError& e) {
      PyErr_SetString(g_classes.compile, e.what());
    } catch (const InternalError& e) {
      PyErr_SetString(g_classes.internal, e.what());
    } catch (const BadThunkOutput& e) {
      PyErr_SetString(g_classes.bad_thunk_output, e.what());
    } catch (const BadDestroyMap& e) {
      PyErr_SetString(g_classes.bad_destroy_map, e.what());
    } catch (const BadViewMap& e) {
      PyErr_SetString(g_classes.bad_view_map, e.what());
    } catch (const BadOptimization& e) {
      PyErr_SetString(g_classes.bad_optimization, e.what());
    } catch (const InvalidValueError& e) {
      PyErr_SetString(g_classes.invalid_value, e.what());
    } catch (const DebugModeError& e) {
      PyErr_SetString(g_classes.debug_mode, e.what());
    }
  });
}

// Raised by function.cpp; declared here so that the class stays private to this file.
[[noreturn]] void throw_unused_input(const std::string& message) {
  PyErr_SetString(g_classes.unused_input, message.c_str());
  throw py::error_already_set();
}

}  // namespace hypatia::python
