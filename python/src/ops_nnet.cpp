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
  // The activations and losses (compositions; hypatia.tensor.nnet wraps them).
  m.def(
      "relu", [](py::handle x, double alpha) { return relu(to_operand(x, user_location()), alpha); }, py::arg("x"),
      py::arg("alpha") = 0.0,
      "Theano's relu: max(x, 0); with alpha, x where x > 0 and alpha * x elsewhere (leaky relu).");
  m.def(
      "elu", [](py::handle x, double alpha) { return elu(to_operand(x, user_location()), alpha); }, py::arg("x"),
      py::arg("alpha") = 1.0,
      "x where x > 0, alpha * expm1(x) elsewhere; a huge x gives neither inf nor a NaN gradient.");
  m.def(
      "selu", [](py::handle x) { return selu(to_operand(x, user_location())); }, py::arg("x"),
      "scale * elu(x, alpha), alpha = 1.6732632423543772, scale = 1.0507009873554805 (self-normalizing).");
  m.def(
      "softsign", [](py::handle x) { return softsign(to_operand(x, user_location())); }, py::arg("x"),
      "x / (1 + |x|).");
  m.def(
      "hard_sigmoid", [](py::handle x) { return hard_sigmoid(to_operand(x, user_location())); }, py::arg("x"),
      "Theano's hard_sigmoid: clip(0.2 x + 0.5, 0, 1).");
  m.def(
      "categorical_crossentropy",
      [](py::handle coding_dist, py::handle true_dist) {
        const SourceLocation w = user_location();
        return categorical_crossentropy(to_operand(coding_dist, w), to_operand(true_dist, w));
      },
      py::arg("coding_dist"), py::arg("true_dist"),
      "Theano's categorical_crossentropy over the last axis of coding_dist (probabilities): integer class "
      "indices of one rank less give -log(coding_dist[..., true_dist]); a distribution (one-hot or soft) of "
      "coding_dist's shape gives -sum(true_dist * log(coding_dist), -1). coding_dist = softmax(z) is computed "
      "from z, stable at any logit gap.");
  m.def(
      "binary_crossentropy",
      [](py::handle output, py::handle target) {
        const SourceLocation w = user_location();
        return binary_crossentropy(to_operand(output, w), to_operand(target, w));
      },
      py::arg("output"), py::arg("target"),
      "Theano's binary_crossentropy: -(target log(output) + (1 - target) log(1 - output)); output = sigmoid(z) "
      "is computed from z (sigmoid_binary_crossentropy).");
  m.def(
      "sigmoid_binary_crossentropy",
      [](py::handle logits, py::handle target) {
        const SourceLocation w = user_location();
        return sigmoid_binary_crossentropy(to_operand(logits, w), to_operand(target, w));
      },
      py::arg("logits"), py::arg("target"),
      "binary_crossentropy(sigmoid(logits), target) without the sigmoid: finite and exact at any |logits|; "
      "gradient sigmoid(logits) - target.");
}

}  // namespace hypatia::python
