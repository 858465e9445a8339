// gemm, Theano's Gemm: alpha * op(x) @ op(y) + beta * z for float matrices, op(x)
// transposing x when the attribute trans_x says so (and trans_y for y).
//
// Users rarely build it: the specialize phase folds alpha * dot(X, Y) + beta * Z and
// transposed operands into one (src/rewrite/rules/specialize_blas.cpp), so the CPU
// backend runs one BLAS gemm with no temporary for the product and no copy for the
// transposes. Its meaning is exactly the formula's, NaN included: unlike BLAS, beta == 0
// still reads z (0 * NaN is NaN) and alpha == 0 still reads x and y.
//
// With the attribute broadcast_z (set only by the specialize rule, for a Z whose
// static shape leaves sizes unknown), z and the product broadcast against each other
// as NumPy's add would: the result has their broadcast shape, and the backend's gemm
// runs when that is the product's shape (a check at run time), the formula otherwise.
#include <string>

#include "hypatia/ops/blas.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"
#include "ops/structural_grad.hpp"

namespace hypatia {
namespace {

// Input positions.
constexpr int kZ = 0, kAlpha = 1, kX = 2, kY = 3, kBeta = 4;
const char* const kNames[] = {"z", "alpha", "x", "y", "beta"};

std::string dims_str(const Shape& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i] == kUnknownDim ? std::string("?") : std::to_string(s[i]);
  }
  return out + (s.size() == 1 ? ",)" : ")");
}

bool trans_x(const Attrs& a) { return a.get_bool("trans_x"); }
bool trans_y(const Attrs& a) { return a.get_bool("trans_y"); }
bool broadcast_z(const Attrs& a) { return a.has("broadcast_z") && a.get_bool("broadcast_z"); }

// (rows, cols) of op(m) for a matrix shape m.
std::pair<std::int64_t, std::int64_t> op_dims(const Shape& m, bool trans) {
  return trans ? std::pair{m[1], m[0]} : std::pair{m[0], m[1]};
}

bool known_differ(std::int64_t a, std::int64_t b) { return a != kUnknownDim && b != kUnknownDim && a != b; }
std::int64_t either(std::int64_t a, std::int64_t b) { return a != kUnknownDim ? a : b; }

std::string op_str(const char* name, bool trans) { return trans ? std::string(name) + ".T" : std::string(name); }

// The output shape (M, N); ShapeError when op(x), op(y) and z do not fit together.
Shape gemm_shape(const Shape& z, const Shape& x, const Shape& y, bool tx, bool ty, bool bz = false) {
  const auto [m, k] = op_dims(x, tx);
  const auto [k2, n] = op_dims(y, ty);
  if (known_differ(k, k2)) {
    throw ShapeError("shapes " + dims_str(x) + " of " + op_str("x", tx) + " and " + dims_str(y) + " of " +
                     op_str("y", ty) + " not aligned: " + std::to_string(k) + " != " + std::to_string(k2));
  }
  if (bz) {
    const Shape shapes[] = {z, Shape{m, n}};
    return detail::broadcast_static(shapes);
  }
  if (known_differ(z[0], m) || known_differ(z[1], n)) {
    throw ShapeError("z has shape " + dims_str(z) + " but " + op_str("x", tx) + " @ " + op_str("y", ty) +
                     " has shape " + dims_str({m, n}) + "; gemm does not broadcast z");
  }
  return {either(z[0], m), either(z[1], n)};
}

std::vector<Type> gemm_infer(const InferArgs& a) {
  const DType t = a.type(kZ).dtype;
  if (t != DType::float32 && t != DType::float64) {
    throw TypeError("gemm takes float32 or float64 operands, got z of dtype " + std::string(dtype_name(t)));
  }
  for (int i = 0; i < 5; ++i) {
    const Type& ti = a.type(i);
    const int want = (i == kAlpha || i == kBeta) ? 0 : 2;
    if (ti.ndim() != want) {
      throw TypeError(std::string(kNames[i]) + " must be " + (want == 0 ? "a scalar (0-d)" : "a matrix (2-d)") +
                      ", got ndim " + std::to_string(ti.ndim()));
    }
    if (ti.dtype != t) {
      throw TypeError(std::string(kNames[i]) + " has dtype " + std::string(dtype_name(ti.dtype)) + " but z has " +
                      std::string(dtype_name(t)) + "; gemm's operands share one dtype");
    }
  }
  return {Type{t, gemm_shape(a.type(kZ).shape, a.type(kX).shape, a.type(kY).shape, trans_x(a.attrs), trans_y(a.attrs),
                             broadcast_z(a.attrs))}};
}

std::vector<SymShape> gemm_sym_shape(const ShapeArgs& a) {
  const SymShape& x = a.input_shapes[kX];
  const SymShape& y = a.input_shapes[kY];
  const Attrs& attrs = a.node.attrs();
  SymShape out{trans_x(attrs) ? x[1] : x[0], trans_y(attrs) ? y[0] : y[1]};
  if (!broadcast_z(attrs)) return {out};
  const SymShape shapes[] = {a.input_shapes[kZ], out};
  return {detail::broadcast_symbolic(shapes, a.node.where())};
}

template <class T>
T at(const Array& m, std::int64_t r, std::int64_t c) {
  return *reinterpret_cast<const T*>(m.data() + r * m.strides()[0] + c * m.strides()[1]);
}

// Over the broadcast (rows, cols) of z and the (m, n) product (equal without
// broadcast_z); a size-1 axis of either repeats.
template <class T>
Array gemm_typed(const Array& z, T alpha, const Array& x, const Array& y, T beta, bool tx, bool ty) {
  const auto [m, k] = op_dims(x.shape(), tx);
  const std::int64_t n = op_dims(y.shape(), ty).second;
  const std::int64_t rows = m == 1 ? z.shape(0) : m, cols = n == 1 ? z.shape(1) : n;
  Array out = Array::empty(dtype_of_v<T>, {rows, cols});
  T* o = out.data_as<T>();
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::int64_t i = m == 1 ? 0 : r, j = n == 1 ? 0 : c;
      T acc = 0;
      for (std::int64_t l = 0; l < k; ++l) {
        const T a = tx ? at<T>(x, l, i) : at<T>(x, i, l);
        const T b = ty ? at<T>(y, j, l) : at<T>(y, l, j);
        acc += a * b;
      }
      *o++ = alpha * acc + beta * at<T>(z, z.shape(0) == 1 ? 0 : r, z.shape(1) == 1 ? 0 : c);
    }
  }
  return out;
}

std::vector<Array> gemm_reference(const KernelArgs& args) {
  const Array& z = args.inputs[kZ];
  const Array& x = args.inputs[kX];
  const Array& y = args.inputs[kY];
  const bool tx = trans_x(args.attrs()), ty = trans_y(args.attrs());
  gemm_shape(z.shape(), x.shape(), y.shape(), tx, ty, broadcast_z(args.attrs()));
  if (args.output_type(0).dtype == DType::float32) {
    return {gemm_typed<float>(z, args.inputs[kAlpha].item<float>(), x, y, args.inputs[kBeta].item<float>(), tx, ty)};
  }
  return {gemm_typed<double>(z, args.inputs[kAlpha].item<double>(), x, y, args.inputs[kBeta].item<double>(), tx, ty)};
}

// ---- differentiation and batching

Variable transposed(const Variable& m, SourceLocation w) { return dimshuffle(Operand(m, w), {1, 0}); }
Variable op_of(const Variable& m, bool trans, SourceLocation w) { return trans ? transposed(m, w) : m; }

Variable plus(const Variable& a, const Variable& b, SourceLocation w) {
  if (!a.valid()) return b;
  if (!b.valid()) return a;
  return add(Operand(a, w), Operand(b, w));
}

// out = alpha P + beta z with P = op(x) op(y):
// d alpha = sum(g P), d beta = sum(g z), d z = beta g,
// d op(x) = alpha g op(y)^T, d op(y) = alpha op(x)^T g (transposed back for trans_*).
std::vector<Variable> gemm_vjp(const VjpArgs& args) {
  const Variable& g = args.grad(0);
  if (!g.valid()) return std::vector<Variable>(5);
  const SourceLocation w = args.where;
  const bool tx = trans_x(args.node.attrs()), ty = trans_y(args.node.attrs());
  const Variable& z = args.input(kZ);
  const Variable& alpha = args.input(kAlpha);
  const Variable& beta = args.input(kBeta);
  const Variable opx = op_of(args.input(kX), tx, w), opy = op_of(args.input(kY), ty, w);
  const Variable product = dot(Operand(opx, w), Operand(opy, w));
  // With broadcast_z, z and the product get g summed back over the axes they repeated.
  const bool bz = broadcast_z(args.node.attrs());
  const Variable gp = bz ? detail::sum_back_to(g, product, w) : g;
  const Variable g_opx = mul(Operand(alpha, w), Operand(dot(Operand(gp, w), Operand(transposed(opy, w), w)), w));
  const Variable g_opy = mul(Operand(alpha, w), Operand(dot(Operand(transposed(opx, w), w), Operand(gp, w)), w));
  const Variable gz = mul(Operand(beta, w), Operand(g, w));
  return {bz ? detail::sum_back_to(gz, z, w) : gz,
          sum(Operand(mul(Operand(g, w), Operand(product, w)), w)),
          op_of(g_opx, tx, w),
          op_of(g_opy, ty, w),
          sum(Operand(mul(Operand(g, w), Operand(z, w)), w))};
}

// d out = d alpha P + alpha (op(dx) op(y) + op(x) op(dy)) + d beta z + beta dz.
std::vector<Variable> gemm_jvp(const JvpArgs& args) {
  const SourceLocation w = args.where;
  const bool tx = trans_x(args.node.attrs()), ty = trans_y(args.node.attrs());
  const Variable& alpha = args.input(kAlpha);
  const Variable& beta = args.input(kBeta);
  const Variable opx = op_of(args.input(kX), tx, w), opy = op_of(args.input(kY), ty, w);
  Variable out;
  if (args.tangent(kAlpha).valid()) {
    out = mul(Operand(args.tangent(kAlpha), w), Operand(dot(Operand(opx, w), Operand(opy, w)), w));
  }
  Variable inner;
  if (args.tangent(kX).valid()) inner = dot(Operand(op_of(args.tangent(kX), tx, w), w), Operand(opy, w));
  if (args.tangent(kY).valid()) inner = plus(inner, dot(Operand(opx, w), Operand(op_of(args.tangent(kY), ty, w), w)), w);
  if (inner.valid()) out = plus(out, mul(Operand(alpha, w), Operand(inner, w)), w);
  if (args.tangent(kBeta).valid()) out = plus(out, mul(Operand(args.tangent(kBeta), w), Operand(args.input(kZ), w)), w);
  if (args.tangent(kZ).valid()) out = plus(out, mul(Operand(beta, w), Operand(args.tangent(kZ), w)), w);
  // With broadcast_z, the terms present need not span the output's broadcast shape.
  if (broadcast_z(args.node.attrs()) && out.valid()) {
    out = broadcast_to(Operand(out, w), detail::shape_operands(args.node.output(0), w));
  }
  return {out};
}

// Over a batch: matmul of the (batched) op(x) and op(y), scaled by alpha and beta with
// two size-1 axes after their batch axis, plus beta z; broadcasting aligns the rest.
std::vector<Variable> gemm_batch(const BatchArgs& args) {
  detail::check_batch(args, 5);
  const SourceLocation w = args.where;
  const bool tx = trans_x(args.node.attrs()), ty = trans_y(args.node.attrs());
  auto operand = [&](int i, bool trans) {
    const Variable& v = args.inputs[static_cast<std::size_t>(i)];
    if (!trans) return v;
    return args.batched[static_cast<std::size_t>(i)] ? dimshuffle(Operand(v, w), {0, 2, 1}) : transposed(v, w);
  };
  auto scale = [&](int i) {
    const Variable& v = args.inputs[static_cast<std::size_t>(i)];
    return args.batched[static_cast<std::size_t>(i)] ? dimshuffle(Operand(v, w), {0, newaxis, newaxis}) : v;
  };
  const Variable product = matmul(Operand(operand(kX, tx), w), Operand(operand(kY, ty), w));
  const Variable scaled = mul(Operand(scale(kAlpha), w), Operand(product, w));
  return {add(Operand(scaled, w), Operand(mul(Operand(scale(kBeta), w), Operand(args.inputs[kZ], w)), w))};
}

}  // namespace

void register_blas_gemm_ops(OpRegistry& r) {
  r.define("gemm")
      .set_summary("Theano's Gemm: alpha * op(x) @ op(y) + beta * z for float matrices, op transposing by trans_x/trans_y.")
      .set_traits(kPure)
      .set_infer(gemm_infer)
      .set_shape(gemm_sym_shape)
      .set_reference(gemm_reference)
      .lowers(Lowering::library("gemm"))
      .set_aliasing(Aliasing::none())
      .set_vjp(gemm_vjp)
      .set_jvp(gemm_jvp)
      .set_batch(gemm_batch);
}

Variable gemm(const Operand& z, const Operand& alpha, const Operand& x, const Operand& y, const Operand& beta,
              bool trans_x, bool trans_y) {
  std::vector<Variable> v = detail::to_variables({&z, &alpha, &x, &y, &beta});
  // Scalars follow the matrices' dtype (a float64 learning rate scales a float32 gemm).
  const DType t = v[kZ].dtype();
  if (t == DType::float32 || t == DType::float64) {
    for (int i : {kAlpha, kBeta}) {
      Variable& s = v[static_cast<std::size_t>(i)];
      if (s.dtype() != t && s.ndim() == 0) s = cast(Operand(s, z.where()), t);
    }
  }
  return apply1("gemm", v, Attrs{{"trans_x", trans_x}, {"trans_y", trans_y}}, z.where());
}

}  // namespace hypatia
