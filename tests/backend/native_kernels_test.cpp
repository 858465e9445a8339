// The cpu backend's native kernels (src/backend/cpu/native_*.cpp) against the
// interpreter's reference kernels: every op over dtypes, contiguous and strided
// (transposed, reversed) inputs, empty and size-1 dimensions, edge values (NaN, inf,
// -0.0, integer limits), and the errors (same type, same text). Then: FAST_RUN
// functions using each op run none of them by its reference kernel, and views run as
// views (no copy).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "backend/cpu/executor.hpp"
#include "backend/cpu/native_kernels.hpp"
#include "backend_test_util.hpp"
#include "graph/op.hpp"

namespace hypatia {
namespace {

using testing::compile_on;
using testing::expect_identical;
using testing::edge_values;

// Runs both and compares the results, or, where the interpreter raises, the errors.
void expect_same_run(const Function& cpu, const Function& ref, const std::vector<Array>& args,
                     const std::vector<std::string>& names, const std::string& what) {
  std::vector<Array> want;
  std::string ref_error;
  ErrorKind ref_kind{};
  try {
    want = ref(args);
  } catch (const UserError& e) {
    ref_error = e.what();
    ref_kind = e.kind();
  }
  if (!ref_error.empty()) {
    try {
      cpu(args);
      ADD_FAILURE() << what << ": cpu ran, the interpreter raised " << ref_error;
    } catch (const UserError& e) {
      EXPECT_EQ(e.kind(), ref_kind) << what;
      EXPECT_EQ(std::string(e.what()), ref_error) << what;
    }
    return;
  }
  const std::vector<Array> got = cpu(args);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) expect_identical(got[i], want[i], what + " " + names[i]);
}

// Values with repeats, so that sorts have ties.
Array values(DType t, const Shape& shape, int seed) {
  if (is_float(t) || is_bool(t)) return edge_values(t, shape, seed);
  std::vector<std::int64_t> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int64_t>((i * 5 + static_cast<std::size_t>(seed)) % 7) - 3;
  return Array::from_vector(v, shape).astype(t);
}

// Every op on a 3-d input x (any sizes), with index vectors idx (int64) and
// sorted_a (1-d, x's dtype). Named outputs.
struct Graph {
  std::vector<Variable> outputs;
  std::vector<std::string> names;
  void add(const std::string& name, Variable v) {
    names.push_back(name);
    outputs.push_back(std::move(v));
  }
};

Graph every_op(const Variable& x, const Variable& idx, const Variable& y1, const Variable& s) {
  Graph g;
  for (std::int64_t axis : {0, 1, 2}) {
    const std::string a = " axis " + std::to_string(axis);
    g.add("concatenate" + a, concatenate({x, x, x}, axis));
    g.add("stack" + a, stack({x, x}, axis));
    g.add("repeat 2" + a, repeat(x, std::int64_t{2}, axis));
    g.add("roll -4" + a, roll(x, std::int64_t{-4}, axis));
    g.add("roll 1" + a, roll(x, std::int64_t{1}, axis));
    g.add("diff" + a, diff(x, 1, axis));
    g.add("diff 2" + a, diff(x, 2, axis));
    g.add("cumsum" + a, cumsum(x, axis));
    g.add("cumprod" + a, cumprod(x, axis));
    g.add("sort" + a, sort(x, axis));
    g.add("argsort" + a, argsort(x, axis));
    g.add("take" + a, take(x, idx, axis));
    g.add("take_along_axis" + a, take_along_axis(x, argsort(x, axis), axis));
  }
  g.add("repeat flat", repeat(x, std::int64_t{3}));
  g.add("cumsum flat", cumsum(x));
  g.add("sort flat", sort(x, std::nullopt));
  g.add("take flat", take(x, idx));
  g.add("topk 1", topk(x, 1, -1));
  g.add("topk -1", topk(x, -1, 0));
  g.add("argtopk 1", argtopk(x, 1, 0));
  g.add("argtopk -1", argtopk(x, -1, -1));
  g.add("pad constant", pad(x, {{1, 2}, {0, 1}, {3, 0}}, "constant", 7.0));
  g.add("pad edge", pad(x, {{2, 1}, {0, 0}, {0, 3}}, "edge"));
  g.add("pad reflect", pad(x, {{1, 1}, {0, 0}, {4, 5}}, "reflect"));
  g.add("tile", tile(x, {2, 1, 3}));
  g.add("alloc", alloc(x, {Operand(std::int64_t{2}), Operand(shape(x, 0)), Operand(shape(x, 1)), Operand(shape(x, 2))}));
  g.add("searchsorted left", searchsorted(sort(flatten(x)), y1, "left"));
  g.add("searchsorted right", searchsorted(sort(flatten(x)), y1, "right"));
  g.add("set_subtensor", set_subtensor(index(x, {slice(1, none), slice(none, none, -1)}), y1));
  g.add("inc_subtensor", inc_subtensor(index(x, {slice(none, none, 2), 0}), y1));
  g.add("advanced_inc_subtensor1 inc", advanced_inc_subtensor1(x, Operand(std::int64_t{1}), idx, 1, false));
  g.add("advanced_inc_subtensor1 set", advanced_inc_subtensor1(x, y1, idx, 2, true));
  g.add("inc_along_axis", inc_along_axis(x, argsort(x, 2), x, 2));
  g.add("x[idx, :, idx]", index(x, {idx, slice(none, none), idx}));
  g.add("x[:, idx, idx]", index(x, {slice(none, none), idx, idx}));
  g.add("x[idx, idx]", index(x, {idx, idx}));
  g.add("set x[idx, :, idx]", set_subtensor(index(x, {idx, slice(none, none), idx}), s));
  g.add("inc x[:, idx, idx]", inc_subtensor(index(x, {slice(none, none), idx, idx}), s));
  g.add("tensordot", tensordot(x, x, {0, 2}, {0, 2}));
  g.add("tensordot reversed pairs", tensordot(x, x, {2, 0}, {0, 2}));
  g.add("outer", outer(x, y1));
  const std::vector<Variable> nz = nonzero(x);
  for (std::size_t d = 0; d < nz.size(); ++d) g.add("nonzero " + std::to_string(d), nz[d]);
  if (is_float(x.dtype())) {
    // The gradient ops: sum_to, repeat_grad, pad_grad, diff_grad.
    const Variable cost = sum(repeat(x, std::int64_t{2}, 1) * 0.5) +
                          sum(pad(x, {{1, 0}, {0, 0}, {2, 1}}, "reflect") * 3.0) + sum(diff(x, 1, 2) * diff(x, 1, 2)) +
                          sum(x * y1);
    g.add("gradient", grad(cost, x));
    g.add("gradient y1", grad(cost, y1));
  }
  return g;
}

struct Layout {
  const char* name;
  Shape shape;
  int kind;  // 0 contiguous, 1 transposed, 2 reversed along axis 1
};

Array laid_out(DType t, const Layout& l, int seed) {
  if (l.kind == 1) {
    const Shape s{l.shape[2], l.shape[1], l.shape[0]};
    return values(t, s, seed).transpose();
  }
  const Array a = values(t, l.shape, seed);
  return l.kind == 2 ? a.slice(1, l.shape[1] - 1, std::numeric_limits<std::int64_t>::min() / 2, -1) : a;
}

TEST(NativeKernels, EveryOpMatchesTheInterpreter) {
  const Layout layouts[] = {{"contiguous", {3, 4, 5}, 0}, {"transposed", {3, 4, 5}, 1},
                            {"reversed", {3, 4, 5}, 2},   {"size-1", {1, 4, 1}, 0},
                            {"empty", {3, 0, 2}, 0},      {"size-1 transposed", {2, 1, 3}, 1}};
  for (DType t : {float64, float32, int64, int32, int8, uint8, uint64, bool_}) {
    const Variable x = tensor3("x", t), idx = vector("idx", int64), y1 = vector("y1", t), s = scalar("s", t);
    const Graph g = every_op(x, idx, y1, s);
    const Function cpu = compile_on("cpu", {x, idx, y1, s}, g.outputs);
    const Function ref = compile_on("interp", {x, idx, y1, s}, g.outputs);
    for (const Layout& l : layouts) {
      // Indices within every axis, negative ones too (none for an empty array).
      std::vector<std::int64_t> iv = {0, -1, 0, 1};
      if (shape_size(l.shape) == 0) iv.clear();
      if (std::find(l.shape.begin(), l.shape.end(), 1) != l.shape.end()) iv = {0, -1, 0};
      const Array i = Array::from_vector(iv, {static_cast<std::int64_t>(iv.size())});
      const Array y = values(t, {l.shape[2]}, 3);
      const std::vector<Array> args{laid_out(t, l, 1), i, y, values(t, {}, 4)};
      expect_same_run(cpu, ref, args, g.names, std::string(dtype_name(t)) + " " + l.name);
    }
  }
}

// Each op alone on inputs its kernel rejects: the cpu function raises the
// interpreter's error, word for word.
TEST(NativeKernels, ErrorsAreTheInterpretersErrors) {
  const Variable x = matrix("x", float64), i = vector("i", int64), n = scalar("n", int64);
  const Variable y = matrix("y", float64), r = vector("r", int64);
  struct Case {
    const char* name;
    Variable out;
    std::vector<Variable> inputs;
    std::vector<Array> args;
  };
  const Array m = Array::from({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const Array bad = Array::from_vector(std::vector<std::int64_t>{0, 3}, {2});
  const std::vector<Case> cases = {
      {"take out of range", take(x, i, 1), {x, i}, {m, bad}},
      {"take negative out of range", take(x, i, 0), {x, i}, {m, Array::from_vector(std::vector<std::int64_t>{-3}, {1})}},
      {"inc1 out of range", advanced_inc_subtensor1(x, Operand(1.0), i, 1, false), {x, i}, {m, bad}},
      {"inc1 shapes", advanced_inc_subtensor1(x, y, i, 0, true), {x, y, i}, {m, m, Array::from_vector(std::vector<std::int64_t>{0}, {1})}},
      {"take_along_axis out of range", take_along_axis(x, reshape(i, {Operand(std::int64_t{1}), Operand(std::int64_t{2})}), 1), {x, i}, {m, bad}},
      {"inc_along_axis out of range", inc_along_axis(x, reshape(i, {Operand(std::int64_t{1}), Operand(std::int64_t{2})}), Operand(1.0), 1), {x, i}, {m, bad}},
      {"concatenate sizes", concatenate({x, y}, 0), {x, y}, {m, m.transpose()}},
      {"repeat negative", repeat(x, r, 1), {x, r}, {m, Array::from_vector(std::vector<std::int64_t>{1, -1, 1}, {3})}},
      {"repeat mismatch", repeat(x, r, 1), {x, r}, {m, Array::from_vector(std::vector<std::int64_t>{1, 1}, {2})}},
      {"topk too large", topk(x, 3, 0), {x}, {m}},
      {"alloc broadcast", alloc(x, {Operand(n), Operand(std::int64_t{3})}), {x, n}, {m.transpose(), Array::scalar<std::int64_t>(2)}},
      {"alloc negative", alloc(Operand(1.0), {Operand(n)}), {n}, {Array::scalar<std::int64_t>(-2)}},
      {"pad reflect empty", pad(x, {{0, 0}, {1, 1}}, "reflect"), {x}, {Array::zeros(float64, {2, 0})}},
      {"set_subtensor shapes", set_subtensor(index(x, {slice(none, none)}), y), {x, y}, {m, m.transpose()}},
      {"inc_subtensor shapes", inc_subtensor(index(x, {0}), i), {x, i}, {m, bad}},
      {"subtensor index", index(x, {n}), {x, n}, {m, Array::scalar<std::int64_t>(5)}},
  };
  for (const Case& c : cases) {
    const Function cpu = compile_on("cpu", c.inputs, {c.out});
    const Function ref = compile_on("interp", c.inputs, {c.out});
    std::string want;
    try {
      ref(c.args);
    } catch (const UserError& e) {
      want = e.what();
    }
    ASSERT_FALSE(want.empty()) << c.name << ": the interpreter raised nothing";
    EXPECT_NE(want.find("_test.cpp"), std::string::npos) << c.name << ": " << want;
    expect_same_run(cpu, ref, c.args, {c.name}, c.name);
  }
}

// linspace into every dtype, with and without the endpoint, steps that are zero,
// negative, or not representable.
TEST(NativeKernels, LinspaceMatchesTheInterpreter) {
  for (DType start_dtype : {float64, float32}) {
    const Variable a = scalar("a", start_dtype), b = scalar("b", start_dtype);
    Graph g;
    for (DType t : {float64, float32, int64, int8, uint8, bool_}) {
      for (std::int64_t num : {0, 1, 2, 7, 50}) {
        for (bool endpoint : {true, false}) {
          g.add(std::string(dtype_name(t)) + " num " + std::to_string(num) + (endpoint ? " endpoint" : ""),
                linspace(a, b, num, endpoint, t));
        }
      }
    }
    const Function cpu = compile_on("cpu", {a, b}, g.outputs);
    const Function ref = compile_on("interp", {a, b}, g.outputs);
    for (auto [x, y] : {std::pair{0.0, 1.0}, {2.5, -7.25}, {3.0, 3.0}, {-1e30, 1e30}, {0.1, 0.7}}) {
      const std::vector<Array> args{Array::scalar(x).astype(start_dtype), Array::scalar(y).astype(start_dtype)};
      expect_same_run(cpu, ref, args, g.names, "linspace " + std::to_string(x) + " " + std::to_string(y));
    }
  }
}

// one_hot over label dtypes (an out-of-range label raises the interpreter's error).
TEST(NativeKernels, OneHotMatchesTheInterpreter) {
  for (DType lt : {int64, int8, uint8, uint64}) {
    const Variable labels = tensor("labels", lt, {kUnknownDim, kUnknownDim}), n = scalar("n", int64);
    Graph g;
    for (DType t : {float64, float32, int32, bool_}) g.add(std::string(dtype_name(t)), one_hot(labels, n, t));
    const Function cpu = compile_on("cpu", {labels, n}, g.outputs);
    const Function ref = compile_on("interp", {labels, n}, g.outputs);
    const Array l = Array::from({{0, 2, 1}, {3, 3, 0}}).astype(lt);
    for (std::int64_t classes : {4, 3, 0}) {
      expect_same_run(cpu, ref, {l, Array::scalar<std::int64_t>(classes)}, g.names,
                      std::string(dtype_name(lt)) + " classes " + std::to_string(classes));
    }
    expect_same_run(cpu, ref, {l.transpose(), Array::scalar<std::int64_t>(5)}, g.names, "transposed labels");
    expect_same_run(cpu, ref, {Array::zeros(lt, {0, 3}), Array::scalar<std::int64_t>(2)}, g.names, "no labels");
  }
}

// FAST_RUN functions that use each loop op: after rewriting, no step of the cpu plan
// runs a reference kernel, except the documented list (reference_kept_ops).
TEST(NativeKernels, NoReferenceStepsInFastRun) {
  const Variable x = tensor3("x", float32), idx = vector("idx", int64), y1 = vector("y1", float32);
  const Variable s = scalar("s", float32);
  Graph g = every_op(x, idx, y1, s);
  const Variable m = matrix("m", float64), k = scalar("k", int64);
  std::vector<Variable> more = {diagonal(m), transpose(m), reshape(m, {Operand(std::int64_t{-1})}),
                                index(m, {slice(1, none), slice(none, none, 2)}),
                                eye(k), tri(k), arange(k), linspace(Operand(0.0), Operand(1.0), 5)};
  g.outputs.insert(g.outputs.end(), more.begin(), more.end());
  const Function f = function({x, idx, y1, s, m, k}, g.outputs);
  ASSERT_EQ(f.linker(), "cpu");
  const cpu::Executable plan(f.inputs(), f.compiled_outputs());
  const std::vector<std::string>& kept = cpu::reference_kept_ops();
  const OpRegistry& registry = OpRegistry::get();
  for (const std::string& op : plan.reference_ops()) {
    const Lowering::Kind kind = registry.op(op).lowering->kind;
    if (kind != Lowering::Kind::loop_nest && kind != Lowering::Kind::view) continue;  // not this table's ops
    EXPECT_TRUE(std::binary_search(kept.begin(), kept.end(), op)) << op << " runs by its reference kernel";
  }
  EXPECT_FALSE(plan.native_ops().empty());
}

// Every loop-nest op of the registry has a native kernel, or is on the documented
// list of those that keep their reference kernel; the list names only such ops.
TEST(NativeKernels, EveryLoopNestOpHasANativeKernel) {
  const std::vector<std::string>& kept = cpu::reference_kept_ops();
  ASSERT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  int native = 0;
  for (const OpDef* op : OpRegistry::get().all()) {
    if (!op->lowering || op->lowering->kind != Lowering::Kind::loop_nest) continue;
    const bool is_kept = std::binary_search(kept.begin(), kept.end(), op->name);
    const bool has = cpu::has_native_kernel(op->name);
    EXPECT_TRUE(has != is_kept) << op->name << (has ? ": native and kept both" : ": neither native nor kept");
    native += has ? 1 : 0;
  }
  // 28 of the 37 loop-nest ops today (tensordot became a library call; its native
  // kernel serves the dtypes BLAS does not take).
  EXPECT_GE(native, 28);
  for (const std::string& name : kept) {
    const OpDef* op = OpRegistry::get().find(name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_EQ(op->lowering->kind, Lowering::Kind::loop_nest) << name;
  }
}

// Views on cpu are views: the result shares the argument's buffer.
TEST(NativeKernels, ViewsDoNotCopy) {
  const Variable m = matrix("m", float64);
  const std::vector<Variable> outs = {diagonal(m), transpose(m), index(m, {slice(1, none), slice(none, none, -1)}),
                                      reshape(m, {Operand(std::int64_t{-1})}), flip(m, Axes(std::vector<std::int64_t>{0})),
                                      split(m, {Operand(std::int64_t{1}), Operand(std::int64_t{1})}, 0)[1]};
  const cpu::Executable plan({m}, outs);
  EXPECT_TRUE(plan.reference_ops().empty());
  const Array a = Array::from({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const std::vector<Array> got = plan.run({a});
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(got[i].shares_memory_with(a)) << "output " << i;
}

}  // namespace
}  // namespace hypatia
