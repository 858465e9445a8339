// Random streams (Theano's RandomStreams): seeded draws whose state lives in shared
// variables, so that each call of a compiled function gives new numbers.
//
//   RandomStreams rng(1234);
//   Variable u = rng.uniform({2, 3});           // a (2, 3) float sample
//   Function f = function({}, {u}, FunctionOptions{});
//   f({}); f({});                               // two different draws
//   rng.seed(1234);                             // and again the first one
//
// Each draw made through a RandomStreams owns a state: a shared uint64 vector
// [key, counter] (hypatia/ops/random.hpp), whose default update is the draw's new
// state. Functions that read a draw apply that update after each call (unless compiled
// with no_default_updates), so the counter moves past the numbers just used. Draw i's
// key is a Philox hash of (seed, i): draws of one stream are independent of each
// other, and the same seed gives the same draws in every program and on every backend.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "hypatia/graph.hpp"
#include "hypatia/ops/random.hpp"
#include "hypatia/shared.hpp"

namespace hypatia {

class RandomStreams {
 public:
  static constexpr std::uint64_t kDefaultSeed = 20260101;

  explicit RandomStreams(std::uint64_t seed = kDefaultSeed);

  // The draws (hypatia/ops/random.hpp gives each distribution's definition). `size`
  // is the sample's shape; empty means the parameters' broadcast shape.
  Variable uniform(const std::vector<Operand>& size = {}, const Operand& low = 0.0, const Operand& high = 1.0,
                   DType dtype = floatX(), SourceLocation where = SourceLocation::current());
  Variable normal(const std::vector<Operand>& size = {}, const Operand& mean = 0.0, const Operand& std = 1.0,
                  DType dtype = floatX(), SourceLocation where = SourceLocation::current());
  // Normal(mean, std) conditioned on |x - mean| <= 2 std.
  Variable truncated_normal(const std::vector<Operand>& size = {}, const Operand& mean = 0.0,
                            const Operand& std = 1.0, DType dtype = floatX(),
                            SourceLocation where = SourceLocation::current());
  Variable binomial(const std::vector<Operand>& size = {}, const Operand& n = 1, const Operand& p = 0.5,
                    DType dtype = DType::int64, SourceLocation where = SourceLocation::current());
  // Integers on [low, high).
  Variable integers(const std::vector<Operand>& size, const Operand& low, const Operand& high,
                    DType dtype = DType::int64, SourceLocation where = SourceLocation::current());
  // Elements of the vector a (or of arange(a) for an integer scalar a).
  Variable choice(const std::vector<Operand>& size, const Operand& a, bool replace = true,
                  std::optional<Operand> p = std::nullopt, SourceLocation where = SourceLocation::current());
  // Permutations of 0..n-1 of shape size + (n,).
  Variable permutation(const std::vector<Operand>& size, const Operand& n,
                       SourceLocation where = SourceLocation::current());
  // Counts of shape size + (k,) for the k categories of pvals' last axis.
  Variable multinomial(const std::vector<Operand>& size, const Operand& n, const Operand& pvals,
                       DType dtype = DType::int64, SourceLocation where = SourceLocation::current());

  // Resets every state made so far to what a new RandomStreams(seed) would give, and
  // seeds the draws made from now on.
  void seed(std::uint64_t seed);
  std::uint64_t get_seed() const;
  // The states made so far, in order (Theano's state_updates), with their updates.
  Updates updates() const;

  // The key of draw `index` under `seed` (a Philox-4x32-10 hash of both).
  static std::uint64_t draw_key(std::uint64_t seed, std::uint64_t index);

 private:
  struct Impl;
  SharedVariable new_state(SourceLocation where);
  Variable finish(const SharedVariable& state, const RandomDraw& draw);
  std::shared_ptr<Impl> impl_;
};

}  // namespace hypatia
