// The rewrite driver's work grows linearly with graph size (issue 6: "rewriting time
// grows about linearly"), checked by counting, not timing: node visits and rule
// attempts per node stay the same from small to large graphs of four shapes (a long
// chain, a balanced tree, a deep MLP's training graph, a long sum), and every phase
// takes one walk whatever the graph's depth. Plus correctness on the large graphs:
// the result is the rewrite of each piece put together, and it is a fixed point.
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "test_util.hpp"

namespace hypatia {
namespace {

// One link of a chain; every node is in some rule's pattern.
Variable step(const Variable& y, double k) {
  const Variable a = log(1 + y * 1);            // mul_by_one, log1p_from_log_one_plus
  const Variable b = pow(a, 2) + (exp(y) - 1);  // pow_two_to_sqr, expm1_from_exp_minus_one
  const Variable c = log(sigmoid(b * k));       // log_sigmoid_to_softplus
  return c + y * 0.5;
}

Variable chain(const Variable& x, int links) {
  Variable y = x;
  for (int i = 0; i < links; ++i) y = step(y, 1.0 + 1e-6 * i);
  return y;
}

std::vector<Variable> tree(int leaves) {
  std::vector<Variable> level;
  for (int i = 0; i < leaves; ++i) level.push_back(step(vector("x" + std::to_string(i), DType::float64), 1.0));
  while (level.size() > 1) {
    std::vector<Variable> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(level[i] + level[i + 1]);
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level;
}

// A deep MLP's cost and its gradients: the shape_i nodes of the gradient graph once
// made the driver take one pass per layer.
std::vector<Variable> mlp(int layers) {
  const Variable x = matrix("x", DType::float64);
  const Variable t = matrix("t", DType::float64);
  std::vector<Variable> params;
  Variable h = x;
  for (int i = 0; i < layers; ++i) {
    params.push_back(matrix("W" + std::to_string(i), DType::float64));
    params.push_back(vector("b" + std::to_string(i), DType::float64));
    h = tanh(dot(h, params[params.size() - 2]) + params.back());
  }
  const Variable p = sigmoid(h);
  const Variable cost = -mean(t * log(p) + (1 - t) * log(1 - p));
  std::vector<Variable> outputs{cost};
  for (const Variable& g : grad(cost, params)) outputs.push_back(g);
  return outputs;
}

std::vector<Variable> long_sum(int terms) {
  const Variable w = scalar("w", DType::float64);
  Variable acc;
  for (int i = 0; i < terms; ++i) {
    const Variable term = log(1 + exp(w * vector("x" + std::to_string(i), DType::float64))) * (1.0 + 1e-6 * i);
    acc = acc.valid() ? acc + term : term;
  }
  return {acc};
}

struct Work {
  double nodes = 0;
  double visits_per_node = 0;
  double attempts_per_node = 0;
  std::map<std::string, int> passes;
};

Work work_of(const std::vector<Variable>& outputs) {
  RewriteTrace trace;
  (void)rewrite_graph(outputs, {}, &trace);
  Work w;
  w.nodes = static_cast<double>(topological_order(outputs).size());
  w.visits_per_node = static_cast<double>(trace.stats.node_visits) / w.nodes;
  w.attempts_per_node = static_cast<double>(trace.stats.rule_attempts) / w.nodes;
  w.passes = trace.passes;
  return w;
}

void expect_linear(const std::string& shape, const std::function<std::vector<Variable>(int)>& build, int small,
                   int large) {
  const Work s = work_of(build(small));
  const Work l = work_of(build(large));
  ASSERT_GE(l.nodes, 8 * s.nodes) << shape;
  // Per node, the large graph costs what the small one does (a few percent for the
  // parts that do not grow with size, such as the tree's root or the MLP's cost).
  EXPECT_LE(l.visits_per_node, 1.05 * s.visits_per_node) << shape;
  EXPECT_LE(l.attempts_per_node, 1.05 * s.attempts_per_node) << shape;
  EXPECT_GT(s.attempts_per_node, 1.0) << shape << ": rules were tried";
  // One walk per phase run, at any depth (canonicalize runs twice in FAST_RUN).
  const std::map<std::string, int> one_walk{{"canonicalize", 2}, {"stabilize", 1}, {"specialize", 1}};
  EXPECT_EQ(s.passes, one_walk) << shape;
  EXPECT_EQ(l.passes, one_walk) << shape;
}

TEST(RewriteScaling, WorkPerNodeDoesNotGrowWithTheGraph) {
  const auto one = [](const Variable& v) { return std::vector<Variable>{v}; };
  expect_linear("chain", [&](int n) { return one(chain(vector("x", DType::float64), n / 13)); }, 150, 1800);
  expect_linear("tree", [](int n) { return tree(n / 14); }, 150, 1800);
  expect_linear("mlp", [](int n) { return mlp(n / 20); }, 150, 1800);
  expect_linear("sum", [](int n) { return long_sum(n / 9); }, 150, 1800);
}

TEST(RewriteScaling, LongChainIsTheRewriteOfEachLinkPutTogether) {
  // Rewriting a chain of 150 links (1,950 nodes) gives the chain of rewritten links:
  // each link rewritten alone, with its input replaced by the previous result.
  // Hash-consing makes structurally equal graphs the same nodes, so == compares the
  // whole graph.
  constexpr int kLinks = 150;
  const Variable x = vector("x", DType::float64);
  const Variable got = rewrite_graph({chain(x, kLinks)})[0];
  const Variable hole = vector("hole", DType::float64);
  Variable want = x;
  for (int i = 0; i < kLinks; ++i) {
    const Variable link = rewrite_graph({step(hole, 1.0 + 1e-6 * i)})[0];
    want = clone_replace({link}, {{hole, want}})[0];
  }
  EXPECT_TRUE(got == want) << "rewritten: " << expression_text(got, 6) << "\nexpected: " << expression_text(want, 6);
  // A fixed point: rewriting again changes nothing.
  RewriteTrace again;
  EXPECT_TRUE(rewrite_graph({got}, {}, &again)[0] == got);
  EXPECT_TRUE(again.firings.empty()) << again.str().substr(0, 2000);
}

TEST(RewriteScaling, DeepMlpReachesItsFixedPointInOneWalk) {
  // 40 layers: the gradient graph's shape_i chains are as deep as the network (the
  // pass driver took 14 passes for 10 layers).
  const std::vector<Variable> outputs = mlp(40);
  RewriteTrace trace;
  const std::vector<Variable> rewritten = rewrite_graph(outputs, {}, &trace);
  EXPECT_GT(trace.counts()["shape_i_from_producer"], 40);
  EXPECT_GE(trace.counts()["log_sigmoid_to_softplus"], 1);
  EXPECT_EQ(trace.passes["canonicalize"], 2);
  RewriteTrace again;
  EXPECT_EQ(rewrite_graph(rewritten, {}, &again), rewritten);
  EXPECT_TRUE(again.firings.empty()) << again.str().substr(0, 2000);
}

TEST(RewriteScaling, LongSumKeepsItsValue) {
  // 300 terms of log(1 + exp(w * x_i)) * c_i, each rewritten to softplus.
  constexpr int kTerms = 300;
  const std::vector<Variable> outputs = long_sum(kTerms);
  RewriteTrace trace;
  const Variable got = rewrite_graph(outputs, {}, &trace)[0];
  EXPECT_EQ(trace.counts()["softplus_from_log_one_plus_exp"], kTerms);
  // Both graphs on the same inputs, by the reference interpreter (no rewrites).
  std::vector<Variable> inputs;
  for (const auto& node : topological_order(outputs)) {
    if (node->output(0).is_input()) inputs.push_back(node->output(0));
  }
  std::vector<Array> args;
  double want = 0;
  for (const Variable& in : inputs) {
    if (in.name() == "w") {
      args.push_back(Array::full(DType::float64, {}, 0.5));
    } else {
      const int i = std::stoi(in.name().substr(1));
      const double xi = 0.001 * i - 1.0;
      args.push_back(Array::full(DType::float64, {1}, xi));
    }
  }
  for (int i = 0; i < kTerms; ++i) want += std::log1p(std::exp(0.5 * (0.001 * i - 1.0))) * (1.0 + 1e-6 * i);
  const double plain = testing::eval1(inputs, outputs[0], args).reshape({}).item<double>();
  const double rewritten = testing::eval1(inputs, got, args).reshape({}).item<double>();
  EXPECT_NEAR(plain, want, 1e-9 * std::abs(want));
  EXPECT_NEAR(rewritten, want, 1e-9 * std::abs(want));
}

}  // namespace
}  // namespace hypatia
