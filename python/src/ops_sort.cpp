// The free op functions of hypatia._core, part four: sorting, searching and cumulative
// ops (hypatia/ops/sort.hpp), triangles, diagonals and counting (hypatia/ops/matrix.hpp),
// and the TensorVariable methods of this round's ops (x.take, x.sort, x.cumsum ...).
#include "binding.hpp"

namespace hypatia::python {
namespace {

std::optional<std::int64_t> optional_axis(py::handle axis, const char* what) {
  if (axis.is_none()) return std::nullopt;
  return to_index(axis, what);
}

// NumPy's meaning for literals (int64, float64) whatever the cast policy, as arange.
Operand numpy_scalar(py::handle v, SourceLocation w) {
  if (PyFloat_Check(v.ptr())) return Operand(PyFloat_AsDouble(v.ptr()), w);
  if (PyIndex_Check(v.ptr()) && !py::isinstance<Variable>(v) && !PyBool_Check(v.ptr()) &&
      !py::isinstance<py::array>(v)) {
    return Operand(to_index(v, "a size"), w);
  }
  return Operand(to_variable(v, w), w);
}

void no_order(py::handle order, const char* op, SourceLocation w) {
  if (!order.is_none()) {
    throw ValueError(format_location(w) + ": " + op + ": order= is for structured arrays, which hypatia lacks");
  }
}

Variable idx_cast(Variable v, py::handle idx_dtype, SourceLocation w) {
  const DType t = to_dtype(idx_dtype);
  if (!is_integer(t)) {
    throw TypeError(format_location(w) + ": idx_dtype must be an integer dtype, not " + std::string(dtype_name(t)));
  }
  return t == v.dtype() ? v : cast(Operand(v, w), t);
}

Variable py_sort(py::handle a, py::handle axis, py::handle order, bool arg) {
  const SourceLocation w = user_location();
  no_order(order, arg ? "argsort" : "sort", w);
  const std::optional<std::int64_t> ax = optional_axis(axis, arg ? "argsort: axis" : "sort: axis");
  return arg ? argsort(to_operand(a, w), ax) : sort(to_operand(a, w), ax);
}

Variable py_cumulative(py::handle x, py::handle axis, bool product) {
  const SourceLocation w = user_location();
  const std::optional<std::int64_t> ax = optional_axis(axis, product ? "cumprod: axis" : "cumsum: axis");
  return product ? cumprod(to_operand(x, w), ax) : cumsum(to_operand(x, w), ax);
}

Variable py_diagonal(py::handle a, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
  const SourceLocation w = user_location();
  return diagonal(to_operand(a, w), offset, axis1, axis2);
}

Variable py_trace(py::handle a, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
  const SourceLocation w = user_location();
  return trace(to_operand(a, w), offset, axis1, axis2);
}

Variable py_searchsorted(py::handle a, py::handle v, const std::string& side, py::handle sorter) {
  const SourceLocation w = user_location();
  Operand sorted_a = to_operand(a, w);
  // numpy's sorter: a[sorter] is the sorted array the positions refer to.
  if (!sorter.is_none()) sorted_a = Operand(take(sorted_a, Operand(to_variable(sorter, w), w), 0), w);
  return searchsorted(sorted_a, to_operand(v, w), side);
}

}  // namespace

void bind_ops_sort(py::module_& m) {
  m.def(
      "sort", [](py::handle a, py::handle axis, py::handle, py::handle order) { return py_sort(a, axis, order, false); },
      py::arg("a"), py::arg("axis") = -1, py::arg("kind") = py::none(), py::arg("order") = py::none(),
      "numpy.sort: a sorted along axis (the flattened a when None); NaN last. Stable whatever kind says.");
  m.def(
      "argsort", [](py::handle a, py::handle axis, py::handle, py::handle order) { return py_sort(a, axis, order, true); },
      py::arg("a"), py::arg("axis") = -1, py::arg("kind") = py::none(), py::arg("order") = py::none(),
      "numpy.argsort: the int64 indices that sort a along axis (the flattened a when None); stable, NaN last.");
  m.def(
      "topk",
      [](py::handle x, std::int64_t kth, std::int64_t axis, bool, py::handle) {
        const SourceLocation w = user_location();
        return topk(to_operand(x, w), kth, axis);
      },
      py::arg("x"), py::arg("kth"), py::arg("axis") = -1, py::arg("sorted") = true, py::arg("idx_dtype") = "int64",
      "Theano's topk: the kth largest elements along axis in descending order (kth > 0), or the |kth| smallest "
      "in ascending order (kth < 0). Always sorted.");
  m.def(
      "argtopk",
      [](py::handle x, std::int64_t kth, std::int64_t axis, bool, py::handle idx_dtype) {
        const SourceLocation w = user_location();
        return idx_cast(argtopk(to_operand(x, w), kth, axis), idx_dtype, w);
      },
      py::arg("x"), py::arg("kth"), py::arg("axis") = -1, py::arg("sorted") = true, py::arg("idx_dtype") = "int64",
      "Theano's argtopk: the indices of topk's elements along axis, in idx_dtype.");
  m.def(
      "topk_and_argtopk",
      [](py::handle x, std::int64_t kth, std::int64_t axis, bool, py::handle idx_dtype) {
        const SourceLocation w = user_location();
        const Operand op = to_operand(x, w);
        return py::make_tuple(topk(op, kth, axis), idx_cast(argtopk(op, kth, axis), idx_dtype, w));
      },
      py::arg("x"), py::arg("kth"), py::arg("axis") = -1, py::arg("sorted") = true, py::arg("idx_dtype") = "int64",
      "Theano's topk_and_argtopk: (topk(x, kth, axis), argtopk(x, kth, axis)).");
  m.def("searchsorted", &py_searchsorted, py::arg("x"), py::arg("v"), py::arg("side") = "left",
        py::arg("sorter") = py::none(),
        "numpy.searchsorted: for each element of v, where it would go in the sorted vector x to keep it sorted "
        "(side 'left': before equal elements, 'right': after); int64 of v's shape. With sorter, x[sorter] is the "
        "sorted vector.");
  m.def(
      "take_along_axis",
      [](py::handle arr, py::handle indices, py::handle axis) {
        const SourceLocation w = user_location();
        Operand a = to_operand(arr, w);
        Operand idx(to_variable(indices, w), w);
        if (axis.is_none()) return take_along_axis(Operand(flatten(a, 1), w), idx, 0);
        return take_along_axis(a, idx, to_index(axis, "take_along_axis: axis"));
      },
      py::arg("arr"), py::arg("indices"), py::arg("axis"),
      "numpy.take_along_axis: the elements of arr at indices (same rank, broadcasting against arr except along "
      "axis) along axis; the flattened arr when axis is None. Out of bounds is an IndexError when it runs.");
  m.def(
      "inc_along_axis",
      [](py::handle arr, py::handle indices, py::handle values, std::int64_t axis) {
        const SourceLocation w = user_location();
        return inc_along_axis(to_operand(arr, w), Operand(to_variable(indices, w), w), to_operand(values, w), axis);
      },
      py::arg("arr"), py::arg("indices"), py::arg("values"), py::arg("axis"),
      "arr with values added at indices along axis, repeated indices accumulating (numpy.put_along_axis with "
      "addition); the gradient of take_along_axis. A new array.");
  m.def(
      "cumsum", [](py::handle x, py::handle axis) { return py_cumulative(x, axis, false); }, py::arg("x"),
      py::arg("axis") = py::none(),
      "numpy.cumsum: running sums along axis (of the flattened x when None); dtypes as numpy.sum.");
  m.def(
      "cumprod", [](py::handle x, py::handle axis) { return py_cumulative(x, axis, true); }, py::arg("x"),
      py::arg("axis") = py::none(),
      "numpy.cumprod: running products along axis (of the flattened x when None); dtypes as numpy.prod.");

  // Triangles, diagonals, counting.
  m.def(
      "tri",
      [](py::handle n, py::handle mm, std::int64_t k, py::handle dtype) {
        const SourceLocation w = user_location();
        std::optional<Operand> m_op;
        if (!mm.is_none()) m_op = numpy_scalar(mm, w);
        return tri(numpy_scalar(n, w), m_op, k, to_dtype(dtype));
      },
      py::arg("N"), py::arg("M") = py::none(), py::arg("k") = 0, py::arg("dtype") = py::none(),
      "numpy.tri: an N x M matrix (M defaults to N; either may be an int scalar variable) with ones at and below "
      "diagonal k; dtype defaults to floatX.");
  m.def(
      "tril",
      [](py::handle x, std::int64_t k) {
        const SourceLocation w = user_location();
        return tril(to_operand(x, w), k);
      },
      py::arg("m"), py::arg("k") = 0, "numpy.tril: m with the elements above diagonal k zeroed (the last two axes).");
  m.def(
      "triu",
      [](py::handle x, std::int64_t k) {
        const SourceLocation w = user_location();
        return triu(to_operand(x, w), k);
      },
      py::arg("m"), py::arg("k") = 0, "numpy.triu: m with the elements below diagonal k zeroed (the last two axes).");
  m.def(
      "diag",
      [](py::handle v, std::int64_t k) {
        const SourceLocation w = user_location();
        return diag(to_operand(v, w), k);
      },
      py::arg("v"), py::arg("k") = 0,
      "numpy.diag: a vector becomes a square matrix with it on diagonal k; a matrix gives its diagonal k.");
  m.def("diagonal", &py_diagonal, py::arg("a"), py::arg("offset") = 0, py::arg("axis1") = 0, py::arg("axis2") = 1,
        "numpy.diagonal: diagonal offset of the (axis1, axis2) planes, as the last axis; a read-only view.");
  m.def("trace", &py_trace, py::arg("a"), py::arg("offset") = 0, py::arg("axis1") = 0, py::arg("axis2") = 1,
        "numpy.trace: the sum of diagonal offset of the (axis1, axis2) planes.");
  m.def(
      "linspace",
      [](py::handle start, py::handle stop, std::int64_t num, bool endpoint, py::handle dtype) {
        const SourceLocation w = user_location();
        return linspace(numpy_scalar(start, w), numpy_scalar(stop, w), num, endpoint, to_optional_dtype(dtype));
      },
      py::arg("start"), py::arg("stop"), py::arg("num") = 50, py::arg("endpoint") = true,
      py::arg("dtype") = py::none(),
      "numpy.linspace: num evenly spaced values from start to stop (included when endpoint); start and stop may "
      "be scalar variables.");
  m.def(
      "to_one_hot",
      [](py::handle y, py::handle nb_class, py::handle dtype) {
        const SourceLocation w = user_location();
        return one_hot(Operand(to_variable(y, w), w), numpy_scalar(nb_class, w), to_dtype(dtype));
      },
      py::arg("y"), py::arg("nb_class"), py::arg("dtype") = py::none(),
      "Theano's to_one_hot: integer labels y (any shape) as one-hot rows of nb_class classes, a new last axis; "
      "dtype defaults to floatX. A label outside [0, nb_class) is an IndexError when it runs.");
  m.def(
      "bincount",
      [](py::handle x, py::handle weights, py::handle minlength, bool) {
        const SourceLocation w = user_location();
        std::optional<Operand> wt;
        if (!weights.is_none()) wt = Operand(to_variable(weights, w), w);
        const std::int64_t ml = minlength.is_none() ? 0 : to_index(minlength, "bincount: minlength");
        return bincount(Operand(to_variable(x, w), w), wt, ml);
      },
      py::arg("x"), py::arg("weights") = py::none(), py::arg("minlength") = py::none(),
      py::arg("assert_nonneg") = false,
      "numpy.bincount: how often each value of the non-negative integer vector x occurs (int64), or the sums of "
      "weights per value (float64); at least minlength bins. A negative value is a ValueError when it runs.");
}

void bind_variable_methods(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Variable>>(m.attr("TensorVariable"));
  cls.def(
         "take",
         [](const Variable& x, py::handle indices, py::handle axis, py::handle mode) {
           return py_take(py::cast(x), indices, axis, mode);
         },
         py::arg("indices"), py::arg("axis") = py::none(), py::arg("mode") = py::none(), "T.take(x, indices, axis).")
      .def(
          "repeat",
          [](const Variable& x, py::handle repeats, py::handle axis) { return py_repeat(py::cast(x), repeats, axis); },
          py::arg("repeats"), py::arg("axis") = py::none(), "T.repeat(x, repeats, axis).")
      .def(
          "nonzero",
          [](const Variable& x, bool return_matrix) { return py_nonzero(py::cast(x), return_matrix); },
          py::arg("return_matrix") = false, "T.nonzero(x): one int64 vector per axis.")
      .def(
          "nonzero_values",
          [](const Variable& x) {
            const SourceLocation w = user_location();
            const Variable flat = flatten(Operand(x, w), 1);
            return take(Operand(flat, w), Operand(nonzero(Operand(flat, w))[0], w), 0);
          },
          "The nonzero elements of x in C order, a vector (Theano's nonzero_values).")
      .def(
          "sort",
          [](const Variable& x, py::handle axis, py::handle, py::handle order) {
            return py_sort(py::cast(x), axis, order, false);
          },
          py::arg("axis") = -1, py::arg("kind") = py::none(), py::arg("order") = py::none(),
          "T.sort(x, axis): a sorted copy (Theano's; NumPy's sorts in place).")
      .def(
          "argsort",
          [](const Variable& x, py::handle axis, py::handle, py::handle order) {
            return py_sort(py::cast(x), axis, order, true);
          },
          py::arg("axis") = -1, py::arg("kind") = py::none(), py::arg("order") = py::none(), "T.argsort(x, axis).")
      .def(
          "searchsorted",
          [](const Variable& x, py::handle v, const std::string& side, py::handle sorter) {
            return py_searchsorted(py::cast(x), v, side, sorter);
          },
          py::arg("v"), py::arg("side") = "left", py::arg("sorter") = py::none(), "T.searchsorted(x, v, side).")
      .def(
          "cumsum", [](const Variable& x, py::handle axis) { return py_cumulative(py::cast(x), axis, false); },
          py::arg("axis") = py::none(), "T.cumsum(x, axis).")
      .def(
          "cumprod", [](const Variable& x, py::handle axis) { return py_cumulative(py::cast(x), axis, true); },
          py::arg("axis") = py::none(), "T.cumprod(x, axis).")
      .def(
          "diagonal",
          [](const Variable& x, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
            return py_diagonal(py::cast(x), offset, axis1, axis2);
          },
          py::arg("offset") = 0, py::arg("axis1") = 0, py::arg("axis2") = 1, "T.diagonal(x, offset, axis1, axis2).")
      .def(
          "trace",
          [](const Variable& x, std::int64_t offset, std::int64_t axis1, std::int64_t axis2) {
            return py_trace(py::cast(x), offset, axis1, axis2);
          },
          py::arg("offset") = 0, py::arg("axis1") = 0, py::arg("axis2") = 1, "T.trace(x, offset, axis1, axis2).");
}

}  // namespace hypatia::python
