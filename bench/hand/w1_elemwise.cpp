// W1 by hand: y = exp(-x^2) sin(x) + 0.5 log1p(|x|) + tanh(x) over float32, one
// OpenMP-parallel SIMD loop. Built twice: hand_w1 with -ffast-math, so that g++ calls
// glibc's vector math (libmvec: 8 floats per call under AVX2), the practical limit; and
// hand_w1_libm without it, one scalar libm call per element and function.
//
//   hand_w1 <target_s> <n> <x.f32> <y.f32>
#include <cmath>

#include "hand_util.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s target_s n x.f32 y.f32\n", argv[0]);
    return 2;
  }
  const double target_s = hand::arg_double(argv[1]);
  const long n = hand::arg_long(argv[2]);
  const std::vector<float> x = hand::read_file<float>(argv[3], static_cast<std::size_t>(n));
  std::vector<float> y(static_cast<std::size_t>(n));
  const float* xp = x.data();
  float* yp = y.data();
  hand::time_and_report(target_s, [&] {
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; ++i) {
      const float v = xp[i];
      yp[i] = std::exp(-v * v) * std::sin(v) + 0.5f * std::log1p(std::abs(v)) + std::tanh(v);
    }
  });
  hand::write_file(argv[4], y);
  return 0;
}
