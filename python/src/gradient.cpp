// The gradient functions of hypatia._core (include/hypatia/grad.hpp): grad, Rop, Lop,
// jacobian, hessian, verify_grad and the gradient helper ops. hypatia/gradient.py
// gives them Theano's signatures (a variable or a list, dicts, rngs); here they take
// lists and plain values. A gradient the core leaves invalid (return_disconnected or
// null_gradients asking for none) comes back as None.
#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

std::vector<Variable> to_variables(py::handle seq, SourceLocation where) {
  std::vector<Variable> out;
  for (py::handle item : seq) out.push_back(to_variable(item, where));
  return out;
}

py::object or_none(const Variable& v) { return v.valid() ? py::cast(v) : py::object(py::none()); }

py::list or_none(const std::vector<Variable>& vs) {
  py::list out;
  for (const Variable& v : vs) out.append(or_none(v));
  return out;
}

std::string doc_of(const char* op, const char* extra) {
  const OpDef* def = OpRegistry::get().find(op);
  std::string doc = def ? def->summary : std::string();
  return doc + (doc.empty() ? "" : "\n\n") + extra;
}

}  // namespace

void bind_gradient(py::module_& m) {
  m.def(
      "_grad",
      [](py::handle cost, py::handle wrt, py::handle consider_constant, const std::string& disconnected_inputs,
         py::handle known_grads, const std::string& return_disconnected, const std::string& null_gradients) {
        const SourceLocation w = user_location();
        GradOptions options;
        options.consider_constant = to_variables(consider_constant, w);
        options.disconnected_inputs = disconnected_inputs;
        for (py::handle pair : known_grads) {
          const py::sequence kv = py::reinterpret_borrow<py::sequence>(pair);
          options.known_grads.emplace_back(to_variable(kv[0], w), to_variable(kv[1], w));
        }
        options.return_disconnected = return_disconnected;
        options.null_gradients = null_gradients;
        const Variable c = cost.is_none() ? Variable() : to_variable(cost, w);
        return or_none(grad(c, to_variables(wrt, w), options, w));
      },
      py::arg("cost"), py::arg("wrt"), py::arg("consider_constant"), py::arg("disconnected_inputs"),
      py::arg("known_grads"), py::arg("return_disconnected"), py::arg("null_gradients"),
      "hypatia::grad over lists; use hypatia.grad.");
  m.def(
      "_Rop",
      [](py::handle f, py::handle wrt, py::handle eval_points) {
        const SourceLocation w = user_location();
        return or_none(Rop(to_variables(f, w), to_variables(wrt, w), to_variables(eval_points, w), w));
      },
      py::arg("f"), py::arg("wrt"), py::arg("eval_points"), "hypatia::Rop over lists; use hypatia.gradient.Rop.");
  m.def(
      "_Lop",
      [](py::handle f, py::handle wrt, py::handle eval_points) {
        const SourceLocation w = user_location();
        return or_none(Lop(to_variables(f, w), to_variables(wrt, w), to_variables(eval_points, w), w));
      },
      py::arg("f"), py::arg("wrt"), py::arg("eval_points"), "hypatia::Lop over lists; use hypatia.gradient.Lop.");
  m.def(
      "_jacobian",
      [](py::handle expr, py::handle wrt) {
        const SourceLocation w = user_location();
        return jacobian(to_variable(expr, w), to_variable(wrt, w), w);
      },
      py::arg("expression"), py::arg("wrt"));
  m.def(
      "_hessian",
      [](py::handle cost, py::handle wrt) {
        const SourceLocation w = user_location();
        return hessian(to_variable(cost, w), to_variable(wrt, w), w);
      },
      py::arg("cost"), py::arg("wrt"));
  m.def(
      "hessian_vector_product",
      [](py::handle cost, py::handle wrt, py::handle v) {
        const SourceLocation w = user_location();
        return hessian_vector_product(to_variable(cost, w), to_variable(wrt, w), to_variable(v, w), w);
      },
      py::arg("cost"), py::arg("wrt"), py::arg("v"),
      "H·v, the hessian of the scalar cost with respect to wrt times v (wrt's shape), without forming H.");

  // The helper ops: identities in the forward pass that act on the gradient.
  auto helper = [&m](const char* name, Variable (*f)(const Operand&), const char* extra) {
    m.def(
        name, [f](py::handle x) { return f(to_operand(x, user_location())); }, py::arg("x"),
        doc_of(name, extra).c_str());
  };
  helper("zero_grad", &zero_grad, "In forward mode (Rop) its tangent is zero too.");
  helper("consider_constant", &consider_constant, "Theano's consider_constant: grad treats x as a constant.");
  helper("disconnected_grad", &disconnected_grad,
         "grad with respect to an input reached only through it raises DisconnectedInputError.");
  m.def(
      "grad_clip",
      [](py::handle x, double lo, double hi) { return grad_clip(to_operand(x, user_location()), lo, hi); },
      py::arg("x"), py::arg("lower_bound"), py::arg("upper_bound"),
      doc_of("grad_clip", "lower_bound > upper_bound is a ValueError. The tangent of Rop passes unchanged.").c_str());
  m.def(
      "grad_scale",
      [](py::handle x, double multiplier) { return grad_scale(to_operand(x, user_location()), multiplier); },
      py::arg("x"), py::arg("multiplier"), doc_of("grad_scale", "The tangent of Rop is scaled too.").c_str());

  // For the tests: the ops with a gradient rule, which verify_grad must cover.
  m.def("_differentiable_op_names", [] {
    std::vector<std::string> names;
    for (const OpDef* op : OpRegistry::get().all()) {
      if (op->vjp) names.push_back(op->name);
    }
    return names;
  });
  m.def(
      "_verify_grad",
      [](const py::function& fun, const py::list& pt, int n_tests, std::optional<std::uint64_t> seed,
         std::optional<double> eps, std::optional<double> abs_tol, std::optional<double> rel_tol) {
        const SourceLocation w = user_location();
        std::vector<py::object> keep;
        std::vector<Array> point;
        for (py::handle p : pt) point.push_back(to_array(p, keep));
        // The core calls fun while this thread holds the GIL (nothing here releases it),
        // so calling back into Python is safe; a Python exception in fun travels through
        // the core as py::error_already_set and comes out unchanged.
        auto call = [&fun, w](const std::vector<Variable>& inputs) {
          py::tuple args(inputs.size());
          for (std::size_t i = 0; i < inputs.size(); ++i) args[i] = py::cast(inputs[i]);
          const py::object out = fun(*args);
          if (out.is_none()) {
            throw TypeError(format_location(w) + ": verify_grad: fun returned None, not a TensorVariable");
          }
          return to_variable(out, w);
        };
        VerifyGradOptions options;
        options.n_tests = n_tests;
        options.seed = seed;
        options.eps = eps;
        options.abs_tol = abs_tol;
        options.rel_tol = rel_tol;
        verify_grad(call, point, options, w);
      },
      py::arg("fun"), py::arg("pt"), py::arg("n_tests"), py::arg("seed"), py::arg("eps"), py::arg("abs_tol"),
      py::arg("rel_tol"), "hypatia::verify_grad; use hypatia.gradient.verify_grad.");
}

}  // namespace hypatia::python
