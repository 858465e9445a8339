// W6 from C++: what one call of a compiled function costs on tiny inputs, beyond its
// arithmetic (issue 7: under 0.5 us from C++). Times f({x, y}) = x + y on two 10-element
// float32 vectors against a hand-written loop that does the same work a call must do
// (a new output array, 10 additions), and prints nanoseconds per call:
//   hypatia_ns=<ns> hand_ns=<ns> overhead_ns=<hypatia - hand> calls=<n>
// Median of samples of many calls each, after a warm-up.
//
//   ./build/bench/call_overhead [n]   (n: vector length, default 10)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "hypatia/hypatia.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Median nanoseconds per call of `call`, in samples of ~2 ms over ~target_s seconds.
template <class F>
double ns_per_call(F&& call, double target_s, long* calls) {
  for (int i = 0; i < 1000; ++i) call();
  auto t0 = Clock::now();
  long inner = 0;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < 2e-3) {
    call();
    ++inner;
  }
  const int samples = std::clamp(static_cast<int>(target_s / 2e-3), 3, 1000);
  std::vector<double> ns;
  for (int s = 0; s < samples; ++s) {
    t0 = Clock::now();
    for (long i = 0; i < inner; ++i) call();
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(inner));
  }
  std::sort(ns.begin(), ns.end());
  *calls = inner * samples;
  return ns[ns.size() / 2];
}

// The work of one call, by hand: a fresh output (as Function returns new arrays).
__attribute__((noinline)) std::unique_ptr<float[]> add_by_hand(const float* x, const float* y, long n) {
  std::unique_ptr<float[]> z(new float[static_cast<std::size_t>(n)]);
  for (long i = 0; i < n; ++i) z[static_cast<std::size_t>(i)] = x[i] + y[i];
  return z;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 10;
  const double target_s = argc > 2 ? std::atof(argv[2]) : 1.0;
  std::vector<float> xs(static_cast<std::size_t>(n)), ys(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    xs[static_cast<std::size_t>(i)] = 0.5f * static_cast<float>(i);
    ys[static_cast<std::size_t>(i)] = 1.0f - static_cast<float>(i);
  }
  const hypatia::Variable x = hypatia::vector("x", hypatia::DType::float32);
  const hypatia::Variable y = hypatia::vector("y", hypatia::DType::float32);
  const hypatia::Function f = hypatia::function({x, y}, {x + y});
  const std::vector<hypatia::Array> args = {hypatia::Array::from_vector(xs), hypatia::Array::from_vector(ys)};

  // Both ways must agree before either is timed.
  const std::vector<float> got = f(args)[0].to_vector<float>();
  const std::unique_ptr<float[]> want = add_by_hand(xs.data(), ys.data(), n);
  for (long i = 0; i < n; ++i) {
    if (got[static_cast<std::size_t>(i)] != want[static_cast<std::size_t>(i)]) {
      std::printf("DISAGREE at %ld: hypatia %g, hand %g\n", i, static_cast<double>(got[static_cast<std::size_t>(i)]),
                  static_cast<double>(want[static_cast<std::size_t>(i)]));
      return 1;
    }
  }

  float sink = 0.0f;  // keeps the hand loop's result alive
  long hyp_calls = 0;
  long hand_calls = 0;
  const double hyp = ns_per_call([&] { sink += f(args)[0].data_as<float>()[0]; }, target_s, &hyp_calls);
  const double hand = ns_per_call([&] { sink += add_by_hand(xs.data(), ys.data(), n)[0]; }, target_s, &hand_calls);
  std::printf("hypatia_ns=%.1f hand_ns=%.1f overhead_ns=%.1f calls=%ld n=%ld\n", hyp, hand, hyp - hand, hyp_calls, n);
  return sink == 12345.0f ? 3 : 0;  // never: only so that sink is used
}
