// How rewriting time grows with graph size (issue 6: "about linearly"; Theano once
// took hours on graphs of 50,000 nodes). Builds graphs of mixed elementwise ops full of
// rewrite opportunities (log(1 + x), x * 1, x ** 2, exp(x) - 1, log(sigmoid(x))) in two
// shapes, a long chain (each step uses the previous: depth ~ size) and a wide tree
// (independent branches summed pairwise: depth ~ log size), then times rewrite_graph
// and function() (rewriting plus planning) on each. Prints nodes, seconds and
// microseconds per node; the best of a few repeats, to damp a loaded machine.
//
//   ./build/bench/rewrite_scale [sizes...]   (default: 1000 10000 50000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

double seconds(const std::function<void()>& f, int repeats) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 50000};

  std::printf("%-6s %8s %8s %10s %12s %10s %12s  %s\n", "shape", "nodes", "after", "rewrite_s", "rewrite_us/n",
              "function_s", "function_us/n", "passes(c,sp,st)");
  for (const char* shape : {"chain", "tree"}) {
    for (int size : sizes) {
      const Graph g = std::string(shape) == "chain" ? chain(size) : tree(size);
      const std::vector<Variable>& outputs = g.outputs;
      const std::size_t nodes = hypatia::topological_order(outputs).size();
      const int repeats = size <= 10000 ? 3 : 1;
      std::size_t after = 0;
      const double rewrite_s = seconds(
          [&] { after = hypatia::topological_order(hypatia::rewrite_graph(outputs)).size(); }, repeats);
      const double function_s = seconds([&] { (void)hypatia::function(g.inputs, outputs); }, repeats);
      hypatia::RewriteOptions traced;
      traced.trace = true;
      hypatia::RewriteTrace trace;
      (void)hypatia::rewrite_graph(outputs, traced, &trace);
      std::string passes;
      for (const auto& [phase, count] : trace.passes) passes += (passes.empty() ? "" : ",") + std::to_string(count);
      const double n = static_cast<double>(nodes);
      std::printf("%-6s %8zu %8zu %10.3f %12.2f %10.3f %12.2f  %s\n", shape, nodes, after, rewrite_s,
                  1e6 * rewrite_s / n, function_s, 1e6 * function_s / n, passes.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
