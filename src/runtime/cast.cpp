#include "runtime/cast.hpp"

#include <cstring>

#include "ops/kernel_util.hpp"

namespace hypatia::detail {

void copy_elements(const Array& src, Array& dst) {
  if (src.shape() != dst.shape()) {
    throw InternalError("copy_elements: shapes " + shape_str(src.shape()) + " and " + shape_str(dst.shape()));
  }
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    if (src.nbytes() != 0) std::memmove(dst.data(), src.data(), src.nbytes());
    return;
  }
  visit_dtype(src.dtype(), [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    visit_dtype(dst.dtype(), [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      if (dst.is_contiguous()) {
        To* out = reinterpret_cast<To*>(dst.data());
        for_each_element(src, [&](const std::byte* p) { *out++ = convert<To>(*reinterpret_cast<const From*>(p)); });
      } else {
        Array tmp = Array::empty(dst.dtype(), dst.shape());
        To* out = reinterpret_cast<To*>(tmp.data());
        for_each_element(src, [&](const std::byte* p) { *out++ = convert<To>(*reinterpret_cast<const From*>(p)); });
        const To* in = reinterpret_cast<const To*>(tmp.data());
        for_each_element(dst, [&](const std::byte* p) {
          *reinterpret_cast<To*>(const_cast<std::byte*>(p)) = *in++;
        });
      }
    });
  });
}

}  // namespace hypatia::detail
