// sum_to of a gradient that already has the target shape returns the gradient itself
// (a view, Aliasing::view_of_input0) on both backends: no copy inside the function,
// yet the caller never sees two results sharing memory or a result sharing an
// argument's, and an in-place kernel never overwrites a value a view still needs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "backend/cpu/executor.hpp"
#include "backend/interp/interp.hpp"
#include "backend/step_observer.hpp"
#include "backend_test_util.hpp"
#include "grad/grad_util.hpp"
#include "hypatia/hypatia.hpp"
#include "ops/op_util.hpp"

namespace hypatia {
namespace {

using testing::compile_on;

bool shares(const Array& a, const Array& b) { return a.buffer().get() == b.buffer().get(); }

Variable sum_to_shape_of(const Variable& g, const Variable& like) {
  const SourceLocation here = SourceLocation::current();
  return detail::sum_to(g, detail::symbolic_shape(like, here), here);
}

// Counts the sum_to steps and those whose output shares its input's buffer.
struct SumToWatcher : StepObserver {
  int steps = 0, views = 0;
  void after(const StepView& step, const std::vector<Array>& inputs, const std::vector<Array>& outputs) override {
    if (step.nodes.size() != 1 || step.nodes.front()->op().name != "sum_to") return;
    ++steps;
    if (shares(outputs.at(0), inputs.at(0))) ++views;
  }
};

// (rows x cols) with -0.0, NaN, inf and ordinary values.
Array sample(DType t, std::int64_t rows, std::int64_t cols) {
  std::vector<double> v;
  const double specials[] = {-0.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                             0.0, -3.5};
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    v.push_back(i < 5 ? specials[i] : 0.25 * static_cast<double>((i * 7) % 11) - 1.0);
  }
  return Array::from_vector(v, {rows, cols}).astype(t);
}

void expect_values(const Array& got, const std::vector<double>& want, const std::string& what) {
  const std::vector<double> g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size()) << what;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(g[i])) << what << " element " << i;
    } else {
      EXPECT_EQ(g[i], want[i]) << what << " element " << i;
      EXPECT_EQ(std::signbit(g[i]), std::signbit(want[i])) << what << " element " << i << " (sign of zero)";
    }
  }
}

// Sets every element of a 2-d float array (any strides) to v.
void fill(const Array& a, double v) {
  for (std::int64_t i = 0; i < a.shape(0); ++i) {
    for (std::int64_t j = 0; j < a.shape(1); ++j) {
      std::byte* p = a.data() + i * a.strides()[0] + j * a.strides()[1];
      if (a.dtype() == DType::float32) {
        *reinterpret_cast<float*>(p) = static_cast<float>(v);
      } else {
        *reinterpret_cast<double*>(p) = v;
      }
    }
  }
}

std::vector<double> times(const Array& x, double k) {
  std::vector<double> v = x.to_vector<double>();
  for (double& e : v) e *= k;
  return v;
}

TEST(SumToView, SameShapeIsItsInputOnBothBackends) {
  for (DType t : {DType::float32, DType::float64}) {
    const Variable x = matrix("x", t);
    const Variable g = x * 2.0;  // a temporary of the call
    const Variable s = sum_to_shape_of(g, x);
    const Variable r = sum_to_shape_of(x, x);  // the argument itself
    const Variable out = s + r;
    for (const Array& xv : {sample(t, 3, 4), sample(t, 4, 3).transpose()}) {
      const std::string what = std::string(dtype_name(t)) + (xv.is_contiguous() ? "" : " transposed");
      std::vector<double> want = times(xv, 2.0);
      const std::vector<double> xs = xv.to_vector<double>();
      for (std::size_t i = 0; i < want.size(); ++i) want[i] += xs[i];

      SumToWatcher interp_seen;
      const std::vector<Array> ri = interp::run(interp::make_plan({x}, {out}), {xv}, &interp_seen);
      EXPECT_EQ(interp_seen.steps, 2) << what;
      EXPECT_EQ(interp_seen.views, 2) << what << ": the interpreter's sum_to copied";
      expect_values(ri[0], want, what + " interp");

      if (!cpu::compiler_available({})) continue;
      const cpu::Executable exe({x}, {out});
      SumToWatcher cpu_seen;
      const std::vector<Array> rc = exe.run({xv}, &cpu_seen);
      EXPECT_EQ(cpu_seen.steps, 2) << what;
      EXPECT_EQ(cpu_seen.views, 2) << what << ": the cpu backend's sum_to copied";
      expect_values(rc[0], want, what + " cpu");
    }
  }
}

// A different shape still sums (the view is only for the same shape).
TEST(SumToView, OtherShapesStillSum) {
  const Variable x = matrix("x", DType::float64), b = matrix("b", DType::float64);
  const Variable s = sum_to_shape_of(x, b);
  const Array xv = sample(DType::float64, 3, 4);
  std::vector<double> want(4, 0.0);
  const std::vector<double> xs = xv.to_vector<double>();
  for (std::size_t i = 0; i < xs.size(); ++i) want[i % 4] += xs[i];
  for (const char* linker : {"interp", "cpu"}) {
    const Array got = compile_on(linker, {x, b}, {s})({xv, Array::zeros(DType::float64, {1, 4})})[0];
    ASSERT_EQ(got.shape(), (Shape{1, 4})) << linker;
    expect_values(got, want, linker);
  }
}

// A function returning the gradient and the pre-sum_to value, and an argument that
// flows straight into sum_to: every result is the caller's own.
TEST(SumToView, ResultsShareNoMemory) {
  const Variable x = matrix("x", DType::float32);
  const Variable g = x * 2.0;  // exact, so the values compare bit for bit
  const Variable s = sum_to_shape_of(g, x);
  const Variable a = sum_to_shape_of(x, x);
  for (const char* linker : {"interp", "cpu"}) {
    const Function f = compile_on(linker, {x}, {g, s, a, s});
    for (const Array& xv : {sample(DType::float32, 2, 5), sample(DType::float32, 5, 2).transpose()}) {
      const std::string what = std::string(linker) + (xv.is_contiguous() ? "" : " transposed");
      const Array before = xv.copy();
      const std::vector<Array> r = f({xv});
      ASSERT_EQ(r.size(), 4u);
      for (std::size_t i = 0; i < r.size(); ++i) {
        EXPECT_FALSE(shares(r[i], xv)) << what << ": result " << i << " shares the argument's memory";
        for (std::size_t j = 0; j < i; ++j) {
          EXPECT_FALSE(shares(r[i], r[j])) << what << ": results " << j << " and " << i << " share memory";
        }
      }
      const std::vector<double> want = times(xv, 2.0);
      expect_values(r[0], want, what + " g");
      expect_values(r[1], want, what + " s");
      expect_values(r[3], want, what + " s again");
      expect_values(r[2], xv.to_vector<double>(), what + " a");
      // Writing into one result changes no other and not the argument.
      fill(r[1], 7.0);
      fill(r[2], 8.0);
      expect_values(r[0], want, what + " g after writes");
      expect_values(r[3], want, what + " s again after writes");
      testing::expect_identical(xv, before, what + " argument after writes");
    }
  }
}

// A shared variable's value flowing into sum_to: the result is not its storage.
TEST(SumToView, ResultIsNotASharedVariablesValue) {
  const SharedVariable w = shared(sample(DType::float64, 2, 3), "w");
  for (const char* linker : {"interp", "cpu"}) {
    Mode m = Mode::without_rewrites();
    m.linker = linker;
    const Function f = function({}, {sum_to_shape_of(w, w)}, m);
    const Array r = f({})[0];
    EXPECT_FALSE(shares(r, w.get_value(/*borrow=*/true))) << linker;
    fill(r, 1.0);
    expect_values(w.get_value(), sample(DType::float64, 2, 3).to_vector<double>(), linker);
  }
}

// The view and the value it views, each still needed while a later elementwise kernel
// is planned to write in place over the other: the run-time check (the buffer's use
// count) must refuse, or the later read sees the overwritten values.
TEST(SumToView, InPlaceWritesNeverClobberALiveView) {
  const Variable x = matrix("x", DType::float64), w = matrix("w", DType::float64);
  const Variable t = dot(x, w);            // a library call's temporary
  const Variable s = sum_to_shape_of(t, t);  // a view of it
  // t dies at exp(t) (planned in place) while s is read after it, and the other way.
  const Variable view_outlives = dot(exp(t) + 1.0, w) + dot(s, w);
  const Variable base_outlives = dot(exp(s) + 1.0, w) + dot(t, w);
  std::vector<double> xs = sample(DType::float64, 3, 3).to_vector<double>();
  for (double& e : xs) e = std::isfinite(e) ? e : 0.5;  // finite, so the check sees every value
  const Array xf = Array::from_vector(xs, {3, 3});
  const Array wv = Array::from_vector<double>({0.5, -1.0, 0.25, 2.0, 0.0, -0.5, 1.0, 1.5, -2.0}, {3, 3});
  // Independent reference: plain loops.
  auto mm = [](const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> c(9, 0.0);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k) c[static_cast<std::size_t>(i * 3 + j)] += a[static_cast<std::size_t>(i * 3 + k)] * b[static_cast<std::size_t>(k * 3 + j)];
    return c;
  };
  const std::vector<double> ws = wv.to_vector<double>();
  const std::vector<double> tv = mm(xs, ws);
  std::vector<double> e1 = tv;
  for (double& e : e1) e = std::exp(e) + 1.0;
  const std::vector<double> p = mm(e1, ws), q = mm(tv, ws);
  for (const char* linker : {"interp", "cpu"}) {
    const Function f = compile_on(linker, {x, w}, {view_outlives, base_outlives});
    for (int call = 0; call < 2; ++call) {  // the second call runs on pooled buffers
      const std::vector<Array> r = f({xf, wv});
      const std::vector<double> a = r[0].to_vector<double>(), b = r[1].to_vector<double>();
      for (std::size_t i = 0; i < 9; ++i) {
        EXPECT_NEAR(a[i], p[i] + q[i], 1e-12 * (1 + std::abs(p[i] + q[i]))) << linker << " view outlives, " << i;
        EXPECT_NEAR(b[i], p[i] + q[i], 1e-12 * (1 + std::abs(p[i] + q[i]))) << linker << " base outlives, " << i;
      }
    }
  }
  if (!cpu::compiler_available({})) return;
  // The plan does pair exp's output with its input (so the run-time check is what held).
  const cpu::Executable exe({x, w}, {view_outlives});
  EXPECT_FALSE(exe.in_place_plan().empty());
}

// The W4 pattern: a bias add's gradient with respect to the product, whose shape the
// symbolic shapes cannot prove equal (the bias may be longer), so sum_to decides at run
// time. Both backends agree, sum_to copies nothing, and DebugMode (which checks
// declared views) passes.
TEST(SumToView, BiasGradientsOnBothBackendsAndDebugMode) {
  const Variable x = matrix("x", DType::float64), w = matrix("w", DType::float64), b = vector("b", DType::float64);
  const Variable cost = sum(tanh(dot(x, w) + b) * 0.5);
  const std::vector<Variable> gs = grad(cost, {w, b});
  const Array xv = Array::from_vector<double>({0.5, -1.0, 0.25, 2.0, 0.0, -0.5}, {2, 3});
  const Array w3 = Array::from_vector<double>({1.0, -0.5, 0.25, 0.75, -1.5, 0.5, 2.0, 0.125, 0.0, -0.25, 1.25, -2.0}, {3, 4});
  const Array bv = Array::from_vector<double>({0.1, -0.2, 0.3, 0.0}, {4});
  const std::vector<Array> args{xv, w3, bv};
  // Independent reference: d cost / d(xw + b) = 0.5 (1 - tanh^2).
  std::vector<double> d(8);
  const std::vector<double> xs = xv.to_vector<double>(), ws = w3.to_vector<double>(), bs = bv.to_vector<double>();
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      double z = bs[static_cast<std::size_t>(j)];
      for (int k = 0; k < 3; ++k) z += xs[static_cast<std::size_t>(i * 3 + k)] * ws[static_cast<std::size_t>(k * 4 + j)];
      const double th = std::tanh(z);
      d[static_cast<std::size_t>(i * 4 + j)] = 0.5 * (1 - th * th);
    }
  }
  std::vector<double> gw(12, 0.0), gb(4, 0.0);
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 2; ++i) gw[static_cast<std::size_t>(k * 4 + j)] += xs[static_cast<std::size_t>(i * 3 + k)] * d[static_cast<std::size_t>(i * 4 + j)];
  for (int j = 0; j < 4; ++j) gb[static_cast<std::size_t>(j)] = d[static_cast<std::size_t>(j)] + d[static_cast<std::size_t>(4 + j)];
  for (const char* linker : {"interp", "cpu"}) {
    for (const Mode& base : {Mode::fast_run(), Mode::debug()}) {
      Mode m = base;
      m.linker = linker;
      const Function f = function({x, w, b}, gs, m);
      EXPECT_NE(f.graph_text().find("sum_to"), std::string::npos) << "the run-time sum_to this test is about";
      const std::vector<Array> r = f(args);
      const std::vector<double> rw = r[0].to_vector<double>(), rb = r[1].to_vector<double>();
      for (std::size_t i = 0; i < gw.size(); ++i) EXPECT_NEAR(rw[i], gw[i], 1e-12) << linker << " " << m.name;
      for (std::size_t i = 0; i < gb.size(); ++i) EXPECT_NEAR(rb[i], gb[i], 1e-12) << linker << " " << m.name;
    }
  }
  if (!cpu::compiler_available({})) return;
  Mode m = Mode::fast_run();
  const cpu::Executable exe({x, w, b}, function({x, w, b}, gs, m).compiled_outputs());
  SumToWatcher seen;
  exe.run(args, &seen);
  EXPECT_GE(seen.steps, 1);
  EXPECT_EQ(seen.views, seen.steps) << "a same-shape sum_to copied";
}

}  // namespace
}  // namespace hypatia
