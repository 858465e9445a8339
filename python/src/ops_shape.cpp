// The free op functions of hypatia._core, part two: shape operations and creation.
#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

std::string doc_of(const char* op, const char* extra = "") {
  const OpDef* def = OpRegistry::get().find(op);
  std::string doc = def ? def->summary : std::string();
  if (*extra) doc += std::string(doc.empty() ? "" : "\n\n") + extra;
  return doc;
}

}  // namespace

py::object one_or_many(const py::args& args) {
  if (args.size() == 1) return args[0];
  return args;
}

Variable py_reshape(py::handle x, py::handle shape, py::handle ndim) {
  const SourceLocation w = user_location();
  const std::vector<Operand> sizes = to_sizes(shape, w, "reshape");
  if (!ndim.is_none() && to_index(ndim, "reshape: ndim") != static_cast<std::int64_t>(sizes.size())) {
    throw ValueError(format_location(w) + ": reshape: ndim=" + std::string(py::str(ndim)) + " but the shape has " +
                     std::to_string(sizes.size()) + " sizes");
  }
  return reshape(to_operand(x, w), sizes);
}

Variable py_dimshuffle(py::handle x, py::handle pattern) {
  const SourceLocation w = user_location();
  std::vector<std::int64_t> axes;
  py::object items = py::reinterpret_borrow<py::object>(pattern);
  if (PyIndex_Check(pattern.ptr()) || py::isinstance<py::str>(pattern)) items = py::make_tuple(pattern);
  for (py::handle p : items) {
    if (py::isinstance<py::str>(p) && std::string(py::str(p)) == "x") {
      axes.push_back(newaxis);
    } else if (PyIndex_Check(p.ptr())) {
      const std::int64_t a = to_index(p, "dimshuffle: an axis");
      if (a < 0) {
        throw ValueError(format_location(w) + ": dimshuffle: axis " + std::to_string(a) +
                         " is negative; the pattern lists axes from 0, and 'x' for a new one");
      }
      axes.push_back(a);
    } else {
      throw TypeError(format_location(w) + ": dimshuffle: the pattern holds axes (ints) and 'x', not " +
                      std::string(py::repr(p)));
    }
  }
  return dimshuffle(to_operand(x, w), axes);
}

Variable py_transpose(py::handle x, py::handle axes) {
  const SourceLocation w = user_location();
  std::vector<std::int64_t> list;
  if (!axes.is_none()) list = to_int_list(axes, "transpose: axes");
  const Operand op = to_operand(x, w);
  if (!axes.is_none() && list.empty() && op.variable().ndim() != 0) {
    throw ValueError(format_location(w) + ": transpose: axes () don't match x of type " + op.variable().type().str());
  }
  return transpose(op, list);
}

Variable py_flatten(py::handle x, std::int64_t ndim) {
  const SourceLocation w = user_location();
  return flatten(to_operand(x, w), ndim);
}

Variable py_squeeze(py::handle x, py::handle axis) {
  const SourceLocation w = user_location();
  std::vector<std::int64_t> axes;
  if (!axis.is_none()) axes = to_int_list(axis, "squeeze: axis");
  const Operand op = to_operand(x, w);
  if (!axis.is_none() && axes.empty()) return op.variable();  // NumPy's squeeze(axis=()) keeps every axis
  return squeeze(op, axes);
}

Variable py_filled_like(bool ones, py::handle x, py::handle dtype) {
  const SourceLocation w = user_location();
  const Operand op = to_operand(x, w);
  return ones ? ones_like(op, to_optional_dtype(dtype)) : zeros_like(op, to_optional_dtype(dtype));
}

void bind_ops_shape(py::module_& m) {
  m.def("reshape", &py_reshape, py::arg("x"), py::arg("newshape"), py::arg("ndim") = py::none(),
        doc_of("reshape", "newshape: ints and int scalar variables (one may be -1), or y.shape.").c_str());
  m.def("dimshuffle", &py_dimshuffle, py::arg("x"), py::arg("pattern"),
        doc_of("dimshuffle", "pattern: the input's axes in their new order, and 'x' for a new broadcastable axis; "
                             "an axis left out must be known to be 1.")
            .c_str());
  m.def("transpose", &py_transpose, py::arg("x"), py::arg("axes") = py::none(),
        "Permutes the axes (reverses them when axes is None), as numpy.transpose. A view.");
  m.def("flatten", &py_flatten, py::arg("x"), py::arg("ndim") = 1,
        "Keeps the first ndim-1 axes and flattens the rest into the last (Theano's flatten).");
  m.def("squeeze", &py_squeeze, py::arg("x"), py::arg("axis") = py::none(),
        "Removes the given axes (which must have size 1), or every axis known to be 1.");
  m.def(
      "expand_dims",
      [](py::handle x, std::int64_t axis) {
        const SourceLocation w = user_location();
        return expand_dims(to_operand(x, w), axis);
      },
      py::arg("x"), py::arg("axis"), "A new axis of size 1 at position axis, as numpy.expand_dims.");
  m.def(
      "shape_padleft",
      [](py::handle x, std::int64_t n) {
        const SourceLocation w = user_location();
        return shape_padleft(to_operand(x, w), n);
      },
      py::arg("x"), py::arg("n_ones") = 1, "n_ones new broadcastable axes on the left.");
  m.def(
      "shape_padright",
      [](py::handle x, std::int64_t n) {
        const SourceLocation w = user_location();
        return shape_padright(to_operand(x, w), n);
      },
      py::arg("x"), py::arg("n_ones") = 1, "n_ones new broadcastable axes on the right.");
  m.def(
      "broadcast_to",
      [](py::handle x, py::handle shape) {
        const SourceLocation w = user_location();
        return broadcast_to(to_operand(x, w), to_sizes(shape, w, "broadcast_to"));
      },
      py::arg("x"), py::arg("shape"), doc_of("broadcast_to").c_str());
  m.def(
      "shape",
      [](py::handle x) {
        const SourceLocation w = user_location();
        return shape(to_operand(x, w));
      },
      py::arg("x"), "The shape of x as an int64 vector (x.shape); index it for one size.");
  m.def(
      "specify_shape",
      [](py::handle x, py::handle shape) {
        const SourceLocation w = user_location();
        Shape s;
        for (py::handle d : shape) s.push_back(d.is_none() ? kUnknownDim : to_index(d, "specify_shape: a size"));
        return specify_shape(to_operand(x, w), s);
      },
      py::arg("x"), py::arg("shape"),
      "x, with its shape asserted (None leaves a size free): a static shape from here on, and a ShapeError at "
      "run time if the value disagrees.");

  // Creation.
  m.def(
      "zeros",
      [](py::handle shape, py::handle dtype) {
        const SourceLocation w = user_location();
        return alloc(Operand(constant(0.0, to_dtype(dtype), w), w), to_sizes(shape, w, "zeros"));
      },
      py::arg("shape"), py::arg("dtype") = py::none(), "An array of zeros; dtype defaults to floatX.");
  m.def(
      "ones",
      [](py::handle shape, py::handle dtype) {
        const SourceLocation w = user_location();
        return alloc(Operand(constant(1.0, to_dtype(dtype), w), w), to_sizes(shape, w, "ones"));
      },
      py::arg("shape"), py::arg("dtype") = py::none(), "An array of ones; dtype defaults to floatX.");
  m.def(
      "full",
      [](py::handle shape, py::handle value, py::handle dtype) {
        const SourceLocation w = user_location();
        return full(to_sizes(shape, w, "full"), to_operand(value, w), to_optional_dtype(dtype));
      },
      py::arg("shape"), py::arg("fill_value"), py::arg("dtype") = py::none(),
      "fill_value broadcast to shape, in its own dtype unless one is given.");
  m.def(
      "alloc",
      [](py::handle value, const py::args& shape) {
        const SourceLocation w = user_location();
        return alloc(to_operand(value, w), to_sizes(shape, w, "alloc"));
      },
      py::arg("value"), doc_of("alloc", "Theano's alloc(value, *shape).").c_str());
  m.def(
      "zeros_like", [](py::handle x, py::handle dtype) { return py_filled_like(false, x, dtype); }, py::arg("x"),
      py::arg("dtype") = py::none(), "Zeros of x's shape, in x's dtype unless one is given.");
  m.def(
      "ones_like", [](py::handle x, py::handle dtype) { return py_filled_like(true, x, dtype); }, py::arg("x"),
      py::arg("dtype") = py::none(), "Ones of x's shape, in x's dtype unless one is given.");
  m.def(
      "arange",
      [](py::handle start, py::handle stop, py::handle step, py::handle dtype) {
        const SourceLocation w = user_location();
        // Literals keep NumPy's meaning here (int64, or float64 with a float), whatever
        // the cast policy: Theano's arange does the same.
        auto arg = [&w](py::handle v) {
          if (PyFloat_Check(v.ptr())) return Operand(PyFloat_AsDouble(v.ptr()), w);
          if (PyIndex_Check(v.ptr()) && !py::isinstance<Variable>(v)) return Operand(to_index(v, "arange"), w);
          return Operand(to_variable(v, w), w);
        };
        if (stop.is_none()) return arange(arg(py::int_(0)), arg(start), arg(step), to_optional_dtype(dtype));
        return arange(arg(start), arg(stop), arg(step), to_optional_dtype(dtype));
      },
      py::arg("start"), py::arg("stop") = py::none(), py::arg("step") = 1, py::arg("dtype") = py::none(),
      "numpy.arange: start, stop and step may be symbolic scalars; the dtype defaults to NumPy's choice.");
  m.def(
      "eye",
      [](py::handle n, py::handle mm, std::int64_t k, py::handle dtype) {
        const SourceLocation w = user_location();
        auto size = [&w](py::handle v) {
          return py::isinstance<Variable>(v) ? Operand(v.cast<Variable>(), w) : Operand(to_index(v, "eye"), w);
        };
        std::optional<Operand> m_op;
        if (!mm.is_none()) m_op = size(mm);
        return eye(size(n), m_op, k, to_dtype(dtype));
      },
      py::arg("n"), py::arg("m") = py::none(), py::arg("k") = 0, py::arg("dtype") = py::none(),
      "An n x m matrix (m defaults to n) with ones on diagonal k; dtype defaults to floatX.");

  // The op registry, for the test that every op of the core is reachable from Python.
  m.def("_op_names", [] {
    std::vector<std::string> names;
    for (const OpDef* op : OpRegistry::get().all()) names.push_back(op->name);
    return names;
  });
}

}  // namespace hypatia::python
