// Random sampling ops (src/ops/random.cpp) over a counter-based generator,
// Philox-4x32-10 (src/runtime/philox.hpp).
//
// Each op is a pure function: it takes a stream state, a uint64 vector [key, counter]
// (random_state() makes one), and returns the sample and the state with its counter
// advanced past the blocks the draw used. Element i of a sample is a function of
// (key, counter, i) only, so draws are reproducible and the same for any thread split
// or device. RandomStreams (hypatia/random.hpp) keeps the state in a shared variable
// that each call of a function advances.
//
// `size` is the sample's shape (C++ integers or int64 scalar Variables); the
// parameters broadcast to it. An empty size means the broadcast shape of the
// parameters (a scalar for scalar parameters). Errors in values (low > high, p outside
// [0, 1], ...) are ValueErrors at run time, naming the op and the user's line.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "hypatia/graph.hpp"

namespace hypatia {

// The op's two outputs.
struct RandomDraw {
  Variable state;   // the advanced stream state, uint64 (2,)
  Variable sample;
};

// A stream state: [key, counter].
Array random_state(std::uint64_t key, std::uint64_t counter = 0);

// Uniform on [low, high) (float dtype). low > high is an error; low == high gives low.
RandomDraw random_uniform(const Operand& state, const std::vector<Operand>& size, const Operand& low = 0.0,
                          const Operand& high = 1.0, DType dtype = floatX());
// Normal with mean `mean` and standard deviation `std` >= 0 (float dtype).
RandomDraw random_normal(const Operand& state, const std::vector<Operand>& size, const Operand& mean = 0.0,
                         const Operand& std = 1.0, DType dtype = floatX());
// Normal(mean, std) conditioned on |x - mean| <= 2 std: draws further than two
// standard deviations from the mean are dropped and drawn again (as
// tf.random.truncated_normal and Keras' initializers define it). Its variance is
// about 0.774 std^2.
RandomDraw random_truncated_normal(const Operand& state, const std::vector<Operand>& size,
                                   const Operand& mean = 0.0, const Operand& std = 1.0, DType dtype = floatX());
// Binomial: successes in n >= 0 trials of probability p in [0, 1] (integer dtype).
RandomDraw random_binomial(const Operand& state, const std::vector<Operand>& size, const Operand& n = 1,
                           const Operand& p = 0.5, DType dtype = DType::int64);
// Integers uniform on [low, high) (numpy.random.Generator.integers); low >= high is an
// error. low and high are integers.
RandomDraw random_integers(const Operand& state, const std::vector<Operand>& size, const Operand& low,
                           const Operand& high, DType dtype = DType::int64);
// Elements of the 1-d `a`, with or without replacement, uniformly or with
// probabilities `p` (a vector of a's length, non-negative, summing to 1). Without
// replacement the sample's elements are distinct positions of a.
RandomDraw random_choice(const Operand& state, const std::vector<Operand>& size, const Operand& a,
                         bool replace = true, std::optional<Operand> p = std::nullopt);
// Random permutations of 0..n-1, int64, of shape size + (n,).
RandomDraw random_permutation(const Operand& state, const std::vector<Operand>& size, const Operand& n);
// Multinomial counts of n trials over the categories of pvals (its last axis, k
// categories; the last probability is 1 - the sum of the others), of shape size + (k,);
// n and pvals' leading axes broadcast to size.
RandomDraw random_multinomial(const Operand& state, const std::vector<Operand>& size, const Operand& n,
                              const Operand& pvals, DType dtype = DType::int64);

}  // namespace hypatia
