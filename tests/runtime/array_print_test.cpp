// Array::str() against NumPy's str() with default print options. Every expected
// string below was printed by NumPy 1.24 (Debian's python3-numpy), e.g.
//   /usr/bin/python3 -c "import numpy as np; print(repr(str(np.array([1e-5, 1e10]))))"
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "hypatia/array.hpp"

namespace hypatia {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// np.arange(n) as float64, times `scale`.
Array arange(std::int64_t n, Shape shape = {}, double scale = 1) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(static_cast<double>(i) * scale);
  return Array::from_vector(v, shape);
}

TEST(ArrayPrint, FloatsPadFractionsOnTheRight) {
  // np.array([[5.93656366, 15.0281122], [40.67107385, 109.44630007]])
  EXPECT_EQ(Array::from({{5.93656366, 15.0281122}, {40.67107385, 109.44630007}}).str(),
            "[[  5.93656366  15.0281122 ]\n [ 40.67107385 109.44630007]]");
  EXPECT_EQ(Array::from({-1.5, 2.0}).str(), "[-1.5  2. ]");
  EXPECT_EQ(Array::from({0.0001, 0.1}).str(), "[0.0001 0.1   ]");
  EXPECT_EQ(Array::from({1.0, 1000.0}).str(), "[   1. 1000.]");
}

TEST(ArrayPrint, IntegralAndShortFloats) {
  EXPECT_EQ(Array::from({1.0, 2.0}).str(), "[1. 2.]");
  EXPECT_EQ(Array::from({0.1, 0.5}).str(), "[0.1 0.5]");
  EXPECT_EQ(Array::from({0.0, 0.0}).str(), "[0. 0.]");
  EXPECT_EQ(Array::from({-0.0, 1.0}).str(), "[-0.  1.]");
}

TEST(ArrayPrint, PrecisionEightRoundsTheExactValue) {
  EXPECT_EQ(Array::from({std::ldexp(1.0, -9)}).str(), "[0.00195312]");  // 0.001953125: ties to even
  EXPECT_EQ(Array::from({0.1000000004}).str(), "[0.1]");
  EXPECT_EQ(Array::from({1.0 / 3.0}).str(), "[0.33333333]");
}

TEST(ArrayPrint, Scientific) {
  EXPECT_EQ(Array::from({1e-5, 1e10}).str(), "[1.e-05 1.e+10]");
  EXPECT_EQ(Array::from({1e-5, 1e100}).str(), "[1.e-005 1.e+100]");
  EXPECT_EQ(Array::from({1.5e-5, 2.25, 1e3}).str(), "[1.50e-05 2.25e+00 1.00e+03]");
  EXPECT_EQ(Array::from({123456789.0}).str(), "[1.23456789e+08]");
  EXPECT_EQ(Array::from({1e8, 1.0}).str(), "[1.e+08 1.e+00]");
  EXPECT_EQ(Array::from({0.00009999, 0.1}).str(), "[9.999e-05 1.000e-01]");
  EXPECT_EQ(Array::from({1.0, 1000.5}).str(), "[1.0000e+00 1.0005e+03]");
}

TEST(ArrayPrint, NanAndInf) {
  EXPECT_EQ(Array::from({kNaN, 1.0, -kInf}).str(), "[ nan   1. -inf]");
  EXPECT_EQ(Array::from({kNaN, -kInf}).str(), "[ nan -inf]");
  EXPECT_EQ(Array::from({kNaN}).str(), "[nan]");
  EXPECT_EQ(Array::from({kInf, kNaN}).str(), "[inf nan]");
  EXPECT_EQ(Array::from({1e-5, kNaN, -kInf}).str(), "[1.e-05    nan   -inf]");
}

TEST(ArrayPrint, Float32PrintsItsOwnShortestDigits) {
  EXPECT_EQ(Array::from_vector<float>({0.1f, 1.0f / 3.0f}).str(), "[0.1        0.33333334]");
  EXPECT_EQ(Array::from_vector<float>({1e-10f, 1.0f}).str(), "[1.e-10 1.e+00]");
  EXPECT_EQ(Array::from_vector<float>({16777217.0f, 0.1f}).str(), "[1.6777216e+07 1.0000000e-01]");
}

TEST(ArrayPrint, Integers) {
  EXPECT_EQ(Array::from({1, -20, 300}).str(), "[  1 -20 300]");
  EXPECT_EQ(Array::from_vector<std::int8_t>({-128, 127}).str(), "[-128  127]");
  EXPECT_EQ(Array::from_vector<std::uint64_t>({std::numeric_limits<std::uint64_t>::max(), 0}).str(),
            "[18446744073709551615                    0]");
  EXPECT_EQ(Array::from_vector<std::int64_t>({std::numeric_limits<std::int64_t>::min(), 5}).str(),
            "[-9223372036854775808                    5]");
}

TEST(ArrayPrint, Bools) {
  EXPECT_EQ(Array::from({true, false}).str(), "[ True False]");
  EXPECT_EQ(Array::from({true}).str(), "[ True]");
  EXPECT_EQ(Array::from({{true}}).str(), "[[ True]]");
}

TEST(ArrayPrint, ZeroDimensionalPrintsLikeANumpyScalar) {
  EXPECT_EQ(Array::scalar(1.5).str(), "1.5");
  EXPECT_EQ(Array::scalar(1e-5).str(), "1e-05");
  EXPECT_EQ(Array::scalar(9.999e-5).str(), "9.999e-05");
  EXPECT_EQ(Array::scalar(1e20).str(), "1e+20");
  EXPECT_EQ(Array::scalar(1e100).str(), "1e+100");
  EXPECT_EQ(Array::scalar(1e16).str(), "1e+16");
  EXPECT_EQ(Array::scalar(1.5e16).str(), "1.5e+16");
  EXPECT_EQ(Array::scalar(123456789.123).str(), "123456789.123");
  EXPECT_EQ(Array::scalar(1.0).str(), "1.0");
  EXPECT_EQ(Array::scalar(-0.0).str(), "-0.0");
  EXPECT_EQ(Array::scalar(kNaN).str(), "nan");
  EXPECT_EQ(Array::scalar(-kInf).str(), "-inf");
  EXPECT_EQ(Array::scalar(0.1f).str(), "0.1");
  EXPECT_EQ(Array::scalar(1e-4f).str(), "1e-04");  // float32's 1e-4 is just below 1e-4
  EXPECT_EQ(Array::scalar(true).str(), "True");
  EXPECT_EQ(Array::scalar(5).str(), "5");
  EXPECT_EQ(Array().str(), "0.0");
}

TEST(ArrayPrint, Empty) {
  EXPECT_EQ(Array::zeros(float64, {0}).str(), "[]");
  EXPECT_EQ(Array::zeros(int32, {0, 3}).str(), "[]");
}

TEST(ArrayPrint, HigherRanksSeparateBlocksWithBlankLines) {
  EXPECT_EQ(arange(24, {2, 3, 4}).str(),
            "[[[ 0.  1.  2.  3.]\n  [ 4.  5.  6.  7.]\n  [ 8.  9. 10. 11.]]\n\n"
            " [[12. 13. 14. 15.]\n  [16. 17. 18. 19.]\n  [20. 21. 22. 23.]]]");
  EXPECT_EQ(arange(8, {2, 2, 1, 2}).astype(int32).str(),
            "[[[[0 1]]\n\n  [[2 3]]]\n\n\n [[[4 5]]\n\n  [[6 7]]]]");
}

TEST(ArrayPrint, LongRowsWrapAtSeventyFiveColumns) {
  EXPECT_EQ(arange(20).str(),
            "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19.]");
  EXPECT_EQ(arange(40).astype(uint8).str(),
            "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n"
            " 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39]");
  EXPECT_EQ(arange(40, {2, 20}).str(),
            "[[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n  18. 19.]\n"
            " [20. 21. 22. 23. 24. 25. 26. 27. 28. 29. 30. 31. 32. 33. 34. 35. 36. 37.\n  38. 39.]]");
  // (np.arange(13) - 6) / 6.0
  std::vector<double> sixths;
  for (int i = 0; i < 13; ++i) sixths.push_back((i - 6) / 6.0);
  EXPECT_EQ(Array::from_vector(sixths).str(),
            "[-1.         -0.83333333 -0.66666667 -0.5        -0.33333333 -0.16666667\n"
            "  0.          0.16666667  0.33333333  0.5         0.66666667  0.83333333\n"
            "  1.        ]");
}

TEST(ArrayPrint, NonContiguousViews) {
  EXPECT_EQ(arange(6, {2, 3}).astype(int16).transpose().str(), "[[0 3]\n [1 4]\n [2 5]]");
  EXPECT_EQ(arange(6).slice(0, -1, -7, -2).str(), "[5. 3. 1.]");
}

TEST(ArrayPrint, SummarisesMoreThanAThousandElements) {
  EXPECT_EQ(arange(2000).str(), "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]");
  EXPECT_EQ(arange(1000).str().find("..."), std::string::npos);  // 1000 is not more than 1000
  EXPECT_EQ(arange(1001).slice(0, 1000, -1002, -1).str(), "[1000.  999.  998. ...    2.    1.    0.]");
  EXPECT_EQ(arange(10000, {100, 100}).str(),
            "[[0.000e+00 1.000e+00 2.000e+00 ... 9.700e+01 9.800e+01 9.900e+01]\n"
            " [1.000e+02 1.010e+02 1.020e+02 ... 1.970e+02 1.980e+02 1.990e+02]\n"
            " [2.000e+02 2.010e+02 2.020e+02 ... 2.970e+02 2.980e+02 2.990e+02]\n"
            " ...\n"
            " [9.700e+03 9.701e+03 9.702e+03 ... 9.797e+03 9.798e+03 9.799e+03]\n"
            " [9.800e+03 9.801e+03 9.802e+03 ... 9.897e+03 9.898e+03 9.899e+03]\n"
            " [9.900e+03 9.901e+03 9.902e+03 ... 9.997e+03 9.998e+03 9.999e+03]]");
  EXPECT_EQ(arange(3000, {3, 1000}).astype(int64).str(),
            "[[   0    1    2 ...  997  998  999]\n [1000 1001 1002 ... 1997 1998 1999]\n"
            " [2000 2001 2002 ... 2997 2998 2999]]");
}

TEST(ArrayPrint, SummarisesEveryAxisOfA3dArray) {
  // np.arange(1200).reshape(10, 20, 6) * 0.5
  EXPECT_EQ(arange(1200, {10, 20, 6}, 0.5).str(),
      "[[[0.000e+00 5.000e-01 1.000e+00 1.500e+00 2.000e+00 2.500e+00]\n"
      "  [3.000e+00 3.500e+00 4.000e+00 4.500e+00 5.000e+00 5.500e+00]\n"
      "  [6.000e+00 6.500e+00 7.000e+00 7.500e+00 8.000e+00 8.500e+00]\n"
      "  ...\n"
      "  [5.100e+01 5.150e+01 5.200e+01 5.250e+01 5.300e+01 5.350e+01]\n"
      "  [5.400e+01 5.450e+01 5.500e+01 5.550e+01 5.600e+01 5.650e+01]\n"
      "  [5.700e+01 5.750e+01 5.800e+01 5.850e+01 5.900e+01 5.950e+01]]\n"
      "\n"
      " [[6.000e+01 6.050e+01 6.100e+01 6.150e+01 6.200e+01 6.250e+01]\n"
      "  [6.300e+01 6.350e+01 6.400e+01 6.450e+01 6.500e+01 6.550e+01]\n"
      "  [6.600e+01 6.650e+01 6.700e+01 6.750e+01 6.800e+01 6.850e+01]\n"
      "  ...\n"
      "  [1.110e+02 1.115e+02 1.120e+02 1.125e+02 1.130e+02 1.135e+02]\n"
      "  [1.140e+02 1.145e+02 1.150e+02 1.155e+02 1.160e+02 1.165e+02]\n"
      "  [1.170e+02 1.175e+02 1.180e+02 1.185e+02 1.190e+02 1.195e+02]]\n"
      "\n"
      " [[1.200e+02 1.205e+02 1.210e+02 1.215e+02 1.220e+02 1.225e+02]\n"
      "  [1.230e+02 1.235e+02 1.240e+02 1.245e+02 1.250e+02 1.255e+02]\n"
      "  [1.260e+02 1.265e+02 1.270e+02 1.275e+02 1.280e+02 1.285e+02]\n"
      "  ...\n"
      "  [1.710e+02 1.715e+02 1.720e+02 1.725e+02 1.730e+02 1.735e+02]\n"
      "  [1.740e+02 1.745e+02 1.750e+02 1.755e+02 1.760e+02 1.765e+02]\n"
      "  [1.770e+02 1.775e+02 1.780e+02 1.785e+02 1.790e+02 1.795e+02]]\n"
      "\n"
      " ...\n"
      "\n"
      " [[4.200e+02 4.205e+02 4.210e+02 4.215e+02 4.220e+02 4.225e+02]\n"
      "  [4.230e+02 4.235e+02 4.240e+02 4.245e+02 4.250e+02 4.255e+02]\n"
      "  [4.260e+02 4.265e+02 4.270e+02 4.275e+02 4.280e+02 4.285e+02]\n"
      "  ...\n"
      "  [4.710e+02 4.715e+02 4.720e+02 4.725e+02 4.730e+02 4.735e+02]\n"
      "  [4.740e+02 4.745e+02 4.750e+02 4.755e+02 4.760e+02 4.765e+02]\n"
      "  [4.770e+02 4.775e+02 4.780e+02 4.785e+02 4.790e+02 4.795e+02]]\n"
      "\n"
      " [[4.800e+02 4.805e+02 4.810e+02 4.815e+02 4.820e+02 4.825e+02]\n"
      "  [4.830e+02 4.835e+02 4.840e+02 4.845e+02 4.850e+02 4.855e+02]\n"
      "  [4.860e+02 4.865e+02 4.870e+02 4.875e+02 4.880e+02 4.885e+02]\n"
      "  ...\n"
      "  [5.310e+02 5.315e+02 5.320e+02 5.325e+02 5.330e+02 5.335e+02]\n"
      "  [5.340e+02 5.345e+02 5.350e+02 5.355e+02 5.360e+02 5.365e+02]\n"
      "  [5.370e+02 5.375e+02 5.380e+02 5.385e+02 5.390e+02 5.395e+02]]\n"
      "\n"
      " [[5.400e+02 5.405e+02 5.410e+02 5.415e+02 5.420e+02 5.425e+02]\n"
      "  [5.430e+02 5.435e+02 5.440e+02 5.445e+02 5.450e+02 5.455e+02]\n"
      "  [5.460e+02 5.465e+02 5.470e+02 5.475e+02 5.480e+02 5.485e+02]\n"
      "  ...\n"
      "  [5.910e+02 5.915e+02 5.920e+02 5.925e+02 5.930e+02 5.935e+02]\n"
      "  [5.940e+02 5.945e+02 5.950e+02 5.955e+02 5.960e+02 5.965e+02]\n"
      "  [5.970e+02 5.975e+02 5.980e+02 5.985e+02 5.990e+02 5.995e+02]]]");
}

TEST(ArrayPrint, StreamOperatorPrintsStr) {
  std::ostringstream os;
  os << Array::from({1.0, 2.5}) << " " << float32;
  EXPECT_EQ(os.str(), "[1.  2.5] float32");
}

}  // namespace
}  // namespace hypatia
