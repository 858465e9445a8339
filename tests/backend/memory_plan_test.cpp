// The memory plan (lower/memory_plan.hpp) and how the cpu executor follows it: dead
// temporaries' buffers are reused, elementwise kernels write in place over a dead
// input, a steady-state call allocates only its outputs, and no array the caller sees
// is ever written or shared: arguments stay unchanged, outputs never alias each other,
// the arguments, or the outputs of earlier calls. One Executable is called from
// several threads at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "backend/cpu/executor.hpp"
#include "backend_test_util.hpp"
#include "hypatia/hypatia.hpp"
#include "lower/memory_plan.hpp"

namespace hypatia {
namespace {

using lower::plan_memory;
using lower::StepUse;

bool has(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Slots: 0 argument, 1 constant, 2..5 temporaries, 6 output.
//   step 0: arg -> 0        step 1: const -> 1
//   step 2: (0, 1) -> 2     step 3: (2) -> 3, 4 (4 never read)
//   step 4: (3, 0) -> 5     step 5: (5, 2) -> 6
std::vector<StepUse> sample_steps() {
  return {
      {{}, {0}, {}},
      {{}, {1}, {}},
      {{0, 1}, {2}, {{0, 0}, {0, 1}}},  // both inputs external: no in place
      {{2}, {3, 4}, {{0, 0}}},           // 2 is read again at step 5: no in place
      {{3, 0}, {5}, {{0, 1}, {0, 0}}},   // 0 external, 3 dies here: out0 <- in0
      {{5, 2}, {6}, {{0, 0}, {0, 1}}},   // both die here: the first pair wins
  };
}

TEST(PlanMemory, TemporariesDieAfterTheirLastUse) {
  const lower::MemoryPlan plan = plan_memory(sample_steps(), 7, {6}, {0, 1});
  ASSERT_EQ(plan.free_after.size(), 6u);
  EXPECT_TRUE(plan.free_after[0].empty()) << "an argument is never released";
  EXPECT_TRUE(plan.free_after[1].empty()) << "a constant is never released";
  EXPECT_EQ(plan.free_after[3], std::vector<int>{4}) << "a value nobody reads dies after its maker";
  EXPECT_EQ(plan.free_after[4], std::vector<int>{3});
  EXPECT_TRUE(has(plan.free_after[5], 5) && has(plan.free_after[5], 2));
  for (const auto& f : plan.free_after) EXPECT_FALSE(has(f, 6)) << "an output is never released";
  EXPECT_EQ(plan.temporaries, 4);
  EXPECT_TRUE(plan.kept[6] && plan.external[0] && plan.external[1] && !plan.kept[2] && !plan.external[2]);
}

TEST(PlanMemory, InPlaceOnlyOverATemporaryThatDiesThere) {
  const lower::MemoryPlan plan = plan_memory(sample_steps(), 7, {6}, {0, 1});
  EXPECT_TRUE(plan.in_place[2].empty()) << "arguments and constants are never written";
  EXPECT_TRUE(plan.in_place[3].empty()) << "an input read later is never written";
  ASSERT_EQ(plan.in_place[4].size(), 1u);
  EXPECT_EQ(plan.in_place[4][0].output, 0);
  EXPECT_EQ(plan.in_place[4][0].input, 0);
  ASSERT_EQ(plan.in_place[5].size(), 1u) << "one input per output";
  EXPECT_EQ(plan.in_place[5][0].input, 0);
}

TEST(PlanMemory, OutputAndArgumentInputsAreNeverWritten) {
  // step 0: arg -> 0; step 1: (0) -> 1 (an output); step 2: (1) -> 2 (an output).
  const std::vector<StepUse> steps = {{{}, {0}, {}}, {{0}, {1}, {{0, 0}}}, {{1}, {2}, {{0, 0}}}};
  const lower::MemoryPlan plan = plan_memory(steps, 3, {1, 2}, {0});
  EXPECT_TRUE(plan.in_place[1].empty());
  EXPECT_TRUE(plan.in_place[2].empty());
  for (const auto& f : plan.free_after) EXPECT_TRUE(f.empty());
}

Array ramp(const Shape& shape, double scale, double shift) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * std::sin(0.37 * static_cast<double>(i)) + shift;
  return Array::from_vector(v, shape);
}

// exp(x) summed over rows (a reduction kernel: a temporary), then elementwise kernels
// over the sums: out0 = log(a) * b + 1 over two dying temporaries; out1 = the column
// sums of cos(x) (an output of its own); plus a sort (a reference kernel) of a
// temporary, whose result a kernel reads and that dies there too.
struct Sample {
  Variable x = matrix("x", DType::float64);
  Variable y = matrix("y", DType::float64);
  std::vector<Variable> outputs;
  Sample() {
    const Variable a = sum(exp(x * 0.5), {1});
    const Variable b = sum(x * y, {1});
    const Variable s = sort(sum(sin(y), {0}));
    outputs = {log(a) * b + 1.0, sum(cos(x), {0}) * 2.0 - s, s};
  }
};

// The same values with plain loops.
std::vector<std::vector<double>> sample_expected(const Array& xa, const Array& ya) {
  const std::int64_t n = xa.shape()[0], m = xa.shape()[1];
  const std::vector<double> x = xa.copy().to_vector<double>(), y = ya.copy().to_vector<double>();
  std::vector<double> out0(static_cast<std::size_t>(n)), out1(static_cast<std::size_t>(m)), s(static_cast<std::size_t>(m));
  for (std::int64_t i = 0; i < n; ++i) {
    double a = 0, b = 0;
    for (std::int64_t j = 0; j < m; ++j) {
      const auto k = static_cast<std::size_t>(i * m + j);
      a += std::exp(x[k] * 0.5);
      b += x[k] * y[k];
    }
    out0[static_cast<std::size_t>(i)] = std::log(a) * b + 1.0;
  }
  for (std::int64_t j = 0; j < m; ++j) {
    double c = 0, t = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i * m + j);
      c += std::cos(x[k]);
      t += std::sin(y[k]);
    }
    out1[static_cast<std::size_t>(j)] = c * 2.0;
    s[static_cast<std::size_t>(j)] = t;
  }
  std::sort(s.begin(), s.end());
  for (std::size_t j = 0; j < s.size(); ++j) out1[j] -= s[j];
  return {out0, out1, s};
}

void expect_values(const std::vector<Array>& got, const std::vector<std::vector<double>>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t o = 0; o < got.size(); ++o) {
    const std::vector<double> g = got[o].to_vector<double>();
    ASSERT_EQ(g.size(), want[o].size()) << what << " output " << o;
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (std::isnan(want[o][i])) {
        EXPECT_TRUE(std::isnan(g[i])) << what << " output " << o << " element " << i;
      } else {
        EXPECT_NEAR(g[i], want[o][i], 1e-9 * (1 + std::abs(want[o][i]))) << what << " output " << o << " element " << i;
      }
    }
  }
}

TEST(CpuMemory, WritesInPlaceAndReusesBuffersInTheSteadyState) {
  const Sample g;
  const cpu::Executable exe({g.x, g.y}, g.outputs);
  EXPECT_FALSE(exe.in_place_plan().empty()) << "log(a) * b + 1 may overwrite a or b";
  const Array x = ramp({6, 5}, 1.5, 0.2), y = ramp({6, 5}, 0.7, -0.1);
  const auto want = sample_expected(x, y);
  expect_values(exe.run({x, y}), want, "first call");
  const auto first = exe.memory_stats();
  EXPECT_EQ(first.calls, 1);
  EXPECT_GE(first.in_place, 1);
  for (int i = 0; i < 3; ++i) expect_values(exe.run({x, y}), want, "call " + std::to_string(i + 2));
  const auto later = exe.memory_stats();
  // Each later call allocates its kernel-made outputs only (out0 may take a dead
  // temporary's buffer in place, which then leaves with the caller: one allocation
  // either way); the temporaries come from the pool.
  const std::int64_t per_call = (later.allocated - first.allocated) / 3;
  EXPECT_LE(per_call, 2) << "allocated " << later.allocated - first.allocated << " buffers in 3 calls";
  EXPECT_GE(later.reused - first.reused, 3);
}

TEST(CpuMemory, ShapesThatChangeBetweenCallsStillAgree) {
  const Sample g;
  const cpu::Executable exe({g.x, g.y}, g.outputs);
  for (const Shape& shape : std::vector<Shape>{{6, 5}, {40, 3}, {1, 1}, {2, 9}, {0, 4}, {64, 64}, {3, 0}, {6, 5}}) {
    const Array x = ramp(shape, 1.1, 0.3), y = ramp(shape, 0.4, 0.0);
    expect_values(exe.run({x, y}), sample_expected(x, y), "shape " + shape_str(shape));
  }
}

TEST(CpuMemory, CallerArraysAreNeverTouchedOrShared) {
  // Outputs that are arguments, constants, views of them, and values that kernels
  // could overwrite: nothing the caller holds may change or be shared.
  const Variable x = vector("x", DType::float64), y = vector("y", DType::float64);
  const Array c = Array::from_vector(std::vector<double>{1, 2, 3, 4});
  const Variable k = constant(c);
  const Variable t = sum(exp(reshape(x, {2, 2})), {1});  // a temporary
  const Variable u = t * 3.0;                              // may overwrite t (it dies)
  const std::vector<Variable> outputs = {x, k, x * 2.0, u, u + t * 0.0, y + k, reshape(y, {2, 2}), sort(x) + 1.0};
  const Function f = testing::compile_on("cpu", {x, y}, outputs);
  ASSERT_EQ(f.linker(), "cpu");
  const Array xa = Array::from_vector(std::vector<double>{0.5, -1, 2, 0.25});
  const Array ya = Array::from_vector(std::vector<double>{3, 1, -2, 7});
  const Array x0 = xa.copy(), y0 = ya.copy(), c0 = c.copy();
  std::vector<std::vector<Array>> all;
  for (int call = 0; call < 3; ++call) {
    std::vector<Array> r = f({xa, ya});
    ASSERT_EQ(r.size(), outputs.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      EXPECT_NE(r[i].buffer(), xa.buffer()) << "output " << i;
      EXPECT_NE(r[i].buffer(), ya.buffer()) << "output " << i;
      EXPECT_NE(r[i].buffer(), c.buffer()) << "output " << i;
      for (std::size_t j = 0; j < i; ++j) EXPECT_NE(r[i].buffer(), r[j].buffer()) << "outputs " << j << ", " << i;
      for (const auto& earlier : all) {
        for (const Array& e : earlier) EXPECT_NE(r[i].buffer(), e.buffer()) << "an output of an earlier call";
      }
    }
    all.push_back(std::move(r));
  }
  testing::expect_same(xa, x0, "argument x");
  testing::expect_same(ya, y0, "argument y");
  testing::expect_same(c, c0, "the constant");
  // Earlier calls' outputs are unchanged by later calls.
  const Function ref = testing::compile_on("interp", {x, y}, outputs);
  const std::vector<Array> want = ref({x0, y0});
  for (const auto& r : all) {
    for (std::size_t i = 0; i < r.size(); ++i) testing::expect_same(r[i], want[i], "output " + std::to_string(i));
  }
}

TEST(CpuMemory, OneFunctionCalledFromFourThreadsAtOnce) {
  const Sample g;
  const Function f = testing::compile_on("cpu", {g.x, g.y}, g.outputs);
  ASSERT_EQ(f.linker(), "cpu");
  constexpr int kThreads = 4, kCalls = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread its own shapes and values, so that a shared buffer would show.
      const Shape shape = {3 + t, 4 + 2 * t};
      const Array x = ramp(shape, 1.0 + t, 0.1 * t), y = ramp(shape, 0.5, -0.2 * t);
      const auto want = sample_expected(x, y);
      for (int i = 0; i < kCalls; ++i) {
        const std::vector<Array> got = f({x, y});
        for (std::size_t o = 0; o < got.size(); ++o) {
          const std::vector<double> v = got[o].to_vector<double>();
          bool same = v.size() == want[o].size();
          for (std::size_t e = 0; same && e < v.size(); ++e) same = std::abs(v[e] - want[o][e]) <= 1e-9 * (1 + std::abs(want[o][e]));
          if (!same) failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace hypatia
