// Integer products on the CPU backend (dot, matmul, outer through the blocked loop in
// backend/cpu/library.cpp) against a reference loop written here: wrapping like
// NumPy's, every integer dtype, transposed, strided and reversed operands, size-1 and
// empty dimensions, batched and broadcast matmul.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/library.hpp"
#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

constexpr std::int64_t kFar = std::numeric_limits<std::int64_t>::min() / 2;

const DType kInts[] = {DType::int8,  DType::int16,  DType::int32,  DType::int64,
                       DType::uint8, DType::uint16, DType::uint32, DType::uint64};

int bits(DType t) { return static_cast<int>(dtype_size(t)) * 8; }

// v wrapped to t's width and read back as int64 (two's complement for signed types;
// uint64 values keep their low 64 bits).
std::int64_t wrap(std::uint64_t v, DType t) {
  const int b = bits(t);
  if (b == 64) return static_cast<std::int64_t>(v);
  v &= (std::uint64_t{1} << b) - 1;
  if (is_signed_integer(t) && (v >> (b - 1)) != 0) v |= ~((std::uint64_t{1} << b) - 1);
  return static_cast<std::int64_t>(v);
}

// Values big enough that every sum of products overflows 8- and 16-bit types.
Array random_ints(DType t, const Shape& shape, std::mt19937& rng) {
  std::uniform_int_distribution<std::int64_t> u(is_signed_integer(t) ? -120 : 0, 120);
  std::vector<std::int64_t> v(static_cast<std::size_t>(shape_size(shape)));
  for (auto& x : v) x = u(rng) * (bits(t) >= 32 ? 1000003 : 1);
  return Array::from_vector(v, shape).astype(t);
}

enum class Layout { contiguous, transposed, col_step, reversed };

Array make(DType t, const Shape& shape, Layout l, std::mt19937& rng) {
  const int n = static_cast<int>(shape.size());
  switch (l) {
    case Layout::contiguous: return random_ints(t, shape, rng);
    case Layout::transposed: {
      if (n < 2) return random_ints(t, shape, rng);
      Shape s = shape;
      std::swap(s[static_cast<std::size_t>(n - 1)], s[static_cast<std::size_t>(n - 2)]);
      std::vector<int> axes;
      for (int i = 0; i < n; ++i) axes.push_back(i);
      std::swap(axes[static_cast<std::size_t>(n - 1)], axes[static_cast<std::size_t>(n - 2)]);
      return random_ints(t, s, rng).transpose(axes);
    }
    case Layout::col_step: {
      Shape s = shape;
      s.back() *= 2;
      return random_ints(t, s, rng).slice(n - 1, 0, s.back(), 2);
    }
    case Layout::reversed: return random_ints(t, shape, rng).slice(0, shape[0] - 1, kFar, -1);
  }
  return {};
}

// The (M, K) @ (K, N) product of row-major int64 values, wrapped to t.
std::vector<std::int64_t> product(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b,
                                  std::int64_t m, std::int64_t k, std::int64_t n, DType t) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      std::uint64_t acc = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        acc += static_cast<std::uint64_t>(a[static_cast<std::size_t>(i * k + p)]) *
               static_cast<std::uint64_t>(b[static_cast<std::size_t>(p * n + j)]);
      }
      out.push_back(wrap(acc, t));
    }
  }
  return out;
}

std::vector<std::int64_t> values(const Array& x) { return x.astype(DType::int64).to_vector<std::int64_t>(); }

std::vector<Array> call(const Variable& out, const std::vector<Array>& args) {
  const cpu::LibraryCall* f = cpu::find_library_call(out.node());
  EXPECT_NE(f, nullptr) << out.node().op().name << " " << dtype_name(out.dtype());
  if (f == nullptr) return {};
  return (*f)(out.node(), args);
}

std::string what(DType t, Layout la, Layout lb, const Shape& sa, const Shape& sb) {
  return std::string(dtype_name(t)) + " " + shape_str(sa) + " layout " + std::to_string(static_cast<int>(la)) + " x " +
         shape_str(sb) + " layout " + std::to_string(static_cast<int>(lb));
}

TEST(BlasInt, MatrixProductsWrapLikeNumPy) {
  std::mt19937 rng(31);
  // (m, k, n), with size-1 and empty dimensions, and one past the loop's blocks.
  const std::array<std::int64_t, 3> sizes[] = {{3, 5, 4}, {1, 5, 4}, {3, 1, 4}, {3, 5, 1}, {0, 5, 4}, {3, 0, 4},
                                               {2, 300, 1100}};
  for (DType t : kInts) {
    const Variable a = matrix("a", t), b = matrix("b", t);
    for (const Variable& out : {dot(a, b), matmul(a, b)}) {
      for (const auto& [m, k, n] : sizes) {
        for (Layout la : {Layout::contiguous, Layout::transposed, Layout::col_step, Layout::reversed}) {
          for (Layout lb : {Layout::contiguous, Layout::transposed, Layout::col_step, Layout::reversed}) {
            if ((la == Layout::reversed && m == 0) || (lb == Layout::reversed && k == 0)) continue;
            if (m * k * n > 10000 && (la != Layout::contiguous || lb == Layout::transposed)) continue;
            const Array av = make(t, {m, k}, la, rng), bv = make(t, {k, n}, lb, rng);
            SCOPED_TRACE(out.node().op().name + " " + what(t, la, lb, {m, k}, {k, n}));
            const std::vector<Array> got = call(out, {av, bv});
            ASSERT_EQ(got.size(), 1u);
            EXPECT_EQ(got[0].dtype(), t);
            EXPECT_EQ(got[0].shape(), (Shape{m, n}));
            EXPECT_EQ(values(got[0]), product(values(av), values(bv), m, k, n, t));
          }
        }
      }
    }
  }
}

TEST(BlasInt, VectorsBatchesAndOuter) {
  std::mt19937 rng(37);
  for (DType t : {DType::int8, DType::int32, DType::uint16, DType::int64, DType::uint64}) {
    SCOPED_TRACE(dtype_name(t));
    const Array v5 = make(t, {5}, Layout::reversed, rng), w5 = make(t, {5}, Layout::col_step, rng);
    const Array m45 = make(t, {4, 5}, Layout::transposed, rng), m53 = make(t, {5, 3}, Layout::col_step, rng);
    // vector . vector, matrix . vector, vector . matrix
    EXPECT_EQ(values(call(dot(vector("a", t), vector("b", t)), {v5, w5})[0]), product(values(v5), values(w5), 1, 5, 1, t));
    EXPECT_EQ(values(call(dot(matrix("a", t), vector("b", t)), {m45, w5})[0]), product(values(m45), values(w5), 4, 5, 1, t));
    EXPECT_EQ(values(call(dot(vector("a", t), matrix("b", t)), {v5, m53})[0]), product(values(v5), values(m53), 1, 5, 3, t));
    // outer: a (m, 1) @ (1, n) product
    const Array v3 = make(t, {3}, Layout::contiguous, rng);
    EXPECT_EQ(values(call(outer(vector("a", t), vector("b", t)), {v5, v3})[0]), product(values(v5), values(v3), 5, 1, 3, t));
    // batched matmul, b broadcast over a's batch (folded into one product), then both batched
    const Array a345 = make(t, {3, 4, 5}, Layout::contiguous, rng);
    const Variable ta = tensor("a", t, {3, 4, 5});
    const std::vector<std::int64_t> got = values(call(matmul(ta, matrix("b", t)), {a345, m53})[0]);
    EXPECT_EQ(got, product(values(a345), values(m53), 12, 5, 3, t));
    const Array b352 = make(t, {3, 5, 2}, Layout::transposed, rng);
    const std::vector<std::int64_t> both = values(call(matmul(ta, tensor("b", t, {3, 5, 2})), {a345, b352})[0]);
    const std::vector<std::int64_t> av = values(a345), bv = values(b352);
    for (std::int64_t i = 0; i < 3; ++i) {
      const std::vector<std::int64_t> ai(av.begin() + i * 20, av.begin() + (i + 1) * 20);
      const std::vector<std::int64_t> bi(bv.begin() + i * 10, bv.begin() + (i + 1) * 10);
      const std::vector<std::int64_t> want = product(ai, bi, 4, 5, 2, t);
      EXPECT_EQ(std::vector<std::int64_t>(both.begin() + i * 8, both.begin() + (i + 1) * 8), want) << "batch " << i;
    }
  }
}

TEST(BlasInt, Tensordot) {
  std::mt19937 rng(41);
  for (DType t : {DType::int16, DType::int64, DType::uint32}) {
    SCOPED_TRACE(dtype_name(t));
    // out[j, m] = sum over i, k of a[i, j, k] * b[k, m, i]; a transposed in memory.
    const Array a = make(t, {3, 2, 4}, Layout::transposed, rng), b = make(t, {4, 5, 3}, Layout::contiguous, rng);
    const Variable out = tensordot(tensor("a", t, {3, 2, 4}), tensor("b", t, {4, 5, 3}), {0, 2}, {2, 0});
    const std::vector<std::int64_t> av = values(a), bv = values(b);
    std::vector<std::int64_t> want;
    for (std::int64_t j = 0; j < 2; ++j) {
      for (std::int64_t m = 0; m < 5; ++m) {
        std::uint64_t acc = 0;
        for (std::int64_t i = 0; i < 3; ++i) {
          for (std::int64_t k = 0; k < 4; ++k) {
            acc += static_cast<std::uint64_t>(av[static_cast<std::size_t>((i * 2 + j) * 4 + k)]) *
                   static_cast<std::uint64_t>(bv[static_cast<std::size_t>((k * 5 + m) * 3 + i)]);
          }
        }
        want.push_back(wrap(acc, t));
      }
    }
    const std::vector<Array> got = call(out, {a, b});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].shape(), (Shape{2, 5}));
    EXPECT_EQ(values(got[0]), want);
  }
}

TEST(BlasInt, BoolProductsStayOnTheReference) {
  EXPECT_EQ(cpu::find_library_call(dot(matrix("a", DType::bool_), matrix("b", DType::bool_)).node()), nullptr);
  EXPECT_EQ(cpu::find_library_call(outer(vector("a", DType::bool_), vector("b", DType::bool_)).node()), nullptr);
}

}  // namespace
}  // namespace hypatia
