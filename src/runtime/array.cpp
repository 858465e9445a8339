#include "hypatia/array.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <numeric>
#include <ostream>
#include <sstream>

#include "runtime/cast.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace hypatia {

// ---------------------------------------------------------------- Buffer

namespace {

// Blocks of 64 KiB and more that were freed, kept for the next allocation of about
// their size. glibc gives them back to the kernel: a block of 128 KiB or more is
// unmapped, and a smaller one that merges into the top of the heap makes the heap
// shrink once the top passes the trim threshold (2x the last unmapped block's size).
// Either way the next allocation maps fresh, zero-filled pages, which costs a page
// fault and a page clearing per 4 KiB: a compiled function's 40 MB output ~17% of the
// call, and a function returning two (128, 512) float32 arrays (256 KiB each) 4.5x its
// kernel's time (98 faults a call; bench/RESULTS.md, "Output blocks"). At most kKeep
// blocks and kKeepBytes in all; never destroyed (buffers may die after static
// destructors run).
class BlockCache {
 public:
  static constexpr std::size_t kMin = std::size_t(64) << 10;
  static constexpr std::size_t kKeep = 32;
  static constexpr std::size_t kKeepBytes = std::size_t(256) << 20;

  static BlockCache& get() {
    static BlockCache* cache = new BlockCache;
    return *cache;
  }
  // A kept block of `size` to 2 `size` bytes (the smallest), or null.
  void* take(std::size_t size, std::size_t& capacity) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t best = kKeep;
    for (std::size_t i = 0; i < count_; ++i) {
      if (blocks_[i].capacity >= size && blocks_[i].capacity / 2 <= size &&
          (best == kKeep || blocks_[i].capacity < blocks_[best].capacity)) {
        best = i;
      }
    }
    if (best == kKeep) return nullptr;
    void* raw = blocks_[best].raw;
    capacity = blocks_[best].capacity;
    bytes_ -= capacity;
    blocks_[best] = blocks_[--count_];
    return raw;
  }
  // Keeps the block, or frees it (or the oldest kept ones, to make room).
  void give(void* raw, std::size_t capacity) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (capacity <= kKeepBytes) {
        while (count_ > 0 && (count_ == kKeep || bytes_ + capacity > kKeepBytes)) {
          bytes_ -= blocks_[0].capacity;
          std::free(blocks_[0].raw);
          blocks_[0] = blocks_[--count_];
        }
        blocks_[count_++] = {raw, capacity};
        bytes_ += capacity;
        return;
      }
    }
    std::free(raw);
  }

 private:
  struct Block {
    void* raw;
    std::size_t capacity;
  };
  std::mutex mutex_;
  Block blocks_[kKeep] = {};
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

constexpr std::size_t kAlign = 64;

// Owned buffers up to this size live in the allocation of their Buffer and its
// shared_ptr control block: one malloc where there were three (a compiled call on tiny
// arrays spent about a third of its time in malloc and free for its outputs).
constexpr std::size_t kInlineMax = 4096;

// Storage for one Buffer in a std::allocate_shared block (the Buffer itself is made by
// placement new in Buffer's own factories, which may call its private constructor).
struct BufferSlot {
  alignas(Buffer) std::byte bytes[sizeof(Buffer)];
  Buffer* get() { return std::launder(reinterpret_cast<Buffer*>(bytes)); }
  BufferSlot() = default;
  BufferSlot(const BufferSlot&) = delete;
  BufferSlot& operator=(const BufferSlot&) = delete;
  ~BufferSlot() { get()->~Buffer(); }
};

// std::allocate_shared's allocator: `extra` more bytes after the control block, whose
// address it reports through `tail` (the one allocation allocate_shared makes).
template <class T>
struct TailAllocator {
  using value_type = T;
  std::size_t extra = 0;
  std::byte** tail = nullptr;
  TailAllocator(std::size_t e, std::byte** t) : extra(e), tail(t) {}
  template <class U>
  TailAllocator(const TailAllocator<U>& other) : extra(other.extra), tail(other.tail) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    if (n > (std::numeric_limits<std::size_t>::max() - extra) / sizeof(T)) throw std::bad_alloc();
    void* p = std::malloc(n * sizeof(T) + extra);
    if (p == nullptr) throw std::bad_alloc();
    if (tail != nullptr) *tail = static_cast<std::byte*>(p) + n * sizeof(T);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U>
  bool operator==(const TailAllocator<U>&) const { return true; }
};

// A slot for a Buffer with `extra` bytes after it (reported through `tail`).
std::shared_ptr<BufferSlot> buffer_slot(std::size_t extra, std::byte** tail) {
  return std::allocate_shared<BufferSlot>(TailAllocator<BufferSlot>(extra, tail));
}

// Where the data of an owned buffer starts, 64-byte aligned in the block at `raw`, with
// two words before it for the destructor: the pointer to free (null: nothing, the data
// lives with its Buffer) and the block's capacity.
std::byte* place_data(void* raw, std::size_t capacity, void* to_free) {
  const std::uintptr_t at = (reinterpret_cast<std::uintptr_t>(raw) + 2 * sizeof(void*) + kAlign - 1) & ~(kAlign - 1);
  reinterpret_cast<void**>(at)[-1] = to_free;
  reinterpret_cast<std::size_t*>(at)[-2] = capacity;
  return reinterpret_cast<std::byte*>(at);
}

}  // namespace

std::shared_ptr<Buffer> Buffer::allocate(std::size_t nbytes, Device device) {
  if (device != Device::cpu) throw ValueError("only CPU buffers can be allocated in this build");
  // malloc, aligned by hand, the pointer malloc gave and the block's usable size
  // stored just before the data: glibc's aligned_alloc costs some 600 instructions a
  // call (memalign carves a bigger chunk), malloc some 50, and every compiled call
  // allocates its outputs.
  std::size_t size = std::max<std::size_t>(nbytes, 1);
  static_assert(alignof(std::max_align_t) >= sizeof(void*) && kAlign >= 4 * sizeof(void*));
  if (size <= kInlineMax) {
    std::byte* tail = nullptr;
    // the tail is only 8-byte aligned: room for the two words and the alignment
    std::shared_ptr<BufferSlot> slot = buffer_slot(size + kAlign + 2 * sizeof(void*), &tail);
    // capacity 0 and nothing to free: the block goes with the control block
    Buffer* b = new (slot->bytes) Buffer(place_data(tail, 0, nullptr), nbytes, device, true);
    return std::shared_ptr<Buffer>(std::move(slot), b);
  }
  if (size > std::numeric_limits<std::size_t>::max() - kAlign) throw std::bad_alloc();
  void* raw = nullptr;
  if (size >= BlockCache::kMin) raw = BlockCache::get().take(size, size);
  const bool fresh = raw == nullptr;
  if (fresh) raw = std::malloc(size + kAlign);
  if (raw == nullptr) throw std::bad_alloc();
  const auto at = reinterpret_cast<std::uintptr_t>(place_data(raw, size, raw));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Large buffers ask for transparent huge pages (Linux's usual policy, "madvise", gives
  // them only on request): a fresh 64 MB result otherwise costs 16,384 page faults at
  // its first touch, measured at 3-5x the time of the same pages faulted 2 MB at a time
  // (bench/RESULTS.md, W2). Only the whole 2 MB pages inside the buffer; a refusal is
  // harmless.
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (fresh && size >= 4 * kHuge) {  // a kept block has had its advice
    const std::uintptr_t first = (at + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t last = (at + size) & ~(kHuge - 1);
    if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#endif
  return std::shared_ptr<Buffer>(new Buffer(reinterpret_cast<std::byte*>(at), nbytes, device, true));
}

std::shared_ptr<Buffer> Buffer::borrow(void* data, std::size_t nbytes, Device device) {
  std::shared_ptr<BufferSlot> slot = buffer_slot(0, nullptr);  // one allocation, not two
  Buffer* b = new (slot->bytes) Buffer(static_cast<std::byte*>(data), nbytes, device, false);
  return std::shared_ptr<Buffer>(std::move(slot), b);
}

Buffer::~Buffer() {
  if (!owned_) return;
  // raw is null for data that lives in the Buffer's own block (place_data)
  void* raw = reinterpret_cast<void**>(data_)[-1];
  const std::size_t capacity = reinterpret_cast<std::size_t*>(data_)[-2];
  if (capacity >= BlockCache::kMin) {
    BlockCache::get().give(raw, capacity);
  } else {
    std::free(raw);
  }
}

// ---------------------------------------------------------------- shapes

std::int64_t shape_size(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

Strides contiguous_strides(const Shape& shape, std::size_t itemsize) {
  Strides s(shape.size());
  std::int64_t step = static_cast<std::int64_t>(itemsize);
  for (std::size_t i = shape.size(); i-- > 0;) {
    s[i] = step;
    step *= std::max<std::int64_t>(shape[i], 1);
  }
  return s;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

namespace {

// Sizes are non-negative and the element count and byte size fit in int64.
void check_shape_valid(const Shape& shape, std::size_t itemsize = 1) {
  std::int64_t n = static_cast<std::int64_t>(itemsize);
  for (std::int64_t d : shape) {
    if (d < 0) throw ValueError("negative dimensions are not allowed: shape " + shape_str(shape));
  }
  for (std::int64_t d : shape) {
    if (__builtin_mul_overflow(n, d, &n)) {
      throw ValueError("array is too big: shape " + shape_str(shape) + " holds more than 2^63 bytes");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- Array

Array::Array() : buffer_(Buffer::allocate(sizeof(double))) { std::memset(buffer_->data(), 0, sizeof(double)); }

namespace {
// What the factories below start from and then overwrite: copying it allocates nothing
// (its shape and strides are empty), where the default constructor allocates a buffer
// (a function call's hot path makes its outputs with these factories).
const Array& blank() {
  static const Array a;
  return a;
}
}  // namespace

Array Array::empty(DType dtype, const Shape& shape) {
  check_shape_valid(shape, dtype_size(dtype));
  Array a = blank();
  const std::size_t bytes = static_cast<std::size_t>(shape_size(shape)) * dtype_size(dtype);
  a.buffer_ = Buffer::allocate(bytes);
  a.dtype_ = dtype;
  a.shape_ = shape;
  a.strides_ = contiguous_strides(shape, dtype_size(dtype));
  return a;
}

Array Array::zeros(DType dtype, const Shape& shape) {
  Array a = empty(dtype, shape);
  std::memset(a.data(), 0, a.nbytes());
  return a;
}

Array Array::full(DType dtype, const Shape& shape, double value) {
  Array a = empty(dtype, shape);
  visit_dtype(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = detail::convert<T>(value);
    T* p = reinterpret_cast<T*>(a.data());
    for (std::int64_t i = 0; i < a.size(); ++i) p[i] = v;
  });
  return a;
}

Array Array::borrow_bytes(std::byte* data, DType dtype, const Shape& shape, const Strides& strides) {
  check_shape_valid(shape, dtype_size(dtype));
  if (data == nullptr && shape_size(shape) != 0) throw ValueError("borrow: a null pointer for a non-empty array");
  if (!strides.empty() && strides.size() != shape.size()) {
    throw ShapeError("borrow: " + std::to_string(strides.size()) + " strides given for a shape of rank " +
                     std::to_string(shape.size()));
  }
  Strides st = strides.empty() ? contiguous_strides(shape, dtype_size(dtype)) : strides;
  // The buffer spans the lowest to the highest byte the view touches.
  std::int64_t lo = 0, hi = static_cast<std::int64_t>(dtype_size(dtype));
  if (shape_size(shape) == 0) hi = 0;
  for (std::size_t i = 0; i < shape.size() && shape_size(shape) > 0; ++i) {
    const std::int64_t extent = (shape[i] - 1) * st[i];
    if (extent < 0) lo += extent; else hi += extent;
  }
  auto buffer = Buffer::borrow(data + lo, static_cast<std::size_t>(hi - lo));
  Array a = blank();
  a.buffer_ = std::move(buffer);
  a.offset_ = -lo;
  a.dtype_ = dtype;
  a.shape_ = shape;
  a.strides_ = std::move(st);
  return a;
}

Array Array::view_of(std::shared_ptr<Buffer> buffer, DType dtype, Shape shape, Strides strides,
                     std::int64_t offset_bytes) {
  if (strides.size() != shape.size()) throw InternalError("view_of: strides and shape differ in rank");
  if (shape_size(shape) > 0) {
    std::int64_t lo = offset_bytes, hi = offset_bytes + static_cast<std::int64_t>(dtype_size(dtype));
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const std::int64_t extent = (shape[i] - 1) * strides[i];
      if (extent < 0) lo += extent; else hi += extent;
    }
    if (lo < 0 || hi > static_cast<std::int64_t>(buffer->nbytes())) {
      throw InternalError("view_of: view of shape " + shape_str(shape) + " leaves its buffer");
    }
  }
  Array a = blank();
  a.buffer_ = std::move(buffer);
  a.offset_ = offset_bytes;
  a.dtype_ = dtype;
  a.shape_ = std::move(shape);
  a.strides_ = std::move(strides);
  return a;
}

std::int64_t Array::shape(int axis) const {
  const int nd = ndim();
  const int a = axis < 0 ? axis + nd : axis;
  if (a < 0 || a >= nd) {
    throw IndexError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                     std::to_string(nd));
  }
  return shape_[static_cast<std::size_t>(a)];
}

bool Array::is_contiguous() const {
  if (size() <= 1) return true;
  std::int64_t step = static_cast<std::int64_t>(itemsize());
  for (std::size_t i = shape_.size(); i-- > 0;) {
    if (shape_[i] != 1 && strides_[i] != step) return false;
    step *= shape_[i];
  }
  return true;
}

std::int64_t Array::byte_offset(std::initializer_list<std::int64_t> index) const {
  if (static_cast<int>(index.size()) != ndim()) {
    throw IndexError("an index of " + std::to_string(index.size()) + " entries for an array of dimension " +
                     std::to_string(ndim()));
  }
  std::int64_t off = 0;
  std::size_t axis = 0;
  for (std::int64_t i : index) {
    const std::int64_t n = shape_[axis];
    const std::int64_t j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) {
      throw IndexError("index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(axis) +
                       " with size " + std::to_string(n));
    }
    off += j * strides_[axis];
    ++axis;
  }
  return off;
}

Array Array::element_as(std::int64_t byte_offset, DType dtype) const {
  Array out = empty(dtype, {});
  visit_dtype(dtype_, [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    visit_dtype(dtype, [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      *reinterpret_cast<To*>(out.data()) = detail::convert<To>(*reinterpret_cast<const From*>(data() + byte_offset));
    });
  });
  return out;
}

void Array::check_dtype(DType requested) const {
  if (requested != dtype_) {
    throw TypeError("data_as<" + std::string(dtype_name(requested)) + ">() on an array of dtype " +
                    std::string(dtype_name(dtype_)));
  }
}

void Array::check_count(const Shape& shape, std::size_t count) {
  check_shape_valid(shape);
  if (static_cast<std::size_t>(shape_size(shape)) != count) {
    throw ShapeError(std::to_string(count) + " values given for shape " + shape_str(shape) + ", which holds " +
                     std::to_string(shape_size(shape)));
  }
}

void Array::check_ragged(bool first, std::int64_t& expected, std::int64_t got) {
  if (first) {
    expected = got;
  } else if (got != expected) {
    throw ShapeError("ragged nested list: a row of " + std::to_string(got) + " elements after rows of " +
                     std::to_string(expected));
  }
}

Array Array::copy() const {
  Array out = empty(dtype_, shape_);
  detail::copy_elements(*this, out);
  return out;
}

Array Array::contiguous() const { return is_contiguous() ? *this : copy(); }

Array Array::astype(DType dtype) const {
  if (dtype == dtype_ && is_contiguous()) return *this;
  Array out = empty(dtype, shape_);
  detail::copy_elements(*this, out);
  return out;
}

Array Array::transpose(const std::vector<int>& axes) const {
  const int nd = ndim();
  if (static_cast<int>(axes.size()) != nd) {
    throw ValueError("transpose: axes don't match array (" + std::to_string(axes.size()) + " axes for " +
                     std::to_string(nd) + " dimensions)");
  }
  std::vector<bool> seen(static_cast<std::size_t>(nd), false);
  Array v = *this;
  for (int i = 0; i < nd; ++i) {
    const int a = axes[static_cast<std::size_t>(i)] < 0 ? axes[static_cast<std::size_t>(i)] + nd
                                                         : axes[static_cast<std::size_t>(i)];
    if (a < 0 || a >= nd || seen[static_cast<std::size_t>(a)]) {
      throw ValueError("transpose: axes are not a permutation of 0.." + std::to_string(nd - 1));
    }
    seen[static_cast<std::size_t>(a)] = true;
    v.shape_[static_cast<std::size_t>(i)] = shape_[static_cast<std::size_t>(a)];
    v.strides_[static_cast<std::size_t>(i)] = strides_[static_cast<std::size_t>(a)];
  }
  return v;
}

Array Array::transpose() const {
  std::vector<int> axes(static_cast<std::size_t>(ndim()));
  std::iota(axes.rbegin(), axes.rend(), 0);
  return transpose(axes);
}

Array Array::reshape(const Shape& shape) const {
  Shape target = shape;
  int unknown = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (unknown >= 0) throw ValueError("reshape: can only specify one unknown dimension");
      unknown = static_cast<int>(i);
    } else if (target[i] < 0) {
      throw ValueError("reshape: negative dimension " + std::to_string(target[i]));
    } else if (__builtin_mul_overflow(known, target[i], &known)) {
      throw ShapeError("cannot reshape array of size " + std::to_string(size()) + " into shape " + shape_str(shape));
    }
  }
  if (unknown >= 0) {
    if (known == 0 || size() % known != 0) {
      throw ShapeError("cannot reshape array of size " + std::to_string(size()) + " into shape " +
                       shape_str(shape));
    }
    target[static_cast<std::size_t>(unknown)] = size() / known;
  }
  if (shape_size(target) != size()) {
    throw ShapeError("cannot reshape array of size " + std::to_string(size()) + " into shape " +
                     shape_str(shape));
  }
  Array src = contiguous();
  Array v = src;
  v.shape_ = target;
  v.strides_ = contiguous_strides(target, itemsize());
  return v;
}

Array Array::broadcast_to(const Shape& shape) const {
  check_shape_valid(shape);
  const int nd = static_cast<int>(shape.size());
  if (nd < ndim()) {
    throw ShapeError("cannot broadcast an array of shape " + shape_str(shape_) + " to shape " + shape_str(shape));
  }
  Array v = *this;
  v.shape_ = shape;
  v.strides_.assign(static_cast<std::size_t>(nd), 0);
  for (int i = 0; i < ndim(); ++i) {
    const auto src = static_cast<std::size_t>(ndim() - 1 - i);
    const auto dst = static_cast<std::size_t>(nd - 1 - i);
    if (shape_[src] == shape[dst]) {
      v.strides_[dst] = strides_[src];
    } else if (shape_[src] != 1) {
      throw ShapeError("cannot broadcast an array of shape " + shape_str(shape_) + " to shape " +
                       shape_str(shape));
    }
  }
  return v;
}

Array Array::slice(int axis, std::int64_t start, std::int64_t stop, std::int64_t step) const {
  const int nd = ndim();
  const int a = axis < 0 ? axis + nd : axis;
  if (a < 0 || a >= nd) {
    throw IndexError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                     std::to_string(nd));
  }
  if (step == 0) throw ValueError("slice step cannot be zero");
  const std::int64_t n = shape_[static_cast<std::size_t>(a)];
  // Python's slice.indices(): clamp to [0, n] going up, to [-1, n - 1] going down.
  auto clamp = [&](std::int64_t i) {
    if (i < 0) i += n;
    return step > 0 ? std::clamp<std::int64_t>(i, 0, n) : std::clamp<std::int64_t>(i, -1, n - 1);
  };
  const std::int64_t b = clamp(start), e = clamp(stop);
  // len(range(b, e, step)), in unsigned arithmetic so that |step| up to 2^63 is fine.
  const std::uint64_t magnitude = step > 0 ? static_cast<std::uint64_t>(step) : 0 - static_cast<std::uint64_t>(step);
  const std::int64_t gap = step > 0 ? e - b : b - e;
  const std::int64_t count = gap > 0 ? static_cast<std::int64_t>(static_cast<std::uint64_t>(gap - 1) / magnitude) + 1 : 0;
  Array v = *this;
  const auto au = static_cast<std::size_t>(a);
  if (count > 0) v.offset_ += b * strides_[au];
  v.shape_[au] = count;
  // With fewer than two elements the stride is never used; keeping the old one avoids
  // overflowing strides * step for huge steps.
  v.strides_[au] = count > 1 ? strides_[au] * step : strides_[au];
  return v;
}

std::ostream& operator<<(std::ostream& os, DType t) { return os << dtype_name(t); }

}  // namespace hypatia
