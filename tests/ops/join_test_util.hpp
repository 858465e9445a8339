// Helpers for the join and rearrange tests: test arrays and C-order index arithmetic
// for the references the tests write themselves.
#pragma once

#include <cstdint>
#include <vector>

#include "hypatia/hypatia.hpp"

namespace hypatia::testing {

inline const DType kDTypes[] = {DType::bool_, DType::int8,   DType::uint16,  DType::int32,
                                DType::int64, DType::uint64, DType::float32, DType::float64};

// A C-contiguous array of `dtype` holding start + i at flat index i (bools: its parity).
inline Array iota(DType dtype, const Shape& shape, std::int64_t start = 0) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < shape_size(shape); ++i) {
    const std::int64_t k = start + i;
    v.push_back(static_cast<double>(dtype == DType::bool_ ? k % 2 : k));
  }
  return (shape.empty() ? Array::scalar(v.at(0)) : Array::from_vector(v, shape)).astype(dtype);
}

// The multi-index of flat C-order index e in `shape`, and back.
inline std::vector<std::int64_t> unravel(std::int64_t e, const Shape& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    idx[d] = e % shape[d];
    e /= shape[d];
  }
  return idx;
}

inline std::int64_t ravel(const std::vector<std::int64_t>& idx, const Shape& shape) {
  std::int64_t e = 0;
  for (std::size_t d = 0; d < shape.size(); ++d) e = e * shape[d] + idx[d];
  return e;
}

}  // namespace hypatia::testing
