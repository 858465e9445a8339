// gemm(z, alpha, x, y, beta) = alpha * op(x) @ op(y) + beta * z against plain loops
// written here: both float dtypes, every transpose flag, non-contiguous operands,
// size-1 and empty dimensions, NaN semantics, shape inference and its errors.
#include <cmath>
#include <limits>
#include <random>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval1;
using testing::expect_array;
using testing::expect_error;

Array random_matrix(const Shape& s, std::uint32_t seed, DType t = DType::float64) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
  for (double& x : v) x = u(rng);
  return Array::from_vector(v, s).astype(t);
}

// The expected result, from the operands read element by element as doubles.
std::vector<double> expected(const Array& z, double alpha, const Array& x, const Array& y, double beta, bool tx,
                             bool ty) {
  const std::int64_t m = z.shape(0), n = z.shape(1), k = tx ? x.shape(0) : x.shape(1);
  std::vector<double> out;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (std::int64_t l = 0; l < k; ++l) {
        acc += (tx ? x.at<double>({l, i}) : x.at<double>({i, l})) * (ty ? y.at<double>({j, l}) : y.at<double>({l, j}));
      }
      out.push_back(alpha * acc + beta * z.at<double>({i, j}));
    }
  }
  return out;
}

Shape stored(std::int64_t r, std::int64_t c, bool trans) { return trans ? Shape{c, r} : Shape{r, c}; }

TEST(Gemm, ValuesForEveryFlagAndDtype) {
  for (DType t : {DType::float32, DType::float64}) {
    for (bool tx : {false, true}) {
      for (bool ty : {false, true}) {
        SCOPED_TRACE(::testing::Message() << dtype_name(t) << " trans_x=" << tx << " trans_y=" << ty);
        const Variable z = matrix("z", t), x = matrix("x", t), y = matrix("y", t);
        const Variable a = scalar("a", t), b = scalar("b", t);
        const Variable out = gemm(z, a, x, y, b, tx, ty);
        const Array zv = random_matrix({3, 4}, 1, t), xv = random_matrix(stored(3, 5, tx), 2, t),
                    yv = random_matrix(stored(5, 4, ty), 3, t);
        const Array av = Array::full(t, {}, 1.5), bv = Array::full(t, {}, -0.5);
        const double tol = t == DType::float32 ? 1e-5 : 1e-12;
        expect_array(eval1({z, a, x, y, b}, out, {zv, av, xv, yv, bv}), t, {3, 4},
                     expected(zv, 1.5, xv, yv, -0.5, tx, ty), tol, tol);
      }
    }
  }
}

TEST(Gemm, KnownValuesAndLiteralScalars) {
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y");
  // 2 * [[1,2],[3,4]] @ [[5,6],[7,8]] + 3 * ones = 2 * [[19,22],[43,50]] + 3
  const Array ones = Array::full(DType::float64, {2, 2}, 1.0);
  const Array xv = Array::from<double>({{1, 2}, {3, 4}}), yv = Array::from<double>({{5, 6}, {7, 8}});
  expect_array(eval1({z, x, y}, gemm(z, 2.0, x, y, 3.0), {ones, xv, yv}), DType::float64, {2, 2}, {41, 47, 89, 103});
  // Literals and float64 scalars take a float32 gemm's dtype.
  const Variable z32 = matrix("z", DType::float32);
  const Variable out = gemm(z32, scalar("a", DType::float64), z32, z32, 1);
  EXPECT_EQ(out.dtype(), DType::float32);
  EXPECT_EQ(out.node().inputs()[1].dtype(), DType::float32);
}

TEST(Gemm, NonContiguousOperands) {
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y");
  const Variable out = gemm(z, 0.7, x, y, 1.3, true, false);
  const Array zv = random_matrix({3, 4}, 4).slice(0, 2, -4, -1);             // reversed rows
  const Array xv = random_matrix({3, 5}, 5).transpose();                      // (5, 3), fed as trans_x
  const Array yv = random_matrix({5, 8}, 6).slice(1, 1, 8, 2);                // a column step
  expect_array(eval1({z, x, y}, out, {zv, xv, yv}), DType::float64, {3, 4}, expected(zv, 0.7, xv, yv, 1.3, true, false),
               1e-12, 1e-12);
}

TEST(Gemm, SizeOneAndEmptyDimensions) {
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y");
  const Variable out = gemm(z, 2.0, x, y, 0.5);
  for (auto [m, k, n] : {std::array<std::int64_t, 3>{1, 3, 1}, {1, 1, 1}, {0, 3, 2}, {2, 3, 0}, {2, 0, 3}}) {
    SCOPED_TRACE(::testing::Message() << m << "x" << k << "x" << n);
    const Array zv = random_matrix({m, n}, 7), xv = random_matrix({m, k}, 8), yv = random_matrix({k, n}, 9);
    // With k == 0 the product is zeros and the result is 0.5 * z.
    expect_array(eval1({z, x, y}, out, {zv, xv, yv}), DType::float64, {m, n}, expected(zv, 2.0, xv, yv, 0.5, false, false),
                 1e-12, 1e-12);
  }
}

TEST(Gemm, NanSemanticsAreTheFormulas) {
  // beta == 0 still reads z (0 * NaN is NaN) and alpha == 0 still reads x and y.
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y");
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const Array zv = Array::from<double>({{nan, 1.0}}), xv = Array::from<double>({{1.0, 2.0}});
  const Array yv = Array::from<double>({{1.0, inf}, {1.0, 0.0}});
  expect_array(eval1({z, x, y}, gemm(z, 1.0, x, y, 0.0), {zv, xv, yv}), DType::float64, {1, 2}, {nan, inf});
  expect_array(eval1({z, x, y}, gemm(z, 0.0, x, y, 1.0), {zv, xv, yv}), DType::float64, {1, 2}, {nan, nan});
}

TEST(Gemm, ShapeInference) {
  const Variable z = tensor("z", DType::float64, {kUnknownDim, kUnknownDim});
  const Variable x = tensor("x", DType::float64, {kUnknownDim, kUnknownDim});
  const Variable y = tensor("y", DType::float64, {kUnknownDim, kUnknownDim});
  for (bool tx : {false, true}) {
    for (bool ty : {false, true}) {
      testing::expect_shape_inference({z, x, y}, gemm(z, 1.0, x, y, 1.0, tx, ty),
                                      {random_matrix({2, 4}, 1), random_matrix(stored(2, 3, tx), 2),
                                       random_matrix(stored(3, 4, ty), 3)});
    }
  }
  // Static sizes come from whichever operand knows them.
  const Variable zs = tensor("z", DType::float64, {kUnknownDim, 4});
  const Variable xs = tensor("x", DType::float64, {2, 3});
  EXPECT_EQ(gemm(zs, 1.0, xs, y, 1.0).type().shape, (Shape{2, 4}));
}

TEST(Gemm, ErrorNonFloat) {
  expect_error<TypeError>([] { gemm(matrix("z", DType::int32), 1, matrix("x", DType::int32), matrix("y", DType::int32), 1); },
                          {"gemm", "float32 or float64", "int32", "_test.cpp"});
}

TEST(Gemm, ErrorRank) {
  expect_error<TypeError>([] { gemm(matrix("z"), 1.0, vector("x"), matrix("y"), 1.0); },
                          {"gemm", "x must be a matrix (2-d), got ndim 1", "_test.cpp"});
  expect_error<TypeError>([] { gemm(matrix("z"), vector("a"), matrix("x"), matrix("y"), 1.0); },
                          {"gemm", "alpha must be a scalar (0-d), got ndim 1"});
}

TEST(Gemm, ErrorMixedDtypes) {
  expect_error<TypeError>([] { gemm(matrix("z"), 1.0, matrix("x", DType::float32), matrix("y"), 1.0); },
                          {"gemm", "x has dtype float32 but z has float64", "_test.cpp"});
}

TEST(Gemm, ErrorNotAligned) {
  expect_error<ShapeError>(
      [] { gemm(matrix("z"), 1.0, tensor("x", DType::float64, {2, 3}), tensor("y", DType::float64, {4, 5}), 1.0, false, true); },
      {"gemm", "shapes (2,3) of x and (4,5) of y.T not aligned: 3 != 5", "_test.cpp"});
}

TEST(Gemm, ErrorZDoesNotBroadcast) {
  expect_error<ShapeError>(
      [] {
        gemm(tensor("z", DType::float64, {1, 5}), 1.0, tensor("x", DType::float64, {2, 3}),
             tensor("y", DType::float64, {3, 5}), 1.0);
      },
      {"gemm", "z has shape (1,5) but x @ y has shape (2,5); gemm does not broadcast z", "_test.cpp"});
  // The same check at run time, when the sizes were unknown.
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y");
  const Variable out = gemm(z, 1.0, x, y, 1.0);
  expect_error<ShapeError>(
      [&] { eval1({z, x, y}, out, {random_matrix({1, 5}, 1), random_matrix({2, 3}, 2), random_matrix({3, 5}, 3)}); },
      {"gemm", "z has shape (1,5)", "_test.cpp"});
}

}  // namespace
}  // namespace hypatia
