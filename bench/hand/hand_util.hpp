// What the hand-written peers share: raw float files in and out (peers.py writes the
// inputs and checks the outputs against NumPy's), and the timing rule of peers.py
// (warm-up, then the median of as many repeats as fit in the target time), so that
// every peer is timed alike. Prints one line, read by peers.py:
//   median_s=<seconds> repeats=<n> threads=<OpenMP threads>
#pragma once
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace hand {

template <class T>
std::vector<T> read_file(const char* path, std::size_t count) {
  std::vector<T> v(count);
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr || std::fread(v.data(), sizeof(T), count, f) != count) {
    std::fprintf(stderr, "cannot read %zu values from %s\n", count, path);
    std::exit(2);
  }
  std::fclose(f);
  return v;
}

template <class T>
void write_file(const char* path, const std::vector<T>& v) {
  std::FILE* f = std::fopen(path, "wb");
  if (f == nullptr || std::fwrite(v.data(), sizeof(T), v.size(), f) != v.size()) {
    std::fprintf(stderr, "cannot write %s\n", path);
    std::exit(2);
  }
  std::fclose(f);
}

// Runs `run` once to warm up, then in samples of enough calls to last ~1 ms, as many
// samples as fit in target_s (3 to 200; 1 when a call takes over 0.2 s); prints the median time of one call.
template <class F>
void time_and_report(double target_s, F&& run) {
  using clock = std::chrono::steady_clock;
  auto seconds = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  run();
  auto t0 = clock::now();
  run();
  const double first = std::max(seconds(t0, clock::now()), 1e-9);
  const int inner = first >= 1e-3 ? 1 : static_cast<int>(1e-3 / first) + 1;
  // At least 3 samples unless a call is slow: one descheduled sample must not decide.
  const int samples = std::clamp(static_cast<int>(target_s / (first * inner)), first < 0.2 ? 3 : 1, 200);
  std::vector<double> per_call;
  for (int s = 0; s < samples; ++s) {
    t0 = clock::now();
    for (int i = 0; i < inner; ++i) run();
    per_call.push_back(seconds(t0, clock::now()) / inner);
  }
  std::sort(per_call.begin(), per_call.end());
  const std::size_t n = per_call.size();
  const double median = n % 2 == 1 ? per_call[n / 2] : 0.5 * (per_call[n / 2 - 1] + per_call[n / 2]);
  std::printf("median_s=%.9g repeats=%zu threads=%d\n", median, n * static_cast<std::size_t>(inner),
              omp_get_max_threads());
}

inline long arg_long(const char* s) { return std::strtol(s, nullptr, 10); }
inline double arg_double(const char* s) { return std::strtod(s, nullptr); }

}  // namespace hand
