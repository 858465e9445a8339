// Python ops (hypatia.graph.op.Op, Theano's Op interface): each distinct Python op
// (equal ops by __props__ are one, hypatia/graph/op.py) is registered once as a C++
// user op (hypatia/op.hpp) named after its class ("DoubleOp", "DoubleOp.2" for a
// second distinct one), with its view_map and destroy_map as aliasing facts; a node
// carries the output types make_node declared as attributes. Its parts call back
// into Python under the GIL (a compiled function runs without it):
// - the reference kernel calls op.perform(node, inputs, output_storage) with NumPy
//   views of the actual input buffers (writable, as in Theano: an op that writes into
//   an input without declaring it is a bug DebugMode catches);
// - the shape rule calls op.infer_shape when the op has one, else sizes are read from
//   the computed outputs;
// - the vjp calls op.grad(inputs, output_grads).
// No jvp (Rop takes the double-vjp trick) and no batch rule (jacobian and hessian
// through a Python op raise).
#include <cctype>

#include "binding.hpp"
#include "graph/op.hpp"
#include "ops/op_util.hpp"

namespace hypatia::python {
namespace {

// The Python op behind a registered C++ op: held by the op's rules, which live as long
// as the process (registered ops are never dropped), so it is never released.
struct PyOpRef {
  py::object op;
  std::string label;  // str(op): "DoubleOp" or "DoubleOp{k=2}"
};

py::module_ graph_op_module() { return py::module_::import("hypatia.graph.op"); }

// The node as Theano's ops see it: Apply(op, inputs, outputs).
py::object node_object(const PyOpRef& ref, const Node& node) {
  py::list ins, outs;
  for (const Variable& v : node.inputs()) ins.append(py::cast(v));
  for (int i = 0; i < node.num_outputs(); ++i) outs.append(py::cast(node.output(i)));
  return py::module_::import("hypatia.graph.basic").attr("Apply")(ref.op, ins, outs);
}

// A Python exception from the user's method keeps its type; its message gains the
// node's line and the method: "demo.py:12: DoubleOp.perform: ...".
void add_location(py::error_already_set& e, const PyOpRef& ref, const Node& node, const char* method) {
  const std::string prefix = format_location(node.where()) + ": " + ref.label + "." + method;
  const py::object& value = e.value();
  try {
    const py::tuple args = value.attr("args");
    if (args.size() >= 1 && py::isinstance<py::str>(args[0])) {
      py::list changed(args);
      changed[0] = py::str(prefix + ": " + args[0].cast<std::string>());
      value.attr("args") = py::tuple(changed);
    } else if (args.empty()) {
      value.attr("args") = py::make_tuple(prefix);
    } else if (py::hasattr(value, "add_note")) {
      value.attr("add_note")(prefix);
    }
  } catch (py::error_already_set&) {
    // An exception whose args cannot be set keeps its own message.
  }
}

std::vector<Type> decode_types(const Attrs& attrs) {
  const auto& dtypes = attrs.get_ints("out_dtypes");
  const auto& ranks = attrs.get_ints("out_ranks");
  const auto& dims = attrs.get_ints("out_dims");
  std::vector<Type> types;
  std::size_t at = 0;
  for (std::size_t i = 0; i < dtypes.size(); ++i) {
    Type t;
    t.dtype = static_cast<DType>(dtypes[i]);
    for (std::int64_t d = 0; d < ranks[i]; ++d) t.shape.push_back(dims[at++]);
    types.push_back(std::move(t));
  }
  return types;
}

std::string type_str(const Array& a) { return std::string(dtype_name(a.dtype())) + " " + shape_str(a.shape()); }

std::vector<Array> perform(const PyOpRef& ref, const KernelArgs& a) {
  py::gil_scoped_acquire gil;
  const Node& node = a.node;
  py::list inputs, storage;
  for (const Array& x : a.inputs) inputs.append(to_numpy(x, /*writeable=*/true));
  for (int i = 0; i < node.num_outputs(); ++i) storage.append(py::list(py::make_tuple(py::none())));
  try {
    ref.op.attr("perform")(node_object(ref, node), inputs, storage);
  } catch (py::error_already_set& e) {
    add_location(e, ref, node, "perform");
    throw;
  }
  std::vector<Array> out;
  const py::object asarray = py::module_::import("numpy").attr("asarray");
  for (int i = 0; i < node.num_outputs(); ++i) {
    const std::string which = ref.label + ".perform: output_storage[" + std::to_string(i) + "][0]";
    const py::object value = storage[static_cast<std::size_t>(i)].cast<py::list>()[0];
    if (value.is_none()) throw ValueError(which + " was left None; perform must store every output");
    const py::object arr = asarray(value);
    std::vector<py::object> keep;
    const Array got = to_array(arr, keep);
    const Type& t = a.output_type(i);
    if (!t.matches(got)) {
      throw ValueError(which + " is " + type_str(got) + " where make_node declared " + t.str());
    }
    out.push_back(got.copy());  // a copy: the Python object may be freed or reused
  }
  return out;
}

Variable size_of(py::handle d, SourceLocation where) {
  if (py::isinstance<py::int_>(d) || py::hasattr(d, "__index__")) {
    if (!py::isinstance<Variable>(d)) return detail::size_constant(to_index(d, "infer_shape: a size"), where);
  }
  Variable v = to_variable(d, where);
  if (v.ndim() != 0 || !is_integer(v.dtype())) {
    throw TypeError("a size is " + v.type().str() + ", not an integer scalar");
  }
  return v.dtype() == int64 ? v : cast(Operand(v, where), int64);
}

std::vector<SymShape> infer_shapes(const PyOpRef& ref, const ShapeArgs& a) {
  py::gil_scoped_acquire gil;
  const Node& node = a.node;
  py::list shapes;
  for (const SymShape& s : a.input_shapes) {
    py::tuple t(s.size());
    for (std::size_t d = 0; d < s.size(); ++d) t[d] = py::cast(s[d]);
    shapes.append(t);
  }
  py::object got;
  try {
    got = graph_op_module().attr("_infer_shape")(ref.op, node_object(ref, node), shapes);
  } catch (py::error_already_set& e) {
    add_location(e, ref, node, "infer_shape");
    throw;
  }
  std::vector<SymShape> out;
  if (got.is_none()) {  // no infer_shape: the computed outputs' sizes
    for (int i = 0; i < node.num_outputs(); ++i) out.push_back(detail::symbolic_shape(node.output(i), a.where));
    return out;
  }
  const std::string who = format_location(node.where()) + ": " + ref.label + ".infer_shape";
  const py::list list = py::list(got);
  if (static_cast<int>(list.size()) != node.num_outputs()) {
    throw ValueError(who + " returned " + std::to_string(list.size()) + " shapes for " +
                     std::to_string(node.num_outputs()) + " outputs");
  }
  for (int i = 0; i < node.num_outputs(); ++i) {
    const py::list dims = py::list(list[static_cast<std::size_t>(i)]);
    const int rank = node.output_types()[static_cast<std::size_t>(i)].ndim();
    if (static_cast<int>(dims.size()) != rank) {
      throw ValueError(who + " returned " + std::to_string(dims.size()) + " sizes for output " + std::to_string(i) +
                       " of rank " + std::to_string(rank));
    }
    SymShape s;
    for (py::handle d : dims) {
      try {
        s.push_back(size_of(d, a.where));
      } catch (const UserError& e) {
        throw_user_error(e.kind(), who + ": output " + std::to_string(i) + ": " + e.what());
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Variable> vjp(const PyOpRef& ref, const VjpArgs& a) {
  py::gil_scoped_acquire gil;
  const Node& node = a.node;
  py::list ins, grads;
  for (const Variable& v : node.inputs()) ins.append(py::cast(v));
  for (int i = 0; i < node.num_outputs(); ++i) {
    const Variable& g = a.grad(i);
    grads.append(py::cast(g.valid() ? g : zeros_like(Operand(node.output(i), a.where))));
  }
  py::object got;
  try {
    got = graph_op_module().attr("_grad")(ref.op, ins, grads);
  } catch (py::error_already_set& e) {
    add_location(e, ref, node, "grad");
    throw;
  }
  const std::string who = format_location(node.where()) + ": " + ref.label + ".grad";
  const py::list list = py::list(got);
  if (list.size() != node.inputs().size()) {
    throw ValueError(who + " returned " + std::to_string(list.size()) + " gradients for " +
                     std::to_string(node.inputs().size()) + " inputs");
  }
  std::vector<Variable> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_none()) {
      out.emplace_back();  // zero
      continue;
    }
    Variable g = to_variable(list[i], a.where);
    const Type& in = node.inputs()[i].type();
    if (g.ndim() != in.ndim()) {
      throw ValueError(who + ": the gradient of input " + std::to_string(i) + " is " + g.type().str() +
                       " for an input of type " + in.str());
    }
    out.push_back(std::move(g));
  }
  return out;
}

// The aliasing facts of Theano's view_map / destroy_map: {output: [input, ...]}.
std::vector<std::pair<int, int>> alias_pairs(py::handle map, const char* what, const std::string& label) {
  std::vector<std::pair<int, int>> pairs;
  if (map.is_none()) return pairs;
  if (!py::isinstance<py::dict>(map)) {
    throw TypeError(label + "." + what + " must be a dict {output index: [input index, ...]}");
  }
  for (auto [out, ins] : py::reinterpret_borrow<py::dict>(map)) {
    for (py::handle in : ins) {
      pairs.emplace_back(static_cast<int>(to_index(out, what)), static_cast<int>(to_index(in, what)));
    }
  }
  return pairs;
}

std::string valid_name_of(const std::string& cls) {
  std::string name;
  for (char c : cls) name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "op_" + name;
  return name;
}

// Registers op under its class's name, or the first free "Name.k"; returns the name.
std::string register_python_op(const py::object& op, const std::string& base_name) {
  auto ref = std::make_shared<PyOpRef>(PyOpRef{op, py::str(op).cast<std::string>()});
  const std::string base = valid_name_of(base_name);
  Aliasing aliasing;
  aliasing.views = alias_pairs(py::getattr(op, "view_map", py::none()), "view_map", ref->label);
  aliasing.destroys = alias_pairs(py::getattr(op, "destroy_map", py::none()), "destroy_map", ref->label);
  for (int k = 1;; ++k) {
    const std::string name = k == 1 ? base : base + "." + std::to_string(k);
    if (OpRegistry::get().find(name) != nullptr) continue;
    try {
      register_op(UserOp(name)
                      .set_summary("The Python op " + ref->label + " (hypatia.graph.op.Op).")
                      .set_infer([](const InferArgs& a) { return decode_types(a.attrs); })
                      .set_shape([ref](const ShapeArgs& a) { return infer_shapes(*ref, a); })
                      .set_reference([ref](const KernelArgs& a) { return perform(*ref, a); })
                      .set_aliasing(aliasing)
                      .set_vjp([ref](const VjpArgs& a) { return vjp(*ref, a); }));
      return name;
    } catch (const ValueError&) {
      if (OpRegistry::get().find(name) == nullptr) throw;  // not a lost race for the name
    }
  }
}

}  // namespace

void bind_user_op(py::module_& m) {
  m.def(
      "_register_python_op",
      [](py::object op, const std::string& base_name) { return register_python_op(op, base_name); },
      py::arg("op"), py::arg("base_name"),
      "Registers the Python op op as a core op (once per distinct op); returns its name.");
  m.def(
      "_apply_python_op",
      [](const std::string& name, py::handle inputs, py::handle out_types) {
        const SourceLocation w = user_location();
        std::vector<Variable> ins;
        for (py::handle x : inputs) ins.push_back(to_variable(x, w));
        std::vector<std::int64_t> dtypes, ranks, dims;
        for (py::handle t : out_types) {
          const Type type = t.cast<Type>();
          dtypes.push_back(static_cast<std::int64_t>(type.dtype));
          ranks.push_back(type.ndim());
          dims.insert(dims.end(), type.shape.begin(), type.shape.end());
        }
        Attrs attrs{{"out_dtypes", dtypes}, {"out_ranks", ranks}, {"out_dims", dims}};
        return apply_op(name, std::move(ins), std::move(attrs), w);
      },
      py::arg("name"), py::arg("inputs"), py::arg("out_types"),
      "The outputs of the registered Python op name applied to inputs, of types out_types.");
}

}  // namespace hypatia::python
