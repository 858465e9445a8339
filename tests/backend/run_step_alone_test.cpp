// cpu::Executable::run_step_alone (DebugMode's re-run of one compiled step): each step
// of a call, run again alone on the inputs it read, gives the outputs it gave, also on
// non-contiguous copies of them; the inputs are never written (no in-place write, even
// where the memory plan writes in place in a call), the outputs are new buffers (but
// a view op's), and
// the function's own calls and counts are untouched.
#include <gtest/gtest.h>

#include <cstring>

#include "backend/cpu/executor.hpp"
#include "runtime/cast.hpp"
#include "backend_test_util.hpp"
#include "graph/op.hpp"
#include "hypatia/hypatia.hpp"

namespace hypatia {
namespace {

// Each step a call took: its index, kind, and copies of the values it read and wrote.
struct StepRecorder : StepObserver {
  struct Seen {
    int index = 0;
    std::string kind;
    std::vector<Array> inputs, outputs;
    bool view = false;  // an op that may return a view of its input (transpose)
  };
  std::vector<Seen> seen;
  std::vector<Array> before_inputs;
  void before(const StepView&, const std::vector<Array>& inputs) override {
    before_inputs.clear();
    for (const Array& a : inputs) before_inputs.push_back(a.copy());  // an in-place step may overwrite them
  }
  void after(const StepView& step, const std::vector<Array>&, const std::vector<Array>& outputs) override {
    Seen s{step.index, std::string(step.kind), before_inputs, {}, false};
    for (const auto& n : step.nodes) s.view = s.view || (n->op().aliasing && !n->op().aliasing->views.empty());
    for (const Array& a : outputs) s.outputs.push_back(a.copy());
    seen.push_back(std::move(s));
  }
};

Array ramp(const Shape& shape, double scale, double shift) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = scale * std::sin(0.37 * static_cast<double>(i)) + shift;
  return Array::from_vector(v, shape);
}

// The same values every other element of a buffer twice as long, rows reversed.
Array strided(const Array& a) {
  if (a.ndim() == 0 || a.size() == 0) return a.copy();
  Shape wide = a.shape();
  wide.back() *= 2;
  const std::int64_t n = a.shape(0);
  Array out = Array::empty(a.dtype(), wide).slice(a.ndim() - 1, 0, wide.back(), 2).slice(0, n - 1, -n - 1, -1);
  detail::copy_elements(a, out);
  return out;
}

bool same_bytes(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  const Array x = a.copy(), y = b.copy();
  return std::memcmp(x.data(), y.data(), x.nbytes()) == 0;
}

TEST(RunStepAlone, EveryStepAgainGivesItsOutputsAndTouchesNothing) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler";
  // Reduction kernels whose dying results an elementwise kernel may overwrite in place
  // (log(a) * b + 1), a library call (dot), a native kernel (take) and a sort.
  const Variable x = matrix("x", DType::float64), y = matrix("y", DType::float64);
  const Variable i = vector("i", DType::int64);
  const Variable a = sum(exp(x * 0.5), {1});
  const Variable b = sum(x * y, {1});
  const Variable out0 = log(a) * b + 1.0;
  const Variable out1 = take(dot(x, transpose(y)), i, 0);
  const Variable out2 = sort(sum(sin(y), {0}));
  const cpu::Executable exe({x, y, i}, {out0, out1, out2});
  ASSERT_FALSE(exe.in_place_plan().empty());
  const Array xv = ramp({6, 5}, 1.5, 0.2), yv = ramp({6, 5}, 0.7, -0.1);
  const Array iv = Array::from_vector(std::vector<std::int64_t>{4, 0, 2});
  exe.run({xv, yv, iv});
  ASSERT_GE(exe.memory_stats().in_place, 1) << "a call writes in place: the re-runs must not";
  StepRecorder rec;
  exe.run({xv, yv, iv}, &rec);
  const auto stats = exe.memory_stats();
  std::vector<std::string> kinds;
  for (const auto& s : rec.seen) kinds.push_back(s.kind);
  for (const char* kind : {"kernel", "library", "native"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << kind;
  }
  for (const auto& s : rec.seen) {
    SCOPED_TRACE("step " + std::to_string(s.index) + " (" + s.kind + ")");
    for (bool non_contiguous : {false, true}) {
      std::vector<Array> inputs, kept;
      for (const Array& in : s.inputs) {
        inputs.push_back(non_contiguous ? strided(in) : in.copy());
        kept.push_back(in.copy());
      }
      const std::vector<Array> got = exe.run_step_alone(s.index, inputs);
      ASSERT_EQ(got.size(), s.outputs.size());
      for (std::size_t j = 0; j < got.size(); ++j) {
        testing::expect_same(got[j], s.outputs[j], "output " + std::to_string(j));
        if (s.view) continue;
        for (const Array& in : inputs) EXPECT_FALSE(got[j].buffer() == in.buffer()) << "output " << j << " is an input";
      }
      for (std::size_t k = 0; k < inputs.size(); ++k) EXPECT_TRUE(same_bytes(inputs[k], kept[k])) << "input " << k;
    }
  }
  // The function's own state: no call counted, its next call still right.
  const auto after = exe.memory_stats();
  EXPECT_EQ(after.calls, stats.calls);
  EXPECT_EQ(after.allocated, stats.allocated);
  EXPECT_EQ(after.reused, stats.reused);
  EXPECT_EQ(after.in_place, stats.in_place);
  StepRecorder again;
  const auto out = exe.run({xv, yv, iv}, &again);
  ASSERT_EQ(again.seen.size(), rec.seen.size());
  for (std::size_t s = 0; s < again.seen.size(); ++s) {
    for (std::size_t j = 0; j < again.seen[s].outputs.size(); ++j) {
      testing::expect_same(again.seen[s].outputs[j], rec.seen[s].outputs[j], "call 2, output " + std::to_string(j));
    }
  }
}

TEST(RunStepAlone, ABadIndexOrInputCountIsAnInternalError) {
  if (!cpu::compiler_available({})) GTEST_SKIP() << "no C++ compiler";
  const Variable x = vector("x", DType::float64);
  const cpu::Executable exe({x}, {exp(x) + 1.0});
  StepRecorder rec;
  exe.run({Array::from_vector<double>({1.0, 2.0})}, &rec);
  ASSERT_EQ(rec.seen.size(), 1u);
  const int k = rec.seen[0].index;
  EXPECT_THROW(exe.run_step_alone(-1, {}), InternalError);
  EXPECT_THROW(exe.run_step_alone(1000, {}), InternalError);
  EXPECT_THROW(exe.run_step_alone(k, {}), InternalError);
  const auto got = exe.run_step_alone(k, {Array::from_vector<double>({0.0})});
  EXPECT_DOUBLE_EQ(got.at(0).to_vector<double>().at(0), 2.0);
}

}  // namespace
}  // namespace hypatia
