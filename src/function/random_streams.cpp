// RandomStreams (hypatia/random.hpp): one shared [key, counter] state per draw, with
// the draw's new state as its default update.
#include "hypatia/random.hpp"

#include <string>

#include "hypatia/ops/creation.hpp"
#include "runtime/philox.hpp"

namespace hypatia {

struct RandomStreams::Impl {
  std::uint64_t seed;
  std::vector<SharedVariable> states;
  std::vector<Variable> updates;
};

RandomStreams::RandomStreams(std::uint64_t seed) : impl_(std::make_shared<Impl>(Impl{seed, {}, {}})) {}

std::uint64_t RandomStreams::draw_key(std::uint64_t seed, std::uint64_t index) {
  // The counter carries the index and a constant tag that stream counters (element
  // indices, with sub-stream and fourth word small) never reach in word 3.
  const philox::Block b = philox::philox4x32_10(
      philox::Block{{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), 0, 0x5eed5eedu}},
      static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  return (static_cast<std::uint64_t>(b.v[1]) << 32) | b.v[0];
}

SharedVariable RandomStreams::new_state(SourceLocation where) {
  const std::uint64_t index = impl_->states.size();
  SharedVariable s = shared(random_state(draw_key(impl_->seed, index)), "random_state_" + std::to_string(index),
                            false, where);
  impl_->states.push_back(s);
  return s;
}

Variable RandomStreams::finish(const SharedVariable& state, const RandomDraw& draw) {
  state.set_default_update(draw.state);
  impl_->updates.push_back(draw.state);
  return draw.sample;
}

Variable RandomStreams::uniform(const std::vector<Operand>& size, const Operand& low, const Operand& high,
                                DType dtype, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_uniform(Operand(s, where), size, low, high, dtype));
}

Variable RandomStreams::normal(const std::vector<Operand>& size, const Operand& mean, const Operand& std,
                               DType dtype, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_normal(Operand(s, where), size, mean, std, dtype));
}

Variable RandomStreams::truncated_normal(const std::vector<Operand>& size, const Operand& mean, const Operand& std,
                                         DType dtype, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_truncated_normal(Operand(s, where), size, mean, std, dtype));
}

Variable RandomStreams::binomial(const std::vector<Operand>& size, const Operand& n, const Operand& p, DType dtype,
                                 SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_binomial(Operand(s, where), size, n, p, dtype));
}

Variable RandomStreams::integers(const std::vector<Operand>& size, const Operand& low, const Operand& high,
                                 DType dtype, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_integers(Operand(s, where), size, low, high, dtype));
}

Variable RandomStreams::choice(const std::vector<Operand>& size, const Operand& a, bool replace,
                               std::optional<Operand> p, SourceLocation where) {
  Variable population = a.variable();
  if (population.ndim() == 0 && is_integer(population.dtype())) {
    population = arange(Operand(population, where), DType::int64);
  }
  const SharedVariable s = new_state(where);
  return finish(s, random_choice(Operand(s, where), size, Operand(population, where), replace, p));
}

Variable RandomStreams::permutation(const std::vector<Operand>& size, const Operand& n, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_permutation(Operand(s, where), size, n));
}

Variable RandomStreams::multinomial(const std::vector<Operand>& size, const Operand& n, const Operand& pvals,
                                    DType dtype, SourceLocation where) {
  const SharedVariable s = new_state(where);
  return finish(s, random_multinomial(Operand(s, where), size, n, pvals, dtype));
}

void RandomStreams::seed(std::uint64_t seed) {
  impl_->seed = seed;
  for (std::size_t i = 0; i < impl_->states.size(); ++i) {
    impl_->states[i].set_value(random_state(draw_key(seed, i)));
  }
}

std::uint64_t RandomStreams::get_seed() const { return impl_->seed; }

Updates RandomStreams::updates() const {
  Updates out;
  for (std::size_t i = 0; i < impl_->states.size(); ++i) out.emplace_back(impl_->states[i], impl_->updates[i]);
  return out;
}

}  // namespace hypatia
