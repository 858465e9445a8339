// specialize_blas.cpp: alpha * dot(X, Y) + beta * Z and its variants become one gemm,
// transposes become gemm's flags; each rule fires (trace counts) and keeps the values
// (random and edge inputs), and the forms that would change meaning are left alone.
#include "rewrite/rule_check.hpp"

namespace hypatia {
namespace {

using testing::array_of;
using testing::edge_then_random;
using testing::expect_rule_keeps_meaning;
using testing::times_fired;
using testing::traced_function;

const Shape kX{3, 4}, kY{4, 2}, kZ{3, 2};

Variable mat(const char* name, const Shape& s, DType t = DType::float64) { return tensor(name, t, s); }

// Random values, with edge values (0, -0, +-1, tiny, huge, +-inf, NaN) in z when asked.
Array values(const Shape& s, unsigned seed, bool edges = false, DType t = DType::float64) {
  std::vector<double> v = edge_then_random(static_cast<std::size_t>(shape_size(s)) + 10, seed);
  if (!edges) v.erase(v.begin(), v.begin() + 10);
  v.resize(static_cast<std::size_t>(shape_size(s)));
  return array_of(v, s).astype(t);
}

// The root of the compiled graph's only output.
const Node& compiled_root(const std::vector<Variable>& inputs, const Variable& out) {
  static std::vector<Function> keep;  // the node lives as long as its function
  keep.push_back(function(inputs, {out}));
  return keep.back().compiled_outputs()[0].node();
}

TEST(SpecializeBlas, DotPlusZ) {
  const Variable x = mat("x", kX), y = mat("y", kY), z = mat("z", kZ);
  const std::vector<Array> args = {values(kX, 1), values(kY, 2), values(kZ, 3, true)};
  expect_rule_keeps_meaning({x, y, z}, dot(x, y) + z, args, "gemm_from_dot_plus");
  expect_rule_keeps_meaning({x, y, z}, z + dot(x, y), args, "gemm_from_dot_plus");
  expect_rule_keeps_meaning({x, y, z}, 2.5 * dot(x, y) + z * -0.5, args, "gemm_from_dot_plus");
  expect_rule_keeps_meaning({x, y, z}, -dot(x, y) + 3 * z, args, "gemm_from_dot_plus");
  const Node& root = compiled_root({x, y, z}, 2.5 * dot(x, y) + z * -0.5);
  ASSERT_EQ(root.op().name, "gemm");
  EXPECT_EQ(root.inputs()[2], x);
  EXPECT_EQ(root.inputs()[0], z);
}

TEST(SpecializeBlas, ZeroDimensionalScalars) {
  const Variable x = mat("x", kX), y = mat("y", kY), z = mat("z", kZ);
  const Variable a = scalar("a", DType::float64), b = scalar("b", DType::float64);
  const std::vector<Array> args = {values(kX, 4), values(kY, 5), values(kZ, 6, true), Array::scalar(1.5),
                                   Array::scalar(-2.0)};
  expect_rule_keeps_meaning({x, y, z, a, b}, a * dot(x, y) + z * b, args, "gemm_from_dot_plus");
  expect_rule_keeps_meaning({x, y, z, a, b}, z * b - dot(x, y) * a, args, "gemm_from_minus_dot");
  // A float32 scale of a float64 product: cast, as the mul would.
  const Variable a32 = scalar("a32", DType::float32);
  expect_rule_keeps_meaning({x, y, z, a32}, a32 * dot(x, y) + z, {args[0], args[1], args[2], Array::scalar(0.25f)},
                            "gemm_from_dot_plus");
}

TEST(SpecializeBlas, Minus) {
  const Variable x = mat("x", kX), y = mat("y", kY), z = mat("z", kZ);
  const std::vector<Array> args = {values(kX, 7), values(kY, 8), values(kZ, 9, true)};
  expect_rule_keeps_meaning({x, y, z}, dot(x, y) - z, args, "gemm_from_dot_minus");
  expect_rule_keeps_meaning({x, y, z}, 2 * dot(x, y) - 3 * z, args, "gemm_from_dot_minus");
  expect_rule_keeps_meaning({x, y, z}, z - dot(x, y), args, "gemm_from_minus_dot");
  expect_rule_keeps_meaning({x, y, z}, z - 0.1 * dot(x, y), args, "gemm_from_minus_dot");
}

TEST(SpecializeBlas, TransposesBecomeFlags) {
  const Variable xt = mat("xt", {4, 3}), yt = mat("yt", {2, 4}), z = mat("z", kZ);
  const std::vector<Array> args = {values({4, 3}, 10), values({2, 4}, 11), values(kZ, 12, true)};
  const Variable out = dot(transpose(xt), transpose(yt)) + z;
  expect_rule_keeps_meaning({xt, yt, z}, out, args, "gemm_fold_transpose");
  const Node& root = compiled_root({xt, yt, z}, out);
  ASSERT_EQ(root.op().name, "gemm");
  EXPECT_EQ(root.inputs()[2], xt);
  EXPECT_EQ(root.inputs()[3], yt);
  EXPECT_TRUE(root.attrs().get_bool("trans_x"));
  EXPECT_TRUE(root.attrs().get_bool("trans_y"));
  // One side only, and a user's own gemm.
  const Variable x = mat("x", kX);
  expect_rule_keeps_meaning({x, yt, z}, z - dot(x, transpose(yt)), {values(kX, 13), args[1], args[2]}, "gemm_fold_transpose");
  expect_rule_keeps_meaning({xt, yt, z}, gemm(z, 2.0, transpose(xt), yt, 0.5, false, true), args,
                            "gemm_fold_transpose");
}

TEST(SpecializeBlas, EdgeValuesInTheProduct) {
  const Variable x = mat("x", kX), y = mat("y", kY), z = mat("z", kZ);
  expect_rule_keeps_meaning({x, y, z}, dot(x, y) + z, {values(kX, 14, true), values(kY, 15), values(kZ, 16)},
                            "gemm_from_dot_plus");
}

TEST(SpecializeBlas, Float32AndEmpty) {
  const Variable x = mat("x", kX, DType::float32), y = mat("y", kY, DType::float32), z = mat("z", kZ, DType::float32);
  expect_rule_keeps_meaning({x, y, z}, 2 * dot(x, y) + z,
                            {values(kX, 17, false, DType::float32), values(kY, 18, false, DType::float32),
                             values(kZ, 19, true, DType::float32)},
                            "gemm_from_dot_plus", 1e-6);
  const Variable e = mat("e", {3, 0}), f = mat("f", {0, 2}), g = mat("g", kZ);
  expect_rule_keeps_meaning({e, f, g}, dot(e, f) + g,
                            {Array::zeros(DType::float64, {3, 0}), Array::zeros(DType::float64, {0, 2}), values(kZ, 20, true)},
                            "gemm_from_dot_plus");
}

// None of the gemm rules fired compiling `out`.
void expect_no_gemm(const std::vector<Variable>& inputs, const Variable& out) {
  const Function f = traced_function(inputs, {out});
  for (const char* rule : {"gemm_from_dot_plus", "gemm_from_dot_minus", "gemm_from_minus_dot"}) {
    EXPECT_EQ(times_fired(f, rule), 0) << rule << "\n" << f.rewrite_trace().str();
  }
}

TEST(SpecializeBlas, FormsThatWouldChangeMeaningStay) {
  const Variable x = mat("x", kX), y = mat("y", kY);
  // Z broadcasts (a bias row, known to be one).
  const Variable bias = vector("bias", DType::float64);
  expect_no_gemm({x, y, bias}, dot(x, y) + bias);
  const Variable b = mat("b", {1, 2});
  expect_no_gemm({x, y, b}, dot(x, y) + b);
  // The product broadcast up to Z.
  const Variable row = mat("row", {1, 4}), z = mat("z", kZ);
  expect_no_gemm({row, y, z}, dot(row, y) + z);
  // A product rounded to float32 before a float64 add.
  const Variable x32 = mat("x32", kX, DType::float32), y32 = mat("y32", kY, DType::float32);
  expect_no_gemm({x32, y32, z}, dot(x32, y32) + z);
  // A non-scalar scale; integers; a vector product.
  expect_no_gemm({x, y, z}, dot(x, y) * z + z);
  const Variable xi = mat("xi", kX, DType::int64), yi = mat("yi", kY, DType::int64), zi = mat("zi", kZ, DType::int64);
  expect_no_gemm({xi, yi, zi}, dot(xi, yi) + zi);
  const Variable v = tensor("v", DType::float64, {4}), w = tensor("w", DType::float64, {3});
  expect_no_gemm({x, v, w}, dot(x, v) + w);
}

// Z or the product of unknown sizes: a gemm with broadcast_z, which checks the shapes
// at run time: the same values whether z has the product's shape, broadcasts to it
// (a size-1 row or column at run time), or the product broadcasts up to z.
TEST(SpecializeBlas, UnknownSizesGetTheRunTimeCheck) {
  const Variable x = matrix("x", DType::float64), y = matrix("y", DType::float64), z = matrix("z", DType::float64);
  const Shape zs[] = {kZ, {1, 2}, {3, 1}, {1, 1}};
  for (const Shape& s : zs) {
    const std::vector<Array> args = {values(kX, 31), values(kY, 32), values(s, 33, true)};
    expect_rule_keeps_meaning({x, y, z}, dot(x, y) + z, args, "gemm_from_dot_plus");
    expect_rule_keeps_meaning({x, y, z}, 2.0 * dot(x, y) - z, args, "gemm_from_dot_minus");
    expect_rule_keeps_meaning({x, y, z}, z - dot(transpose(x), y), {values({4, 3}, 34), args[1], args[2]},
                              "gemm_from_minus_dot");
  }
  // The product of one row, broadcast up to z's rows.
  expect_rule_keeps_meaning({x, y, z}, dot(x, y) + z, {values({1, 4}, 35), values(kY, 36), values(kZ, 37)},
                            "gemm_from_dot_plus");
  const Node& root = compiled_root({x, y, z}, dot(x, y) + z);
  ASSERT_EQ(root.op().name, "gemm");
  EXPECT_TRUE(root.attrs().get_bool("broadcast_z"));
  // Sizes that do not broadcast still raise at run time.
  const Function f = function({x, y, z}, {dot(x, y) + z});
  EXPECT_THROW(f({values(kX, 38), values(kY, 39), values({2, 2}, 40)}), ShapeError);
}

TEST(SpecializeBlas, ExcludedByName) {
  const Variable x = mat("x", kX), y = mat("y", kY), z = mat("z", kZ);
  Mode mode = Mode::fast_run();
  mode.excluding = {"gemm_from_dot_plus"};
  const Function f = function({x, y, z}, {dot(x, y) + z}, mode);
  EXPECT_EQ(f.compiled_outputs()[0].node().op().name, "add");
}

}  // namespace
}  // namespace hypatia
