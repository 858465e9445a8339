// RandomStreams: draws advance with each call through their default updates, seeds
// reproduce them across functions and backends, seed() resets.
#include <gtest/gtest.h>

#include <set>

#include "hypatia/random.hpp"
#include "test_util.hpp"

namespace hypatia {
namespace {

std::vector<double> call(const Function& f, const std::vector<Array>& args = {}) {
  return f(args)[0].to_vector<double>();
}

TEST(RandomStreams, EachCallDrawsNewNumbersAndSeedResets) {
  RandomStreams rng(42);
  const Variable u = rng.uniform({5});
  const Function f = function({}, {u});
  const auto a = call(f);
  const auto b = call(f);
  EXPECT_NE(a, b);
  rng.seed(42);
  EXPECT_EQ(call(f), a);
  EXPECT_EQ(call(f), b);
  // A new stream with the same seed makes the same draws; another seed others.
  RandomStreams same(42), other(43);
  EXPECT_EQ(call(function({}, {same.uniform({5})})), a);
  EXPECT_NE(call(function({}, {other.uniform({5})})), a);
  EXPECT_EQ(rng.get_seed(), 42u);
}

TEST(RandomStreams, DrawsOfOneStreamDiffer) {
  RandomStreams rng(1);
  const Variable a = rng.normal({4});
  const Variable b = rng.normal({4});
  const auto out = function({}, {a, b})({});
  EXPECT_NE(out[0].to_vector<double>(), out[1].to_vector<double>());
  const Updates ups = rng.updates();
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(ups[0].first.get_value().to_vector<std::uint64_t>()[1], 4u);  // the counter moved past 4 elements
}

// The state persists across functions: a recompiled function continues the sequence,
// and no_default_updates leaves it alone.
TEST(RandomStreams, StateLivesAcrossFunctionsAndBackends) {
  RandomStreams r1(7), r2(7);
  const Variable x1 = r1.normal({3, 2}, 1.0, 2.0);
  const Variable x2 = r2.normal({3, 2}, 1.0, 2.0);
  const Function interp = function({}, {x1}, Mode().with_linker("interp"));
  const Function cpu = function({}, {x2}, Mode().with_linker("cpu"));
  const auto first = call(interp);
  EXPECT_EQ(call(cpu), first);
  const auto second = call(function({}, {x1}, Mode().with_linker("cpu")));
  EXPECT_EQ(call(cpu), second);
  FunctionOptions frozen;
  frozen.no_default_updates = true;
  const Function peek = function({}, {x1}, frozen);
  EXPECT_EQ(call(peek), call(peek));
}

TEST(RandomStreams, SymbolicSizesAndEveryDistribution) {
  RandomStreams rng(3);
  const Variable n = scalar("n", DType::int64);
  const std::vector<Variable> outs{
      rng.uniform({n, 2}, -1.0, 1.0, DType::float32),
      rng.truncated_normal({n}),
      rng.binomial({n}, 10, 0.5),
      rng.integers({n}, 0, 3, DType::int32),
      rng.choice({n}, 10, false),
      rng.permutation({2}, n),
      rng.multinomial({n}, 4, Array::from<double>({0.25, 0.75})),
  };
  const auto out = function({n}, outs)({Array::scalar<std::int64_t>(5)});
  EXPECT_EQ(out[0].shape(), (Shape{5, 2}));
  EXPECT_EQ(out[0].dtype(), DType::float32);
  for (double v : out[1].to_vector<double>()) EXPECT_LE(std::abs(v), 2.0);
  for (double v : out[2].to_vector<double>()) EXPECT_TRUE(v >= 0 && v <= 10);
  EXPECT_EQ(out[3].dtype(), DType::int32);
  const auto c = out[4].to_vector<std::int64_t>();
  EXPECT_EQ(std::set<std::int64_t>(c.begin(), c.end()).size(), 5u);
  EXPECT_EQ(out[5].shape(), (Shape{2, 5}));
  const auto m = out[6].to_vector<std::int64_t>();
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(m[2 * i] + m[2 * i + 1], 4);
}

TEST(RandomStreams, ErrorsNameTheUsersLine) {
  RandomStreams rng(0);
  const Variable u = rng.uniform({3}, 2.0, 1.0);
  testing::expect_error<ValueError>([&] { function({}, {u})({}); },
                                    {"random_uniform", "low > high", "random_streams_test.cpp"});
}

}  // namespace
}  // namespace hypatia
