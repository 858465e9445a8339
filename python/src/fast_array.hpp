// NumPy arrays <-> hypatia::Array on a compiled function's hot path (W6: a call on tiny
// arrays should cost about what NumPy's own `x + y` costs). These read NumPy's object
// layout directly (pybind11's proxies of PyArrayObject) instead of going through
// pybind11's wrappers, which look up attributes and build temporary objects per call.
#pragma once

#include <vector>

#include "binding.hpp"

namespace hypatia::python {

// NumPy's descriptor object for a dtype, native byte order (borrowed: never freed).
PyObject* numpy_descr(DType t);

// When `obj` is exactly a numpy.ndarray (not a subclass) whose descriptor is `descr`
// (numpy_descr(t)) and whose data is aligned: appends a view of it to `out` (no copy,
// valid while obj lives) and returns true. Otherwise false, and the caller takes the
// general path (filter_argument), which handles every other case and every error.
bool borrow_exact(PyObject* obj, PyObject* descr, DType t, std::vector<Array>& out);

// A NumPy array viewing `a` (no copy), whose base object keeps a's buffer alive.
py::array numpy_view(const Array& a, bool writeable);

}  // namespace hypatia::python
