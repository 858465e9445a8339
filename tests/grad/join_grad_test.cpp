// Gradients of the join and rearrange ops: verify_grad (float64 and float32, incl.
// non-contiguous points), each rule alone (vjp and jvp against finite differences,
// batch against a loop over batch elements), second order through the adjoint ops, and
// jacobian (the batch rules) against finite differences.
#include "structural_grad_util.hpp"

namespace hypatia::testing {
namespace {

using V = std::vector<Variable>;

void verify_both(const Fun& fun, const std::vector<Array>& point) {
  verify_grad(fun, point);
  std::vector<Array> p32;
  for (const Array& a : point) p32.push_back(a.astype(DType::float32));
  verify_grad(fun, p32);
}

Array pt(const Shape& s, std::uint64_t seed) { return random_array(s, seed, DType::float64, 0.5, 1.5); }

// A (r, c) point read transposed from a (c, r) array: non-contiguous.
Array strided(std::int64_t r, std::int64_t c, std::uint64_t seed) { return pt({c, r}, seed).transpose(); }

const std::vector<std::pair<std::string, Fun>>& rearrangements() {
  static const std::vector<std::pair<std::string, Fun>> kFuns = {
      {"repeat scalar", [](const V& v) { return repeat(v[0], 2, 1); }},
      {"repeat counts",
       [](const V& v) {
         return repeat(v[0], constant(Array::from<std::int64_t>({2, 0, 3})), -1);
       }},
      {"repeat flat", [](const V& v) { return repeat(v[0], 3); }},
      {"roll", [](const V& v) { return roll(v[0], -4, 1); }},
      {"roll flat", [](const V& v) { return roll(v[0], 2); }},
      {"flip", [](const V& v) { return flip(v[0], {0}); }},
      {"flip all", [](const V& v) { return flip(v[0]); }},
      {"tile",
       [](const V& v) {
         return tile(v[0], {2, 1, 2});
       }},
      {"pad constant",
       [](const V& v) {
         return pad(v[0], {{1, 2}, {0, 1}}, "constant", 3.0);
       }},
      {"pad edge",
       [](const V& v) {
         return pad(v[0], {{2, 1}, {3, 0}}, "edge");
       }},
      {"pad reflect",
       [](const V& v) {
         return pad(v[0], {{1, 1}, {2, 1}}, "reflect");
       }},
      {"pad reflect wide",
       [](const V& v) {
         return pad(v[0], {{3, 4}, {7, 5}}, "reflect");
       }},
      {"diff", [](const V& v) { return diff(v[0]); }},
      {"diff 2 axis 0", [](const V& v) { return diff(v[0], 2, 0); }},
      {"diff beyond", [](const V& v) { return diff(v[0], 4, 1); }},
  };
  return kFuns;
}

TEST(JoinVerifyGrad, Rearrangements) {
  for (const auto& [name, f] : rearrangements()) {
    SCOPED_TRACE(name);
    verify_both(f, {pt({2, 3}, 1)});
    verify_both(f, {strided(2, 3, 2)});
  }
}

TEST(JoinVerifyGrad, JoinStackSplit) {
  verify_both([](const V& v) { return concatenate({v[0], v[1]}, 1); }, {pt({2, 3}, 1), strided(2, 2, 2)});
  verify_both([](const V& v) { return join(0, {v[0], v[1], v[0]}); }, {pt({2, 3}, 3), pt({1, 3}, 4)});
  verify_both([](const V& v) { return stack({v[0], v[1]}, -1); }, {pt({2, 3}, 5), pt({2, 3}, 6)});
  verify_both([](const V& v) { return horizontal_stack({v[0], v[1]}); }, {pt({3}, 7), pt({2}, 8)});
  verify_both([](const V& v) { return vertical_stack({v[0], v[1]}); }, {pt({3}, 7), pt({2, 3}, 8)});
  // Each piece of a split, and pieces used together (some gradients missing).
  for (int k = 0; k < 3; ++k) {
    verify_both([k](const V& v) { return split(v[0], {1, 2, 2}, 1)[static_cast<std::size_t>(k)]; }, {pt({2, 5}, 9)});
  }
  verify_both(
      [](const V& v) {
        const std::vector<Variable> p = split(v[0], {2, 0, 1}, 0);
        return p[0] * p[0] + sum(p[2]);
      },
      {strided(3, 2, 10)});
  // Mixed dtypes: a float32 operand joined with a float64 one gets a float32 gradient.
  const Variable a = vector("a", DType::float32), b = vector("b", DType::float64);
  const Variable ga = grad(sum(concatenate({a, b})), a);
  EXPECT_EQ(ga.dtype(), DType::float32);
  expect_array(eval1({a, b}, ga, {Array::from<float>({1, 2}), Array::from<double>({3})}), DType::float32, {2}, {1, 1});
}

// The gradient of each op's gradient: exercises the adjoint ops' own vjps.
TEST(JoinVerifyGrad, SecondOrder) {
  for (const auto& [name, f] : rearrangements()) {
    SCOPED_TRACE(name);
    verify_grad([f = f](const V& v) { return grad(sum(f(v) * f(v)), v[0]); }, {pt({2, 3}, 11)});
  }
  verify_grad(
      [](const V& v) {
        const Variable j = concatenate({v[0], v[1]});
        return grad(sum(j * j * j), v[0]);
      },
      {pt({2}, 12), pt({3}, 13)});
}

TEST(JoinRules, VjpAndJvpAlone) {
  const std::vector<std::pair<std::string, Fun>> single = {
      {"repeat",
       [](const V& v) {
         return repeat(v[0], constant(Array::from<std::int64_t>({1, 3})), 0);
       }},
      {"roll", [](const V& v) { return roll(v[0], 1, 0); }},
      {"flip", [](const V& v) { return flip(v[0], {1}); }},
      {"pad",
       [](const V& v) {
         return pad(v[0], {{2, 3}, {1, 0}}, "reflect");
       }},
      {"pad edge",
       [](const V& v) {
         return pad(v[0], {{2, 3}, {1, 0}}, "edge");
       }},
      {"pad constant",
       [](const V& v) {
         return pad(v[0], {{2, 3}, {1, 0}}, "constant", 5.0);
       }},
      {"diff", [](const V& v) { return diff(v[0], 1, 1); }},

  };
  for (const auto& [name, f] : single) {
    SCOPED_TRACE(name);
    check_vjp(f, {pt({2, 3}, 21)});
    check_vjp(f, {pt({2, 3}, 21)}, false);
    check_jvp(f, {pt({2, 3}, 22)});
  }
  const Fun joined = [](const V& v) { return concatenate({v[0], v[1]}, 1); };
  check_vjp(joined, {pt({2, 3}, 21), pt({2, 2}, 26)});
  check_vjp(joined, {pt({2, 3}, 21), pt({2, 2}, 26)}, false);
  check_jvp(joined, {pt({2, 3}, 21), pt({2, 2}, 26)});
  // The adjoint ops, found as the last node of each vjp.
  const Variable x = tensor("x", DType::float64, {2, 3}), g = tensor("g", DType::float64, {7, 4});
  const Variable p = pad(x, {{2, 3}, {1, 0}}, "reflect");
  const Variable pg = rule_vjp(p, g)[0];
  EXPECT_EQ(pg.node().op().name, "pad_grad");
  check_vjp([&](const V& v) { return apply1("pad_grad", {v[0]}, pg.node().attrs(), pg.node().where()); },
            {pt({7, 4}, 23)});
  check_jvp([&](const V& v) { return apply1("pad_grad", {v[0]}, pg.node().attrs(), pg.node().where()); },
            {pt({7, 4}, 23)});
  const Variable r = repeat(x, constant(Array::from<std::int64_t>({1, 0, 2})), 1);
  const Variable rg = rule_vjp(r, tensor("h", DType::float64, {2, 3}))[0];
  EXPECT_EQ(rg.node().op().name, "repeat_grad");
  check_vjp(
      [&](const V& v) {
        return apply1("repeat_grad", {v[0], rg.node().inputs()[1], rg.node().inputs()[2]}, rg.node().attrs(),
                      rg.node().where());
      },
      {pt({2, 3}, 24)});
  const Variable d = diff(x, 1, 0);
  const Variable dg = rule_vjp(d, tensor("k", DType::float64, {1, 3}))[0];
  EXPECT_EQ(dg.node().op().name, "diff_grad");
  check_vjp(
      [&](const V& v) {
        return apply1("diff_grad", {v[0], dg.node().inputs()[1]}, dg.node().attrs(), dg.node().where());
      },
      {pt({1, 3}, 25)});
}

TEST(JoinRules, SplitRules) {
  // vjp with one output's gradient given (the others zero), and jvp of every output.
  const Array x = pt({2, 5}, 31);
  const Variable v = tensor("x", DType::float64, {2, 5});
  const std::vector<Variable> parts = split(v, {3, 2}, 1);
  const Variable g = tensor("g", DType::float64, {2, 2});
  const Variable gx = rule_vjp(parts[1], g)[0];
  expect_array(eval1({v, g}, gx, {x, Array::from<double>({{1, 2}, {3, 4}})}), DType::float64, {2, 5},
               {0, 0, 0, 1, 2, 0, 0, 0, 3, 4});
  const Variable t = tensor("t", DType::float64, {2, 5});
  const std::vector<Variable> tangents = parts[0].node().op().jvp(
      JvpArgs{parts[0].node(), std::vector<Variable>{t, Variable(), Variable()}, parts[0].node().where()});
  ASSERT_EQ(tangents.size(), 2u);
  const Array tv = pt({2, 5}, 32);
  const std::vector<double> tvs = tv.to_vector<double>();
  expect_array(eval1({t}, tangents[1], {tv}), DType::float64, {2, 2}, {tvs[3], tvs[4], tvs[8], tvs[9]});
  // batch: each output against split of each batch element.
  const Variable b = tensor("b", DType::float64, {4, 2, 5});
  const Node& n = parts[0].node();
  std::vector<Variable> ins = n.inputs();
  ins[0] = b;
  const std::vector<Variable> batched = n.op().batch(BatchArgs{n, ins, {true, false, false}, n.where()});
  ASSERT_EQ(batched.size(), 2u);
  const Array bx = pt({4, 2, 5}, 33);
  const std::vector<Array> got = eval({b}, batched, {bx});
  const std::vector<double> all = bx.to_vector<double>();
  for (std::int64_t e = 0; e < 4; ++e) {
    std::vector<double> want;
    for (std::int64_t r = 0; r < 2; ++r) {
      for (std::int64_t c = 3; c < 5; ++c) want.push_back(all[static_cast<std::size_t>(e * 10 + r * 5 + c)]);
    }
    expect_array(batch_element(got[1], e).copy(), DType::float64, {2, 2}, want);
  }
}

TEST(JoinRules, BatchAlone) {
  const Array xb = pt({3, 2, 4}, 41);
  check_batch(
      [](const V& v) {
        return repeat(v[0], constant(Array::from<std::int64_t>({1, 0, 2, 1})), 1);
      },
      {xb}, {true});
  check_batch([](const V& v) { return roll(v[0], 3, -1); }, {xb}, {true});
  check_batch([](const V& v) { return flip(v[0], {0}); }, {xb}, {true});
  check_batch([](const V& v) { return pad(v[0], {{1, 2}, {5, 1}}, "reflect"); }, {xb}, {true});
  check_batch([](const V& v) { return diff(v[0], 1, 0); }, {xb}, {true});
  check_batch([](const V& v) { return concatenate({v[0], v[1]}, 1); }, {xb, pt({2, 1}, 42)}, {true, false});
  check_batch([](const V& v) { return concatenate({v[1], v[0]}, 0); }, {xb, pt({3, 4}, 43)}, {true, false});
  check_batch([](const V& v) { return concatenate({v[0], v[1]}, 0); }, {xb, pt({3, 1, 4}, 44)}, {true, true});
}

// The jacobian of fun at x by central differences (output index major).
std::vector<double> numeric_jacobian(const Fun& fun, const Array& x) {
  const Variable in = tensor("x", DType::float64, x.shape());
  Function f = function({in}, {fun({in})});
  std::vector<double> xs = x.to_vector<double>();
  const std::size_t m = static_cast<std::size_t>(f({x})[0].size());
  std::vector<double> j(m * xs.size());
  const double eps = 1e-6;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const std::vector<double> hi = f({with_element(x, k, eps)})[0].to_vector<double>();
    const std::vector<double> lo = f({with_element(x, k, -eps)})[0].to_vector<double>();
    for (std::size_t i = 0; i < m; ++i) j[i * xs.size() + k] = (hi[i] - lo[i]) / (2 * eps);
  }
  return j;
}

TEST(JoinRules, JacobianThroughTheBatchRules) {
  std::vector<std::pair<std::string, Fun>> funs = rearrangements();
  funs.emplace_back("join", [](const V& v) { return concatenate({v[0], sqr(v[0])}, 0); });
  funs.emplace_back("split", [](const V& v) { return split(v[0], {1, 2}, 1)[1] * 2.0; });
  funs.emplace_back("stack", [](const V& v) { return stack({v[0], exp(v[0])}, 1); });
  const Array x = pt({2, 3}, 51);
  for (const auto& [name, f] : funs) {
    SCOPED_TRACE(name);
    const Variable in = tensor("x", DType::float64, {2, 3});
    const Variable out = f({in});
    const Variable j = jacobian(out, in);
    Shape want_shape = out.type().shape;
    want_shape.push_back(2);
    want_shape.push_back(3);
    expect_array(eval1({in}, j, {x}), DType::float64, want_shape, numeric_jacobian(f, x), 1e-6, 1e-7);
  }
}

}  // namespace
}  // namespace hypatia::testing
