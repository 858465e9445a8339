// Lowering: fusion groups and the kernel IR they become, and the renderer's text for
// a small fused kernel (golden text: a change in generated code shows in the diff).
#include <gtest/gtest.h>

#include "backend/cpu/render.hpp"
#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"
#include "lower/fuse.hpp"
#include "lower/to_kernel_ir.hpp"

namespace hypatia {
namespace {

struct Lowered {
  std::vector<lower::Group> groups;
  std::vector<lower::LoweredGroup> kernels;
};

Lowered lower_all(const std::vector<Variable>& outputs) {
  Lowered r;
  const lower::Schedule order = lower::schedule(outputs);
  r.groups = lower::fuse(order, outputs);
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    std::vector<bool> outside;
    for (const Node* n : r.groups[g].nodes) {
      bool used = false;
      for (const Variable& o : outputs) used = used || &o.node() == n;
      for (const auto& m : order) {
        bool in_group = false;
        for (const Node* x : r.groups[g].nodes) in_group = in_group || x == m.get();
        if (in_group) continue;
        for (const Variable& in : m->inputs()) used = used || &in.node() == n;
      }
      outside.push_back(used);
    }
    r.kernels.push_back(lower::to_kernel_ir(r.groups[g], "k" + std::to_string(g), outside));
  }
  return r;
}

TEST(Lower, ElementwiseChainIsOneKernel) {
  Variable x = vector("x"), y = vector("y");
  Variable out = exp(x) * 2.0 + y;
  Lowered l = lower_all({out});
  ASSERT_EQ(l.groups.size(), 1u);
  EXPECT_EQ(l.groups[0].nodes.size(), 3u);
  EXPECT_EQ(kir::kernel_text(l.kernels[0].kernel),
            "kernel k0(in0: float64 x, in1: float64 y, out2: float64 add)\n"
            "  %0 = load<float64> in0  # x\n"
            "  %1 = apply exp<float64> %0  # exp\n"
            "  %2 = constant<float64> 2.0  # constant\n"
            "  %3 = apply mul<float64> %1 %2  # mul\n"
            "  %4 = load<float64> in1  # y\n"
            "  %5 = apply add<float64> %3 %4  # add\n"
            "  store out2 %5  # add\n");
}

TEST(Lower, RenderGoldenText) {
  Variable x = vector("x", float32);
  Variable s = scalar("s", float32);
  Variable out = exp(x - s);
  Lowered l = lower_all({out});
  ASSERT_EQ(l.kernels.size(), 1u);
  const std::string text = cpu::render_kernel(l.kernels[0].kernel);
  EXPECT_EQ(text,
            "// k0: in x float32, in s float32 (0-d), out exp float32\n"
            "static void k0_points(hp::i64 n, char* const* p, const hp::i64* s) {\n"
            "  const float v1 = *reinterpret_cast<const float*>(p[1]);  // load s\n"
            "#ifdef HP_SIMD_BYTES\n"
            "  if ((s[0] == 4 || s[0] == 0) && s[2] == 4) {  // unit or broadcast strides: whole vectors, then the tail\n"
            "    const float* __restrict in0 = reinterpret_cast<const float*>(p[0]);\n"
            "    float* __restrict out2 = reinterpret_cast<float*>(p[2]);\n"
            "    float zb0[simd::width<float>];\n"
            "    for (int l = 0; l < simd::width<float>; ++l) zb0[l] = in0[0];\n"
            "    const float* const q0 = s[0] == 0 ? zb0 : in0;\n"
            "    const hp::i64 m0 = s[0] == 0 ? 0 : -1;\n"
            "    const simd::vec<float> b1 = simd::splat(v1);\n"
            "    hp::i64 i = 0;\n"
            "    for (; i + simd::width<float> <= n; i += simd::width<float>) {\n"
            "      const simd::vec<float> w0 = simd::load(q0 + (i & m0));\n"
            "      const simd::vec<float> w2 = simd::sub(w0, b1);\n"
            "      const simd::vec<float> w3 = simd::exp(w2);\n"
            "      simd::store(out2 + i, w3);\n"
            "    }\n"
            "    for (; i < n; ++i) {\n"
            "      const float v0 = *reinterpret_cast<const float*>(p[0] + i * s[0]);  // load x\n"
            "      const float v2 = scalar::sub(v0, v1);  // sub\n"
            "      const float v3 = scalar::exp(v2);  // exp\n"
            "      *reinterpret_cast<float*>(p[2] + i * s[2]) = v3;  // store exp\n"
            "    }\n"
            "    return;\n"
            "  }\n"
            "#endif\n"
            "  if (s[0] == 4 && s[2] == 4) {  // unit strides: vectorizable\n"
            "    const float* __restrict in0 = reinterpret_cast<const float*>(p[0]);\n"
            "    float* __restrict out2 = reinterpret_cast<float*>(p[2]);\n"
            "    for (hp::i64 i = 0; i < n; ++i) {\n"
            "      const float v0 = in0[i];  // load x\n"
            "      const float v2 = scalar::sub(v0, v1);  // sub\n"
            "      const float v3 = scalar::exp(v2);  // exp\n"
            "      out2[i] = v3;  // store exp\n"
            "    }\n"
            "    return;\n"
            "  }\n"
            "  for (hp::i64 i = 0; i < n; ++i) {\n"
            "    const float v0 = *reinterpret_cast<const float*>(p[0] + i * s[0]);  // load x\n"
            "    const float v2 = scalar::sub(v0, v1);  // sub\n"
            "    const float v3 = scalar::exp(v2);  // exp\n"
            "    *reinterpret_cast<float*>(p[2] + i * s[2]) = v3;  // store exp\n"
            "  }\n"
            "}\n"
            "\n"
            "extern \"C\" void k0(hp::i64 nd, const hp::i64* shape, char* const* base, const hp::i64* strides, "
            "hp::i64 out_size, hp::i64 count) {\n"
            "  (void)out_size;\n"
            "  (void)count;\n"
            "  hp::run(3, nd, shape, base, strides, -1, k0_points, 24);\n"
            "}\n")
      << text;
}


TEST(Lower, ProducersFuseIntoTheReduction) {
  Variable x = matrix("x");
  Variable m = max(x, Axes{1}, true);
  Variable out = sum(exp(x - m), Axes{1});
  Lowered l = lower_all({out});
  // max(x) is its own kernel; x - m, exp and sum are one pass over x.
  ASSERT_EQ(l.groups.size(), 2u);
  EXPECT_EQ(l.groups[1].nodes.size(), 3u);
  EXPECT_NE(l.groups[1].reduction, nullptr);
  EXPECT_EQ(l.kernels[1].kernel.operands.size(), 3u);
}

TEST(Lower, ValuesUsedOutsideAreStored) {
  Variable x = vector("x");
  Variable e = exp(x);
  Variable out = sum(e) + e;  // e is read by the sum (another shape) and by the add
  Lowered l = lower_all({out});
  ASSERT_EQ(l.groups.size(), 3u);  // exp | sum | add
  EXPECT_EQ(l.kernels[0].outputs.size(), 1u);
}

TEST(Lower, NoGroupHasAPathThatLeavesAndComesBack) {
  // a = exp(x); b = a + (sum(a) as a 0-d value): the add must not join exp's group
  // through the sum, which reads the group's value.
  Variable x = vector("x");
  Variable a = exp(x);
  Variable b = a * sum(a);
  Lowered l = lower_all({b});
  for (const auto& g : l.groups) {
    bool has_exp = false, has_mul = false;
    for (const Node* n : g.nodes) {
      has_exp = has_exp || n->op().name == "exp";
      has_mul = has_mul || n->op().name == "mul";
    }
    EXPECT_FALSE(has_exp && has_mul);
  }
}

}  // namespace
}  // namespace hypatia
