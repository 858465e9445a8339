// TensorType: a dtype and a static shape (each size known, or None), Theano's
// broadcastable pattern being the sizes known to be 1. Calling a type makes a
// symbolic input of that type.
#include "binding.hpp"

namespace hypatia::python {
namespace {

Type make_type(py::handle dtype, py::handle broadcastable, py::handle shape) {
  Type t;
  t.dtype = to_dtype(dtype);
  if (!broadcastable.is_none() && !shape.is_none()) {
    throw TypeError("TensorType: give broadcastable or shape, not both");
  }
  if (!broadcastable.is_none()) {
    if (!py::isinstance<py::sequence>(broadcastable) || py::isinstance<py::str>(broadcastable)) {
      throw TypeError("TensorType: broadcastable must be a sequence of bools, such as (False, True)");
    }
    for (py::handle b : broadcastable) t.shape.push_back(PyObject_IsTrue(b.ptr()) == 1 ? 1 : kUnknownDim);
  } else if (!shape.is_none()) {
    if (!py::isinstance<py::sequence>(shape) || py::isinstance<py::str>(shape)) {
      throw TypeError("TensorType: shape must be a sequence of sizes and Nones, such as (None, 3)");
    }
    for (py::handle d : shape) {
      if (d.is_none()) {
        t.shape.push_back(kUnknownDim);
        continue;
      }
      const std::int64_t n = to_index(d, "TensorType: a size in shape");
      if (n < 0) {
        throw ValueError("TensorType: size " + std::to_string(n) + " in shape is negative; use None for unknown");
      }
      t.shape.push_back(n);
    }
  }
  return t;
}

py::tuple shape_tuple(const Type& t) {
  py::tuple out(t.shape.size());
  for (std::size_t i = 0; i < t.shape.size(); ++i) {
    out[i] = t.shape[i] == kUnknownDim ? py::object(py::none()) : py::object(py::int_(t.shape[i]));
  }
  return out;
}

std::string type_repr(const Type& t) {
  std::string s = "TensorType(" + std::string(dtype_name(t.dtype)) + ", shape=(";
  for (std::size_t i = 0; i < t.shape.size(); ++i) {
    if (i) s += ", ";
    s += t.shape[i] == kUnknownDim ? "None" : std::to_string(t.shape[i]);
  }
  if (t.shape.size() == 1) s += ",";
  return s + "))";
}

}  // namespace

void bind_type(py::module_& m) {
  py::class_<Type> cls(m, "TensorType", R"doc(The type of a tensor: a dtype and a static shape.

``TensorType(dtype, broadcastable)`` as in Theano (True marks a dimension known to be 1),
or ``TensorType(dtype, shape=(None, 3))`` with a known size or None per dimension.
Calling the type makes a symbolic input: ``TensorType('float32', (False,))('x')``.)doc");
  cls.attr("__module__") = "hypatia.tensor";
  cls.def(py::init(&make_type), py::arg("dtype"), py::arg("broadcastable") = py::none(), py::kw_only(),
          py::arg("shape") = py::none())
      .def_property_readonly("dtype", [](const Type& t) { return dtype_str(t.dtype); }, "The dtype's name.")
      .def_property_readonly("ndim", &Type::ndim)
      .def_property_readonly(
          "broadcastable", [](const Type& t) { return py::tuple(py::cast(t.broadcastable())); },
          "For each dimension, whether it is known to be 1.")
      .def_property_readonly("shape", &shape_tuple, "The static shape: a size or None per dimension.")
      .def(
          "__call__",
          [](const Type& t, std::optional<std::string> name) {
            return tensor(name.value_or(""), t.dtype, t.shape, user_location());
          },
          py::arg("name") = py::none(), "A symbolic input of this type.")
      .def(
          "make_variable",
          [](const Type& t, std::optional<std::string> name) {
            return tensor(name.value_or(""), t.dtype, t.shape, user_location());
          },
          py::arg("name") = py::none(), "A symbolic input of this type (Theano's name for calling it).")
      .def(
          "filter",
          [](const Type& t, py::handle data, std::optional<bool> allow_downcast) {
            std::vector<py::object> keep;
            const Array a = filter_argument(data, t, allow_downcast, "TensorType.filter: the value", keep);
            if (a.ndim() != t.ndim() || !t.matches(a)) {
              throw TypeError("TensorType.filter: a value of shape " + shape_str(a.shape()) + " is not of type " +
                              t.str());
            }
            return to_numpy(a.copy());
          },
          py::arg("data"), py::arg("allow_downcast") = py::none(),
          "data as a NumPy array of this type, by hypatia.function's argument rules; TypeError if it does not "
          "fit.")
      .def("__eq__", [](const Type& a, py::handle b) { return py::isinstance<Type>(b) && a == b.cast<Type>(); })
      .def("__hash__",
           [](const Type& t) {
             std::size_t h = std::hash<int>()(static_cast<int>(t.dtype));
             for (std::int64_t d : t.shape) h = h * 1000003u ^ std::hash<std::int64_t>()(d);
             return h;
           })
      .def("__repr__", &type_repr)
      .def("__str__", &type_repr);
}

}  // namespace hypatia::python
