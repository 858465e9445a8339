// NumPy arrays <-> hypatia::Array through the buffer protocol: arguments are borrowed
// where the dtype and layout allow (any strides, read-only too), converted otherwise;
// results are NumPy arrays that keep the Array's buffer alive.
#include <bit>
#include <cmath>

#include "binding.hpp"
#include "fast_array.hpp"

namespace hypatia::python {
namespace {

py::module_& numpy() {
  static auto* np = new py::module_(py::module_::import("numpy"));  // never freed: used until exit
  return *np;
}

bool native_order(char byteorder) {
  constexpr bool kLittle = std::endian::native == std::endian::little;
  return byteorder == '=' || byteorder == '|' || byteorder == (kLittle ? '<' : '>');
}

// The supported dtype of the same kind and size, ignoring byte order.
std::optional<DType> dtype_of_kind(char kind, py::ssize_t size) {
  switch (kind) {
    case 'b': return size == 1 ? std::optional(DType::bool_) : std::nullopt;
    case 'i':
      switch (size) {
        case 1: return DType::int8;
        case 2: return DType::int16;
        case 4: return DType::int32;
        case 8: return DType::int64;
      }
      return std::nullopt;
    case 'u':
      switch (size) {
        case 1: return DType::uint8;
        case 2: return DType::uint16;
        case 4: return DType::uint32;
        case 8: return DType::uint64;
      }
      return std::nullopt;
    case 'f':
      if (size == 4) return DType::float32;
      if (size == 8) return DType::float64;
      return std::nullopt;
  }
  return std::nullopt;
}

std::string numpy_name(const py::dtype& d) { return py::str(static_cast<const py::handle&>(d)); }

constexpr const char* kSupported = "bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64";

// A view of `arr`, whose dtype is ours, native and aligned. Valid while `arr` lives.
Array borrow(const py::array& arr) {
  const DType t = *core_dtype(arr.dtype());
  Shape shape(arr.shape(), arr.shape() + arr.ndim());
  Strides strides(arr.strides(), arr.strides() + arr.ndim());
  auto* data = static_cast<std::byte*>(const_cast<void*>(arr.data()));
  return Array::borrow_bytes(data, t, shape, strides);
}

bool borrowable(const py::array& arr) {
  return core_dtype(arr.dtype()).has_value() && (arr.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_) != 0;
}

// `arr` with a supported dtype of its own kind, native and aligned (NumPy converts a
// foreign byte order or an unaligned buffer); TypeError for dtypes we lack.
py::array normalized(const py::array& arr, std::vector<py::object>& keep) {
  if (borrowable(arr)) return arr;
  const auto t = dtype_of_kind(arr.dtype().kind(), arr.dtype().itemsize());
  if (!t) {
    throw TypeError("hypatia has no dtype for NumPy's " + numpy_name(arr.dtype()) + "; supported: " + kSupported);
  }
  py::array fixed = numpy().attr("ascontiguousarray")(arr, numpy_dtype(*t));
  keep.push_back(fixed);
  return fixed;
}

// Elementwise equality, NaN equal to NaN: whether a conversion kept every value.
bool same_values(const Array& a, const Array& b) {
  const Array x = a.contiguous(), y = b.contiguous();
  return visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = reinterpret_cast<const T*>(x.data());
    const T* q = reinterpret_cast<const T*>(y.data());
    for (std::int64_t i = 0; i < x.size(); ++i) {
      if constexpr (std::is_floating_point_v<T>) {
        if (!(p[i] == q[i] || (std::isnan(p[i]) && std::isnan(q[i])))) return false;
      } else {
        if (p[i] != q[i]) return false;
      }
    }
    return true;
  });
}

std::string short_repr(py::handle obj) {
  std::string s = py::repr(obj);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

py::dtype numpy_dtype(DType t) {
  static auto* table = [] {
    auto* v = new std::vector<py::dtype>();  // never freed: used until exit
    for (int i = 0; i < kNumDTypes; ++i) v->push_back(py::dtype(std::string(dtype_name(static_cast<DType>(i)))));
    return v;
  }();
  return (*table)[static_cast<std::size_t>(t)];
}

std::optional<DType> core_dtype(const py::dtype& d) {
  if (!native_order(d.byteorder())) return std::nullopt;
  return dtype_of_kind(d.kind(), d.itemsize());
}

py::array to_numpy(const Array& a, bool writeable) { return numpy_view(a, writeable); }

Array to_array(py::handle value, std::vector<py::object>& keep) {
  py::object asarray = numpy().attr("asarray")(value);
  keep.push_back(asarray);
  const py::array arr = py::reinterpret_borrow<py::array>(asarray);
  return borrow(normalized(arr, keep));
}

std::string describe_input(const Variable& v, std::size_t position) {
  std::string s = "input " + std::to_string(position);
  if (!v.name().empty()) s += " ('" + v.name() + "')";
  return s;
}

Array filter_argument(py::handle data, const Type& t, std::optional<bool> allow_downcast, const std::string& who,
                      std::vector<py::object>& keep) {
  const DType want = t.dtype;
  const std::string want_name(dtype_name(want));
  if (py::isinstance<py::array>(data)) {
    const py::array arr = py::reinterpret_borrow<py::array>(data);
    if (core_dtype(arr.dtype()) == want && borrowable(arr)) return borrow(arr);
    if (std::string("biufc").find(arr.dtype().kind()) == std::string::npos) {
      throw TypeError(who + ": hypatia has no dtype for NumPy's " + numpy_name(arr.dtype()) + "; supported: " +
                      kSupported);
    }
    if (!allow_downcast.value_or(false) &&
        !numpy().attr("can_cast")(arr.dtype(), numpy_dtype(want), "safe").cast<bool>()) {
      throw TypeError(who + " expects dtype " + want_name + " (" + t.str() + "), got an array of dtype " +
                      numpy_name(arr.dtype()) + ", which it cannot hold without risking loss of precision; cast it "
                      "(value.astype('" + want_name + "')) or pass allow_input_downcast=True to hypatia.function");
    }
    if (!dtype_of_kind(arr.dtype().kind(), arr.dtype().itemsize())) {
      // A dtype we lack (float16, complex ...): NumPy converts it.
      py::object converted;
      try {
        converted = arr.attr("astype")(numpy_dtype(want));
      } catch (const py::error_already_set& e) {
        throw TypeError(who + ": cannot convert an array of dtype " + numpy_name(arr.dtype()) + " to " + want_name +
                        ": " + e.what());
      }
      keep.push_back(converted);
      return borrow(py::reinterpret_borrow<py::array>(converted));
    }
    return borrow(normalized(arr, keep)).astype(want);
  }

  // Python scalars, lists, NumPy scalars: through numpy.asarray, then a lossless check.
  Array value;
  try {
    value = to_array(data, keep);
  } catch (const py::error_already_set& e) {
    throw TypeError(who + ": cannot make an array of " + short_repr(data) + ": " + e.what());
  } catch (const TypeError& e) {
    throw TypeError(who + ": " + e.what());
  }
  if (value.dtype() == want) return value;
  const bool python_float = PyFloat_Check(data.ptr()) && !py::isinstance(data, numpy().attr("generic"));
  // Theano: a Python float converts to floatX even when that loses precision.
  if (allow_downcast.value_or(false) || can_cast_safely(value.dtype(), want) ||
      (!allow_downcast.has_value() && python_float && want == floatX())) {
    return value.astype(want);
  }
  Array converted = value.astype(want);
  if (!same_values(value, converted.astype(value.dtype()))) {
    throw TypeError(who + " expects dtype " + want_name + " (" + t.str() + "), and " + short_repr(data) +
                    " cannot be held exactly in " + want_name + " (it would become " + converted.str() +
                    "); convert it to a NumPy array of dtype " + want_name +
                    " or pass allow_input_downcast=True to hypatia.function");
  }
  return converted;
}

void bind_array(py::module_& m) {
  // For the tests: the address of the data a function would read for `value` given to
  // an input of type `t`, to show that NumPy arrays are borrowed, not copied.
  m.def(
      "_argument_address",
      [](py::handle value, const Type& t, std::optional<bool> allow_downcast) {
        std::vector<py::object> keep;
        const Array a = filter_argument(value, t, allow_downcast, "argument", keep);
        return reinterpret_cast<std::uintptr_t>(a.data());
      },
      py::arg("value"), py::arg("type"), py::arg("allow_downcast") = py::none());
}

}  // namespace hypatia::python
