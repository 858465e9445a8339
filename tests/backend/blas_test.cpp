// The CPU backend's library calls (OpenBLAS) against each op's reference kernel, over
// float32 and float64, every operand layout BLAS reads in place (contiguous,
// transposed, a row step) and those it must pack (column steps, negative and zero
// strides), size-1 and empty dimensions, and batched matmul with broadcasting.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "backend/cpu/library.hpp"
#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using cpu::find_library_call;

constexpr std::int64_t kFar = std::numeric_limits<std::int64_t>::min() / 2;

// How an operand is laid out in memory; its logical shape is always the same.
enum class Layout { contiguous, transposed, row_step, col_step, reversed, reversed_last, broadcast };
const Layout kLayouts[] = {Layout::contiguous, Layout::transposed,    Layout::row_step, Layout::col_step,
                           Layout::reversed,   Layout::reversed_last, Layout::broadcast};

const char* layout_name(Layout l) {
  switch (l) {
    case Layout::contiguous: return "contiguous";
    case Layout::transposed: return "transposed";
    case Layout::row_step: return "row_step";
    case Layout::col_step: return "col_step";
    case Layout::reversed: return "reversed";
    case Layout::reversed_last: return "reversed_last";
    case Layout::broadcast: return "broadcast";
  }
  return "?";
}

Array random_array(DType t, const Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (double& x : v) x = u(rng);
  return Array::from_vector(v, shape).astype(t);
}

// An array of `shape` and dtype `t` whose strides follow `l` (for rank >= 1; the
// "transposed" layout swaps the last two axes, or reverses a vector's only one).
Array make(DType t, const Shape& shape, Layout l, std::mt19937& rng) {
  const int n = static_cast<int>(shape.size());
  const int last = n - 1, first = 0;
  switch (l) {
    case Layout::contiguous: return random_array(t, shape, rng);
    case Layout::transposed: {
      if (n < 2) return random_array(t, shape, rng).slice(0, shape[0] - 1, kFar, -1);
      Shape s = shape;
      std::swap(s[static_cast<std::size_t>(n - 1)], s[static_cast<std::size_t>(n - 2)]);
      std::vector<int> axes;
      for (int i = 0; i < n; ++i) axes.push_back(i);
      std::swap(axes[static_cast<std::size_t>(n - 1)], axes[static_cast<std::size_t>(n - 2)]);
      return random_array(t, s, rng).transpose(axes);
    }
    case Layout::row_step: {
      Shape s = shape;
      s[0] *= 2;
      return random_array(t, s, rng).slice(first, 0, s[0], 2);
    }
    case Layout::col_step: {
      Shape s = shape;
      s[static_cast<std::size_t>(last)] *= 3;
      return random_array(t, s, rng).slice(last, 1, s[static_cast<std::size_t>(last)], 3);
    }
    case Layout::reversed: return random_array(t, shape, rng).slice(first, shape[0] - 1, kFar, -1);
    case Layout::reversed_last:
      return random_array(t, shape, rng).slice(last, shape[static_cast<std::size_t>(last)] - 1, kFar, -1);
    case Layout::broadcast: {
      Shape s = shape;
      s[0] = 1;
      return random_array(t, s, rng).broadcast_to(shape);
    }
  }
  return {};
}

double tolerance(DType t) { return t == DType::float32 ? 1e-5 : 1e-12; }

// The library call of `out`'s node gives what its reference kernel gives on `args`.
void expect_call_matches_reference(const Variable& out, const std::vector<Array>& args, const std::string& what) {
  SCOPED_TRACE(what);
  const Node& node = out.node();
  const cpu::LibraryCall* call = find_library_call(node);
  ASSERT_NE(call, nullptr) << node.op().name;
  const std::vector<Array> got = (*call)(node, args);
  const std::vector<Array> want = node.op().reference(KernelArgs{args, node});
  ASSERT_EQ(got.size(), 1u);
  const DType t = out.dtype();
  testing::expect_array(got[0], t, want[0].shape(), want[0].to_vector<double>(), tolerance(t), tolerance(t));
}

Variable symbolic(const char* name, DType t, const Shape& shape) { return tensor(name, t, shape); }

std::string describe(const Shape& a, Layout la, const Shape& b, Layout lb, DType t) {
  return shape_str(a) + " " + layout_name(la) + " x " + shape_str(b) + " " + layout_name(lb) + " " + std::string(dtype_name(t));
}

// Every pair of layouts for operands of these shapes, both float dtypes.
template <class Build>
void check_all_layouts(const Shape& sa, const Shape& sb, Build build) {
  std::mt19937 rng(7);
  for (DType t : {DType::float32, DType::float64}) {
    const Variable a = symbolic("a", t, sa), b = symbolic("b", t, sb);
    const Variable out = build(a, b);
    for (Layout la : kLayouts) {
      for (Layout lb : kLayouts) {
        if ((la == Layout::broadcast && sa.empty()) || (lb == Layout::broadcast && sb.empty())) continue;
        expect_call_matches_reference(out, {make(t, sa, la, rng), make(t, sb, lb, rng)}, describe(sa, la, sb, lb, t));
      }
    }
  }
}

Variable dot_of(const Variable& a, const Variable& b) { return dot(a, b); }
Variable matmul_of(const Variable& a, const Variable& b) { return matmul(a, b); }
Variable outer_of(const Variable& a, const Variable& b) { return outer(a, b); }

TEST(BlasLibrary, DotKnownValues) {
  const Variable a = matrix("a"), b = matrix("b");
  const Variable out = dot(a, b);
  const std::vector<Array> args = {Array::from<double>({{1, 2}, {3, 4}}), Array::from<double>({{5, 6}, {7, 8}})};
  const std::vector<Array> got = (*find_library_call(out.node()))(out.node(), args);
  testing::expect_array(got[0], DType::float64, {2, 2}, {19, 22, 43, 50});
}

struct ShapePair {
  Shape a, b;
};

TEST(BlasLibrary, DotEveryRankAndLayout) {
  const ShapePair cases[] = {
      {{5}, {5}},          {{4, 5}, {5}},       {{5}, {5, 3}},       {{4, 5}, {5, 3}},     {{2, 3, 5}, {5, 3}},
      {{4, 5}, {2, 5, 3}}, {{2, 3, 5}, {2, 5, 3}}, {{5}, {2, 5, 3}}, {{2, 3, 5}, {5}},
      // size-1 dimensions
      {{1, 5}, {5, 1}},    {{4, 1}, {1, 3}},    {{1}, {1}},          {{1, 1}, {1, 1}},     {{4, 5}, {5, 1}},
      {{1, 5}, {5, 3}},
  };
  for (const ShapePair& c : cases) check_all_layouts(c.a, c.b, dot_of);
}

TEST(BlasLibrary, DotEmpty) {
  const ShapePair cases[] = {{{0, 5}, {5, 3}}, {{4, 5}, {5, 0}}, {{4, 0}, {0, 3}}, {{0}, {0}},
                             {{4, 0}, {0}},    {{0}, {0, 3}},    {{2, 3, 0}, {2, 0, 3}}, {{0, 3, 5}, {5, 2}}};
  for (const ShapePair& c : cases) {
    std::mt19937 rng(3);
    for (DType t : {DType::float32, DType::float64}) {
      const Variable out = dot(symbolic("a", t, c.a), symbolic("b", t, c.b));
      expect_call_matches_reference(out, {make(t, c.a, Layout::contiguous, rng), make(t, c.b, Layout::transposed, rng)},
                                    describe(c.a, Layout::contiguous, c.b, Layout::transposed, t));
    }
  }
  // A zero-size inner dimension gives zeros.
  const Variable out = dot(matrix("a"), matrix("b"));
  const std::vector<Array> args = {Array::zeros(DType::float64, {2, 0}), Array::zeros(DType::float64, {0, 3})};
  testing::expect_array((*find_library_call(out.node()))(out.node(), args)[0], DType::float64, {2, 3},
                        {0, 0, 0, 0, 0, 0});
}

TEST(BlasLibrary, MatmulBatchedAndBroadcast) {
  const ShapePair cases[] = {
      {{4, 5}, {5, 3}},       {{3, 4, 5}, {5, 3}},       {{4, 5}, {2, 5, 3}},   {{1, 4, 5}, {3, 5, 2}},
      {{2, 1, 4, 5}, {3, 5, 2}}, {{5}, {2, 5, 3}},       {{2, 4, 5}, {5}},      {{5}, {5}},
      {{3, 1, 5}, {3, 5, 1}}, {{2, 3, 4, 5}, {2, 3, 5, 2}},
  };
  for (const ShapePair& c : cases) check_all_layouts(c.a, c.b, matmul_of);
}

TEST(BlasLibrary, MatmulEmpty) {
  const ShapePair cases[] = {{{0, 4, 5}, {5, 3}}, {{3, 4, 0}, {3, 0, 2}}, {{2, 0, 5}, {5, 3}}, {{0}, {0}}};
  std::mt19937 rng(5);
  for (const ShapePair& c : cases) {
    const Variable out = matmul(symbolic("a", DType::float32, c.a), symbolic("b", DType::float32, c.b));
    expect_call_matches_reference(out, {make(DType::float32, c.a, Layout::contiguous, rng),
                                        make(DType::float32, c.b, Layout::contiguous, rng)},
                                  describe(c.a, Layout::contiguous, c.b, Layout::contiguous, DType::float32));
  }
}

TEST(BlasLibrary, Outer) {
  const ShapePair cases[] = {{{4}, {3}}, {{1}, {3}}, {{2, 3}, {4}}, {{4}, {1}}};
  for (const ShapePair& c : cases) check_all_layouts(c.a, c.b, outer_of);
  std::mt19937 rng(9);
  const Variable out = outer(vector("a"), vector("b"));
  expect_call_matches_reference(out, {random_array(DType::float64, {0}, rng), random_array(DType::float64, {3}, rng)},
                                "empty");
}

TEST(BlasLibrary, MixedDtypesConvertToTheResultDtype) {
  std::mt19937 rng(11);
  const Variable out = dot(matrix("a", DType::int32), matrix("b", DType::float32));
  ASSERT_EQ(out.dtype(), DType::float64);
  const Array a = Array::from<std::int32_t>({{1, -2, 3}, {4, 5, -6}});
  expect_call_matches_reference(out, {a, random_array(DType::float32, {3, 2}, rng)}, "int32 x float32");
}

// Integer products have a call of their own (tests/backend/blas_int_test.cpp).
TEST(BlasLibrary, OtherDtypesAndScalingsRunTheReference) {
  EXPECT_EQ(find_library_call(outer(vector("a", DType::bool_), vector("b", DType::bool_)).node()), nullptr);
  EXPECT_EQ(find_library_call(dot(scalar("a"), matrix("b")).node()), nullptr);
  EXPECT_EQ(find_library_call(exp(matrix("a")).node()), nullptr);
}

TEST(BlasLibrary, ShapeMismatchAtRunTimeRaisesTheOpsError) {
  const Variable a = tensor("a", DType::float64, {kUnknownDim, kUnknownDim});
  const Variable b = tensor("b", DType::float64, {kUnknownDim, kUnknownDim});
  for (const Variable& out : {dot(a, b), matmul(a, b)}) {
    const std::vector<Array> args = {Array::zeros(DType::float64, {2, 3}), Array::zeros(DType::float64, {4, 2})};
    EXPECT_THROW((*find_library_call(out.node()))(out.node(), args), ShapeError) << out.node().op().name;
  }
  const Variable c = tensor("c", DType::float64, {kUnknownDim, 2, 3});
  const Variable d = tensor("d", DType::float64, {kUnknownDim, 3, 2});
  const std::vector<Array> args = {Array::zeros(DType::float64, {2, 2, 3}), Array::zeros(DType::float64, {3, 3, 2})};
  const Variable out = matmul(c, d);
  EXPECT_THROW((*find_library_call(out.node()))(out.node(), args), ShapeError);
}

// gemm: every transpose flag, every layout of x and y (a transposed view with the
// flag set is the no-copy case the specialize rule makes), z strided.
TEST(BlasLibrary, GemmEveryFlagAndLayout) {
  std::mt19937 rng(13);
  for (DType t : {DType::float32, DType::float64}) {
    for (bool tx : {false, true}) {
      for (bool ty : {false, true}) {
        const Variable z = matrix("z", t), x = matrix("x", t), y = matrix("y", t);
        const Variable out = gemm(z, scalar("a", t), x, y, scalar("b", t), tx, ty);
        const Shape sx = tx ? Shape{5, 3} : Shape{3, 5}, sy = ty ? Shape{4, 5} : Shape{5, 4};
        for (Layout lx : kLayouts) {
          for (Layout ly : kLayouts) {
            const std::vector<Array> args = {make(t, {3, 4}, ly, rng), Array::full(t, {}, 1.5), make(t, sx, lx, rng),
                                             make(t, sy, ly, rng), Array::full(t, {}, -0.75)};
            expect_call_matches_reference(out, args, describe(sx, lx, sy, ly, t) + (tx ? " tx" : "") + (ty ? " ty" : ""));
          }
        }
      }
    }
  }
}

TEST(BlasLibrary, GemmSizeOneEmptyAndZeroScalars) {
  std::mt19937 rng(17);
  const Variable z = matrix("z"), x = matrix("x"), y = matrix("y"), a = scalar("a"), b = scalar("b");
  const Variable out = gemm(z, a, x, y, b);
  const std::array<std::int64_t, 3> sizes[] = {{1, 3, 1}, {1, 3, 4}, {3, 3, 1}, {0, 3, 2}, {2, 3, 0}, {2, 0, 3}};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [m, k, n] : sizes) {
    for (double alpha : {2.0, 0.0}) {
      for (double beta : {0.5, 0.0}) {
        Array zv = make(DType::float64, {m, n}, Layout::contiguous, rng).copy();
        if (zv.size() > 0) zv.data_as<double>()[0] = nan;  // beta == 0 must still read it
        expect_call_matches_reference(out,
                                      {zv, Array::full(DType::float64, {}, alpha), make(DType::float64, {m, k}, Layout::transposed, rng),
                                       make(DType::float64, {k, n}, Layout::contiguous, rng), Array::full(DType::float64, {}, beta)},
                                      std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
      }
    }
  }
}

}  // namespace
}  // namespace hypatia

namespace hypatia {
namespace {

// tensordot (the gradients of dot are tensordots): every pairing of axes, operands of
// every layout, in place when the axes fold, packed otherwise; size-1 and empty axes.
TEST(BlasLibrary, TensordotEveryPairing) {
  struct Case {
    Shape a, b;
    std::vector<std::int64_t> sa, sb;
  };
  const Case cases[] = {
      {{4, 5}, {5, 3}, {1}, {0}},       {{4, 5}, {3, 5}, {1}, {1}},       {{5, 4}, {5, 3}, {0}, {0}},
      {{5, 4}, {3, 5}, {0}, {1}},       {{2, 3, 4}, {3, 4, 5}, {1, 2}, {0, 1}}, {{2, 3, 4}, {4, 3}, {2, 1}, {0, 1}},
      {{3, 2, 4}, {4, 5, 3}, {0, 2}, {2, 0}}, {{4, 5}, {4, 5}, {0, 1}, {0, 1}}, {{4}, {3}, {}, {}},
      {{1, 5}, {5, 1}, {-1}, {0}},      {{4, 1}, {1, 3}, {1}, {0}},       {{0, 5}, {5, 3}, {1}, {0}},
      {{4, 0}, {0, 3}, {1}, {0}},
  };
  std::mt19937 rng(23);
  for (const Case& c : cases) {
    for (DType t : {DType::float32, DType::float64}) {
      const Variable out = tensordot(symbolic("a", t, c.a), symbolic("b", t, c.b), c.sa, c.sb);
      for (Layout la : kLayouts) {
        for (Layout lb : kLayouts) {
          if (shape_size(c.a) == 0 || shape_size(c.b) == 0) {
            if (la != Layout::contiguous || lb != Layout::contiguous) continue;
          }
          expect_call_matches_reference(out, {make(t, c.a, la, rng), make(t, c.b, lb, rng)}, describe(c.a, la, c.b, lb, t));
        }
      }
    }
  }
}

// gemm with broadcast_z (made by the specialize rule for unknown sizes): BLAS when z
// has the product's shape or broadcasts to it, the reference when the product would
// broadcast; the same values either way.
TEST(BlasLibrary, GemmBroadcastZ) {
  std::mt19937 rng(19);
  for (DType t : {DType::float32, DType::float64}) {
    const Variable z = matrix("z", t), x = matrix("x", t), y = matrix("y", t);
    const Variable out = apply1("gemm", {z, scalar("a", t), x, y, scalar("b", t)},
                                Attrs{{"trans_x", true}, {"trans_y", false}, {"broadcast_z", true}}, SourceLocation::current());
    const Shape zs[] = {{3, 4}, {1, 4}, {3, 1}, {1, 1}};
    for (const Shape& s : zs) {
      expect_call_matches_reference(out, {make(t, s, Layout::contiguous, rng), Array::full(t, {}, 1.5),
                                          make(t, {5, 3}, Layout::transposed, rng), make(t, {5, 4}, Layout::col_step, rng),
                                          Array::full(t, {}, -0.5)},
                                    "z " + shape_str(s));
    }
    const std::vector<Array> args = {make(t, {3, 4}, Layout::contiguous, rng), Array::full(t, {}, 1.5),
                                     make(t, {5, 1}, Layout::contiguous, rng), make(t, {5, 4}, Layout::contiguous, rng),
                                     Array::full(t, {}, -0.5)};
    expect_call_matches_reference(out, args, "a product of one row");
    EXPECT_EQ((*find_library_call(out.node()))(out.node(), args)[0].shape(), (Shape{3, 4}));
  }
}

}  // namespace
}  // namespace hypatia
