// Random ops: reproducibility, statistics against exact distributions (means,
// variances, Kolmogorov-Smirnov statistics computed here against the exact CDF),
// ranges, and errors. Seeds are fixed, so every statistic is deterministic; the
// bounds are loose enough (about 4 standard errors, KS at the 0.1% level) that a
// correct sampler passes for any seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>

#include "hypatia/ops/random.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

using testing::eval;
using testing::expect_error;

Variable state_input() { return tensor("state", DType::uint64, {2}); }

// Runs a draw made from a state input; returns (new state, sample).
std::vector<Array> run(const std::function<RandomDraw(const Variable&)>& make, std::uint64_t key,
                       std::uint64_t counter = 0) {
  const Variable s = state_input();
  const RandomDraw d = make(s);
  return eval({s}, {d.state, d.sample}, {random_state(key, counter)});
}

std::vector<double> values(const Array& a) { return a.to_vector<double>(); }

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
double var_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}

// The Kolmogorov-Smirnov statistic sup |F_n(x) - F(x)|.
double ks_statistic(std::vector<double> v, const std::function<double(double)>& cdf) {
  std::sort(v.begin(), v.end());
  const auto n = static_cast<double>(v.size());
  double d = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double f = cdf(v[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}
// The KS critical value at the 0.1% level for n samples (asymptotic, 1.95 / sqrt(n)).
double ks_bound(std::size_t n) { return 1.95 / std::sqrt(static_cast<double>(n)); }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

constexpr std::int64_t kN = 4000;

// ---- reproducibility and the stream layout

TEST(RandomOps, SameStateSameDrawsAndTheCounterAdvances) {
  auto make = [](const Variable& s) { return random_normal(s, {kN}); };
  const auto a = run(make, 42);
  const auto b = run(make, 42);
  EXPECT_EQ(a[1].to_vector<double>(), b[1].to_vector<double>());
  testing::expect_exact<std::uint64_t>(a[0], {2}, {42, kN});
  const auto c = run(make, 43);
  EXPECT_NE(a[1].to_vector<double>(), c[1].to_vector<double>());
  // Drawing again from the new state gives new numbers.
  const auto d = run(make, 42, kN);
  EXPECT_NE(a[1].to_vector<double>(), d[1].to_vector<double>());
}

// Element i depends on (key, counter + i) only: a small draw is the start of a larger
// one, and a draw from counter + 3 is the larger one shifted by 3 (any split of the
// elements across threads or devices gives the same numbers).
TEST(RandomOps, ElementsDependOnlyOnTheirIndex) {
  for (const char* op : {"uniform", "normal", "truncated_normal", "binomial", "integers"}) {
    SCOPED_TRACE(op);
    auto make = [op](std::int64_t n) {
      return [op, n](const Variable& s) -> RandomDraw {
        const std::string o = op;
        if (o == "uniform") return random_uniform(s, {n});
        if (o == "normal") return random_normal(s, {n});
        if (o == "truncated_normal") return random_truncated_normal(s, {n});
        if (o == "binomial") return random_binomial(s, {n}, 1000, 0.3);
        return random_integers(s, {n}, -5, 100);
      };
    };
    const auto big = values(run(make(20), 9)[1]);
    const auto small = values(run(make(7), 9)[1]);
    const auto shifted = values(run(make(10), 9, 3)[1]);
    EXPECT_TRUE(std::equal(small.begin(), small.end(), big.begin()));
    EXPECT_TRUE(std::equal(shifted.begin(), shifted.end(), big.begin() + 3));
  }
}

TEST(RandomOps, InterpreterAndCpuBackendAgree) {
  const Variable s = state_input();
  const Variable m = matrix("m");
  const RandomDraw u = random_uniform(s, {3, 5}, m, 2.0 + m);
  const RandomDraw n = random_normal(u.state, {3, 5});
  const RandomDraw b = random_binomial(n.state, {15}, 20, 0.25);
  const RandomDraw p = random_permutation(b.state, {2}, 9);
  const Array mv = Array::full(DType::float64, {3, 5}, -1.0);
  const std::vector<Variable> outs{u.sample, n.sample, b.sample, p.sample, p.state};
  const auto interp = function({s, m}, outs, Mode().with_linker("interp"))({random_state(5), mv});
  const auto cpu = function({s, m}, outs, Mode().with_linker("cpu"))({random_state(5), mv});
  for (std::size_t i = 0; i < outs.size(); ++i) {
    EXPECT_EQ(interp[i].to_vector<double>(), cpu[i].to_vector<double>()) << "output " << i;
  }
  testing::expect_exact<std::uint64_t>(interp[4], {2}, {5, 15 + 15 + 15 + 2});
}

TEST(RandomOps, SymbolicSizesAndShapeInference) {
  const Variable s = state_input();
  const Variable rows = scalar("rows", DType::int64);
  const std::vector<Array> args{random_state(1), Array::scalar<std::int64_t>(4)};
  testing::expect_shape_inference({s, rows}, random_uniform(s, {rows, 3}).sample, args);
  testing::expect_shape_inference({s, rows}, random_permutation(s, {rows}, 6).sample, args);
  testing::expect_shape_inference({s, rows}, random_multinomial(s, {rows}, 5, Array::from<double>({0.5, 0.5})).sample,
                                  args);
  testing::expect_shape_inference({s, rows}, random_choice(s, {rows, 2}, Array::from<double>({1, 2, 3})).sample, args);
  // An empty size takes the parameters' broadcast shape.
  const Variable m = matrix("m");
  const RandomDraw d = random_normal(s, {}, m, 1.0);
  EXPECT_EQ(d.sample.ndim(), 2);
  const auto out = eval({s, m}, {d.sample}, {random_state(1), Array::zeros(DType::float64, {2, 3})});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(random_uniform(s, {}).sample.ndim(), 0);
  EXPECT_EQ(random_uniform(s, {2, 3}).sample.type().shape, (Shape{2, 3}));
}

// ---- statistics

TEST(RandomOps, UniformMomentsAndKolmogorovSmirnov) {
  for (DType dtype : {DType::float64, DType::float32}) {
    const auto out = run([&](const Variable& s) { return random_uniform(s, {kN}, -2.0, 3.0, dtype); }, 11);
    EXPECT_EQ(out[1].dtype(), dtype);
    const auto v = values(out[1]);
    for (double x : v) ASSERT_TRUE(x >= -2.0 && x < 3.0) << x;
    EXPECT_NEAR(mean_of(v), 0.5, 4 * 5 / std::sqrt(12.0 * kN));
    EXPECT_NEAR(var_of(v), 25.0 / 12, 0.1 * 25 / 12);
    EXPECT_LT(ks_statistic(v, [](double x) { return (x + 2) / 5; }), ks_bound(v.size()));
  }
  // low == high gives low.
  const auto same = values(run([](const Variable& s) { return random_uniform(s, {3}, 1.5, 1.5); }, 1)[1]);
  EXPECT_EQ(same, (std::vector<double>{1.5, 1.5, 1.5}));
}

TEST(RandomOps, NormalMomentsAndKolmogorovSmirnov) {
  const auto v = values(run([](const Variable& s) { return random_normal(s, {kN}, 1.0, 2.0); }, 12)[1]);
  EXPECT_NEAR(mean_of(v), 1.0, 4 * 2 / std::sqrt(double(kN)));
  EXPECT_NEAR(var_of(v), 4.0, 0.1 * 4);
  EXPECT_LT(ks_statistic(v, [](double x) { return normal_cdf((x - 1) / 2); }), ks_bound(v.size()));
  // Broadcast parameters: each column has its own mean.
  const Variable s = state_input();
  const RandomDraw d = random_normal(s, {kN / 2, 2}, Array::from<double>({-10, 10}), 0.5, DType::float32);
  const auto m = eval({s}, {d.sample}, {random_state(3)})[0];
  EXPECT_EQ(m.dtype(), DType::float32);
  const Array col0 = m.slice(1, 0, 1).copy();
  EXPECT_NEAR(mean_of(values(col0)), -10, 0.1);
}

TEST(RandomOps, TruncatedNormalStaysWithinTwoStdAndMatchesItsCdf) {
  const auto v = values(run([](const Variable& s) { return random_truncated_normal(s, {kN}, 1.0, 2.0); }, 13)[1]);
  for (double x : v) ASSERT_TRUE(x >= -3.0 && x <= 5.0) << x;
  const double z = normal_cdf(-2);
  const double mass = 1 - 2 * z;
  // Var of N(0,1) truncated to [-2, 2]: 1 - 2 * 2 * phi(2) / mass.
  const double var = 1 - 4 * std::exp(-2.0) / std::sqrt(2 * M_PI) / mass;
  EXPECT_NEAR(var, 0.7737, 1e-4);
  EXPECT_NEAR(mean_of(v), 1.0, 4 * 2 * std::sqrt(var / kN));
  EXPECT_NEAR(var_of(v), 4 * var, 0.1 * 4 * var);
  EXPECT_LT(ks_statistic(v, [&](double x) { return (normal_cdf((x - 1) / 2) - z) / mass; }), ks_bound(v.size()));
}

TEST(RandomOps, BinomialMomentsForSmallAndLargeN) {
  struct Case {
    double n, p;
  };
  for (Case c : {Case{10, 0.3}, Case{1e6, 0.4}, Case{200, 0.99}, Case{37, 0.5}}) {
    SCOPED_TRACE(c.n);
    const auto out = run([&](const Variable& s) { return random_binomial(s, {kN}, c.n, c.p); }, 14);
    EXPECT_EQ(out[1].dtype(), DType::int64);
    const auto v = values(out[1]);
    for (double x : v) ASSERT_TRUE(x >= 0 && x <= c.n);
    const double var = c.n * c.p * (1 - c.p);
    EXPECT_NEAR(mean_of(v), c.n * c.p, 4 * std::sqrt(var / kN));
    EXPECT_NEAR(var_of(v), var, 0.12 * var);
  }
  // Small n: the frequencies against the exact pmf.
  const auto v = values(run([](const Variable& s) { return random_binomial(s, {kN}, 4, 0.3); }, 15)[1]);
  for (int k = 0; k <= 4; ++k) {
    const double pmf = std::tgamma(5) / (std::tgamma(k + 1) * std::tgamma(5 - k)) * std::pow(0.3, k) * std::pow(0.7, 4 - k);
    const double freq = static_cast<double>(std::count(v.begin(), v.end(), double(k))) / kN;
    EXPECT_NEAR(freq, pmf, 4 * std::sqrt(pmf * (1 - pmf) / kN)) << k;
  }
  // p = 0 and p = 1, n broadcast, int32 dtype.
  const auto edge = run([](const Variable& s) {
    return random_binomial(s, {2, 3}, Array::from<std::int64_t>({0, 5, 7}), Array::from<double>({{0.5}, {1.0}}),
                           DType::int32);
  }, 16)[1];
  const auto e = edge.to_vector<std::int32_t>();
  EXPECT_EQ(edge.dtype(), DType::int32);
  EXPECT_EQ(e[0], 0);
  EXPECT_EQ((std::vector<std::int32_t>(e.begin() + 3, e.end())), (std::vector<std::int32_t>{0, 5, 7}));
}

TEST(RandomOps, IntegersCoverTheirRangeUniformly) {
  const auto out = run([](const Variable& s) { return random_integers(s, {kN}, -3, 4, DType::int8); }, 17)[1];
  EXPECT_EQ(out.dtype(), DType::int8);
  const auto v = values(out);
  for (int k = -3; k < 4; ++k) {
    const double freq = static_cast<double>(std::count(v.begin(), v.end(), double(k))) / kN;
    EXPECT_NEAR(freq, 1.0 / 7, 4 * std::sqrt(1.0 / 7 * 6 / 7 / kN)) << k;
  }
  for (double x : v) ASSERT_TRUE(x >= -3 && x < 4);
  // The whole int64 range but one value, without overflow.
  const auto wide = run([](const Variable& s) {
    return random_integers(s, {100}, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  }, 18)[1].to_vector<std::int64_t>();
  EXPECT_TRUE(std::any_of(wide.begin(), wide.end(), [](std::int64_t x) { return x < 0; }));
  EXPECT_TRUE(std::any_of(wide.begin(), wide.end(), [](std::int64_t x) { return x > 0; }));
}

TEST(RandomOps, ChoiceWithAndWithoutReplacement) {
  const Array pop = Array::from<std::int32_t>({10, 20, 30, 40, 50, 60, 70, 80});
  // Without replacement: distinct members of a.
  for (std::uint64_t key = 0; key < 20; ++key) {
    const auto v = run([&](const Variable& s) { return random_choice(s, {8}, pop, false); }, key)[1].to_vector<std::int32_t>();
    EXPECT_EQ(std::set<std::int32_t>(v.begin(), v.end()).size(), 8u);
    for (std::int32_t x : v) EXPECT_TRUE(x % 10 == 0 && x >= 10 && x <= 80);
  }
  // With replacement and p: frequencies follow p; zero-probability entries never come.
  const Array p = Array::from<double>({0.5, 0, 0.25, 0, 0, 0, 0, 0.25});
  const auto out = run([&](const Variable& s) { return random_choice(s, {kN}, pop, true, p); }, 21)[1];
  EXPECT_EQ(out.dtype(), DType::int32);
  const auto v = out.to_vector<std::int32_t>();
  const double f10 = static_cast<double>(std::count(v.begin(), v.end(), 10)) / kN;
  EXPECT_NEAR(f10, 0.5, 4 * std::sqrt(0.25 / kN));
  for (std::int32_t x : v) EXPECT_TRUE(x == 10 || x == 30 || x == 80) << x;
  // Without replacement and p: distinct, only positive-p entries, heavier ones first more often.
  int first10 = 0;
  for (std::uint64_t key = 0; key < 200; ++key) {
    const auto w = run([&](const Variable& s) { return random_choice(s, {3}, pop, false, p); }, key)[1].to_vector<std::int32_t>();
    EXPECT_EQ(std::set<std::int32_t>(w.begin(), w.end()), (std::set<std::int32_t>{10, 30, 80}));
    first10 += w[0] == 10;
  }
  EXPECT_NEAR(first10 / 200.0, 0.5, 0.15);
  // Uniform with replacement.
  const auto u = run([&](const Variable& s) { return random_choice(s, {kN}, pop); }, 22)[1].to_vector<std::int32_t>();
  EXPECT_NEAR(static_cast<double>(std::count(u.begin(), u.end(), 40)) / kN, 0.125, 4 * std::sqrt(0.11 / kN));
}

TEST(RandomOps, PermutationRowsArePermutations) {
  const auto out = run([](const Variable& s) { return random_permutation(s, {50}, 7); }, 23);
  ASSERT_EQ(out[1].shape(), (Shape{50, 7}));
  const auto v = out[1].to_vector<std::int64_t>();
  std::set<std::vector<std::int64_t>> distinct;
  for (std::size_t r = 0; r < 50; ++r) {
    std::vector<std::int64_t> row(v.begin() + static_cast<std::ptrdiff_t>(7 * r), v.begin() + static_cast<std::ptrdiff_t>(7 * r + 7));
    distinct.insert(row);
    std::sort(row.begin(), row.end());
    EXPECT_EQ(row, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
  }
  EXPECT_GT(distinct.size(), 45u);
  testing::expect_exact<std::uint64_t>(out[0], {2}, {23, 50});
  EXPECT_EQ(run([](const Variable& s) { return random_permutation(s, {}, 0); }, 1)[1].shape(), (Shape{0}));
}

TEST(RandomOps, MultinomialRowsSumToN) {
  const Array pv = Array::from<double>({0.2, 0.3, 0.5});
  const auto out = run([&](const Variable& s) { return random_multinomial(s, {kN}, 20, pv); }, 24)[1];
  ASSERT_EQ(out.shape(), (Shape{kN, 3}));
  const auto v = out.to_vector<std::int64_t>();
  std::vector<double> col(3, 0);
  for (std::int64_t r = 0; r < kN; ++r) {
    const auto i = static_cast<std::size_t>(3 * r);
    EXPECT_EQ(v[i] + v[i + 1] + v[i + 2], 20);
    for (std::size_t j = 0; j < 3; ++j) col[j] += static_cast<double>(v[i + j]);
  }
  for (std::size_t j = 0; j < 3; ++j) {
    const double p = pv.to_vector<double>()[j];
    EXPECT_NEAR(col[j] / kN, 20 * p, 4 * std::sqrt(20 * p * (1 - p) / kN));
  }
  // Rows of pvals with n broadcast; an empty size takes their shape.
  const Variable s = state_input();
  const RandomDraw d = random_multinomial(s, {}, Array::from<std::int64_t>({3, 1000}),
                                          Array::from<double>({{1, 0}, {0.5, 0.5}}), DType::int16);
  const Array m = eval({s}, {d.sample}, {random_state(2)})[0];
  ASSERT_EQ(m.shape(), (Shape{2, 2}));
  const auto w = m.to_vector<std::int16_t>();
  EXPECT_EQ(w[0], 3);
  EXPECT_EQ(w[1], 0);
  EXPECT_EQ(w[2] + w[3], 1000);
}

// ---- errors

TEST(RandomOps, ErrorsNameTheOpAndTheUsersLine) {
  const Variable s = state_input();
  auto run_error = [&](const RandomDraw& d) { eval({s}, {d.sample}, {random_state(0)}); };
  expect_error<ValueError>([&] { run_error(random_uniform(s, {3}, 2.0, 1.0)); },
                           {"random_uniform", "low > high", "random_test.cpp"});
  expect_error<ValueError>([&] { run_error(random_normal(s, {3}, 0.0, -1.0)); }, {"random_normal", "std < 0"});
  expect_error<ValueError>([&] { run_error(random_binomial(s, {3}, 5, 1.5)); },
                           {"random_binomial", "p < 0, p > 1 or p is NaN", "random_test.cpp"});
  expect_error<ValueError>([&] { run_error(random_binomial(s, {3}, -1, 0.5)); }, {"random_binomial", "n < 0"});
  expect_error<ValueError>([&] { run_error(random_integers(s, {3}, 4, 4)); },
                           {"random_integers", "low >= high", "random_test.cpp"});
  expect_error<ValueError>([&] { run_error(random_choice(s, {4}, Array::from<double>({1, 2, 3}), false)); },
                           {"random_choice", "larger sample than population"});
  expect_error<ValueError>(
      [&] { run_error(random_choice(s, {4}, Array::from<double>({1, 2}), true, Array::from<double>({0.3, 0.3}))); },
      {"random_choice", "probabilities do not sum to 1"});
  expect_error<ValueError>(
      [&] { run_error(random_multinomial(s, {2}, 3, Array::from<double>({0.7, 0.7, 0.1}))); },
      {"random_multinomial", "sum(pvals[:-1]) > 1.0"});
  expect_error<ValueError>([&] { run_error(random_permutation(s, {}, -2)); }, {"random_permutation", "n < 0"});
  // Type-time errors.
  expect_error<ShapeError>([&] { random_uniform(s, {3}, Array::from<double>({0, 1})); },
                           {"random_uniform", "(2,) cannot be broadcast to size (3,)", "random_test.cpp"});
  expect_error<TypeError>([&] { random_uniform(vector("v"), {3}); }, {"random_uniform", "stream state"});
  expect_error<TypeError>([&] { random_normal(s, {3}, 0.0, 1.0, DType::int32); }, {"random_normal", "float32 or float64"});
  expect_error<TypeError>([&] { random_integers(s, {3}, 0.5, 2); }, {"random_integers", "low must be an integer"});
  expect_error<ValueError>([&] { random_choice(s, {3}, Array::from<double>({{1, 2}})); }, {"random_choice", "1-dimensional"});
  // A size known only at run time.
  const Variable n = scalar("n", DType::int64);
  const RandomDraw d = random_uniform(s, {n});
  expect_error<ValueError>([&] { eval({s, n}, {d.sample}, {random_state(0), Array::scalar<std::int64_t>(-1)}); },
                           {"random_uniform", "negative dimensions"});
}

}  // namespace
}  // namespace hypatia
