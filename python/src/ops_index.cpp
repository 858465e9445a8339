// Indexing from Python: `x[key]` with NumPy's whole key syntax, set_subtensor and
// inc_subtensor, take and nonzero (hypatia/ops/index.hpp). The Python key only becomes
// a list of hypatia::Index items here; NumPy's rules (placement of advanced dimensions,
// bounds, masks) are the core's front end `hypatia::index`, not repeated in Python.
#include "binding.hpp"

namespace hypatia::python {
namespace {

constexpr const char* kBadItem =
    "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid "
    "indices";

py::module_& numpy() {
  static auto* np = new py::module_(py::module_::import("numpy"));  // never freed: used until exit
  return *np;
}

bool is_numpy_bool(py::handle obj) {
  static auto* bool_type = new py::object(numpy().attr("bool_"));
  return py::isinstance(obj, *bool_type);
}

std::string describe(py::handle obj) {
  std::string text = py::repr(obj);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return std::string(py::str(py::type::handle_of(obj).attr("__name__"))) + " " + text;
}

[[noreturn]] void bad_item(py::handle obj, SourceLocation where) {
  throw IndexError(format_location(where) + ": " + kBadItem + " (got a " + describe(obj) + ")");
}

// A Python int or NumPy integer as an int64, NumPy's IndexError when it does not fit.
std::int64_t int_item(py::handle obj, SourceLocation where) {
  const Py_ssize_t v = PyNumber_AsSsize_t(obj.ptr(), PyExc_IndexError);
  if (v == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    throw IndexError(format_location(where) + ": cannot fit " + describe(obj) + " into an index-sized integer");
  }
  return static_cast<std::int64_t>(v);
}

SliceBound bound(py::handle obj, SourceLocation where) {
  if (obj.is_none()) return none;
  if (py::isinstance<Variable>(obj)) return SliceBound(obj.cast<Variable>(), where);
  if (PyIndex_Check(obj.ptr()) && !is_numpy_bool(obj)) return SliceBound(int_item(obj, where), where);
  throw TypeError(format_location(where) + ": slice indices must be integers, integer scalar variables or None, "
                  "not a " + describe(obj));
}

bool holds_variable(py::handle obj) {
  if (py::isinstance<Variable>(obj)) return true;
  if (!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr())) return false;
  for (py::handle item : obj) {
    if (holds_variable(item)) return true;
  }
  return false;
}

// Theano's x[[i, j]] with symbolic scalars: the items stacked into an index array.
Variable stacked(py::handle obj, SourceLocation where) {
  if (!PyList_Check(obj.ptr()) && !PyTuple_Check(obj.ptr())) return to_variable(obj, where);
  std::vector<Operand> items;
  for (py::handle item : obj) items.emplace_back(stacked(item, where), where);
  if (items.empty()) bad_item(obj, where);
  return stack(items, 0);
}

// A list, tuple or NumPy array in a key: an integer or bool array constant.
Index array_item(py::handle obj, SourceLocation where) {
  if (holds_variable(obj)) return Index(stacked(obj, where), where);
  py::array arr;
  try {
    arr = numpy().attr("asarray")(obj);
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_ValueError)) throw;
    throw ValueError(format_location(where) + ": an index list: " + std::string(py::str(e.value())));
  }
  const char kind = arr.dtype().kind();
  if (arr.size() == 0 && kind != 'b' && kind != 'i' && kind != 'u') {
    arr = numpy().attr("asarray")(obj, "int64");  // NumPy: x[[]] is an empty integer index
  } else if (kind == 'O') {
    throw IndexError(format_location(where) + ": " + kBadItem + "; a list in a key must hold only integers or "
                     "only bools (got " + describe(obj) + ")");
  } else if (kind != 'b' && kind != 'i' && kind != 'u') {
    throw IndexError(format_location(where) + ": arrays used as indices must be of integer (or boolean) type, not " +
                     std::string(py::str(arr.dtype())));
  }
  return Index(to_variable(arr, where), where);
}

Index item(py::handle obj, SourceLocation where) {
  if (obj.is_none()) return Index(new_axis, where);
  if (obj.ptr() == Py_Ellipsis) return Index(ellipsis, where);
  if (PySlice_Check(obj.ptr())) {
    const py::slice s = py::reinterpret_borrow<py::slice>(obj);
    return Index::make_slice(bound(s.attr("start"), where), bound(s.attr("stop"), where),
                             bound(s.attr("step"), where), where);
  }
  if (py::isinstance<Variable>(obj)) return Index(obj.cast<Variable>(), where);
  // A bool is a 0-d mask (NumPy: x[True] is x[None]), not the integer 1.
  if (PyBool_Check(obj.ptr()) || is_numpy_bool(obj)) return Index(to_variable(obj, where), where);
  // Before PyIndex_Check: NumPy arrays have __index__ (for 0-d ones).
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr()) || py::isinstance<py::array>(obj)) {
    return array_item(obj, where);
  }
  if (PyIndex_Check(obj.ptr())) return Index(int_item(obj, where), where);
  bad_item(obj, where);
}

}  // namespace

std::vector<Index> to_key(py::handle key, SourceLocation where) {
  std::vector<Index> items;
  if (PyTuple_Check(key.ptr())) {
    for (py::handle k : key) items.push_back(item(k, where));
  } else {
    items.push_back(item(key, where));
  }
  return items;
}

Variable py_index(const Variable& x, py::handle key, SourceLocation where) {
  return index(Operand(x, where), to_key(key, where));
}

namespace {

Variable set_or_inc(py::handle x, py::handle y, bool set) {
  const SourceLocation w = user_location();
  if (!py::isinstance<Variable>(x)) {
    throw TypeError(format_location(w) + ": " + (set ? "set_subtensor" : "inc_subtensor") +
                    ": the first argument must be the result of indexing a variable (x[key]), not a " + describe(x));
  }
  const Operand indexed(x.cast<Variable>(), w);
  return set ? set_subtensor(indexed, to_operand(y, w)) : inc_subtensor(indexed, to_operand(y, w));
}

std::optional<std::int64_t> optional_axis(py::handle axis, const char* what) {
  if (axis.is_none()) return std::nullopt;
  return to_index(axis, what);
}

py::tuple as_tuple(const std::vector<Variable>& vs) {
  py::tuple out(vs.size());
  for (std::size_t i = 0; i < vs.size(); ++i) out[i] = py::cast(vs[i]);
  return out;
}

}  // namespace

Variable py_take(py::handle a, py::handle indices, py::handle axis, py::handle mode) {
  const SourceLocation w = user_location();
  if (!mode.is_none() && std::string(py::str(mode)) != "raise") {
    throw ValueError(format_location(w) + ": take: only mode='raise' is supported (an out-of-bounds index is an "
                     "IndexError), not '" + std::string(py::str(mode)) + "'");
  }
  Variable idx = to_variable(indices, w);
  return take(to_operand(a, w), Operand(idx, w), optional_axis(axis, "take: axis"));
}

py::object py_nonzero(py::handle a, bool return_matrix) {
  const SourceLocation w = user_location();
  const std::vector<Variable> coords = nonzero(to_operand(a, w));
  if (!return_matrix) return as_tuple(coords);
  std::vector<Operand> rows;
  for (const Variable& c : coords) rows.emplace_back(c, w);
  return py::cast(stack(rows, 0));
}

void bind_ops_index(py::module_& m) {
  m.def(
      "set_subtensor",
      [](py::handle x, py::handle y, bool, bool) { return set_or_inc(x, y, true); }, py::arg("x"), py::arg("y"),
      py::arg("inplace") = false, py::arg("tolerate_inplace_aliasing") = false,
      "set_subtensor(x[key], y): a new array, the variable x was indexed from with the selection replaced by y "
      "(broadcast to the selection's shape), as NumPy's `a[key] = y` on a copy. With repeated indices the last "
      "write wins. x is never modified; inplace is accepted and ignored.");
  m.def(
      "inc_subtensor",
      [](py::handle x, py::handle y, bool, bool set_instead_of_inc, bool) {
        return set_or_inc(x, y, set_instead_of_inc);
      },
      py::arg("x"), py::arg("y"), py::arg("inplace") = false, py::arg("set_instead_of_inc") = false,
      py::arg("tolerate_inplace_aliasing") = false,
      "inc_subtensor(x[key], y): a new array, the variable x was indexed from with y (broadcast to the "
      "selection's shape) added to the selection. Repeated indices accumulate, as numpy.add.at. "
      "set_instead_of_inc=True is set_subtensor. x is never modified; inplace is accepted and ignored.");
  m.def("take", &py_take, py::arg("a"), py::arg("indices"), py::arg("axis") = py::none(),
        py::arg("mode") = py::none(),
        "numpy.take: the elements of a at indices (an int array, list or variable, any rank) along axis, of the "
        "flattened a when axis is None. An out-of-bounds index is an IndexError when it runs (mode='raise').");
  m.def("nonzero", &py_nonzero, py::arg("a"), py::arg("return_matrix") = false,
        "numpy.nonzero: a tuple of int64 vectors, one per axis of a, the coordinates of its nonzero elements in C "
        "order; `a[T.nonzero(a)]` gives the nonzero values. Their length depends on the data. "
        "return_matrix=True stacks them into one (a.ndim, n) matrix, as Theano's.");
  m.def(
      "_index", [](const Variable& x, py::handle key) { return py_index(x, key, user_location()); }, py::arg("x"),
      py::arg("key"), "x[key], NumPy's indexing.");
}

}  // namespace hypatia::python
