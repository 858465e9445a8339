// The free op functions of hypatia._core, part five: the stable nnet ops
// (hypatia/ops/nnet.hpp). hypatia.tensor.nnet and hypatia.tensor.special give them
// Theano's and PyTensor's names.
#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

std::string summary_of(const char* op, const char* extra) {
  const OpDef* def = OpRegistry::get().find(op);
  std::string doc = def ? def->summary : std::string();
  return doc + "\n\n" + extra;
}

}  // namespace

void bind_ops_nnet(py::module_& m) {
  m.def(
      "logaddexp",
      [](py::handle a, py::handle b) {
        const SourceLocation w = user_location();
        return logaddexp(to_operand(a, w), to_operand(b, w));
      },
      py::arg("a"), py::arg("b"),
      summary_of("logaddexp", "numpy.logaddexp: (1000, 1000) gives 1000 + log 2; operands broadcast.").c_str());
  m.def(
      "log1mexp", [](py::handle x) { return log1mexp(to_operand(x, user_location())); }, py::arg("x"),
      summary_of("log1mexp", "log1mexp(-1e-20) is -46.0517..., log1mexp(0) is -inf, x > 0 gives NaN.").c_str());
  m.def(
      "logsumexp",
      [](py::handle x, py::handle axis, bool keepdims) {
        const SourceLocation w = user_location();
        return logsumexp(to_operand(x, w), to_axes(axis, "axis"), keepdims);
      },
      py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false,
      summary_of("logsumexp", "axis: None (every axis), an int, or a tuple of ints; keepdims as in NumPy.").c_str());
  m.def(
      "softmax",
      [](py::handle x, std::int64_t axis) {
        const SourceLocation w = user_location();
        return softmax(to_operand(x, w), axis);
      },
      py::arg("x"), py::arg("axis") = -1,
      summary_of("softmax", "axis: one axis, the last by default (Theano's softmax of the rows).").c_str());
  m.def(
      "log_softmax",
      [](py::handle x, std::int64_t axis) {
        const SourceLocation w = user_location();
        return log_softmax(to_operand(x, w), axis);
      },
      py::arg("x"), py::arg("axis") = -1, summary_of("log_softmax", "axis: one axis, the last by default.").c_str());
  m.def(
      "softmax_cross_entropy",
      [](py::handle logits, py::handle targets) {
        const SourceLocation w = user_location();
        return softmax_cross_entropy(to_operand(logits, w), to_operand(targets, w));
      },
      py::arg("logits"), py::arg("targets"),
      summary_of("softmax_cross_entropy",
                 "logits (..., k) unnormalized log-probabilities, targets integer class indices of shape (...). "
                 "Stable at any logit gap; its gradient is softmax(logits) - one_hot(targets).")
          .c_str());
}

}  // namespace hypatia::python
