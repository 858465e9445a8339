// Printing graphs (hypatia/printing.hpp): golden text for debugprint, pp and
// graph_dot, so that a change of format shows in a diff.
#include <gtest/gtest.h>

#include <string>

#include "hypatia/hypatia.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_error;

const Axes kAxis1 = Axes{std::vector<std::int64_t>{1}};

std::string at(int line) { return "   # printing_test.cpp:" + std::to_string(line); }

TEST(PrintingDebugprint, MlpPiece) {
  Variable x = tensor("x", DType::float64, {kUnknownDim, 3});
  Variable W = tensor("W", DType::float64, {3, 4});
  Variable b = vector("b", DType::float64);
  Variable h = tanh(dot(x, W) + b);
  EXPECT_EQ(debugprint(h),
            "tanh [id A] float64 (?, 4)\n"
            " |add [id B] float64 (?, 4)\n"
            "   |dot [id C] float64 (?, 4)\n"
            "   | |x [id D] float64 (?, 3)\n"
            "   | |W [id E] float64 (3, 4)\n"
            "   |b [id F] float64 (?,)\n");
  EXPECT_EQ(pp(h), "tanh(dot(x, W) + b)");
}

TEST(PrintingDebugprint, AttributesConstantsAndLocations) {
  Variable x = tensor("x", DType::float64, {kUnknownDim, 3}); const int x_line = __LINE__;
  Variable y = matrix("y", DType::float64); const int y_line = __LINE__;
  Variable z = exp(x * 2.0) + sum(y, kAxis1, true); const int z_line = __LINE__;
  EXPECT_EQ(debugprint(z, PrintOptions{.locations = true}),
            "add [id A] float64 (?, 3)" + at(z_line) + "\n"
            " |exp [id B] float64 (?, 3)" + at(z_line) + "\n"
            " | |mul [id C] float64 (?, 3)" + at(z_line) + "\n"
            " |   |x [id D] float64 (?, 3)" + at(x_line) + "\n"
            " |   |TensorConstant{2.0} [id E] float64 ()" + at(z_line) + "\n"
            " |sum{axis=(1,), keepdims=True} [id F] float64 (?, 1)" + at(z_line) + "\n"
            "   |y [id G] float64 (?, ?)" + at(y_line) + "\n");
  EXPECT_EQ(debugprint(z, PrintOptions{.types = false, .depth = 1}),
            "add [id A]\n"
            " |exp [id B] ...\n"
            " |sum{axis=(1,), keepdims=True} [id C] ...\n");
  EXPECT_EQ(debugprint(transpose(x)), "dimshuffle{1,0} [id A] float64 (3, ?)\n |x [id B] float64 (?, 3)\n");
  EXPECT_EQ(debugprint(x[{slice(1, 3), slice(none, none, 2)}]),
            "subtensor{1:3, ::2} [id A] float64 (?, 2)\n"
            " |x [id B] float64 (?, 3)\n"
            " |TensorConstant{1} [id C] int64 ()\n"
            " |TensorConstant{3} [id D] int64 ()\n"
            " |TensorConstant{2} [id E] int64 ()\n");
  // A big constant shows its type, not its values.
  EXPECT_EQ(debugprint(x + constant(Array::zeros(DType::float32, {10, 3}))),
            "add [id A] float64 (10, 3)\n"
            " |x [id B] float64 (?, 3)\n"
            " |TensorConstant{float32 (10, 3)} [id C] float32 (10, 3)\n");
}

TEST(PrintingDebugprint, RepeatedSubexpressionOnceWithItsId) {
  Variable x = tensor("x", DType::float64, {kUnknownDim, 3});
  Variable e = exp(x);
  Variable r = e * e + e;
  EXPECT_EQ(debugprint(r),
            "add [id A] float64 (?, 3)\n"
            " |mul [id B] float64 (?, 3)\n"
            " | |exp [id C] float64 (?, 3)\n"
            " | | |x [id D] float64 (?, 3)\n"
            " | |exp [id C] float64 (?, 3) ...\n"
            " |exp [id C] float64 (?, 3) ...\n");
  // Ids run on across the outputs of one print.
  EXPECT_EQ(debugprint({e, r}, PrintOptions{.types = false, .depth = 0}), "exp [id A] ...\nadd [id B] ...\n");
  EXPECT_EQ(pp(r), "exp(x) * exp(x) + exp(x)");
}

TEST(PrintingDebugprint, MultiOutputNode) {
  Variable v = tensor("v", DType::float64, {4});
  const std::vector<Variable> parts = split(v, {2, 2}, 0);
  EXPECT_EQ(debugprint(parts[0] * parts[1]),
            "mul [id A] float64 (2,)\n"
            " |split{axis=0}.0 [id B] float64 (2,)\n"
            " | |v [id C] float64 (4,)\n"
            " | |TensorConstant{2} [id D] int64 ()\n"
            " | |TensorConstant{2} [id D] int64 ()\n"
            " |split{axis=0}.1 [id B] float64 (2,) ...\n");
  EXPECT_EQ(pp(parts[1]), "split(v, 2, 2, axis=0)[1]");
}

TEST(PrintingDebugprint, SharedVariableWithAnUpdate) {
  SharedVariable w = shared(Array::zeros(DType::float64, {3}), "w");
  Variable xv = vector("xv", DType::float64);
  EXPECT_EQ(debugprint(w * 2.0),
            "mul [id A] float64 (?,)\n"
            " |w [id B] float64 (?,) shared\n"
            " |TensorConstant{2.0} [id C] float64 ()\n");
  Function f = function({xv}, {sum(w * xv)}, FunctionOptions{{{w, w - 0.1 * xv}}}, Mode{}.with_linker("interp"));
  EXPECT_EQ(debugprint(f),
            "Function(xv) on interp, mode FAST_RUN\n"
            "output 0:\n"
            "sum [id A] float64 ()\n"
            " |mul [id B] float64 (?,)\n"
            "   |w [id C] float64 (?,) shared\n"
            "   |xv [id D] float64 (?,)\n"
            "update w:\n"
            "sub [id E] float64 (?,)\n"
            " |w [id C] float64 (?,) shared\n"
            " |mul [id F] float64 (?,)\n"
            "   |xv [id D] float64 (?,)\n"
            "   |TensorConstant{0.1} [id G] float64 ()\n");
  EXPECT_EQ(pp(w - 0.1 * xv), "w - 0.1 * xv");
}

TEST(PrintingDebugprint, FusedKernelsOnCpu) {
  Variable x = tensor("x", DType::float64, {kUnknownDim, 3});
  Function f = function({x}, {exp(x * 2.0) + sin(x), sum(x)}, Mode{}.with_linker("cpu"));
  if (f.linker() != "cpu") GTEST_SKIP() << "no C++ compiler: the function runs on interp";
  EXPECT_EQ(debugprint(f),
            "Function(x) on cpu, mode FAST_RUN\n"
            "output 0:\n"
            "add [id A] float64 (?, 3) in k0\n"
            " |sin [id B] float64 (?, 3) in k0\n"
            " | |x [id C] float64 (?, 3)\n"
            " |exp [id D] float64 (?, 3) in k0\n"
            "   |mul [id E] float64 (?, 3) in k0\n"
            "     |x [id C] float64 (?, 3)\n"
            "     |TensorConstant{2.0} [id F] float64 ()\n"
            "output 1:\n"
            "sum [id G] float64 () in k1\n"
            " |x [id C] float64 (?, 3)\n"
            "fused kernels:\n"
            " Kernel k0{sin, mul, exp, add} [id B, E, D, A]\n"
            " Kernel k1{sum} [id G]\n");
  const std::string dot = graph_dot(f);
  EXPECT_NE(dot.find("subgraph cluster_k0 {\n    label=\"Kernel k0\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("    n1; n3; n4; n5;\n"), std::string::npos) << dot;
  EXPECT_NE(dot.find("subgraph cluster_k1"), std::string::npos) << dot;
  // The generated source names each kernel as debugprint does, and each statement's op.
  const std::string& src = f.source();
  EXPECT_NE(src.find("// k0: in x float64, out add float64\n"), std::string::npos);
  EXPECT_NE(src.find("extern \"C\" void k1("), std::string::npos);
  EXPECT_NE(src.find("scalar::exp(v3);  // exp\n"), std::string::npos);
}

TEST(PrintingPp, PrecedenceNeedsOnlyTheParenthesesItMust) {
  Variable x = matrix("x", DType::float64);
  Variable y = matrix("y", DType::float64);
  Variable z = matrix("z", DType::float64);
  Variable b = vector("b", DType::float64);
  EXPECT_EQ(pp(exp(x * 2.0) + sum(y, kAxis1)), "exp(x * 2.0) + sum(y, axis=1)");
  EXPECT_EQ(pp((x + y) * z), "(x + y) * z");
  EXPECT_EQ(pp(x + y * z), "x + y * z");
  EXPECT_EQ(pp(x - (y - z)), "x - (y - z)");
  EXPECT_EQ(pp((x - y) - z), "x - y - z");
  EXPECT_EQ(pp(x / (y * z)), "x / (y * z)");
  EXPECT_EQ(pp(-(x * y)), "-(x * y)");
  EXPECT_EQ(pp(-x * y), "-x * y");
  EXPECT_EQ(pp(pow(-x, 2.0)), "(-x) ** 2.0");
  EXPECT_EQ(pp(-pow(x, 2.0)), "-x ** 2.0");
  EXPECT_EQ(pp(pow(pow(x, y), z)), "(x ** y) ** z");
  EXPECT_EQ(pp(pow(x, pow(y, z))), "x ** y ** z");
  EXPECT_EQ(pp(x * -1.0), "x * -1.0");
  EXPECT_EQ(pp((x < y) & (y <= z)), "(x < y) & (y <= z)");
  EXPECT_EQ(pp(lt(x + y, z)), "x + y < z");
  EXPECT_EQ(pp(x[{slice(1, 3), slice(none, none, 2)}]), "x[1:3, ::2]");
  EXPECT_EQ(pp((x + y)[{1}]), "(x + y)[1]");
  EXPECT_EQ(pp(transpose(x + 1.0)), "(x + 1.0).T");
  EXPECT_EQ(pp(dimshuffle(b, {newaxis, 0})), "b.dimshuffle('x', 0)");
  EXPECT_EQ(pp(cast(x, DType::float32)), "x.astype('float32')");
  EXPECT_EQ(pp(sum(x)), "sum(x)");
  EXPECT_EQ(pp(tensor("", DType::int8, {2}) + 1), "<int8 (2,)> + 1");
}

TEST(PrintingDot, LeavesOpsAndOutputsToldApart) {
  Variable x = vector("x", DType::float64);
  SharedVariable w = shared(Array::zeros(DType::float64, {3}), "w");
  EXPECT_EQ(graph_dot({x * w + 1.0}),
            "digraph hypatia {\n"
            "  rankdir=TB;\n"
            "  graph [fontname=\"Helvetica\", fontsize=11];\n"
            "  node [fontname=\"Helvetica\", fontsize=10];\n"
            "  edge [fontname=\"Helvetica\", fontsize=8];\n"
            "  n0 [label=\"x\\nfloat64 (?,)\", shape=box, style=filled, fillcolor=limegreen];\n"
            "  n1 [label=\"w\\nfloat64 (?,)\", shape=box, style=filled, fillcolor=cyan];\n"
            "  n2 [label=\"mul\", shape=ellipse];\n"
            "  n0 -> n2 [label=\"0: float64 (?,)\"];\n"
            "  n1 -> n2 [label=\"1: float64 (?,)\"];\n"
            "  n3 [label=\"1.0\\nfloat64 ()\", shape=box, style=filled, fillcolor=greenyellow];\n"
            "  n4 [label=\"add\", shape=ellipse];\n"
            "  n2 -> n4 [label=\"0: float64 (?,)\"];\n"
            "  n3 -> n4 [label=\"1: float64 ()\"];\n"
            "  out0 [label=\"output 0\\nfloat64 (?,)\", shape=box, style=filled, fillcolor=dodgerblue];\n"
            "  n4 -> out0;\n"
            "}\n");
  Function f = function({x}, {x + 1.0}, FunctionOptions{{{w, w * 2.0}}}, Mode{}.with_linker("interp"));
  const std::string dot = graph_dot(f);
  EXPECT_NE(dot.find("[label=\"w\\nfloat64 (?,)\", shape=box, style=filled, fillcolor=cyan]"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("out1 [label=\"update w\\nfloat64 (?,)\""), std::string::npos) << dot;
  EXPECT_EQ(dot.find("cluster"), std::string::npos) << "no fused kernels on interp";
}

TEST(PrintingDeep, LongChainsDoNotOverflowTheStack) {
  Variable x = vector("x", DType::float64);
  Variable y = x;
  constexpr int kLength = 3000;
  for (int i = 0; i < kLength; ++i) y = exp(y);
  const std::string text = pp(y);
  EXPECT_EQ(text.size(), std::size_t{kLength} * 5 + 1);
  EXPECT_EQ(text.find("exp(x))"), std::size_t{kLength} * 4 - 4);
  EXPECT_EQ(debugprint(y, PrintOptions{.types = false, .depth = 1}), "exp [id A]\n |exp [id B] ...\n");
  EXPECT_EQ(graph_dot({y}).size() > std::size_t{kLength} * 40, true);
}

TEST(PrintingErrors, EmptyVariables) {
  expect_error<TypeError>([] { debugprint(Variable{}); }, {"debugprint", "empty Variable"});
  expect_error<TypeError>([] { pp(Variable{}); }, {"pp", "empty Variable"});
  expect_error<TypeError>([] { graph_dot({Variable{}}); }, {"graph_dot", "empty Variable"});
}

}  // namespace
}  // namespace hypatia
