// Library calls of the CPU backend: matrix products through a BLAS (gemm from the
// library blas_select.hpp chose at run time, gemv, dot and ger from OpenBLAS's CBLAS).
//
// Every product here is C (M x N, row stride ldc) = alpha * A (M x K) @ B (K x N) +
// beta * C, for matrices given as a pointer and two byte strides. BLAS reads a matrix
// in place when one stride is the element size and the other a valid leading dimension:
// a transposed view is a column-major matrix and passes as one, with no copy. Anything
// else (negative or zero strides, steps along both axes) is packed into a contiguous
// buffer first. A product with M == 1 or N == 1 is a gemv, with both a dot; those read
// vectors with any non-zero increment, negative ones included.
//
// float32 and float64 products go to BLAS; integer products (dot, matmul, outer) run a
// blocked loop here, wrapping as NumPy's do. Bool products, sizes past BLAS's int, and
// the cases whose NaN semantics BLAS does not keep (gemm with alpha or beta zero skips
// reading an operand) run the op's reference kernel instead.
#include "backend/cpu/library.hpp"

#include "backend/cpu/blas_select.hpp"

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <string>
#include <type_traits>

#include "graph/op.hpp"

namespace hypatia::cpu {
namespace {

// ---- CBLAS by element type (row-major throughout)

template <class T>
struct Blas;

template <>
struct Blas<float> {
  static float dot(int n, const float* x, int incx, const float* y, int incy) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    return cblas_sdot(n, x, incx, y, incy);
  }
  static void gemv(CBLAS_TRANSPOSE t, int m, int n, float alpha, const float* a, int lda, const float* x, int incx,
                   float beta, float* y, int incy) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    cblas_sgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
  }
  static void ger(int m, int n, float alpha, const float* x, int incx, const float* y, int incy, float* a, int lda) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    cblas_sger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
  }
};

template <>
struct Blas<double> {
  static double dot(int n, const double* x, int incx, const double* y, int incy) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    return cblas_ddot(n, x, incx, y, incy);
  }
  static void gemv(CBLAS_TRANSPOSE t, int m, int n, double alpha, const double* a, int lda, const double* x, int incx,
                   double beta, double* y, int incy) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    cblas_dgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
  }
  static void ger(int m, int n, double alpha, const double* x, int incx, const double* y, int incy, double* a,
                  int lda) {
    const blas::OpenBlasCountTurn turn;  // blas_select.hpp
    cblas_dger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
  }
};

int as_int(std::int64_t v) { return static_cast<int>(v); }
bool fits_int(std::int64_t v) { return v >= INT_MIN && v <= INT_MAX; }

// ---- operands as BLAS sees them

// A matrix: element (r, c) at p + r * rs + c * cs (byte strides).
struct Mat {
  const std::byte* p;
  std::int64_t rows, cols, rs, cs;
  Mat t() const { return {p, cols, rows, cs, rs}; }
};

// How BLAS reads a matrix in place: the stored row-major matrix (transposed when the
// operand is column-major) and its leading dimension in elements.
struct Layout {
  CBLAS_TRANSPOSE trans;
  std::int64_t ld;
};

// The in-place layout of `m`, or nothing when it needs packing. A size-1 axis's
// stride is never read, so it does not matter.
std::optional<Layout> blas_layout(const Mat& m, std::int64_t e) {
  auto leading = [&](std::int64_t s, std::int64_t n_outer, std::int64_t n_inner) -> std::optional<std::int64_t> {
    const std::int64_t min_ld = std::max<std::int64_t>(n_inner, 1);
    if (n_outer <= 1) return min_ld;
    if (s <= 0 || s % e != 0 || s / e < min_ld || !fits_int(s / e)) return std::nullopt;
    return s / e;
  };
  if (m.cols <= 1 || m.cs == e) {
    if (auto ld = leading(m.rs, m.rows, m.cols)) return Layout{CblasNoTrans, *ld};
  }
  if (m.rows <= 1 || m.rs == e) {
    if (auto ld = leading(m.cs, m.cols, m.rows)) return Layout{CblasTrans, *ld};
  }
  return std::nullopt;
}

// A matrix BLAS can read: `m` itself, or a packed copy kept alive in `store`.
template <class T>
struct BlasMat {
  const T* p;
  Layout layout;
};

template <class T>
BlasMat<T> blas_mat(const Mat& m, std::vector<T>& store) {
  constexpr auto e = static_cast<std::int64_t>(sizeof(T));
  if (auto l = blas_layout(m, e)) return {reinterpret_cast<const T*>(m.p), *l};
  store.resize(static_cast<std::size_t>(m.rows * m.cols));
  T* out = store.data();
  for (std::int64_t r = 0; r < m.rows; ++r) {
    for (std::int64_t c = 0; c < m.cols; ++c) *out++ = *reinterpret_cast<const T*>(m.p + r * m.rs + c * m.cs);
  }
  return {store.data(), {CblasNoTrans, std::max<std::int64_t>(m.cols, 1)}};
}

// A vector BLAS can read: n elements from p, `s` bytes apart. BLAS starts a vector
// with a negative increment at its lowest address; a zero or ragged stride is packed.
template <class T>
struct BlasVec {
  const T* p;
  int inc;
};

template <class T>
BlasVec<T> blas_vec(const std::byte* p, std::int64_t n, std::int64_t s, std::vector<T>& store) {
  constexpr auto e = static_cast<std::int64_t>(sizeof(T));
  if (n <= 1) return {reinterpret_cast<const T*>(p), 1};
  if (s != 0 && s % e == 0 && fits_int(s / e)) {
    return {reinterpret_cast<const T*>(s < 0 ? p + (n - 1) * s : p), as_int(s / e)};
  }
  store.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) store[static_cast<std::size_t>(i)] = *reinterpret_cast<const T*>(p + i * s);
  return {store.data(), 1};
}

CBLAS_TRANSPOSE flip(CBLAS_TRANSPOSE t) { return t == CblasNoTrans ? CblasTrans : CblasNoTrans; }

// C = alpha * A @ B + beta * C, C row-major with row stride ldc (elements). Sizes fit
// int (checked by the callers); beta == 0 writes C without reading it.
template <class T>
void product(const Mat& a, const Mat& b, T* c, std::int64_t ldc, T alpha, T beta) {
  const std::int64_t m = a.rows, k = a.cols, n = b.cols;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        T& v = c[i * ldc + j];
        v = beta == T(0) ? T(0) : beta * v;
      }
    }
    return;
  }
  std::vector<T> sa, sb;
  if (m == 1 && n == 1) {
    const BlasVec<T> x = blas_vec<T>(a.p, k, a.cs, sa);
    const BlasVec<T> y = blas_vec<T>(b.p, k, b.rs, sb);
    const T d = alpha * Blas<T>::dot(as_int(k), x.p, x.inc, y.p, y.inc);
    c[0] = beta == T(0) ? d : d + beta * c[0];
  } else if (n == 1) {
    // A column of C: y = A x, x a column of B. With beta == 0, y is zeroed here rather
    // than trusting BLAS's scal by 0 not to keep the NaNs of uninitialised memory.
    if (beta == T(0)) {
      for (std::int64_t i = 0; i < m; ++i) c[i * ldc] = T(0);
    }
    const BlasMat<T> am = blas_mat<T>(a, sa);
    const BlasVec<T> x = blas_vec<T>(b.p, k, b.rs, sb);
    const bool no = am.layout.trans == CblasNoTrans;
    blas::gemv(am.layout.trans == CblasTrans, as_int(no ? m : k), as_int(no ? k : m), alpha, am.p,
               as_int(am.layout.ld), x.p, x.inc, beta, c, as_int(ldc));
  } else if (m == 1) {
    // A row of C: y = B^T x, x a row of A.
    if (beta == T(0)) std::fill(c, c + n, T(0));
    const BlasMat<T> bm = blas_mat<T>(b, sb);
    const BlasVec<T> x = blas_vec<T>(a.p, k, a.cs, sa);
    const bool no = bm.layout.trans == CblasNoTrans;
    blas::gemv(flip(bm.layout.trans) == CblasTrans, as_int(no ? k : n), as_int(no ? n : k), alpha, bm.p,
               as_int(bm.layout.ld), x.p, x.inc, beta, c, 1);
  } else {
    const BlasMat<T> am = blas_mat<T>(a, sa);
    const BlasMat<T> bm = blas_mat<T>(b, sb);
    blas::gemm(am.layout.trans == CblasTrans, bm.layout.trans == CblasTrans, as_int(m), as_int(n), as_int(k), alpha,
               am.p, as_int(am.layout.ld), bm.p, as_int(bm.layout.ld), beta, c, as_int(ldc));
  }
}

// C = A @ B for integers, wrapping (in the unsigned type, as NumPy's products wrap).
// B is read a row at a time (packed first unless its rows are contiguous) and C's
// row is updated a block of columns at a time, so the inner loop is a vectorizable
// axpy over contiguous memory; blocks of K keep B's panel in cache.
template <class T>
void int_product(const Mat& a, const Mat& b, T* c, std::int64_t ldc) {
  using U = std::make_unsigned_t<T>;
  // Narrow types promote to int in `*`: multiply in unsigned int instead.
  using W = std::conditional_t<(sizeof(U) < sizeof(unsigned)), unsigned, U>;
  constexpr auto e = static_cast<std::int64_t>(sizeof(T));
  const std::int64_t m = a.rows, k = a.cols, n = b.cols;
  if (m == 0 || n == 0) return;
  std::vector<U> packed;
  const U* bp = reinterpret_cast<const U*>(b.p);
  std::int64_t ldb = b.rs / e;
  if (!(n == 1 || b.cs == e) || !(k <= 1 || (b.rs % e == 0 && b.rs > 0))) {
    packed.resize(static_cast<std::size_t>(k * n));
    for (std::int64_t p = 0; p < k; ++p) {
      for (std::int64_t j = 0; j < n; ++j) {
        packed[static_cast<std::size_t>(p * n + j)] = *reinterpret_cast<const U*>(b.p + p * b.rs + j * b.cs);
      }
    }
    bp = packed.data();
    ldb = n;
  }
  constexpr std::int64_t kBlockN = 1024, kBlockK = 128;
  for (std::int64_t i = 0; i < m; ++i) {
    U* ci = reinterpret_cast<U*>(c + i * ldc);
    std::fill(ci, ci + n, U(0));
  }
  for (std::int64_t j0 = 0; j0 < n; j0 += kBlockN) {
    const std::int64_t nj = std::min(kBlockN, n - j0);
    for (std::int64_t p0 = 0; p0 < k; p0 += kBlockK) {
      const std::int64_t np = std::min(kBlockK, k - p0);
      for (std::int64_t i = 0; i < m; ++i) {
        U* ci = reinterpret_cast<U*>(c + i * ldc) + j0;
        for (std::int64_t p = p0; p < p0 + np; ++p) {
          const W aip = *reinterpret_cast<const U*>(a.p + i * a.rs + p * a.cs);
          const U* bj = bp + p * ldb + j0;
          for (std::int64_t j = 0; j < nj; ++j) ci[j] = static_cast<U>(ci[j] + static_cast<U>(aip * W(bj[j])));
        }
      }
    }
  }
}

// C = A @ B (beta 0) for any dtype with a call.
template <class T>
void plain_product(const Mat& a, const Mat& b, T* c, std::int64_t ldc) {
  if constexpr (std::is_floating_point_v<T>) {
    product<T>(a, b, c, ldc, T(1), T(0));
  } else {
    int_product<T>(a, b, c, ldc);
  }
}

// ---- helpers for the calls

std::vector<Array> reference(const Node& node, std::span<const Array> inputs) {
  return node.op().reference(KernelArgs{inputs, node});
}

Array as_dtype(const Array& x, DType t) { return x.dtype() == t ? x : x.astype(t); }

bool all_fit_int(std::initializer_list<std::int64_t> sizes) {
  return std::all_of(sizes.begin(), sizes.end(), [](std::int64_t v) { return v <= INT_MAX; });
}

std::int64_t stride(const Array& x, int axis) { return x.strides()[static_cast<std::size_t>(axis)]; }

// The byte offsets, in C order, of every index of `shape` under `strides`.
std::vector<std::int64_t> offsets(const Shape& shape, const Strides& strides) {
  std::vector<std::int64_t> out{0};
  for (std::size_t d = 0; d < shape.size(); ++d) {
    std::vector<std::int64_t> next;
    next.reserve(out.size() * static_cast<std::size_t>(std::max<std::int64_t>(shape[d], 0)));
    for (std::int64_t base : out) {
      for (std::int64_t i = 0; i < shape[d]; ++i) next.push_back(base + i * strides[d]);
    }
    out = std::move(next);
  }
  return out;
}

// An operand of rank >= 1 as an (M, K) matrix: a vector is one row, higher ranks fold
// their leading axes (a copy unless they fold in place).
Mat as_rows(Array& x) {
  const int n = x.ndim();
  if (n == 1) return {x.data(), 1, x.shape(0), 0, stride(x, 0)};
  if (n > 2) x = x.reshape({shape_size(Shape(x.shape().begin(), x.shape().end() - 1)), x.shape(-1)});
  return {x.data(), x.shape(0), x.shape(1), stride(x, 0), stride(x, 1)};
}

// ---- dot: gemm, gemv or dot by rank; N-d operands as a gemm per batch of b

template <class T>
std::vector<Array> dot_call(const Node& node, std::span<const Array> inputs) {
  const DType t = dtype_of_v<T>;
  Array a = as_dtype(inputs[0], t), b = as_dtype(inputs[1], t);
  const int nb = b.ndim();
  const std::int64_t k = a.shape(-1);
  const int ib = nb == 1 ? 0 : nb - 2;
  if (b.shape(ib) != k) return reference(node, inputs);  // raises numpy.dot's error
  Shape out_shape(a.shape().begin(), a.shape().end() - 1);
  for (int i = 0; i < nb; ++i) {
    if (i != ib) out_shape.push_back(b.shape(i));
  }
  Array out = Array::empty(t, out_shape);
  if (out.size() == 0) return {out};
  const std::int64_t m = shape_size(Shape(a.shape().begin(), a.shape().end() - 1));
  const std::int64_t n = nb == 1 ? 1 : b.shape(-1);
  if (!all_fit_int({m, n, k})) return reference(node, inputs);
  const Mat am = as_rows(a);
  T* c = out.data_as<T>();
  if (nb == 1) {
    plain_product<T>(am, Mat{b.data(), k, 1, stride(b, 0), 0}, c, 1);
    return {out};
  }
  // out is (M, J, N) for b's J batch elements: each batch's product is an (M, N)
  // block of it with row stride J * N.
  const Shape batch(b.shape().begin(), b.shape().end() - 2);
  const Strides batch_strides(b.strides().begin(), b.strides().end() - 2);
  const std::vector<std::int64_t> offs = offsets(batch, batch_strides);
  const auto j_count = static_cast<std::int64_t>(offs.size());
  if (!fits_int(j_count * n)) return reference(node, inputs);
  for (std::int64_t j = 0; j < j_count; ++j) {
    const Mat bm{b.data() + offs[static_cast<std::size_t>(j)], k, n, stride(b, nb - 2), stride(b, nb - 1)};
    plain_product<T>(am, bm, c + j * n, j_count * n);
  }
  return {out};
}

// ---- matmul: a gemm per element of the broadcast batch

template <class T>
std::vector<Array> matmul_call(const Node& node, std::span<const Array> inputs) {
  const DType t = dtype_of_v<T>;
  const Array a = as_dtype(inputs[0], t), b = as_dtype(inputs[1], t);
  const int na = a.ndim(), nb = b.ndim();
  const std::int64_t k = a.shape(-1);
  if (b.shape(nb == 1 ? 0 : nb - 2) != k) return reference(node, inputs);
  const int ka = std::min(na, 2), kb = std::min(nb, 2);
  const int nbatch = std::max(na - ka, nb - kb);
  Shape batch(static_cast<std::size_t>(nbatch), 1);
  Strides sa(batch.size(), 0), sb(batch.size(), 0);
  auto merge = [&](const Array& x, int core, Strides& s) {
    const int nx = x.ndim() - core;
    for (int i = 0; i < nx; ++i) {
      const auto d = static_cast<std::size_t>(nbatch - nx + i);
      const std::int64_t size = x.shape(i);
      if (size == 1) continue;
      if (batch[d] != 1 && batch[d] != size) return false;
      batch[d] = size;
      s[d] = stride(x, i);
    }
    return true;
  };
  if (!merge(a, ka, sa) || !merge(b, kb, sb)) return reference(node, inputs);  // raises the batch error
  const std::int64_t m = na >= 2 ? a.shape(-2) : 1, n = nb >= 2 ? b.shape(-1) : 1;
  Shape out_shape = batch;
  if (na >= 2) out_shape.push_back(m);
  if (nb >= 2) out_shape.push_back(n);
  Array out = Array::empty(t, out_shape);
  if (out.size() == 0) return {out};
  if (!all_fit_int({m, n, k})) return reference(node, inputs);
  const std::vector<std::int64_t> oa = offsets(batch, sa), ob = offsets(batch, sb);
  const std::int64_t a_rs = na >= 2 ? stride(a, -2 + na) : 0, a_cs = stride(a, na - 1);
  const std::int64_t b_rs = stride(b, nb >= 2 ? nb - 2 : 0), b_cs = nb >= 2 ? stride(b, nb - 1) : 0;
  T* c = out.data_as<T>();
  // b shared by the whole batch and a's matrices stacked at one row stride: the batch
  // is one (batch * M, K) @ (K, N) product.
  const auto count = static_cast<std::int64_t>(oa.size());
  if (count > 1 && std::all_of(ob.begin(), ob.end(), [](std::int64_t o) { return o == 0; })) {
    const std::int64_t rs = m > 1 ? a_rs : oa[1];
    bool stacked = fits_int(count * m);
    for (std::int64_t i = 0; stacked && i < count; ++i) stacked = oa[static_cast<std::size_t>(i)] == i * m * rs;
    if (stacked) {
      plain_product<T>(Mat{a.data(), count * m, k, rs, a_cs}, Mat{b.data(), k, n, b_rs, b_cs}, c, n);
      return {out};
    }
  }
  for (std::size_t i = 0; i < oa.size(); ++i) {
    const Mat am{a.data() + oa[i], m, k, a_rs, a_cs};
    const Mat bm{b.data() + ob[i], k, n, b_rs, b_cs};
    plain_product<T>(am, bm, c + static_cast<std::int64_t>(i) * m * n, n);
  }
  return {out};
}

// ---- tensordot: a product of a's free axes by b's, over the paired axes

// Axes `axes` of x, in that order, as one axis of `size` elements `step` bytes apart;
// false when they do not fold (size-1 axes are skipped; no axes at all are one of size 1).
bool fold_axes(const Array& x, const std::vector<int>& axes, std::int64_t& size, std::int64_t& step) {
  size = 1;
  step = static_cast<std::int64_t>(dtype_size(x.dtype()));
  bool any = false;
  for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
    const std::int64_t n = x.shape(*it), s = stride(x, *it);
    if (n == 1) continue;
    if (!any) {
      step = s;
      size = n;
      any = true;
    } else if (s == step * size) {
      size *= n;
    } else {
      return false;
    }
  }
  return true;
}

// x as a (rows, cols) matrix over those axes: in place when both groups fold, else a
// copy with the axes in that order.
Mat fold_matrix(Array& x, const std::vector<int>& rows, const std::vector<int>& cols) {
  Mat m{};
  if (fold_axes(x, rows, m.rows, m.rs) && fold_axes(x, cols, m.cols, m.cs)) {
    m.p = x.data();
    return m;
  }
  std::vector<int> order(rows);
  order.insert(order.end(), cols.begin(), cols.end());
  x = x.transpose(order).copy();
  std::vector<int> rr, cc;
  for (std::size_t i = 0; i < rows.size(); ++i) rr.push_back(static_cast<int>(i));
  for (std::size_t i = 0; i < cols.size(); ++i) cc.push_back(static_cast<int>(rows.size() + i));
  fold_axes(x, rr, m.rows, m.rs);
  fold_axes(x, cc, m.cols, m.cs);
  m.p = x.data();
  return m;
}

template <class T>
std::vector<Array> tensordot_call(const Node& node, std::span<const Array> inputs) {
  const DType t = dtype_of_v<T>;
  Array a = as_dtype(inputs[0], t), b = as_dtype(inputs[1], t);
  const int na = a.ndim(), nb = b.ndim();
  const std::vector<std::int64_t>& a_axes = node.attrs().get_ints("a_axes");
  const std::vector<std::int64_t>& b_axes = node.attrs().get_ints("b_axes");
  if (a_axes.size() != b_axes.size()) return reference(node, inputs);
  std::vector<int> sa, sb, fa, fb;
  for (std::size_t i = 0; i < a_axes.size(); ++i) {
    const std::int64_t x = a_axes[i] < 0 ? a_axes[i] + na : a_axes[i];
    const std::int64_t y = b_axes[i] < 0 ? b_axes[i] + nb : b_axes[i];
    // Out of range, repeated or unpaired sizes: the reference raises the op's error.
    if (x < 0 || x >= na || y < 0 || y >= nb || a.shape(static_cast<int>(x)) != b.shape(static_cast<int>(y)) ||
        std::find(sa.begin(), sa.end(), x) != sa.end() || std::find(sb.begin(), sb.end(), y) != sb.end()) {
      return reference(node, inputs);
    }
    sa.push_back(static_cast<int>(x));
    sb.push_back(static_cast<int>(y));
  }
  Shape out_shape;
  for (int i = 0; i < na; ++i) {
    if (std::find(sa.begin(), sa.end(), i) == sa.end()) {
      fa.push_back(i);
      out_shape.push_back(a.shape(i));
    }
  }
  for (int i = 0; i < nb; ++i) {
    if (std::find(sb.begin(), sb.end(), i) == sb.end()) {
      fb.push_back(i);
      out_shape.push_back(b.shape(i));
    }
  }
  Array out = Array::empty(t, out_shape);
  if (out.size() == 0) return {out};
  const Mat am = fold_matrix(a, fa, sa);
  const Mat bm = fold_matrix(b, sb, fb);
  if (!all_fit_int({am.rows, am.cols, bm.cols})) return reference(node, inputs);
  plain_product<T>(am, bm, out.data_as<T>(), bm.cols);
  return {out};
}

// ---- outer: ger into zeros over the flattened operands

template <class T>
std::vector<Array> outer_call(const Node& node, std::span<const Array> inputs) {
  const DType t = dtype_of_v<T>;
  auto flat = [&](const Array& x) {
    const Array y = as_dtype(x, t);
    return y.ndim() == 1 ? y : y.reshape({y.size()});
  };
  const Array a = flat(inputs[0]), b = flat(inputs[1]);
  const std::int64_t m = a.size(), n = b.size();
  if constexpr (!std::is_floating_point_v<T>) {
    Array out = Array::empty(t, {m, n});
    int_product<T>(Mat{a.data(), m, 1, stride(a, 0), 0}, Mat{b.data(), 1, n, 0, stride(b, 0)}, out.data_as<T>(), n);
    return {out};
  } else {
    Array out = Array::zeros(t, {m, n});
    if (out.size() == 0) return {out};
    if (!all_fit_int({m, n})) return reference(node, inputs);
    std::vector<T> sx, sy;
    const BlasVec<T> x = blas_vec<T>(a.data(), m, stride(a, 0), sx);
    const BlasVec<T> y = blas_vec<T>(b.data(), n, stride(b, 0), sy);
    Blas<T>::ger(as_int(m), as_int(n), T(1), x.p, x.inc, y.p, y.inc, out.data_as<T>(), as_int(n));
    return {out};
  }
}

// ---- gemm(z, alpha, x, y, beta) = alpha * op(x) @ op(y) + beta * z

template <class T>
std::vector<Array> gemm_call(const Node& node, std::span<const Array> inputs) {
  const Array& z = inputs[0];
  const Array& x = inputs[2];
  const Array& y = inputs[3];
  const T alpha = inputs[1].item<T>(), beta = inputs[4].item<T>();
  Mat xm{x.data(), x.shape(0), x.shape(1), stride(x, 0), stride(x, 1)};
  Mat ym{y.data(), y.shape(0), y.shape(1), stride(y, 0), stride(y, 1)};
  if (node.attrs().get_bool("trans_x")) xm = xm.t();
  if (node.attrs().get_bool("trans_y")) ym = ym.t();
  // alpha == 0 or beta == 0 would let BLAS skip an operand and drop its NaNs. With
  // broadcast_z, a z that broadcasts to the product's shape is copied out broadcast;
  // a product that would broadcast runs the reference.
  const bool bz = node.attrs().has("broadcast_z") && node.attrs().get_bool("broadcast_z");
  const bool z_fits = z.shape(0) == xm.rows && z.shape(1) == ym.cols;
  const bool z_broadcasts = bz && (z.shape(0) == xm.rows || z.shape(0) == 1) && (z.shape(1) == ym.cols || z.shape(1) == 1);
  if (alpha == T(0) || beta == T(0) || xm.cols != ym.rows || !(z_fits || z_broadcasts) ||
      !all_fit_int({xm.rows, xm.cols, ym.cols})) {
    return reference(node, inputs);
  }
  Array out = z_fits ? z.copy() : z.broadcast_to({xm.rows, ym.cols}).copy();
  if (out.size() == 0) return {out};
  product<T>(xm, ym, out.data_as<T>(), ym.cols, alpha, beta);
  return {out};
}

// ---- the table

template <template <class> class Call>
const LibraryCall* by_dtype(DType t) {
  static const LibraryCall f32 = Call<float>{};
  static const LibraryCall f64 = Call<double>{};
  if (t == DType::float32) return &f32;
  if (t == DType::float64) return &f64;
  return nullptr;
}

// Float dtypes, and the integer ones for products (not bool: its product is an or of ands).
template <template <class> class Call>
const LibraryCall* by_dtype_or_int(DType t) {
  static const LibraryCall i8 = Call<std::int8_t>{}, i16 = Call<std::int16_t>{}, i32 = Call<std::int32_t>{},
                           i64 = Call<std::int64_t>{}, u8 = Call<std::uint8_t>{}, u16 = Call<std::uint16_t>{},
                           u32 = Call<std::uint32_t>{}, u64 = Call<std::uint64_t>{};
  switch (t) {
    case DType::int8: return &i8;
    case DType::int16: return &i16;
    case DType::int32: return &i32;
    case DType::int64: return &i64;
    case DType::uint8: return &u8;
    case DType::uint16: return &u16;
    case DType::uint32: return &u32;
    case DType::uint64: return &u64;
    default: return by_dtype<Call>(t);
  }
}

template <class T>
struct DotCall {
  std::vector<Array> operator()(const Node& n, std::span<const Array> in) const { return dot_call<T>(n, in); }
};
template <class T>
struct MatmulCall {
  std::vector<Array> operator()(const Node& n, std::span<const Array> in) const { return matmul_call<T>(n, in); }
};
template <class T>
struct TensordotCall {
  std::vector<Array> operator()(const Node& n, std::span<const Array> in) const { return tensordot_call<T>(n, in); }
};
template <class T>
struct OuterCall {
  std::vector<Array> operator()(const Node& n, std::span<const Array> in) const { return outer_call<T>(n, in); }
};
template <class T>
struct GemmCall {
  std::vector<Array> operator()(const Node& n, std::span<const Array> in) const { return gemm_call<T>(n, in); }
};

}  // namespace

const LibraryCall* find_library_call(const Node& node) {
  if (node.num_outputs() != 1) return nullptr;
  const std::string& op = node.op().name;
  const DType t = node.output_types()[0].dtype;
  const auto& in = node.inputs();
  if (op == "dot") {
    // A 0-d operand is a scaling, not a product: the reference kernel does it.
    if (in.size() != 2 || in[0].ndim() == 0 || in[1].ndim() == 0) return nullptr;
    return by_dtype_or_int<DotCall>(t);
  }
  if (op == "matmul") return in.size() == 2 ? by_dtype_or_int<MatmulCall>(t) : nullptr;
  if (op == "outer") return in.size() == 2 ? by_dtype_or_int<OuterCall>(t) : nullptr;
  if (op == "tensordot") return in.size() == 2 ? by_dtype_or_int<TensordotCall>(t) : nullptr;
  if (op == "gemm") {
    if (in.size() != 5) return nullptr;
    for (const Variable& v : in) {
      if (v.dtype() != t) return nullptr;
    }
    return by_dtype<GemmCall>(t);
  }
  return nullptr;
}

}  // namespace hypatia::cpu
