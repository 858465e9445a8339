#include "ops/op_util.hpp"

#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/shape.hpp"

namespace hypatia::detail {

std::vector<bool> reduced_mask(const Attrs& attrs, int ndim) {
  std::vector<bool> mask(static_cast<std::size_t>(ndim), !attrs.has("axes"));
  if (attrs.has("axes")) {
    for (std::int64_t a : attrs.get_ints("axes")) mask[static_cast<std::size_t>(a)] = true;
  }
  return mask;
}

std::vector<Variable> to_variables(std::span<const Operand* const> operands) {
  bool have_dtype = false;
  DType promoted = DType::bool_;
  for (const Operand* op : operands) {
    if (op->is_literal()) continue;
    const DType t = op->variable().dtype();
    promoted = have_dtype ? promote_types(promoted, t) : t;
    have_dtype = true;
  }
  // Literals alone take their own default dtypes (bool, int64, floatX); the op's type
  // inference then promotes them as NumPy promotes Python scalars.
  std::vector<Variable> vars;
  for (const Operand* op : operands) vars.push_back(have_dtype ? op->variable_like(promoted) : op->variable());
  return vars;
}

std::vector<Variable> to_variables(std::initializer_list<const Operand*> operands) {
  return to_variables(std::span<const Operand* const>(operands.begin(), operands.size()));
}

std::vector<Variable> to_size_variables(const std::vector<Operand>& sizes, const char* what) {
  std::vector<Variable> out;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    Variable v = sizes[i].variable_like(DType::int64);
    if (!is_integer(v.dtype()) || v.ndim() != 0) {
      throw TypeError(format_location(sizes[i].where()) + ": " + what + ": size " + std::to_string(i) +
                      " must be an integer scalar, not " + v.type().str());
    }
    if (v.dtype() != DType::int64) v = cast(Operand(v, sizes[i].where()), DType::int64);
    out.push_back(v);
  }
  return out;
}

Shape broadcast_static(std::span<const Shape> shapes) {
  std::size_t nd = 0;
  for (const Shape& s : shapes) nd = std::max(nd, s.size());
  Shape out(nd, 1);
  for (std::size_t i = 0; i < nd; ++i) {
    // Axis i counted from the end.
    std::int64_t result = 1;
    bool unknown = false;
    for (const Shape& s : shapes) {
      if (i >= s.size()) continue;
      const std::int64_t d = s[s.size() - 1 - i];
      if (d == 1) continue;
      if (d == kUnknownDim) {
        unknown = true;
        continue;
      }
      if (result != 1 && result != d) {
        std::string msg = "operands could not be broadcast together with shapes";
        for (const Shape& t : shapes) {
          std::string str = "(";
          for (std::size_t j = 0; j < t.size(); ++j) {
            str += (j ? ", " : "") + (t[j] == kUnknownDim ? std::string("?") : std::to_string(t[j]));
          }
          msg += " " + str + (t.size() == 1 ? ",)" : ")");
        }
        msg += " (dimension -" + std::to_string(i + 1) + ": " + std::to_string(result) + " vs " + std::to_string(d) + ")";
        throw ShapeError(msg);
      }
      result = d;
    }
    out[nd - 1 - i] = result != 1 ? result : (unknown ? kUnknownDim : 1);
  }
  return out;
}

DType promote_inputs(const InferArgs& args) {
  DType t = args.type(0).dtype;
  for (int i = 1; i < args.num_inputs(); ++i) t = promote_types(t, args.type(i).dtype);
  return t;
}

Shape broadcast_inputs(const InferArgs& args) {
  std::vector<Shape> shapes;
  for (int i = 0; i < args.num_inputs(); ++i) shapes.push_back(args.type(i).shape);
  return broadcast_static(shapes);
}

Variable size_constant(std::int64_t n, SourceLocation where) {
  return constant(Array::scalar<std::int64_t>(n), where);
}

SymShape symbolic_shape(const Variable& v, SourceLocation where) {
  SymShape s;
  for (int i = 0; i < v.ndim(); ++i) {
    const std::int64_t d = v.type().shape[static_cast<std::size_t>(i)];
    s.push_back(d != kUnknownDim ? size_constant(d, where) : shape(Operand(v, where), i));
  }
  return s;
}

std::int64_t static_size(const Variable& size) {
  if (size.is_constant() && size.ndim() == 0) return size.constant_value().item<std::int64_t>();
  return kUnknownDim;
}

SymShape broadcast_symbolic(std::span<const SymShape> shapes, SourceLocation where) {
  std::size_t nd = 0;
  for (const SymShape& s : shapes) nd = std::max(nd, s.size());
  SymShape out(nd);
  for (std::size_t i = 0; i < nd; ++i) {
    Variable result;
    for (const SymShape& s : shapes) {
      if (i >= s.size()) continue;
      const Variable& d = s[s.size() - 1 - i];
      if (!result.valid() || static_size(result) == 1) {
        result = d;
      } else if (static_size(d) == 1 || d == result) {
        continue;
      } else if (static_size(result) != kUnknownDim && static_size(d) != kUnknownDim) {
        continue;  // both known and (type inference checked) equal
      } else {
        // Valid programs have equal sizes here or one of them 1 at run time.
        const Variable is_one = eq(Operand(result, where), Operand(size_constant(1, where), where));
        result = hypatia::where(Operand(is_one, where), Operand(d, where), Operand(result, where));
      }
    }
    out[nd - 1 - i] = result.valid() ? result : size_constant(1, where);
  }
  return out;
}

std::vector<SymShape> shape_of_broadcast(const ShapeArgs& args) {
  return {broadcast_symbolic(args.input_shapes, args.where)};
}

std::vector<SymShape> shape_same_as_input0(const ShapeArgs& args) { return {args.input_shapes.at(0)}; }


std::string static_shape_str(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] == kUnknownDim ? "?" : std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace hypatia::detail

namespace hypatia::detail {
std::vector<SymShape> infer_output_shapes(const Node& node, SourceLocation where) {
  std::vector<SymShape> ins;
  for (const Variable& v : node.inputs()) ins.push_back(symbolic_shape(v, where));
  return node.op().shape(ShapeArgs{node, std::move(ins), where});
}
}  // namespace hypatia::detail
