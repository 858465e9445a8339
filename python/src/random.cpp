// Random sampling for Python: the random ops as free functions of hypatia._core
// (state in, (new state, sample) out; hypatia.tensor exports them) and the C++
// RandomStreams, which hypatia.tensor.shared_randomstreams wraps with Theano's
// signatures.
#include "binding.hpp"
#include "graph/op.hpp"
#include "hypatia/ops/random.hpp"

namespace hypatia::python {
namespace {

std::string doc_of(const char* op, const char* extra) {
  const OpDef* def = OpRegistry::get().find(op);
  return (def ? def->summary : std::string()) + "\n\n" + extra;
}

}  // namespace

std::vector<Operand> random_sizes(py::handle size, SourceLocation w, const char* what) {
  if (size.is_none()) return {};
  if (py::isinstance<Variable>(size)) {
    const Variable v = size.cast<Variable>();
    if (v.ndim() == 1 && !v.is_constant() && v.node().op().name != "shape") {
      const std::int64_t n = v.type().shape[0];
      if (n == kUnknownDim) {
        throw TypeError(format_location(w) + ": " + what + ": size is a symbolic vector of unknown length " +
                        v.type().str() + "; give its length as ndim");
      }
      std::vector<Operand> out;
      for (std::int64_t i = 0; i < n; ++i) out.emplace_back(v[Index(i, w)], w);
      return out;
    }
  }
  return to_sizes(size, w, what);
}

namespace {

py::tuple pair(const RandomDraw& d) { return py::make_tuple(d.state, d.sample); }

}  // namespace

void bind_random(py::module_& m) {
  const char* state_doc =
      "state: a uint64 vector [key, counter] (random_state(key)); returns (new_state, sample), the new state's "
      "counter moved past the numbers used. size: the sample's shape; None or () for the parameters' broadcast "
      "shape.";
  m.def(
      "random_state",
      [](std::uint64_t key, std::uint64_t counter) { return to_numpy(random_state(key, counter)); },
      py::arg("key"), py::arg("counter") = 0, "A stream state for the random ops: numpy.uint64([key, counter]).");
  m.def(
      "random_uniform",
      [](py::handle state, py::handle size, py::handle low, py::handle high, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_uniform(to_operand(state, w), random_sizes(size, w, "random_uniform"), to_operand(low, w),
                                   to_operand(high, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("low") = 0.0, py::arg("high") = 1.0,
      py::arg("dtype") = py::none(), doc_of("random_uniform", state_doc).c_str());
  m.def(
      "random_normal",
      [](py::handle state, py::handle size, py::handle mean, py::handle sd, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_normal(to_operand(state, w), random_sizes(size, w, "random_normal"), to_operand(mean, w),
                                  to_operand(sd, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("mean") = 0.0, py::arg("std") = 1.0,
      py::arg("dtype") = py::none(), doc_of("random_normal", state_doc).c_str());
  m.def(
      "random_truncated_normal",
      [](py::handle state, py::handle size, py::handle mean, py::handle sd, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_truncated_normal(to_operand(state, w), random_sizes(size, w, "random_truncated_normal"),
                                            to_operand(mean, w), to_operand(sd, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("mean") = 0.0, py::arg("std") = 1.0,
      py::arg("dtype") = py::none(), doc_of("random_truncated_normal", state_doc).c_str());
  m.def(
      "random_binomial",
      [](py::handle state, py::handle size, py::handle n, py::handle p, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_binomial(to_operand(state, w), random_sizes(size, w, "random_binomial"), to_operand(n, w),
                                    to_operand(p, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("n") = 1, py::arg("p") = 0.5,
      py::arg("dtype") = "int64", doc_of("random_binomial", state_doc).c_str());
  m.def(
      "random_integers",
      [](py::handle state, py::handle size, py::handle low, py::handle high, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_integers(to_operand(state, w), random_sizes(size, w, "random_integers"), to_operand(low, w),
                                    to_operand(high, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("low") = 0, py::arg("high") = 2,
      py::arg("dtype") = "int64", doc_of("random_integers", state_doc).c_str());
  m.def(
      "random_choice",
      [](py::handle state, py::handle size, py::handle a, bool replace, py::handle p) {
        const SourceLocation w = user_location();
        std::optional<Operand> po;
        if (!p.is_none()) po = to_operand(p, w);
        return pair(random_choice(to_operand(state, w), random_sizes(size, w, "random_choice"), to_operand(a, w), replace,
                                  po));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("a") = py::none(), py::arg("replace") = true,
      py::arg("p") = py::none(), doc_of("random_choice", state_doc).c_str());
  m.def(
      "random_permutation",
      [](py::handle state, py::handle size, py::handle n) {
        const SourceLocation w = user_location();
        return pair(random_permutation(to_operand(state, w), random_sizes(size, w, "random_permutation"),
                                       to_operand(n, w)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("n") = 1, doc_of("random_permutation", state_doc).c_str());
  m.def(
      "random_multinomial",
      [](py::handle state, py::handle size, py::handle n, py::handle pvals, py::handle dtype) {
        const SourceLocation w = user_location();
        return pair(random_multinomial(to_operand(state, w), random_sizes(size, w, "random_multinomial"),
                                       to_operand(n, w), to_operand(pvals, w), to_dtype(dtype)));
      },
      py::arg("state"), py::arg("size") = py::none(), py::arg("n") = 1, py::arg("pvals") = py::none(),
      py::arg("dtype") = "int64", doc_of("random_multinomial", state_doc).c_str());

  bind_random_streams(m);
}

}  // namespace hypatia::python
