#include "fast_array.hpp"

#include <array>
#include <new>

namespace hypatia::python {
namespace {

using py::detail::npy_api;

// A NumPy result's base: it holds the Array's buffer (one small Python object, no
// malloc: a capsule needs a heap-allocated holder besides).
struct BufferOwner {
  PyObject_HEAD
  std::shared_ptr<Buffer> buffer;
};

void owner_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  reinterpret_cast<BufferOwner*>(self)->buffer.~shared_ptr();
  type->tp_free(self);
  Py_DECREF(type);  // a heap type: each instance holds a reference to it
}

PyTypeObject* owner_type() {
  static PyTypeObject* type = [] {
    static PyType_Slot slots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(owner_dealloc)},
                                  {Py_tp_doc, const_cast<char*>("Keeps a hypatia result's memory alive.")},
                                  {0, nullptr}};
    static PyType_Spec spec = {"hypatia._core._BufferOwner", static_cast<int>(sizeof(BufferOwner)), 0,
                               Py_TPFLAGS_DEFAULT, slots};
    PyObject* t = PyType_FromSpec(&spec);  // never freed: used until exit
    if (t == nullptr) throw py::error_already_set();
    return reinterpret_cast<PyTypeObject*>(t);
  }();
  return type;
}

PyObject* make_owner(const std::shared_ptr<Buffer>& buffer) {
  BufferOwner* o = PyObject_New(BufferOwner, owner_type());
  if (o == nullptr) return nullptr;
  new (&o->buffer) std::shared_ptr<Buffer>(buffer);
  return reinterpret_cast<PyObject*>(o);
}

}  // namespace

PyObject* numpy_descr(DType t) {
  static const auto table = [] {
    std::array<PyObject*, kNumDTypes> out{};
    for (int i = 0; i < kNumDTypes; ++i) out[static_cast<std::size_t>(i)] = numpy_dtype(static_cast<DType>(i)).ptr();
    return out;
  }();
  return table[static_cast<std::size_t>(t)];  // numpy_dtype's table holds the references
}

bool borrow_exact(PyObject* obj, PyObject* descr, DType t, std::vector<Array>& out) {
  const npy_api& api = npy_api::get();
  if (Py_TYPE(obj) != api.PyArray_Type_) return false;
  const py::detail::PyArray_Proxy* a = py::detail::array_proxy(obj);
  if (a->descr != descr || (a->flags & npy_api::NPY_ARRAY_ALIGNED_) == 0) return false;
  const auto nd = static_cast<std::size_t>(a->nd);
  Shape shape(a->dimensions, a->dimensions + nd);
  Strides strides(a->strides, a->strides + nd);
  // The buffer spans the lowest to the highest byte the view touches (as
  // Array::borrow_bytes, which would copy the shape and strides once more).
  std::int64_t lo = 0, hi = static_cast<std::int64_t>(dtype_size(t));
  if (shape_size(shape) == 0) {
    hi = 0;
  } else {
    for (std::size_t i = 0; i < nd; ++i) {
      const std::int64_t extent = (shape[i] - 1) * strides[i];
      if (extent < 0) lo += extent; else hi += extent;
    }
  }
  auto* data = reinterpret_cast<std::byte*>(a->data);
  out.push_back(Array::view_of(Buffer::borrow(data + lo, static_cast<std::size_t>(hi - lo)), t, std::move(shape),
                               std::move(strides), -lo));
  return true;
}

py::array numpy_view(const Array& a, bool writeable) {
  const npy_api& api = npy_api::get();
  constexpr int kMaxDims = 32;  // NumPy's NPY_MAXDIMS
  const int nd = a.ndim();
  if (nd > kMaxDims) throw ValueError("NumPy arrays have at most 32 dimensions; the result has " + std::to_string(nd));
  std::array<Py_intptr_t, kMaxDims> dims{}, strides{};
  for (std::size_t i = 0; i < static_cast<std::size_t>(nd); ++i) {
    dims[i] = static_cast<Py_intptr_t>(a.shape()[i]);
    strides[i] = static_cast<Py_intptr_t>(a.strides()[i]);
  }
  PyObject* descr = numpy_descr(a.dtype());
  Py_INCREF(descr);  // PyArray_NewFromDescr steals it
  // NumPy works out the contiguity and alignment flags itself from the strides.
  PyObject* arr = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, nd, dims.data(), strides.data(), a.data(),
                                            writeable ? npy_api::NPY_ARRAY_WRITEABLE_ : 0, nullptr);
  if (arr == nullptr) throw py::error_already_set();
  PyObject* owner = make_owner(a.buffer());
  if (owner == nullptr || api.PyArray_SetBaseObject_(arr, owner) != 0) {  // steals owner, even when it fails
    Py_DECREF(arr);
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::array>(arr);
}

}  // namespace hypatia::python
