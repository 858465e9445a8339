// Reductions over leading axes that keep the last one on the cpu backend (render.cpp's
// <name>_cols, hp::run_cols in the prelude): several rows added into the output row
// at once, vectorized along it. Every output element must take its terms in
// increasing order of the reduced index, as the row-by-row loop did, so results are
// compared bit for bit: with a sequential reference written here for float sums (the
// interpreter sums pairwise), with the interpreter for everything exact (integer
// sums, max, min, prod, logic, float sums of fewer than 8 terms, where pairwise is
// sequential). Layouts: contiguous, transposed, reversed, strided along the row,
// broadcast; shapes with empty and size-1 axes; team or not.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/compiler.hpp"
#include "backend_test_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::edge_values;
using testing::expect_identical;
using testing::FlagsScope;

bool skip() { return !cpu::compiler_available(); }

// Values whose sums depend on the order of the terms: magnitudes from 1e-3 to 1e12.
std::vector<double> ragged(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = u(rng) * std::pow(10.0, static_cast<double>(i % 16) - 3.0);
  return v;
}

// The same logical array in several layouts (any rank >= 1).
struct Layout {
  std::string name;
  Array value;
};
std::vector<Layout> layouts(const Array& a) {
  const Array c = a.copy();
  const Shape& shape = a.shape();
  const std::int64_t r = shape[0], n = shape.back(), es = static_cast<std::int64_t>(dtype_size(a.dtype()));
  const std::int64_t size = shape_size(shape), row = r > 0 ? size / r : 0;
  std::vector<Layout> out = {{"contiguous", c}, {"transposed", a.transpose().copy().transpose()}};
  // Rows stored last to first, read through a negative stride along axis 0.
  Array rev = Array::zeros(a.dtype(), shape);
  for (std::int64_t i = 0; i < r; ++i) std::memcpy(rev.data() + (r - 1 - i) * row * es, c.data() + i * row * es, static_cast<std::size_t>(row * es));
  out.push_back({"reversed rows", r > 0 ? rev.slice(0, r - 1, -r - 1, -1) : c});
  // Every other element of a wider array: stride 2 along the last axis.
  Shape wide_shape = shape;
  wide_shape.back() = 2 * n;
  Array wide = Array::zeros(a.dtype(), wide_shape);
  for (std::int64_t e = 0; e < size; ++e) std::memcpy(wide.data() + 2 * e * es, c.data() + e * es, static_cast<std::size_t>(es));
  out.push_back({"strided row", wide.slice(static_cast<int>(shape.size()) - 1, 0, 2 * n, 2)});
  return out;
}

// f(term) summed over rows, row 0 first, in double; per column.
std::vector<double> column_sums(const Array& a, const std::function<double(double)>& f) {
  const std::int64_t r = a.shape()[0], c = a.shape()[1];
  const std::vector<double> v = a.copy().astype(DType::float64).to_vector<double>();
  std::vector<double> s(static_cast<std::size_t>(c), 0.0);
  for (std::int64_t i = 0; i < r; ++i) {
    for (std::int64_t j = 0; j < c; ++j) {
      s[static_cast<std::size_t>(j)] = s[static_cast<std::size_t>(j)] + f(v[static_cast<std::size_t>(i * c + j)]);
    }
  }
  return s;
}

void expect_bits(const Array& got, const std::vector<double>& want, const std::string& what) {
  ASSERT_EQ(got.dtype(), DType::float64) << what;
  const std::vector<double> g = got.copy().to_vector<double>();
  ASSERT_EQ(g.size(), want.size()) << what;
  for (std::size_t i = 0; i < g.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(g[i]), std::bit_cast<std::uint64_t>(want[i]))
        << what << " element " << i << ": got " << g[i] << ", expected " << want[i];
  }
}

// float64 sums over axis 0, with producers fused in (the bias gradient of W4: a
// float32 matrix cast to float64 and summed), against the row-by-row sum.
TEST(CpuColsum, FloatSumsAddRowsInOrder) {
  if (skip()) GTEST_SKIP() << "no C++ compiler";
  // (exp of its own input: a value used twice would be an elementwise kernel's output,
  // whose unit-stride loop takes SLEEF's exp, and the reduction would load it.)
  const Variable x = matrix("x", DType::float64), xf = matrix("xf", DType::float32), xe = matrix("xe", DType::float32);
  const std::vector<Variable> outs = {sum(x, Axes{0}), sum(cast(xf, DType::float64), Axes{0}),
                                      sum(abs(-x), Axes{0}), sum(exp(cast(xe, DType::float64)), Axes{0}),
                                      sum(x, Axes{0}, true)};
  const Function f = compile_on("cpu", {x, xf, xe}, outs);
  // The path under test is there: a _cols function that hp::run is given.
  EXPECT_NE(f.source().find("_cols(hp::i64 n, hp::i64 m"), std::string::npos) << f.source();
  EXPECT_NE(f.source().find("_cols);\n"), std::string::npos) << f.source();
  for (const Shape& s : {Shape{13, 37}, Shape{128, 512}, Shape{9, 3}, Shape{4, 8}, Shape{1, 9}, Shape{9, 1},
                         Shape{0, 5}, Shape{5, 0}}) {
    const std::size_t n = static_cast<std::size_t>(shape_size(s));
    const Array a = Array::from_vector(ragged(n, 1), s);
    std::vector<double> fv = ragged(n, 2);
    for (double& v : fv) v = std::fmod(v, 40.0);  // exp stays finite
    const Array af = Array::from_vector(fv, s).astype(DType::float32);
    const std::vector<double> want[] = {
        column_sums(a, [](double v) { return v; }), column_sums(af, [](double v) { return v; }),
        column_sums(a, [](double v) { return std::abs(v); }), column_sums(af, [](double v) { return std::exp(v); })};
    if (s[0] >= 8 && s[1] >= 8) {
      // The data tells orders apart: rows added last to first give other bits.
      std::vector<double> backwards(static_cast<std::size_t>(s[1]), 0.0);
      const std::vector<double> v = a.to_vector<double>();
      for (std::int64_t i = s[0] - 1; i >= 0; --i) {
        for (std::int64_t j = 0; j < s[1]; ++j) backwards[static_cast<std::size_t>(j)] += v[static_cast<std::size_t>(i * s[1] + j)];
      }
      EXPECT_NE(backwards, want[0]) << shape_str(s);
    }
    for (const Layout& la : layouts(a)) {
      for (const Layout& lf : layouts(af)) {
        if (lf.name != la.name) continue;
        const std::string what = shape_str(s) + " " + la.name;
        const std::vector<Array> got = f({la.value, lf.value, lf.value});
        expect_bits(got[0], want[0], "sum " + what);
        expect_bits(got[1], want[1], "sum(cast) " + what);
        expect_bits(got[2], want[2], "sum(abs(-x)) " + what);
        expect_bits(got[3], want[3], "sum(exp(cast)) " + what);
        ASSERT_EQ(got[4].shape(), (Shape{1, s[1]})) << what;
        expect_bits(got[4].reshape({s[1]}), want[0], "sum keepdims " + what);
      }
    }
  }
}

// Only reductions that keep their last axis (and reduce one before it) get a _cols
// function: the others would never call it, and it costs compile time.
TEST(CpuColsum, ColsOnlyWhereTheLastAxisIsKept) {
  if (skip()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = matrix("x", DType::float64), y = tensor3("y", DType::float64);
  const Variable c = tensor("c", DType::float64, {kUnknownDim, 1});
  const Function f = compile_on("cpu", {x, y, c},
                                {sum(x, Axes{1}), sum(x), max(y, Axes{0, 2}), sum(c, Axes{0}), min(y, Axes{1})});
  std::size_t count = 0;
  for (std::size_t at = f.source().find("_cols(hp::i64 n"); at != std::string::npos;
       at = f.source().find("_cols(hp::i64 n", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1U) << f.source();  // min over axis 1 of y only
}

// A broadcast input along the reduced axis (a row added to every row) or along the
// kept one (a column: size 1 along the row, statically or by a zero stride).
TEST(CpuColsum, BroadcastInputs) {
  if (skip()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = matrix("x", DType::float64), b = vector("b", DType::float64);
  const Variable c = tensor("c", DType::float64, {kUnknownDim, 1});
  const Function f = compile_on("cpu", {x, b, c}, {sum(x + b, Axes{0}), max(x - c, Axes{0}), sum(abs(x) - c, Axes{0})});
  const std::int64_t r = 21, n = 19;
  const Array a = Array::from_vector(ragged(static_cast<std::size_t>(r * n), 3), {r, n});
  const Array bv = Array::from_vector(ragged(static_cast<std::size_t>(n), 4), {n});
  const Array cv = Array::from_vector(ragged(static_cast<std::size_t>(r), 5), {r, 1});
  const std::vector<double> av = a.to_vector<double>(), bb = bv.to_vector<double>(), cc = cv.to_vector<double>();
  std::vector<double> want0(static_cast<std::size_t>(n), 0.0), want1(static_cast<std::size_t>(n), -std::numeric_limits<double>::infinity()),
      want2(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t i = 0; i < r; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const auto J = static_cast<std::size_t>(j);
      const double v = av[static_cast<std::size_t>(i * n + j)];
      want0[J] = want0[J] + (v + bb[J]);
      want1[J] = std::max(want1[J], v - cc[static_cast<std::size_t>(i)]);
      want2[J] = want2[J] + (std::abs(v) - cc[static_cast<std::size_t>(i)]);
    }
  }
  // b as a function argument of zero stride too: the same values.
  for (const Array& bx : {bv, Array::from_vector(std::vector<double>{bb[0]}, {1}).broadcast_to({n})}) {
    std::vector<double> w0 = want0;
    if (bx.strides()[0] == 0) {
      std::fill(w0.begin(), w0.end(), 0.0);
      for (std::int64_t i = 0; i < r; ++i) {
        for (std::int64_t j = 0; j < n; ++j) w0[static_cast<std::size_t>(j)] += av[static_cast<std::size_t>(i * n + j)] + bb[0];
      }
    }
    const std::vector<Array> got = f({a, bx, cv});
    expect_bits(got[0], w0, "sum(x + b)");
    expect_bits(got[1], want1, "max(x - c)");
    expect_bits(got[2], want2, "sum(abs(x) - c)");
  }
  // x itself broadcast along the rows (every row the same) and along the columns.
  const Array row = Array::from_vector(ragged(static_cast<std::size_t>(n), 6), {1, n}).broadcast_to({r, n});
  const Array col = Array::from_vector(ragged(static_cast<std::size_t>(r), 7), {r, 1}).broadcast_to({r, n});
  for (const Array& xb : {row, col}) {
    const std::vector<double> xd = xb.to_vector<double>();
    std::vector<double> w(static_cast<std::size_t>(n), 0.0);
    for (std::int64_t i = 0; i < r; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        w[static_cast<std::size_t>(j)] += xd[static_cast<std::size_t>(i * n + j)] + bb[static_cast<std::size_t>(j)];
      }
    }
    expect_bits(f({xb, bv, cv})[0], w, "sum(x + b), x broadcast");
  }
}

// Exact reductions (every order gives the same bits) against the interpreter, bit for
// bit: matrices over axis 0, tensor3 over (0, 1), over 0 keeping (1, 2), over 1
// keeping (0, 2); edge values (NaN first among equals, +-inf, integer wrap-around).
TEST(CpuColsum, ExactReductionsMatchTheInterpreter) {
  if (skip()) GTEST_SKIP() << "no C++ compiler";
  for (DType t : {DType::float64, DType::float32, DType::int32, DType::int64, DType::uint8, DType::bool_}) {
    const Variable x = matrix("x", t), y = tensor3("y", t);
    std::vector<Variable> outs;
    std::vector<std::string> names;
    const auto add = [&](const Variable& v, const std::string& name) {
      outs.push_back(v);
      names.push_back(name);
    };
    const bool is_bool = t == DType::bool_;
    for (bool keep : {false, true}) {
      const std::string k = keep ? " keepdims" : "";
      add(max(x, Axes{0}, keep), "max x 0" + k);
      add(min(y, Axes{0, 1}, keep), "min y (0,1)" + k);
      add(prod(y, Axes{0}, keep), "prod y 0" + k);
      add(all(x, Axes{0}, keep), "all x 0" + k);
      add(any(y, Axes{1}, keep), "any y 1" + k);
      if (!is_float(t)) add(sum(x, Axes{0}, keep), "sum x 0" + k);
      // 6 terms: pairwise is sequential. (Not float32: the decompose phase sums it in
      // float64, the interpreter in float32.)
      if (t != DType::float32) add(sum(y, Axes{0, 1}, keep), "sum y (0,1)" + k);
    }
    if (!is_bool) {
      add(max(abs(x), Axes{0}), "max |x| 0");
      add(min(y * y, Axes{0}), "min y*y 0");
    }
    const Function cpu = compile_on("cpu", {x, y}, outs), ref = compile_on("interp", {x, y}, outs);
    for (const Shape& sx : {Shape{40, 21}, Shape{7, 64}, Shape{2, 5}, Shape{1, 6}, Shape{6, 1}, Shape{3, 0}}) {
      const Array a = edge_values(t, sx, 1);
      const Shape sy = {2, 3, sx[1]};
      const Array b = edge_values(t, sy, 2);
      const std::vector<Layout> las = layouts(a), lbs = layouts(b);
      for (std::size_t l = 0; l < las.size(); ++l) {
        const Layout& la = las[l];
        const Array& bt = lbs[l].value;
        const std::vector<Array> got = cpu({la.value, bt}), want = ref({la.value, bt});
        for (std::size_t i = 0; i < outs.size(); ++i) {
          expect_identical(got[i], want[i], names[i] + " " + std::string(dtype_name(t)) + " " + shape_str(sx) + " " + la.name);
        }
      }
    }
  }
}

// The kept axis split over a team (HP_PARALLEL_WORK=0 always starts one, and
// HP_COLS_THREAD_BYTES=0 lets it split rows of any width) gives the bits of one thread
// and of the row-by-row sum; the last piece takes the odd tail (rows of 67 and 19
// float64: 8 and 2 pieces of 64 bytes).
TEST(CpuColsum, TeamOrNotSameBits) {
  if (skip()) GTEST_SKIP() << "no C++ compiler";
  const Variable x = matrix("x", DType::float32), y = tensor3("y", DType::float64), z = matrix("z", DType::float64);
  const std::vector<Variable> outs = {sum(cast(x, DType::float64), Axes{0}), sum(y, Axes{1}), max(y, Axes{0, 1}),
                                      sum(z, Axes{0})};
  const std::int64_t r = 3003, n = 67;
  const std::vector<double> v = ragged(static_cast<std::size_t>(r * n), 8);
  const Array xv = Array::from_vector(v, {r, n}).astype(DType::float32);
  const Array yv = Array::from_vector(v, {r, n}).reshape({3, r / 3, n}).copy();
  const Array zv = Array::from_vector(ragged(static_cast<std::size_t>(r * 19), 9), {r, 19});
  std::vector<std::vector<Array>> results;
  for (const char* flags : {"-DHP_PARALLEL_WORK=0 -DHP_COLS_THREAD_BYTES=0", "-DHP_PARALLEL_WORK=1000000000000"}) {
    const FlagsScope scope(std::string("cxxflags=") + flags);
    const Function f = compile_on("cpu", {x, y, z}, outs);
    results.push_back(f({xv, yv, zv}));
  }
  for (std::size_t i = 0; i < outs.size(); ++i) expect_identical(results[0][i], results[1][i], "output " + std::to_string(i));
  expect_bits(results[0][0], column_sums(xv, [](double t) { return t; }), "sum over axis 0, on a team");
  // sum over axis 1 of y: per (a, j), rows of block a in order.
  const std::vector<double> yd = yv.to_vector<double>();
  std::vector<double> want(static_cast<std::size_t>(3 * n), 0.0);
  for (std::int64_t a = 0; a < 3; ++a) {
    for (std::int64_t i = 0; i < r / 3; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        double& w = want[static_cast<std::size_t>(a * n + j)];
        w = w + yd[static_cast<std::size_t>((a * (r / 3) + i) * n + j)];
      }
    }
  }
  expect_bits(results[0][1].reshape({3 * n}), want, "sum over axis 1, on a team");
  expect_bits(results[0][3], column_sums(zv, [](double t) { return t; }), "sum of 19 columns, on a team");
}

}  // namespace
}  // namespace hypatia
