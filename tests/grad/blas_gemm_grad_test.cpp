// gemm's differentiation rules: vjp and jvp against central differences, batch against
// a loop over batch elements, for every transpose flag, and verify_grad through the
// whole driver, non-contiguous operands included.
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

Shape with_batch(std::int64_t n, const Shape& s) {
  Shape out{n};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Operands z, alpha, x, y, beta for op(x) of shape (2, 3) and op(y) of shape (3, 4).
std::vector<Array> point(bool tx, bool ty, std::uint64_t seed) {
  return {random_array({2, 4}, seed), random_array({}, seed + 1), random_array(tx ? Shape{3, 2} : Shape{2, 3}, seed + 2),
          random_array(ty ? Shape{4, 3} : Shape{3, 4}, seed + 3), random_array({}, seed + 4)};
}

Fun gemm_fun(bool tx, bool ty) {
  return [tx, ty](const V& v) { return gemm(v[0], v[1], v[2], v[3], v[4], tx, ty); };
}

TEST(GemmGrad, RulesForEveryTransposeFlag) {
  for (bool tx : {false, true}) {
    for (bool ty : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "trans_x=" << tx << " trans_y=" << ty);
      const Fun fun = gemm_fun(tx, ty);
      const std::vector<Array> p = point(tx, ty, 10);
      check_vjp(fun, p);
      check_vjp(fun, p, false);
      check_jvp(fun, p);
      // Each operand batched alone, then all of them.
      for (std::size_t i = 0; i < p.size(); ++i) {
        std::vector<Array> bp = p;
        std::vector<bool> batched(p.size(), false);
        bp[i] = random_array(with_batch(3, p[i].shape()), 30 + i);
        batched[i] = true;
        check_batch(fun, bp, batched);
      }
      std::vector<Array> all;
      for (std::size_t i = 0; i < p.size(); ++i) all.push_back(random_array(with_batch(3, p[i].shape()), 40 + i));
      check_batch(fun, all, std::vector<bool>(p.size(), true));
    }
  }
}

TEST(GemmGrad, VerifyGradFloat64AndFloat32) {
  for (bool tx : {false, true}) {
    for (bool ty : {false, true}) {
      const std::vector<Array> p = point(tx, ty, 50);
      verify_grad(gemm_fun(tx, ty), p);
      std::vector<Array> p32;
      for (const Array& a : p) p32.push_back(a.astype(DType::float32));
      verify_grad(gemm_fun(tx, ty), p32);
    }
  }
}

TEST(GemmGrad, VerifyGradNonContiguous) {
  // z reversed, x a transposed view fed as trans_x, y with a row step.
  const Array z = random_array({2, 4}, 60).slice(0, 1, -3, -1);
  const Array x = random_array({2, 3}, 61).transpose();
  const Array y = random_array({6, 4}, 62).slice(0, 0, 6, 2);
  verify_grad(gemm_fun(true, false), {z, random_array({}, 63), x, y, random_array({}, 64)});
}

// broadcast_z (the specialize rule's gemm for unknown sizes): z of size-1 axes
// broadcast up to the product, and a product of one row broadcast up to z; the
// gradients are summed back over the repeated axes.
TEST(GemmGrad, BroadcastZ) {
  const Fun fun = [](const V& v) {
    return apply1("gemm", v, Attrs{{"trans_x", false}, {"trans_y", false}, {"broadcast_z", true}},
                  SourceLocation::current());
  };
  const Shape zs[] = {{2, 4}, {1, 4}, {2, 1}, {1, 1}};
  for (const Shape& s : zs) {
    SCOPED_TRACE(shape_str(s));
    const std::vector<Array> p = {random_array(s, 70), random_array({}, 71), random_array({2, 3}, 72),
                                  random_array({3, 4}, 73), random_array({}, 74)};
    check_vjp(fun, p);
    check_jvp(fun, p);
    verify_grad(fun, p);
  }
  const std::vector<Array> row = {random_array({2, 4}, 75), random_array({}, 76), random_array({1, 3}, 77),
                                  random_array({3, 4}, 78), random_array({}, 79)};
  check_vjp(fun, row);
  check_jvp(fun, row);
  verify_grad(fun, row);
}

}  // namespace
}  // namespace hypatia::testing
