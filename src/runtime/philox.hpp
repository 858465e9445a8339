// Philox-4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel Random Numbers: As Easy as
// 1, 2, 3", SC11) and the samplers the random ops draw with.
//
// Self-contained on purpose (standard headers only, no exceptions, no allocation), so
// the CPU backend's generated code and a GPU kernel can embed the same text, as with
// scalar_math.hpp: a draw is a pure function of (key, counter, element index, sub-draw)
// and comes out bit-identical wherever it is computed.
//
// Streams. A random op's state is (key, counter), two uint64. Element j of the op's
// output draws from the blocks philox(ctr = {lo(counter + j), hi(counter + j), s, 0},
// key = {lo(key), hi(key)}) for s = 0, 1, 2 ...: its own sub-stream, so an element
// that needs many uniforms (rejection sampling, a binomial, a row of a permutation)
// never touches another element's blocks, and any thread split gives the same draws.
// The op's new state advances the counter past the elements it used.
#pragma once

#include <cmath>
#include <cstdint>

namespace hypatia::philox {

struct Block {
  std::uint32_t v[4];
};

// One 32x32 -> 64 bit product, split into its high and low words.
inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

// The Philox-4x32 bijection with 10 rounds: each round multiplies words 0 and 2 by the
// round multipliers, xors the high halves with the other words and the round key, and
// permutes; the key is bumped by the Weyl constants between rounds.
inline Block philox4x32_10(Block ctr, std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, ctr.v[0], hi0, lo0);
    mulhilo(kM1, ctr.v[2], hi1, lo1);
    ctr = Block{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += kW0;
    k1 += kW1;
  }
  return ctr;
}

// The sub-stream of one element: 32-bit words four at a time, then the next block.
class Stream {
 public:
  Stream(std::uint64_t key, std::uint64_t counter, std::uint64_t element)
      : key_(key), block_(counter + element) {}

  std::uint32_t next_u32() {
    if (used_ == 4) refill();
    return buf_.v[used_++];
  }
  std::uint64_t next_u64() {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1): never 0, so logs are finite.
  double uniform_open() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform on [0, 1) with 24 random bits (float32 draws).
  float uniform_float() { return static_cast<float>(next_u32() >> 8) * 0x1.0p-24f; }

  // Uniform on {0, ..., range - 1} (range >= 1), unbiased: draws below 2^64 mod range
  // are rejected.
  std::uint64_t bounded(std::uint64_t range) {
    const std::uint64_t threshold = (0 - range) % range;
    for (;;) {
      const std::uint64_t x = next_u64();
      if (x >= threshold) return x % range;
    }
  }

  // Standard normal by Box-Muller (the cosine branch).
  double normal() {
    const double u1 = uniform_open();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925 * u2);
  }

  // Gamma(shape a > 0, scale 1): Marsaglia and Tsang's squeeze for a >= 1; for a < 1,
  // Gamma(a + 1) * U^(1/a).
  double gamma(double a) {
    if (a < 1.0) {
      const double g = gamma(a + 1.0);
      return g * std::pow(uniform_open(), 1.0 / a);
    }
    const double d = a - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Beta(a, b) as Ga / (Ga + Gb).
  double beta(double a, double b) {
    const double x = gamma(a);
    const double y = gamma(b);
    return x / (x + y);
  }

  // Binomial(n, p), exact (Knuth, TAOCP 3.4.1 F): while n is large, the a-th order
  // statistic X ~ Beta(a, n + 1 - a) of n uniforms splits the trials into those below
  // and above it, leaving a binomial of about half the size; then n Bernoulli trials.
  // O(log n) gamma draws plus at most 32 uniforms. Expects n >= 0, 0 <= p <= 1.
  std::int64_t binomial(std::int64_t n, double p) {
    std::int64_t k = 0;
    while (n > 32 && p > 0.0 && p < 1.0) {
      const std::int64_t a = 1 + n / 2;
      const std::int64_t b = n + 1 - a;
      const double x = beta(static_cast<double>(a), static_cast<double>(b));
      if (x >= p) {
        n = a - 1;
        p = p / x;
      } else {
        k += a;
        n = b - 1;
        p = (p - x) / (1.0 - x);
      }
    }
    if (p <= 0.0) return k;
    if (p >= 1.0) return k + n;
    for (std::int64_t i = 0; i < n; ++i) k += uniform() < p ? 1 : 0;
    return k;
  }

  // N(0, 1) conditioned on |x| <= 2, by rejection (acceptance 95.4%).
  double truncated_normal() {
    for (;;) {
      const double x = normal();
      if (std::fabs(x) <= 2.0) return x;
    }
  }

 private:
  void refill() {
    buf_ = philox4x32_10(Block{{static_cast<std::uint32_t>(block_), static_cast<std::uint32_t>(block_ >> 32),
                                 sub_++, 0u}},
                         static_cast<std::uint32_t>(key_), static_cast<std::uint32_t>(key_ >> 32));
    used_ = 0;
  }

  std::uint64_t key_;
  std::uint64_t block_;
  std::uint32_t sub_ = 0;
  int used_ = 4;
  Block buf_{};
};

}  // namespace hypatia::philox
