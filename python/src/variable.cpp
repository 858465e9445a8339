// TensorVariable (hypatia::Variable): Theano's operators, properties and methods, and
// Apply, the node that made a variable (x.owner).
//
// As in Theano, `==` and `!=` are identity (so variables work as dict keys; use T.eq
// and T.neq to compare elements) and a variable has no truth value. Nodes are
// hash-consed, so `x + y == x + y` holds: both are the same node.
#include "binding.hpp"
#include "graph/op.hpp"

namespace hypatia::python {
namespace {

using Binary = Variable (*)(const Operand&, const Operand&);

template <Binary F>
Variable left(const Variable& a, py::handle b) {
  const SourceLocation w = user_location();
  return F(Operand(a, w), to_operand(b, w));
}

template <Binary F>
Variable right(const Variable& a, py::handle b) {
  const SourceLocation w = user_location();
  return F(to_operand(b, w), Operand(a, w));
}

// The Apply node of Theano's x.owner: the op, its inputs and outputs.
struct Apply {
  std::shared_ptr<const Node> node;
};

// When v is x.shape, x: the one symbolic vector whose elements the core can pick.
std::optional<Variable> shape_source(const Variable& v) {
  if (v.is_input() || v.is_constant() || v.node().op().name != "shape") return std::nullopt;
  return v.node().inputs()[0];
}

py::tuple sizes_of(const Variable& x, std::int64_t start, std::int64_t stop, std::int64_t step,
                   SourceLocation where) {
  py::list out;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.append(shape(Operand(x, where), i));
  return py::tuple(out);
}

py::object getitem(const Variable& v, py::handle key) {
  const SourceLocation w = user_location();
  if (const auto x = shape_source(v)) {
    if (PyIndex_Check(key.ptr())) return py::cast(shape(Operand(*x, w), to_index(key, "an index")));
    if (py::isinstance<py::slice>(key)) {
      py::ssize_t start = 0, stop = 0, step = 0, length = 0;
      if (!py::reinterpret_borrow<py::slice>(key).compute(static_cast<py::ssize_t>(x->ndim()), &start, &stop, &step,
                                                          &length)) {
        throw py::error_already_set();
      }
      return sizes_of(*x, start, stop, step, w);
    }
  }
  return py::cast(py_index(v, key, w));
}

py::object attr_value(const AttrValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, DType>) {
          return dtype_str(v);
        } else if constexpr (std::is_same_v<T, Array>) {
          return to_numpy(v, false);
        } else if constexpr (std::is_same_v<T, Opaque>) {
          return py::none();  // a shared variable's storage: reached through the variable
        } else {
          return py::cast(v);
        }
      },
      value);
}

std::string variable_str(const Variable& v) {
  if (v.is_input()) return v.name().empty() ? "<" + v.type().str() + ">" : v.name();
  if (v.is_constant()) return "TensorConstant{" + v.constant_value().str() + "}";
  if (v.node().op().name == "shared") return v.name().empty() ? "<shared " + v.type().str() + ">" : v.name();
  return v.node().op().name + "." + std::to_string(v.index());
}

std::string variable_repr(const Variable& v) {
  return "<TensorVariable " + variable_str(v) + ": " + v.type().str() + ">";
}

constexpr const char* kNoTruthValue =
    "a TensorVariable has no truth value: it is symbolic. For an elementwise choice use T.switch(cond, a, b); "
    "to compare variables elementwise use T.eq / T.neq; to compute a value use hypatia.function or x.eval()";

}  // namespace

void bind_variable(py::module_& m) {
  py::class_<Apply> apply(m, "Apply", "The node that made a variable (x.owner): op, inputs, outputs, attrs.");
  apply.attr("__module__") = "hypatia.graph";
  apply.def_property_readonly("op", [](const Apply& a) { return a.node->op().name; })
      .def_property_readonly("inputs", [](const Apply& a) { return a.node->inputs(); })
      .def_property_readonly("outputs",
                             [](const Apply& a) {
                               std::vector<Variable> outs;
                               for (int i = 0; i < a.node->num_outputs(); ++i) outs.push_back(a.node->output(i));
                               return outs;
                             })
      .def_property_readonly("attrs",
                             [](const Apply& a) {
                               py::dict d;
                               for (const auto& [k, v] : a.node->attrs().items()) d[py::str(k)] = attr_value(v);
                               return d;
                             })
      .def_property_readonly(
          "where", [](const Apply& a) { return format_location(a.node->where()); },
          "The file and line of user code that made the node.")
      .def("__repr__", [](const Apply& a) { return "<Apply " + a.node->op().name + ">"; });

  py::class_<Variable> cls(m, "TensorVariable", R"doc(A symbolic tensor: one output of a graph node.

Made by the constructors of hypatia.tensor (T.matrix('x')) and by every operation on
variables. Operators are NumPy's (+ - * / // % ** @, unary - and abs(), < <= > >=,
& | ^ ~); `==` is identity as in Theano: compare elements with T.eq and T.neq.)doc");
  cls.attr("__module__") = "hypatia.tensor";
  // NumPy leaves mixed expressions (ndarray + variable) to the variable's operators.
  cls.attr("__array_ufunc__") = py::none();
  cls.attr("__array_priority__") = 1000;

  // Arithmetic and comparison operators.
  cls.def("__add__", &left<&add>).def("__radd__", &right<&add>);
  cls.def("__sub__", &left<&sub>).def("__rsub__", &right<&sub>);
  cls.def("__mul__", &left<&mul>).def("__rmul__", &right<&mul>);
  cls.def("__truediv__", &left<&true_div>).def("__rtruediv__", &right<&true_div>);
  cls.def("__floordiv__", &left<&floor_div>).def("__rfloordiv__", &right<&floor_div>);
  cls.def("__mod__", &left<&mod>).def("__rmod__", &right<&mod>);
  cls.def("__pow__", &left<&pow>).def("__rpow__", &right<&pow>);
  cls.def("__matmul__", &left<&matmul>).def("__rmatmul__", &right<&matmul>);
  cls.def("__and__", &left<&bitwise_and>).def("__rand__", &right<&bitwise_and>);
  cls.def("__or__", &left<&bitwise_or>).def("__ror__", &right<&bitwise_or>);
  cls.def("__xor__", &left<&bitwise_xor>).def("__rxor__", &right<&bitwise_xor>);
  cls.def("__lt__", &left<&lt>).def("__le__", &left<&le>).def("__gt__", &left<&gt>).def("__ge__", &left<&ge>);
  cls.def("__neg__", [](const Variable& x) { return neg(Operand(x, user_location())); })
      .def("__pos__", [](const Variable& x) { return x; })
      .def("__abs__", [](const Variable& x) { return abs(Operand(x, user_location())); })
      .def("__invert__", [](const Variable& x) { return invert(Operand(x, user_location())); })
      .def(
          "__round__",
          [](const Variable& x, py::handle ndigits) {
            if (!ndigits.is_none()) throw py::type_error("round(x, ndigits) is not supported; use T.round(x)");
            return py_round(py::cast(x), py::none());
          },
          py::arg("ndigits") = py::none());
  auto same = [](const Variable& a, py::handle b) { return py::isinstance<Variable>(b) && a == b.cast<Variable>(); };
  cls.def("__eq__", same)
      .def("__ne__", [same](const Variable& a, py::handle b) { return !same(a, b); })
      .def("__hash__", [](const Variable& v) { return v.hash(); })
      .def("__bool__", [](const Variable&) -> bool { throw py::type_error(kNoTruthValue); })
      .def("__getitem__", &getitem)
      .def("__len__",
           [](const Variable& v) -> std::int64_t {
             if (const auto x = shape_source(v)) return x->ndim();
             throw py::type_error("len() of a TensorVariable is not known until it runs; use x.shape[0]");
           })
      .def("__iter__",
           [](const Variable& v) {
             const auto x = shape_source(v);
             if (!x) throw py::type_error("a TensorVariable is not iterable (only x.shape is)");
             return py::iter(sizes_of(*x, 0, x->ndim(), 1, user_location()));
           })
      .def("__repr__", &variable_repr)
      .def("__str__", &variable_str);

  // Properties.
  cls.def_property_readonly("T", [](const Variable& x) { return transpose(Operand(x, user_location())); },
                            "The transpose (axes reversed).")
      .def_property_readonly("shape", [](const Variable& x) { return shape(Operand(x, user_location())); },
                             "The shape as a symbolic int64 vector; x.shape[i] is one size.")
      .def_property_readonly("ndim", &Variable::ndim)
      .def_property_readonly("dtype", [](const Variable& x) { return dtype_str(x.dtype()); })
      .def_property_readonly("broadcastable",
                             [](const Variable& x) { return py::tuple(py::cast(x.type().broadcastable())); })
      .def_property_readonly("type", &Variable::type)
      .def_property_readonly("name",
                             [](const Variable& x) -> py::object {
                               if (x.name().empty()) return py::none();
                               return py::str(x.name());
                             },
                             "The name given to an input (T.matrix('x')); None otherwise.")
      .def_property_readonly("owner",
                             [](const Variable& x) -> py::object {
                               if (x.is_input() || x.is_constant()) return py::none();
                               return py::cast(Apply{x.node_ptr()});
                             },
                             "The Apply node that computes this variable; None for inputs and constants.")
      .def_property_readonly("index", &Variable::index, "Which output of its node this variable is.")
      .def_property_readonly(
          "data",
          [](const Variable& x) {
            if (!x.is_constant()) throw py::attribute_error(variable_str(x) + " is not a constant: it has no data");
            return to_numpy(x.constant_value(), false);
          },
          "The value of a constant, as a read-only NumPy array.")
      .def_property_readonly(
          "where", [](const Variable& x) { return format_location(x.node().where()); },
          "The file and line of user code that made this variable.");

  // Methods, as Theano's and NumPy's.
  auto reduce_method = [&cls](const char* name, ReduceFn f) {
    cls.def(
        name,
        [f](const Variable& x, py::handle axis, bool keepdims) { return py_reduce(f, py::cast(x), axis, keepdims); },
        py::arg("axis") = py::none(), py::arg("keepdims") = false);
  };
  reduce_method("sum", [](const Operand& x, Axes a, bool k) { return sum(x, std::move(a), k); });
  reduce_method("prod", [](const Operand& x, Axes a, bool k) { return prod(x, std::move(a), k); });
  reduce_method("mean", [](const Operand& x, Axes a, bool k) { return mean(x, std::move(a), k); });
  reduce_method("max", [](const Operand& x, Axes a, bool k) { return max(x, std::move(a), k); });
  reduce_method("min", [](const Operand& x, Axes a, bool k) { return min(x, std::move(a), k); });
  reduce_method("all", [](const Operand& x, Axes a, bool k) { return all(x, std::move(a), k); });
  reduce_method("any", [](const Operand& x, Axes a, bool k) { return any(x, std::move(a), k); });
  auto spread_method = [&cls](const char* name, SpreadFn f) {
    cls.def(
        name,
        [f](const Variable& x, py::handle axis, std::int64_t ddof, bool keepdims) {
          return py_spread(f, py::cast(x), axis, ddof, keepdims);
        },
        py::arg("axis") = py::none(), py::arg("ddof") = 0, py::arg("keepdims") = false);
  };
  spread_method("var", [](const Operand& x, Axes a, std::int64_t d, bool k) { return var(x, std::move(a), d, k); });
  spread_method("std",
                [](const Operand& x, Axes a, std::int64_t d, bool k) { return hypatia::std(x, std::move(a), d, k); });
  auto arg_method = [&cls](const char* name, ArgFn f) {
    cls.def(
        name,
        [f, name](const Variable& x, py::handle axis, bool keepdims) {
          return py_arg_reduce(f, name, py::cast(x), axis, keepdims);
        },
        py::arg("axis") = py::none(), py::arg("keepdims") = false);
  };
  arg_method("argmax", [](const Operand& x, std::optional<std::int64_t> a, bool k) { return argmax(x, a, k); });
  arg_method("argmin", [](const Operand& x, std::optional<std::int64_t> a, bool k) { return argmin(x, a, k); });

  cls.def(
         "reshape",
         [](const Variable& x, const py::args& shape, py::handle ndim) {
           return py_reshape(py::cast(x), one_or_many(shape), ndim);
         },
         py::kw_only(), py::arg("ndim") = py::none(), "x.reshape((2, -1)) or x.reshape(2, -1).")
      .def(
          "dimshuffle",
          [](const Variable& x, const py::args& pattern) { return py_dimshuffle(py::cast(x), one_or_many(pattern)); },
          "x.dimshuffle(1, 'x', 0): the axes in their new order, 'x' for a new broadcastable axis.")
      .def(
          "transpose",
          [](const Variable& x, const py::args& axes) {
            return py_transpose(py::cast(x), axes.empty() ? py::object(py::none()) : one_or_many(axes));
          },
          "x.transpose() reverses the axes; x.transpose(1, 0, 2) permutes them.")
      .def(
          "swapaxes",
          [](const Variable& x, std::int64_t a, std::int64_t b) {
            const std::int64_t nd = x.ndim();
            if (a < 0) a += nd;
            if (b < 0) b += nd;
            py::list axes;
            for (std::int64_t i = 0; i < nd; ++i) axes.append(i == a ? b : i == b ? a : i);
            return py_transpose(py::cast(x), axes);
          },
          py::arg("axis1"), py::arg("axis2"))
      .def(
          "flatten", [](const Variable& x, std::int64_t ndim) { return py_flatten(py::cast(x), ndim); },
          py::arg("ndim") = 1)
      .def("ravel", [](const Variable& x) { return py_flatten(py::cast(x), 1); })
      .def(
          "squeeze", [](const Variable& x, py::handle axis) { return py_squeeze(py::cast(x), axis); },
          py::arg("axis") = py::none())
      .def(
          "astype", [](const Variable& x, py::handle dtype) { return py_cast(py::cast(x), dtype); },
          py::arg("dtype"))
      .def(
          "clip", [](const Variable& x, py::handle lo, py::handle hi) { return py_clip(py::cast(x), lo, hi); },
          py::arg("a_min"), py::arg("a_max"))
      .def(
          "round", [](const Variable& x, py::handle mode) { return py_round(py::cast(x), mode); },
          py::arg("mode") = py::none())
      .def(
          "dot", [](const Variable& x, py::handle y) { return py_dot(py::cast(x), y); }, py::arg("other"))
      .def(
          "zeros_like", [](const Variable& x, py::handle dtype) { return py_filled_like(false, py::cast(x), dtype); },
          py::arg("dtype") = py::none())
      .def(
          "ones_like", [](const Variable& x, py::handle dtype) { return py_filled_like(true, py::cast(x), dtype); },
          py::arg("dtype") = py::none())
      .def("__copy__", [](const Variable& x) { return x; })
      .def("__deepcopy__", [](const Variable& x, py::handle) { return x; }, py::arg("memo"));
}

}  // namespace hypatia::python
