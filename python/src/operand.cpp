// Python values as graph operands: Theano's autocast for Python scalars, NumPy values
// as constants, dtypes, axes and sizes.
#include <cfloat>
#include <cmath>
#include <limits>

#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

// Read and written under the GIL.
CastPolicy g_cast_policy = CastPolicy::custom;

py::module_& numpy() {
  static auto* np = new py::module_(py::module_::import("numpy"));  // never freed: used until exit
  return *np;
}

bool is_numpy_scalar(py::handle obj) {
  static auto* generic = new py::object(numpy().attr("generic"));
  return py::isinstance(obj, *generic);
}

std::string describe(py::handle obj) {
  std::string type = py::str(py::type::handle_of(obj).attr("__name__"));
  std::string text = py::repr(obj);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return "a " + type + " (" + text + ")";
}

// Theano's autocast of a Python int: the narrowest of int8, int16, int32, int64 that
// holds it; uint64 above int64's range.
Variable autocast_int(py::handle obj, SourceLocation where) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
  if (overflow == 0 && v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow > 0) {
    const unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
    if (!PyErr_Occurred()) return constant(Array::scalar(static_cast<std::uint64_t>(u)), where);
    PyErr_Clear();
  }
  if (overflow != 0) {
    throw ValueError(format_location(where) + ": the integer literal " + std::string(py::str(obj)) +
                     " fits neither int64 nor uint64");
  }
  auto fits = [v](auto tag) {
    using T = decltype(tag);
    return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max();
  };
  if (fits(std::int8_t{})) return constant(Array::scalar(static_cast<std::int8_t>(v)), where);
  if (fits(std::int16_t{})) return constant(Array::scalar(static_cast<std::int16_t>(v)), where);
  if (fits(std::int32_t{})) return constant(Array::scalar(static_cast<std::int32_t>(v)), where);
  return constant(Array::scalar(static_cast<std::int64_t>(v)), where);
}

// Theano's autocast of a Python float: floatX when that is float32; otherwise float32
// when it holds the value exactly, else float64. (Theano gives NaN float64, since
// NaN != NaN; here NaN is held by float32 like inf.)
Variable autocast_float(double v, SourceLocation where) {
  bool exact32 = std::isnan(v) || std::isinf(v);
  if (!exact32 && std::fabs(v) <= FLT_MAX) exact32 = static_cast<double>(static_cast<float>(v)) == v;
  const DType t = floatX() == DType::float32 || exact32 ? DType::float32 : DType::float64;
  return constant(v, t, where);
}

bool is_python_scalar(py::handle obj) {
  return PyBool_Check(obj.ptr()) || PyLong_Check(obj.ptr()) || PyFloat_Check(obj.ptr());
}

}  // namespace

CastPolicy cast_policy() { return g_cast_policy; }
void set_cast_policy(CastPolicy policy) { g_cast_policy = policy; }

py::str dtype_str(DType t) { return py::str(std::string(dtype_name(t))); }

Variable to_variable(py::handle obj, SourceLocation where) {
  if (py::isinstance<Variable>(obj)) return obj.cast<Variable>();
  if (!is_numpy_scalar(obj)) {
    if (PyBool_Check(obj.ptr())) return constant(Array::scalar(obj.ptr() == Py_True), where);
    if (PyLong_Check(obj.ptr())) return autocast_int(obj, where);
    if (PyFloat_Check(obj.ptr())) return autocast_float(PyFloat_AsDouble(obj.ptr()), where);
    if (PyComplex_Check(obj.ptr())) {
      throw TypeError(format_location(where) + ": complex numbers are not supported (" + describe(obj) + ")");
    }
  }
  const bool is_sequence = PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr());
  if (!is_sequence && !is_numpy_scalar(obj) && !py::isinstance<py::array>(obj)) {
    throw TypeError(format_location(where) + ": cannot use " + describe(obj) +
                    " as a tensor; expected a TensorVariable, a number, a list or a NumPy array");
  }
  std::vector<py::object> keep;
  Array value;
  try {
    value = to_array(obj, keep);
  } catch (const TypeError& e) {
    throw TypeError(format_location(where) + ": " + e.what());
  }
  // Theano: an empty list has no element to take a dtype from, so it is floatX.
  if (is_sequence && value.size() == 0) value = value.astype(floatX());
  return constant(value, where);
}

Operand to_operand(py::handle obj, SourceLocation where) {
  if (g_cast_policy == CastPolicy::numpy && is_python_scalar(obj) && !is_numpy_scalar(obj)) {
    if (PyBool_Check(obj.ptr())) return Operand(obj.ptr() == Py_True, where);
    if (PyFloat_Check(obj.ptr())) return Operand(PyFloat_AsDouble(obj.ptr()), where);
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (overflow == 0 && v == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow == 0) return Operand(static_cast<std::int64_t>(v), where);
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
      if (!PyErr_Occurred()) return Operand(static_cast<std::uint64_t>(u), where);
      PyErr_Clear();
    }
    throw ValueError(format_location(where) + ": the integer literal " + std::string(py::str(obj)) +
                     " fits neither int64 nor uint64");
  }
  return Operand(to_variable(obj, where), where);
}

std::int64_t to_index(py::handle obj, const char* what) {
  if (!PyIndex_Check(obj.ptr()) || py::isinstance<Variable>(obj)) {
    throw TypeError(std::string(what) + " must be an integer, not " + describe(obj));
  }
  return py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr())).cast<std::int64_t>();
}

std::vector<std::int64_t> to_int_list(py::handle obj, const char* what) {
  if (PyIndex_Check(obj.ptr())) return {to_index(obj, what)};
  if (!py::isinstance<py::sequence>(obj) || py::isinstance<py::str>(obj)) {
    throw TypeError(std::string(what) + " must be an integer or a sequence of integers, not " + describe(obj));
  }
  std::vector<std::int64_t> out;
  for (py::handle item : obj) out.push_back(to_index(item, what));
  return out;
}

Axes to_axes(py::handle obj, const char* what) {
  if (obj.is_none()) return std::nullopt;
  if (py::isinstance<Variable>(obj)) {
    throw TypeError(std::string(what) + " must be None, an integer or a sequence of integers; symbolic axes are not "
                    "supported");
  }
  return to_int_list(obj, what);
}

std::vector<Operand> to_sizes(py::handle obj, SourceLocation where, const char* what) {
  auto size_of = [&](py::handle item) -> Operand {
    if (py::isinstance<Variable>(item)) return Operand(item.cast<Variable>(), where);
    if (PyIndex_Check(item.ptr())) return Operand(to_index(item, what), where);
    throw TypeError(format_location(where) + ": " + what + ": a size must be an integer or an integer scalar "
                    "variable, not " + describe(item));
  };
  if (py::isinstance<Variable>(obj)) {
    const Variable v = obj.cast<Variable>();
    // x.shape: its sizes one by one (a constant where the static shape knows it).
    if (!v.is_input() && !v.is_constant() && v.node().op().name == "shape") {
      const Variable& x = v.node().inputs()[0];
      std::vector<Operand> sizes;
      for (int i = 0; i < x.ndim(); ++i) sizes.emplace_back(shape(Operand(x, where), i), where);
      return sizes;
    }
    if (v.ndim() == 0) return {Operand(v, where)};
    if (v.is_constant() && v.ndim() == 1) {
      std::vector<Operand> sizes;
      for (std::int64_t s : v.constant_value().to_vector<std::int64_t>()) sizes.emplace_back(s, where);
      return sizes;
    }
    throw TypeError(format_location(where) + ": " + what + ": a shape must be a sequence of integers and integer "
                    "scalars, or x.shape; a symbolic vector " + v.type().str() + " cannot be split into sizes");
  }
  if (PyIndex_Check(obj.ptr())) return {size_of(obj)};
  if (py::isinstance<py::array>(obj) || py::isinstance<py::sequence>(obj)) {
    if (py::isinstance<py::str>(obj)) throw TypeError(format_location(where) + ": " + what + ": a shape, not a str");
    std::vector<Operand> sizes;
    for (py::handle item : obj) sizes.push_back(size_of(item));
    return sizes;
  }
  throw TypeError(format_location(where) + ": " + what + ": a shape must be a sequence of sizes, not " + describe(obj));
}

DType to_dtype(py::handle obj) {
  if (obj.is_none()) return floatX();
  if (py::isinstance<py::str>(obj)) {
    const std::string name = py::str(obj);
    if (name == "floatX") return floatX();
    if (name == "float16") return dtype_from_name(name);  // NumPy knows it; our message lists what we have
  }
  std::string name;
  try {
    name = py::str(numpy().attr("dtype")(obj).attr("name"));
  } catch (const py::error_already_set&) {
    return dtype_from_name(std::string(py::str(obj)));  // a TypeError listing the dtypes
  }
  return dtype_from_name(name);
}

std::optional<DType> to_optional_dtype(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_dtype(obj);
}

}  // namespace hypatia::python
