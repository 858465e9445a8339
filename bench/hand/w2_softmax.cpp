// W2 by hand: softmax and logsumexp over the rows of a float32 matrix, rows split
// among OpenMP threads; per row one pass for the max, one for exp(x - max) and its sum,
// one to scale (softmax) or a log (logsumexp). Built with -ffast-math so that expf is
// glibc's vector version and the sums vectorize.
//
//   hand_w2 <target_s> <rows> <cols> <x.f32> <softmax.f32> <logsumexp.f32>
#include <cmath>

#include "hand_util.hpp"

namespace {

float row_max(const float* x, long cols) {
  float m = x[0];
#pragma omp simd reduction(max : m)
  for (long j = 1; j < cols; ++j) m = std::max(m, x[j]);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s target_s rows cols x.f32 softmax.f32 logsumexp.f32\n", argv[0]);
    return 2;
  }
  const double target_s = hand::arg_double(argv[1]);
  const long rows = hand::arg_long(argv[2]);
  const long cols = hand::arg_long(argv[3]);
  const std::vector<float> x = hand::read_file<float>(argv[4], static_cast<std::size_t>(rows * cols));
  std::vector<float> sm(static_cast<std::size_t>(rows * cols));
  std::vector<float> lse(static_cast<std::size_t>(rows));
  const float* xp = x.data();
  float* smp = sm.data();
  float* lsep = lse.data();

  std::printf("softmax ");
  hand::time_and_report(target_s, [&] {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < rows; ++i) {
      const float* xr = xp + i * cols;
      float* yr = smp + i * cols;
      const float m = row_max(xr, cols);
      float s = 0.0f;
#pragma omp simd reduction(+ : s)
      for (long j = 0; j < cols; ++j) {
        yr[j] = std::exp(xr[j] - m);
        s += yr[j];
      }
      const float inv = 1.0f / s;
#pragma omp simd
      for (long j = 0; j < cols; ++j) yr[j] *= inv;
    }
  });
  std::printf("logsumexp ");
  hand::time_and_report(target_s, [&] {
#pragma omp parallel for schedule(static)
    for (long i = 0; i < rows; ++i) {
      const float* xr = xp + i * cols;
      const float m = row_max(xr, cols);
      float s = 0.0f;
#pragma omp simd reduction(+ : s)
      for (long j = 0; j < cols; ++j) s += std::exp(xr[j] - m);
      lsep[i] = m + std::log(s);
    }
  });
  hand::write_file(argv[5], sm);
  hand::write_file(argv[6], lse);
  return 0;
}
