// The threaded native kernels (native_util.hpp's split_parts) on one thread and on two,
// alternated call by call in one process (cpu::native::set_team_size), so that both
// see the same load; medians over the rounds. bench/RESULTS.md, "Row kernels: flags,
// long rows, native threads".
//
//   build-rel/bench/native_threads [rounds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "backend/cpu/native_util.hpp"
#include "hypatia/hypatia.hpp"

using namespace hypatia;

namespace {

std::vector<double> spread(std::size_t n, double lo, double hi, int seed) {
  std::vector<double> v(n);
  std::uint64_t s = 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(seed + 1);
  for (double& x : v) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x = lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  return v;
}

Array ints(std::size_t n, std::int64_t lo, std::int64_t hi, int seed) {
  std::vector<std::int64_t> v;
  for (double d : spread(n, static_cast<double>(lo), static_cast<double>(hi), seed)) {
    v.push_back(static_cast<std::int64_t>(d));
  }
  return Array::from_vector(v, {static_cast<std::int64_t>(n)});
}

struct Case {
  std::string name;
  Function f;
  std::vector<Array> args;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
  Mode m;
  m.linker = "cpu";
  std::vector<Case> cases;
  Variable x = matrix("x", DType::float32);
  Variable i = vector("i", DType::int64);
  Variable v = vector("v", DType::float32);
  const Array row = Array::from_vector(spread(10000000, -9, 9, 1), {1, 10000000}).astype(DType::float32);
  cases.push_back({"softmax 1x1e7", function({x}, {softmax(x, 1)}, m), {row}});
  cases.push_back({"log_softmax 1x1e7", function({x}, {log_softmax(x, 1)}, m), {row}});
  cases.push_back({"logsumexp 1x1e7", function({x}, {logsumexp(x, Axes{1}, false)}, m), {row}});
  cases.push_back({"softmax 2x5e6", function({x}, {softmax(x, 1)}, m), {row.reshape({2, 5000000})}});
  cases.push_back({"softmax 4096x4096", function({x}, {softmax(x, 1)}, m),
                   {Array::from_vector(spread(4096 * 4096, -9, 9, 2), {4096, 4096}).astype(DType::float32)}});
  cases.push_back({"xent 10000x1000", function({x, i}, {softmax_cross_entropy(x, i)}, m),
                   {Array::from_vector(spread(10000 * 1000, -9, 9, 3), {10000, 1000}).astype(DType::float32),
                    ints(10000, 0, 1000, 4)}});
  const Array mat = Array::from_vector(spread(1000 * 1000, -1, 1, 5), {1000, 1000}).astype(DType::float32);
  cases.push_back({"take rows 10000 of 1000^2", function({x, i}, {take(x, i, 0)}, m), {mat, ints(10000, 0, 1000, 6)}});
  cases.push_back({"take 1e6 of 1e6", function({v, i}, {take(v, i, 0)}, m),
                   {Array::from_vector(spread(1000000, -1, 1, 7), {1000000}).astype(DType::float32),
                    ints(1000000, -1000000, 1000000, 8)}});
  std::printf("%-28s %12s %12s %8s\n", "case", "1 thread", "2 threads", "ratio");
  for (Case& c : cases) {
    std::vector<double> t[2];
    for (int r = 0; r < rounds; ++r) {
      for (int team : {1, 2}) {
        cpu::native::set_team_size(team);
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<Array> out = c.f(c.args);
        t[team - 1].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
    }
    const double a = median(t[0]), b = median(t[1]);
    std::printf("%-28s %9.3f ms %9.3f ms %7.2fx\n", c.name.c_str(), a, b, a / b);
  }
  cpu::native::set_team_size(0);
  return 0;
}
