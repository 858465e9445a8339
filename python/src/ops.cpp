// The free op functions of hypatia._core, part one: elementwise ops, casts,
// reductions and products, under the core's names (hypatia.tensor adds Theano's and
// NumPy's aliases). Docstrings come from the op registry's summaries.
#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

using Unary = Variable (*)(const Operand&);
using Binary = Variable (*)(const Operand&, const Operand&);

std::string doc_of(const char* op, const char* extra = "") {
  const OpDef* def = OpRegistry::get().find(op);
  std::string doc = def ? def->summary : std::string();
  if (*extra) doc += std::string(doc.empty() ? "" : "\n\n") + extra;
  return doc;
}

constexpr const char* kElemwiseNote =
    "Operands broadcast as in NumPy; the result dtype is NumPy's promotion of theirs, with Python "
    "scalars typed by config.cast_policy.";

template <Unary F>
void unary(py::module_& m, const char* name, const char* op = nullptr) {
  m.def(
      name, [](py::handle x) { return F(to_operand(x, user_location())); }, py::arg("x"),
      doc_of(op ? op : name).c_str());
}

template <Binary F>
void binary(py::module_& m, const char* name, const char* op = nullptr) {
  m.def(
      name,
      [](py::handle a, py::handle b) {
        const SourceLocation w = user_location();
        return F(to_operand(a, w), to_operand(b, w));
      },
      py::arg("a"), py::arg("b"), doc_of(op ? op : name, kElemwiseNote).c_str());
}

std::optional<std::int64_t> one_axis(py::handle axis, const char* op, SourceLocation where) {
  if (axis.is_none()) return std::nullopt;
  const std::vector<std::int64_t> axes = to_int_list(axis, "axis");
  if (axes.size() != 1) {
    throw ValueError(format_location(where) + ": " + op + " takes one axis or None (the flattened array), not " +
                     std::to_string(axes.size()));
  }
  return axes[0];
}

constexpr const char* kReduceNote =
    "axis: None (every axis), an int, or a tuple of ints; keepdims as in NumPy.";

}  // namespace

Variable py_reduce(ReduceFn f, py::handle x, py::handle axis, bool keepdims) {
  const SourceLocation w = user_location();
  return f(to_operand(x, w), to_axes(axis, "axis"), keepdims);
}

Variable py_spread(SpreadFn f, py::handle x, py::handle axis, std::int64_t ddof, bool keepdims) {
  const SourceLocation w = user_location();
  return f(to_operand(x, w), to_axes(axis, "axis"), ddof, keepdims);
}

Variable py_arg_reduce(ArgFn f, const char* name, py::handle x, py::handle axis, bool keepdims) {
  const SourceLocation w = user_location();
  return f(to_operand(x, w), one_axis(axis, name, w), keepdims);
}

Variable py_round(py::handle x, py::handle mode) {
  const SourceLocation w = user_location();
  const std::string m = mode.is_none() ? "half_to_even" : std::string(py::str(mode));
  if (m == "half_to_even") return round(to_operand(x, w));
  if (m == "half_away_from_zero") return round_half_away_from_zero(to_operand(x, w));
  throw ValueError(format_location(w) + ": round: mode must be 'half_to_even' (NumPy's, the default) or "
                   "'half_away_from_zero', not '" + m + "'");
}

Variable py_clip(py::handle x, py::handle lo, py::handle hi) {
  const SourceLocation w = user_location();
  return clip(to_operand(x, w), to_operand(lo, w), to_operand(hi, w));
}

Variable py_cast(py::handle x, py::handle dtype) {
  const SourceLocation w = user_location();
  return cast(to_operand(x, w), to_dtype(dtype));
}

Variable py_dot(py::handle a, py::handle b) {
  const SourceLocation w = user_location();
  return dot(to_operand(a, w), to_operand(b, w));
}

Variable py_matmul(py::handle a, py::handle b) {
  const SourceLocation w = user_location();
  return matmul(to_operand(a, w), to_operand(b, w));
}

void bind_ops(py::module_& m) {
  // Arithmetic.
  binary<&add>(m, "add");
  binary<&sub>(m, "sub");
  binary<&mul>(m, "mul");
  binary<&true_div>(m, "true_div");
  binary<&floor_div>(m, "floor_div");
  binary<&mod>(m, "mod");
  binary<&pow>(m, "pow");
  binary<&maximum>(m, "maximum");
  binary<&minimum>(m, "minimum");
  unary<&neg>(m, "neg");
  unary<&abs>(m, "abs");
  unary<&sign>(m, "sign");
  unary<&reciprocal>(m, "reciprocal");
  unary<&sqr>(m, "sqr");
  m.def("clip", &py_clip, py::arg("x"), py::arg("a_min"), py::arg("a_max"), doc_of("clip", kElemwiseNote).c_str());

  // Math functions.
  unary<&sqrt>(m, "sqrt");
  unary<&cbrt>(m, "cbrt");
  unary<&exp>(m, "exp");
  unary<&exp2>(m, "exp2");
  unary<&expm1>(m, "expm1");
  unary<&log>(m, "log");
  unary<&log2>(m, "log2");
  unary<&log10>(m, "log10");
  unary<&log1p>(m, "log1p");
  unary<&sin>(m, "sin");
  unary<&cos>(m, "cos");
  unary<&tan>(m, "tan");
  unary<&arcsin>(m, "arcsin");
  unary<&arccos>(m, "arccos");
  unary<&arctan>(m, "arctan");
  binary<&arctan2>(m, "arctan2");
  unary<&sinh>(m, "sinh");
  unary<&cosh>(m, "cosh");
  unary<&tanh>(m, "tanh");
  unary<&arcsinh>(m, "arcsinh");
  unary<&arccosh>(m, "arccosh");
  unary<&arctanh>(m, "arctanh");
  unary<&sigmoid>(m, "sigmoid");
  unary<&softplus>(m, "softplus");
  unary<&erf>(m, "erf");
  unary<&erfc>(m, "erfc");
  unary<&erfcx>(m, "erfcx");
  unary<&erfinv>(m, "erfinv");
  unary<&gamma>(m, "gamma");
  unary<&gammaln>(m, "gammaln");
  unary<&digamma>(m, "digamma");
  unary<&trigamma>(m, "trigamma");
  unary<&ceil>(m, "ceil");
  unary<&floor>(m, "floor");
  unary<&trunc>(m, "trunc");
  unary<&round_half_away_from_zero>(m, "round_half_away_from_zero");
  m.def("round", &py_round, py::arg("x"), py::arg("mode") = py::none(),
        "Rounds to the nearest integer, elementwise: mode 'half_to_even' (NumPy's, the default) or "
        "'half_away_from_zero' (Theano's old default). Integer dtypes are kept.");

  // Comparisons and predicates.
  binary<&lt>(m, "lt");
  binary<&gt>(m, "gt");
  binary<&le>(m, "le");
  binary<&ge>(m, "ge");
  binary<&eq>(m, "eq");
  binary<&neq>(m, "neq");
  unary<&isnan>(m, "isnan");
  unary<&isinf>(m, "isinf");
  unary<&isfinite>(m, "isfinite");

  // Logic, bits, selection, casts.
  binary<&logical_and>(m, "logical_and");
  binary<&logical_or>(m, "logical_or");
  binary<&logical_xor>(m, "logical_xor");
  unary<&logical_not>(m, "logical_not");
  binary<&bitwise_and>(m, "bitwise_and");
  binary<&bitwise_or>(m, "bitwise_or");
  binary<&bitwise_xor>(m, "bitwise_xor");
  unary<&invert>(m, "invert");
  m.def(
      "where",
      [](py::handle cond, py::handle a, py::handle b) {
        const SourceLocation w = user_location();
        return where(to_operand(cond, w), to_operand(a, w), to_operand(b, w));
      },
      py::arg("cond"), py::arg("a"), py::arg("b"), doc_of("where", kElemwiseNote).c_str());
  m.def("cast", &py_cast, py::arg("x"), py::arg("dtype"), doc_of("cast").c_str());

  // Reductions.
  auto reduction = [&m](const char* name, ReduceFn f) {
    m.def(
        name, [f](py::handle x, py::handle axis, bool keepdims) { return py_reduce(f, x, axis, keepdims); },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false, doc_of(name, kReduceNote).c_str());
  };
  reduction("sum", [](const Operand& x, Axes a, bool k) { return sum(x, std::move(a), k); });
  reduction("prod", [](const Operand& x, Axes a, bool k) { return prod(x, std::move(a), k); });
  reduction("mean", [](const Operand& x, Axes a, bool k) { return mean(x, std::move(a), k); });
  reduction("max", [](const Operand& x, Axes a, bool k) { return max(x, std::move(a), k); });
  reduction("min", [](const Operand& x, Axes a, bool k) { return min(x, std::move(a), k); });
  reduction("all", [](const Operand& x, Axes a, bool k) { return all(x, std::move(a), k); });
  reduction("any", [](const Operand& x, Axes a, bool k) { return any(x, std::move(a), k); });
  auto spread = [&m](const char* name, SpreadFn f) {
    m.def(
        name,
        [f](py::handle x, py::handle axis, std::int64_t ddof, bool keepdims) {
          return py_spread(f, x, axis, ddof, keepdims);
        },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("ddof") = 0, py::arg("keepdims") = false,
        doc_of(name, kReduceNote).c_str());
  };
  spread("var", [](const Operand& x, Axes a, std::int64_t d, bool k) { return var(x, std::move(a), d, k); });
  spread("std", [](const Operand& x, Axes a, std::int64_t d, bool k) { return hypatia::std(x, std::move(a), d, k); });
  auto arg_reduction = [&m](const char* name, ArgFn f) {
    m.def(
        name,
        [f, name](py::handle x, py::handle axis, bool keepdims) { return py_arg_reduce(f, name, x, axis, keepdims); },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false,
        doc_of(name, "axis: one int, or None for the flattened array.").c_str());
  };
  arg_reduction("argmax", [](const Operand& x, std::optional<std::int64_t> a, bool k) { return argmax(x, a, k); });
  arg_reduction("argmin", [](const Operand& x, std::optional<std::int64_t> a, bool k) { return argmin(x, a, k); });

  // Products.
  m.def("dot", &py_dot, py::arg("a"), py::arg("b"), doc_of("dot", "numpy.dot, for every rank.").c_str());
  m.def("matmul", &py_matmul, py::arg("a"), py::arg("b"), doc_of("matmul").c_str());
  binary<&outer>(m, "outer");
  m.def(
      "tensordot",
      [](py::handle a, py::handle b, py::handle axes) {
        const SourceLocation w = user_location();
        if (PyIndex_Check(axes.ptr())) return tensordot(to_operand(a, w), to_operand(b, w), to_index(axes, "axes"));
        if (!py::isinstance<py::sequence>(axes) || py::len(axes) != 2) {
          throw TypeError(format_location(w) + ": tensordot: axes must be an int or a pair (a_axes, b_axes)");
        }
        const py::sequence pair = py::reinterpret_borrow<py::sequence>(axes);
        return tensordot(to_operand(a, w), to_operand(b, w), to_int_list(pair[0], "axes"),
                         to_int_list(pair[1], "axes"));
      },
      py::arg("a"), py::arg("b"), py::arg("axes") = 2, doc_of("tensordot", "numpy.tensordot.").c_str());
}

}  // namespace hypatia::python
