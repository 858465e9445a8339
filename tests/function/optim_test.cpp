// The optimizers of hypatia/optim.hpp on a convex quadratic, cost = 0.5 sum(a (p - c)^2)
// (gradient a (p - c)), against their closed-form steps computed here in plain doubles
// for three steps; state kept in shared variables; dtypes; the error messages.
#include "hypatia/optim.hpp"

#include <cmath>
#include <functional>
#include <vector>

#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::expect_array;
using testing::expect_error;

const std::vector<double> kA = {1.0, 4.0, 0.5};
const std::vector<double> kC = {0.5, -1.0, 2.0};
const std::vector<double> kP0 = {1.0, 1.0, -1.0};

struct Quadratic {
  SharedVariable p = shared(Array::from_vector(kP0), "p");
  Variable cost = 0.5 * sum(Array::from_vector(kA) * sqr(p - Array::from_vector(kC)));
};

std::vector<double> gradient_at(const std::vector<double>& p) {
  std::vector<double> g(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) g[i] = kA[i] * (p[i] - kC[i]);
  return g;
}

// Runs `updates` three times and compares p after each step with `reference`, which
// advances its own state by one step of the closed form.
void expect_steps(const Quadratic& q, const Updates& updates, const std::function<void(std::vector<double>&)>& step) {
  Function f = function({}, {q.cost}, FunctionOptions{updates});
  std::vector<double> p = kP0;
  for (int k = 1; k <= 3; ++k) {
    SCOPED_TRACE(k);
    f({});
    step(p);
    expect_array(q.p.get_value(), DType::float64, {3}, p, 1e-13, 1e-15);
  }
}

TEST(Optim, SgdByHandAndClosedForm) {
  Quadratic q;
  Function f = function({}, {q.cost}, FunctionOptions{optim::sgd({q.p}, q.cost, {.learning_rate = 0.1})});
  f({});
  // g = a (p - c) = [0.5, 8, -1.5]: p - 0.1 g
  expect_array(q.p.get_value(), DType::float64, {3}, {0.95, 0.2, -0.85}, 1e-15);
  Quadratic r;
  expect_steps(r, optim::sgd({r.p}, r.cost, {.learning_rate = 0.1}), [](std::vector<double>& p) {
    const auto g = gradient_at(p);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] -= 0.1 * g[i];
  });
}

TEST(Optim, MomentumAndNesterov) {
  for (bool look_ahead : {false, true}) {
    SCOPED_TRACE(look_ahead);
    Quadratic q;
    const optim::Momentum hyper{.learning_rate = 0.05, .momentum = 0.8};
    const Updates u = look_ahead ? optim::nesterov({q.p}, q.cost, hyper) : optim::momentum({q.p}, q.cost, hyper);
    ASSERT_EQ(u.size(), 2u);  // velocity, parameter
    EXPECT_EQ(u[0].first.name(), "p.velocity");
    std::vector<double> v(3, 0.0);
    expect_steps(q, u, [&](std::vector<double>& p) {
      const auto g = gradient_at(p);
      for (std::size_t i = 0; i < p.size(); ++i) {
        v[i] = 0.8 * v[i] - 0.05 * g[i];
        p[i] += look_ahead ? 0.8 * v[i] - 0.05 * g[i] : v[i];
      }
    });
  }
}

TEST(Optim, Adam) {
  Quadratic q;
  std::vector<double> m(3, 0.0), v(3, 0.0);
  int t = 0;
  expect_steps(q, optim::adam({q.p}, q.cost, {.learning_rate = 0.1}), [&](std::vector<double>& p) {
    const auto g = gradient_at(p);
    ++t;
    const double a = 0.1 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (std::size_t i = 0; i < p.size(); ++i) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      p[i] -= a * m[i] / (std::sqrt(v[i]) + 1e-8);
    }
  });
}

TEST(Optim, AdamFirstStepIsLearningRateTimesSign) {
  // With zero state, m1 / sqrt(v1) = g / |g|: every coordinate moves by lr.
  Quadratic q;
  function({}, {q.cost}, FunctionOptions{optim::adam({q.p}, q.cost, {.learning_rate = 0.1})})({});
  expect_array(q.p.get_value(), DType::float64, {3}, {0.9, 0.9, -0.9}, 1e-7);
}

TEST(Optim, RmspropAndAdadelta) {
  {
    Quadratic q;
    std::vector<double> acc(3, 0.0);
    expect_steps(q, optim::rmsprop({q.p}, q.cost, {.learning_rate = 0.01, .rho = 0.9, .epsilon = 1e-6}),
                 [&](std::vector<double>& p) {
                   const auto g = gradient_at(p);
                   for (std::size_t i = 0; i < p.size(); ++i) {
                     acc[i] = 0.9 * acc[i] + 0.1 * g[i] * g[i];
                     p[i] -= 0.01 * g[i] / std::sqrt(acc[i] + 1e-6);
                   }
                 });
  }
  {
    Quadratic q;
    std::vector<double> acc(3, 0.0), acc_delta(3, 0.0);
    expect_steps(q, optim::adadelta({q.p}, q.cost, {.learning_rate = 1.0, .rho = 0.95, .epsilon = 1e-6}),
                 [&](std::vector<double>& p) {
                   const auto g = gradient_at(p);
                   for (std::size_t i = 0; i < p.size(); ++i) {
                     acc[i] = 0.95 * acc[i] + 0.05 * g[i] * g[i];
                     const double d = g[i] * std::sqrt(acc_delta[i] + 1e-6) / std::sqrt(acc[i] + 1e-6);
                     p[i] -= d;
                     acc_delta[i] = 0.95 * acc_delta[i] + 0.05 * d * d;
                   }
                 });
  }
}

TEST(Optim, GradientsListSymbolicRateAndFloat32) {
  // Gradients given as a list; the learning rate a shared variable changed between calls.
  Quadratic q;
  const SharedVariable lr = shared(Array::scalar(0.1), "lr");
  const Variable g = grad(q.cost, q.p);
  Function f = function({}, {q.cost}, FunctionOptions{optim::sgd({q.p}, {g}, {.learning_rate = lr})});
  f({});
  lr.set_value(Array::scalar(0.0));
  f({});
  expect_array(q.p.get_value(), DType::float64, {3}, {0.95, 0.2, -0.85}, 1e-15);
  // A float32 parameter stays float32 under a float64 rate, with every optimizer.
  const SharedVariable w = shared(Array::from({1.0f, -2.0f}), "w");
  const Variable cost = sum(sqr(w));
  for (const Updates& u :
       {optim::sgd({w}, cost, {.learning_rate = lr}), optim::momentum({w}, cost), optim::nesterov({w}, cost),
        optim::adam({w}, cost, {.learning_rate = lr}), optim::rmsprop({w}, cost), optim::adadelta({w}, cost)}) {
    for (const auto& [s, e] : u) EXPECT_EQ(e.dtype(), s.dtype()) << s.name();
  }
  lr.set_value(Array::scalar(0.25));
  function({}, {cost}, FunctionOptions{optim::sgd({w}, cost, {.learning_rate = lr})})({});
  expect_array(w.get_value(), DType::float32, {2}, {0.5, -1.0});  // w - 0.25 * 2w
}

TEST(Optim, Errors) {
  Quadratic q;
  expect_error<ValueError>([&] { optim::sgd({q.p}, std::vector<Variable>{}); },
                           {"optim::sgd", "1 parameters but 0 gradients", "_test.cpp"});
  expect_error<TypeError>([&] { optim::adam({q.p}, q.p * 2.0); }, {"optim::adam", "float scalar", "1-d"});
  const SharedVariable n = shared(Array::from<std::int64_t>({1, 2}), "n");
  expect_error<TypeError>([&] { optim::momentum({n}, {n * 2}); }, {"optim::momentum", "'n'", "int64", "float"});
  expect_error<TypeError>([&] { optim::rmsprop({q.p}, {sum(q.p)}); }, {"optim::rmsprop", "rank 0", "parameter 1"});
}

}  // namespace
}  // namespace hypatia
