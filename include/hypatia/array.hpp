// Array: an n-dimensional array of one dtype on one device.
//
// An Array is a view: a dtype, a shape, strides in bytes (any sign, zero for broadcast
// dimensions), and an offset into a reference-counted buffer. Copying an Array copies
// the view, not the data (like NumPy's `b = a`); `copy()` copies the data. Arrays made
// by Hypatia are C-contiguous unless documented otherwise; borrowed ones may not be.
#pragma once

#include <cstddef>
#include <cstring>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hypatia/dtype.hpp"
#include "hypatia/error.hpp"

namespace hypatia {

using Shape = std::vector<std::int64_t>;
using Strides = std::vector<std::int64_t>;  // in bytes

enum class Device : std::uint8_t { cpu, cuda };

// Owned or borrowed storage. Owned storage is 64-byte aligned.
class Buffer {
 public:
  static std::shared_ptr<Buffer> allocate(std::size_t nbytes, Device device = Device::cpu);
  static std::shared_ptr<Buffer> borrow(void* data, std::size_t nbytes, Device device = Device::cpu);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  std::byte* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  bool owned() const { return owned_; }

 private:
  Buffer(std::byte* data, std::size_t nbytes, Device device, bool owned)
      : data_(data), nbytes_(nbytes), device_(device), owned_(owned) {}
  std::byte* data_;
  std::size_t nbytes_;
  Device device_;
  bool owned_;
};

std::int64_t shape_size(const Shape& shape);
// C-order strides in bytes for `shape` and elements of `itemsize` bytes.
Strides contiguous_strides(const Shape& shape, std::size_t itemsize);
// "(2, 3)" as NumPy prints shapes.
std::string shape_str(const Shape& shape);

class Array {
 public:
  // A 0-d float64 array holding 0.
  Array();

  // Uninitialised C-contiguous array.
  static Array empty(DType dtype, const Shape& shape);
  static Array zeros(DType dtype, const Shape& shape);
  static Array full(DType dtype, const Shape& shape, double value);

  // 0-d array.
  template <class T>
  static Array scalar(T value) {
    Array a = empty(dtype_of_v<T>, {});
    *reinterpret_cast<T*>(a.data()) = value;
    return a;
  }

  // From nested initializer lists: Array::from({1.0, 2.0}), Array::from({{1, 2}, {3, 4}}).
  // Ragged lists are a ShapeError.
  template <class T>
  static Array from(std::initializer_list<T> values) {
    return copy_from(std::data(values), {static_cast<std::int64_t>(values.size())});
  }
  template <class T>
  static Array from(std::initializer_list<std::initializer_list<T>> rows) {
    std::vector<T> flat;
    Shape shape = {static_cast<std::int64_t>(rows.size()), 0};
    bool first = true;
    for (const auto& row : rows) {
      check_ragged(first, shape[1], static_cast<std::int64_t>(row.size()));
      first = false;
      flat.insert(flat.end(), row.begin(), row.end());
    }
    return from_vector(flat, shape);
  }
  template <class T>
  static Array from(std::initializer_list<std::initializer_list<std::initializer_list<T>>> blocks) {
    std::vector<T> flat;
    Shape shape = {static_cast<std::int64_t>(blocks.size()), 0, 0};
    bool first_block = true, first_row = true;
    for (const auto& block : blocks) {
      check_ragged(first_block, shape[1], static_cast<std::int64_t>(block.size()));
      first_block = false;
      for (const auto& row : block) {
        check_ragged(first_row, shape[2], static_cast<std::int64_t>(row.size()));
        first_row = false;
        flat.insert(flat.end(), row.begin(), row.end());
      }
    }
    return from_vector(flat, shape);
  }

  // Copies `values` (C order). An empty `shape` means 1-d of values.size() elements;
  // otherwise its size must equal values.size().
  template <class T>
  static Array from_vector(const std::vector<T>& values, Shape shape = {}) {
    if (shape.empty()) shape = {static_cast<std::int64_t>(values.size())};
    if constexpr (std::is_same_v<T, bool>) {  // std::vector<bool> has no data()
      Array a = empty(DType::bool_, shape);
      check_count(shape, values.size());
      for (std::size_t i = 0; i < values.size(); ++i) reinterpret_cast<bool*>(a.data())[i] = values[i];
      return a;
    } else {
      return copy_from(values.data(), shape, values.size());
    }
  }

  // Copies shape_size(shape) elements from `data` (C order).
  template <class T>
  static Array copy_from(const T* data, const Shape& shape) {
    return copy_from(data, shape, static_cast<std::size_t>(shape_size(shape)));
  }

  // Wraps memory the caller owns, without copying. The caller keeps it alive and
  // unmoved while any Array viewing it exists. Strides in bytes; default C order.
  template <class T>
  static Array borrow(T* data, const Shape& shape, const Strides& strides = {}) {
    return borrow_bytes(reinterpret_cast<std::byte*>(const_cast<std::remove_const_t<T>*>(data)),
                        dtype_of_v<std::remove_const_t<T>>, shape, strides);
  }
  static Array borrow_bytes(std::byte* data, DType dtype, const Shape& shape, const Strides& strides = {});

  // A view of `buffer` (used by kernels that make views). Checked to stay in bounds.
  static Array view_of(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Strides strides,
                       std::int64_t offset_bytes);

  DType dtype() const { return dtype_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  const Shape& shape() const { return shape_; }
  std::int64_t shape(int axis) const;  // negative axes count from the end
  const Strides& strides() const { return strides_; }
  std::int64_t size() const { return shape_size(shape_); }
  std::size_t itemsize() const { return dtype_size(dtype_); }
  std::size_t nbytes() const { return static_cast<std::size_t>(size()) * itemsize(); }
  Device device() const { return buffer_->device(); }
  std::int64_t offset() const { return offset_; }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }

  // Address of the element at index 0 (the view's origin).
  std::byte* data() const { return buffer_->data() + offset_; }
  template <class T>
  T* data_as() const {
    check_dtype(dtype_of_v<T>);
    return reinterpret_cast<T*>(data());
  }

  bool is_contiguous() const;  // C order
  bool shares_memory_with(const Array& other) const { return buffer_ == other.buffer_; }

  // The element at `index` (one entry per dimension; negative entries count from the
  // end), converted to T as astype() converts. Out-of-range is an IndexError.
  template <class T>
  T at(std::initializer_list<std::int64_t> index) const {
    return value_at<T>(byte_offset(index));
  }
  // The value of a size-1 array.
  template <class T>
  T item() const {
    if (size() != 1) throw ValueError("item(): the array has " + std::to_string(size()) +
                                      " elements; only a size-1 array converts to a scalar");
    return value_at<T>(0);
  }
  // All elements in C order, converted to T as astype() converts.
  template <class T>
  std::vector<T> to_vector() const {
    Array c = astype(dtype_of_v<T>);
    const T* p = reinterpret_cast<const T*>(c.data());
    return std::vector<T>(p, p + c.size());
  }

  Array copy() const;                 // C-contiguous copy
  Array contiguous() const;           // *this when already C-contiguous, else a copy
  Array astype(DType dtype) const;    // C-contiguous; *this when dtype matches and contiguous
  // Views (no copy).
  Array transpose(const std::vector<int>& axes) const;
  Array transpose() const;            // reverses the axes
  Array reshape(const Shape& shape) const;  // view when contiguous, else a copy
  Array broadcast_to(const Shape& shape) const;  // zero strides; ShapeError if impossible
  // A strided slice along one axis: elements start, start+step, ... before stop.
  Array slice(int axis, std::int64_t start, std::int64_t stop, std::int64_t step = 1) const;

  std::string str() const;  // as NumPy prints: [[1. 2.] [3. 4.]]

 private:
  template <class T>
  static Array copy_from(const T* data, const Shape& shape, std::size_t count) {
    check_count(shape, count);
    Array a = empty(dtype_of_v<T>, shape);
    if (count != 0 && data != nullptr) std::memcpy(a.data(), data, count * sizeof(T));
    return a;
  }
  // Converted as astype() does, so NaN or out-of-range floats read as integers are
  // defined (a static_cast would not be).
  template <class T>
  T value_at(std::int64_t byte_offset) const {
    return *reinterpret_cast<const T*>(element_as(byte_offset, dtype_of_v<T>).data());
  }
  Array element_as(std::int64_t byte_offset, DType dtype) const;
  std::int64_t byte_offset(std::initializer_list<std::int64_t> index) const;
  void check_dtype(DType requested) const;
  static void check_count(const Shape& shape, std::size_t count);
  static void check_ragged(bool first, std::int64_t& expected, std::int64_t got);

  std::shared_ptr<Buffer> buffer_;
  std::int64_t offset_ = 0;
  DType dtype_ = DType::float64;
  Shape shape_;
  Strides strides_;
};

std::ostream& operator<<(std::ostream& os, const Array& a);
std::ostream& operator<<(std::ostream& os, DType t);

}  // namespace hypatia
