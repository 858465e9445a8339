// How rewriting time grows with graph size (issue 6: "about linearly"; Theano once
// took hours on graphs of 50,000 nodes). Builds graphs full of rewrite opportunities
// (log(1 + x), x * 1, x ** 2, exp(x) - 1, log(sigmoid(x))) in four shapes:
//   chain  each step uses the previous one (depth ~ size);
//   tree   independent branches summed pairwise (depth ~ log size);
//   mlp    a deep MLP's training graph: forward layers tanh(dot(h, W) + b), a
//          cross-entropy cost, and grad() of it with respect to every W and b;
//   sum    a long sum of many terms, each a softplus written naively
//          (log(1 + exp(w * x_i))), the way regularizers and losses are written;
// then times rewrite_graph (and function(): rewriting plus planning) on each. Prints
// nodes, seconds, microseconds per node (wall and this process's CPU time) and rule
// attempts per node; the best of a few repeats, to damp a loaded machine.
//
//   ./build/bench/rewrite_scale [options] [sizes...]   (default sizes: 1000 10000 50000)
//     --shapes=chain,tree,mlp,sum   which shapes (default: all four)
//     --repeat=N                    best of N runs (default: 3)
//     --no-function                 time rewrite_graph only
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "hypatia/hypatia.hpp"

namespace {

using hypatia::Variable;

// One step of the chain from y; 13 new nodes, every one in a rewrite pattern.
Variable step(const Variable& y, double k) {
  using namespace hypatia;
  Variable a = log(1 + y * 1);          // mul_by_one, log1p_from_log_one_plus
  Variable b = pow(a, 2) + (exp(y) - 1);  // pow_two_to_sqr, expm1_from_exp_minus_one
  Variable c = log(sigmoid(b * k));     // log_sigmoid_to_softplus
  return c + y * 0.5;
}

struct Graph {
  std::vector<Variable> inputs;
  std::vector<Variable> outputs;
};

// A chain of steps until the graph has about `nodes` nodes.
Graph chain(int nodes) {
  Variable x = hypatia::vector("x", hypatia::DType::float64);
  Variable y = x;
  for (int i = 0; i < nodes / 13; ++i) y = step(y, 1.0 + 1e-6 * i);  // k differs: no hash-consing
  return {{x}, {y}};
}

// Independent branches (one per input) summed as a balanced tree.
Graph tree(int nodes) {
  std::vector<Variable> inputs;
  std::vector<Variable> level;
  for (int i = 0; i < nodes / 14; ++i) {
    inputs.push_back(hypatia::vector("x" + std::to_string(i), hypatia::DType::float64));
    level.push_back(step(inputs.back(), 1.0));
  }
  while (level.size() > 1) {
    std::vector<Variable> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(level[i] + level[i + 1]);
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return {inputs, level};
}

// A deep MLP's cost and its gradients: `layers` layers of width-agnostic matrices.
Graph mlp_layers(int layers) {
  using namespace hypatia;
  Variable x = matrix("x", DType::float64);
  Variable t = matrix("t", DType::float64);
  std::vector<Variable> params;
  Variable h = x;
  for (int i = 0; i < layers; ++i) {
    Variable w = matrix("W" + std::to_string(i), DType::float64);
    Variable b = vector("b" + std::to_string(i), DType::float64);
    params.push_back(w);
    params.push_back(b);
    h = tanh(dot(h, w) + b);
  }
  // Binary cross-entropy of sigmoid(h), written the naive way (stabilize row 19).
  Variable p = sigmoid(h);
  Variable cost = -mean(t * log(p) + (1 - t) * log(1 - p));
  std::vector<Variable> outputs{cost};
  for (const Variable& g : grad(cost, params)) outputs.push_back(g);
  std::vector<Variable> inputs{x, t};
  inputs.insert(inputs.end(), params.begin(), params.end());
  return {inputs, outputs};
}

Graph mlp(int nodes) {
  const std::size_t per_10 = hypatia::topological_order(mlp_layers(10).outputs).size();
  return mlp_layers(std::max(1, static_cast<int>(10.0 * nodes / static_cast<double>(per_10))));
}

// sum_i log(1 + exp(w * x_i)) * c_i, added left to right: one long add chain with a
// small subexpression hanging off every link.
Graph long_sum(int nodes) {
  using namespace hypatia;
  Variable w = scalar("w", DType::float64);
  std::vector<Variable> inputs{w};
  Variable acc;
  for (int i = 0; i < nodes / 9; ++i) {
    inputs.push_back(vector("x" + std::to_string(i), DType::float64));
    Variable term = log(1 + exp(w * inputs.back())) * (1.0 + 1e-6 * i);  // softplus_from_log_one_plus_exp
    acc = acc.valid() ? acc + term : term;
  }
  return {inputs, {acc}};
}

Graph build(const std::string& shape, int size) {
  if (shape == "chain") return chain(size);
  if (shape == "tree") return tree(size);
  if (shape == "mlp") return mlp(size);
  if (shape == "sum") return long_sum(size);
  std::fprintf(stderr, "rewrite_scale: unknown shape '%s' (chain, tree, mlp, sum)\n", shape.c_str());
  std::exit(2);
}

double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Time {
  double wall = 1e300;
  double cpu = 1e300;  // this process's CPU time: what a loaded machine disturbs least
};

Time seconds(const std::function<void()>& f, int repeats) {
  Time best;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    f();
    const double c1 = cpu_now();
    const auto t1 = std::chrono::steady_clock::now();
    best.wall = std::min(best.wall, std::chrono::duration<double>(t1 - t0).count());
    best.cpu = std::min(best.cpu, c1 - c0);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  std::vector<std::string> shapes{"chain", "tree", "mlp", "sum"};
  int repeats = 3;
  bool with_function = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--shapes=", 0) == 0) {
      shapes.clear();
      std::istringstream list(arg.substr(9));
      for (std::string s; std::getline(list, s, ',');) shapes.push_back(s);
    } else if (arg.rfind("--repeat=", 0) == 0) {
      repeats = std::max(1, std::atoi(arg.c_str() + 9));
    } else if (arg == "--no-function") {
      with_function = false;
    } else {
      sizes.push_back(std::atoi(arg.c_str()));
    }
  }
  if (sizes.empty()) sizes = {1000, 10000, 50000};

  std::printf("%-6s %8s %8s %10s %12s %8s %10s %12s %8s  %s\n", "shape", "nodes", "after", "rewrite_s",
              "rewrite_us/n", "cpu_us/n", "function_s", "function_us/n", "tries/n", "passes(c,sp,st)");
  for (const std::string& shape : shapes) {
    for (int size : sizes) {
      const Graph g = build(shape, size);
      const std::vector<Variable>& outputs = g.outputs;
      const std::size_t nodes = hypatia::topological_order(outputs).size();
      std::size_t after = 0;
      const Time rewrite = seconds(
          [&] { after = hypatia::topological_order(hypatia::rewrite_graph(outputs)).size(); }, repeats);
      const double function_s =
          with_function ? seconds([&] { (void)hypatia::function(g.inputs, outputs); }, repeats).wall : 0.0;
      hypatia::RewriteOptions traced;
      traced.trace = true;
      hypatia::RewriteTrace trace;
      (void)hypatia::rewrite_graph(outputs, traced, &trace);
      std::string passes;
      for (const auto& [phase, count] : trace.passes) passes += (passes.empty() ? "" : ",") + std::to_string(count);
      const double n = static_cast<double>(nodes);
      std::printf("%-6s %8zu %8zu %10.3f %12.2f %8.2f %10.3f %12.2f %8.2f  %s\n", shape.c_str(), nodes, after,
                  rewrite.wall, 1e6 * rewrite.wall / n, 1e6 * rewrite.cpu / n, function_s, 1e6 * function_s / n,
                  static_cast<double>(trace.stats.rule_attempts) / n, passes.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
