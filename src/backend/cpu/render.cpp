#include "backend/cpu/render.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

namespace hypatia::cpu {
namespace {

using kir::Kernel;
using kir::Stmt;
using kir::StmtKind;

// The loops every kernel shares.
constexpr const char* kPrelude = R"HP(
namespace hp {
using i64 = std::int64_t;

// Threads only for kernels with at least this much work: points times the kernel's
// estimated cost of a point (render.cpp's point_cost: 1 per load, store and arithmetic
// operation, more per math function). Starting and joining a team costs some
// microseconds; below the figure one thread finishes first. Measured on the 2-core
// build machine under load (bench/omp_threshold.py, bench/RESULTS.md): W1's kernel
// (cost 91) gains from 2k points, `x + y` (cost 4) from some 64k, so 2e5 serves both;
// -DHP_PARALLEL_WORK=... (config flag cxxflags) overrides it, 0 always starts a team.
#ifndef HP_PARALLEL_WORK
#define HP_PARALLEL_WORK 200000
#endif
constexpr i64 kParallelWork = HP_PARALLEL_WORK;

#ifdef _OPENMP
// Threads in a team: OMP_NUM_THREADS's first figure when it is set, else one per
// processor. Not omp_get_max_threads(): another library in the process may have
// lowered it for the calling thread (PyTorch's import sets it to its own count, 1 on a
// 2-vCPU machine, which left every kernel called from that thread on one thread).
static int team_size() {
  static const int size = [] {
    const char* e = std::getenv("OMP_NUM_THREADS");
    const int n = e != nullptr ? std::atoi(e) : 0;
    return n > 0 ? n : omp_get_num_procs();
  }();
  return size;
}
#endif

// Most operands a kernel may have (the executor runs bigger groups by reference).
constexpr int kMaxOperands = 256;
using Points = void (*)(i64 n, char* const* p, const i64* s);

// Calls points(n, p, s) for every row of the iteration space: n points along the last
// dimension, p the operands' addresses at the row's start, s their strides along it.
// `reduce_out` is the operand a reduction accumulates into (-1: none): threads never
// share one of its elements. One function for all kernels (not a template), so that
// each kernel costs the compiler only its own loops.
[[gnu::noinline]] static void run(int N, i64 nd, const i64* shape, char* const* base, const i64* st,
                                  int reduce_out, Points points, i64 cost) {
  i64 total = 1;
  for (i64 d = 0; d < nd; ++d) total *= shape[d];
  if (total == 0) return;
  char* p[kMaxOperands];
  i64 s[kMaxOperands];
  for (int k = 0; k < N; ++k) {
    p[k] = base[k];
    s[k] = nd > 0 ? st[k * nd + nd - 1] : 0;
  }
  const i64 n = nd > 0 ? shape[nd - 1] : 1;
  const i64 rows = total / n;
#ifdef _OPENMP
  bool split_rows = rows > 1, split_points = rows == 1;
  if (reduce_out >= 0) {
    for (i64 d = 0; d + 1 < nd; ++d) split_rows = split_rows && st[reduce_out * nd + d] != 0;
    split_points = split_points && s[reduce_out] != 0;
  }
  if (total * cost >= kParallelWork && (split_rows || split_points) && team_size() > 1) {
#pragma omp parallel num_threads(team_size())
    {
      const i64 t = omp_get_thread_num(), team = omp_get_num_threads();
      char* q[kMaxOperands];
      if (split_points) {
        const i64 j0 = n / team * t + (t < n % team ? t : n % team);
        const i64 j1 = j0 + n / team + (t < n % team ? 1 : 0);
        for (int k = 0; k < N; ++k) q[k] = p[k] + j0 * s[k];
        if (j1 > j0) points(j1 - j0, q, s);
      } else {
        const i64 r0 = rows / team * t + (t < rows % team ? t : rows % team);
        const i64 r1 = r0 + rows / team + (t < rows % team ? 1 : 0);
        for (i64 r = r0; r < r1; ++r) {
          i64 rem = r;
          for (int k = 0; k < N; ++k) q[k] = p[k];
          for (i64 d = nd - 2; d >= 0; --d) {
            const i64 at = rem % shape[d];
            rem /= shape[d];
            for (int k = 0; k < N; ++k) q[k] += at * st[k * nd + d];
          }
          points(n, q, s);
        }
      }
    }
    return;
  }
#endif
  i64 index[64] = {};
  for (i64 r = 0; r < rows; ++r) {
    points(n, p, s);
    for (i64 d = nd - 2; d >= 0; --d) {
      for (int k = 0; k < N; ++k) p[k] += st[k * nd + d];
      if (++index[d] < shape[d]) break;
      for (int k = 0; k < N; ++k) p[k] -= st[k * nd + d] * shape[d];
      index[d] = 0;
    }
  }
}
}  // namespace hp
)HP";

std::string type_name(DType t) {
  switch (t) {
    case DType::bool_: return "bool";
    case DType::int8: return "std::int8_t";
    case DType::int16: return "std::int16_t";
    case DType::int32: return "std::int32_t";
    case DType::int64: return "std::int64_t";
    case DType::uint8: return "std::uint8_t";
    case DType::uint16: return "std::uint16_t";
    case DType::uint32: return "std::uint32_t";
    case DType::uint64: return "std::uint64_t";
    case DType::float32: return "float";
    case DType::float64: return "double";
  }
  return "?";
}

// An exact literal of a 0-d constant's value.
std::string literal(const Array& a) {
  const DType t = a.dtype();
  const std::string T = type_name(t);
  if (t == DType::bool_) return a.item<bool>() ? "true" : "false";
  if (is_float(t)) {
    const double v = a.item<double>();
    if (std::isnan(v)) return "std::numeric_limits<" + T + ">::quiet_NaN()";
    if (std::isinf(v)) return std::string(v < 0 ? "-" : "") + "std::numeric_limits<" + T + ">::infinity()";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    return t == DType::float32 ? std::string(buf) + "f" : std::string(buf);
  }
  if (is_unsigned_integer(t)) return T + "(" + std::to_string(a.item<std::uint64_t>()) + "ull)";
  const std::int64_t v = a.item<std::int64_t>();
  if (v == std::numeric_limits<std::int64_t>::min()) return "std::numeric_limits<std::int64_t>::min()";
  return T + "(" + std::to_string(v) + "ll)";
}

const char* combine_prim(ReducePrim p) {
  switch (p) {
    case ReducePrim::sum: return "add";
    case ReducePrim::prod: return "mul";
    case ReducePrim::max: return "maximum";
    case ReducePrim::min: return "minimum";
    case ReducePrim::all: return "logical_and";
    case ReducePrim::any: return "logical_or";
    case ReducePrim::argmax: case ReducePrim::argmin: break;
  }
  return "?";
}

std::string identity(ReducePrim p, DType t) {
  const std::string T = type_name(t);
  const std::string lim = "std::numeric_limits<" + T + ">::";
  switch (p) {
    case ReducePrim::sum: return T + "(0)";
    case ReducePrim::prod: return T + "(1)";
    case ReducePrim::max: return is_float(t) ? "-" + lim + "infinity()" : lim + "lowest()";
    case ReducePrim::min: return is_float(t) ? lim + "infinity()" : lim + "max()";
    case ReducePrim::all: return "true";
    case ReducePrim::any: return "false";
    case ReducePrim::argmax: case ReducePrim::argmin: break;
  }
  return "?";
}

std::string v(int id) { return "v" + std::to_string(id); }

// What one point of `k` costs, roughly, in units of one load or arithmetic operation:
// for the OpenMP threshold (hp::kParallelWork). A math function (a libm call, or a
// SLEEF vector call per lane) costs some 10 to 40 of them.
long point_cost(const Kernel& k) {
  long cost = 0;
  for (const Stmt& s : k.body) {
    if (s.kind != StmtKind::apply) {
      cost += s.kind == StmtKind::constant ? 0 : 1;
      continue;
    }
    switch (s.prim) {
      case ScalarPrim::add: case ScalarPrim::sub: case ScalarPrim::mul: case ScalarPrim::neg:
      case ScalarPrim::abs: case ScalarPrim::sqr: case ScalarPrim::maximum: case ScalarPrim::minimum:
      case ScalarPrim::clip: case ScalarPrim::select: case ScalarPrim::sign:
      case ScalarPrim::lt: case ScalarPrim::gt: case ScalarPrim::le: case ScalarPrim::ge: case ScalarPrim::eq:
      case ScalarPrim::neq: case ScalarPrim::logical_and: case ScalarPrim::logical_or:
      case ScalarPrim::logical_xor: case ScalarPrim::logical_not: case ScalarPrim::bitwise_and:
      case ScalarPrim::bitwise_or: case ScalarPrim::bitwise_xor: case ScalarPrim::invert:
      case ScalarPrim::isnan: case ScalarPrim::isinf: case ScalarPrim::isfinite: case ScalarPrim::cast:
      case ScalarPrim::ceil: case ScalarPrim::floor: case ScalarPrim::trunc:
        cost += 1;
        break;
      case ScalarPrim::true_div: case ScalarPrim::reciprocal: case ScalarPrim::sqrt:
      case ScalarPrim::floor_div: case ScalarPrim::mod:
        cost += 4;
        break;
      default:
        cost += 20;
        break;
    }
  }
  return cost > 0 ? cost : 1;
}

// The primitives simd_math.hpp has in vector form.
bool vector_prim(ScalarPrim p) {
  switch (p) {
    case ScalarPrim::add: case ScalarPrim::sub: case ScalarPrim::mul: case ScalarPrim::true_div:
    case ScalarPrim::maximum: case ScalarPrim::minimum: case ScalarPrim::clip:
    case ScalarPrim::neg: case ScalarPrim::abs: case ScalarPrim::sign: case ScalarPrim::reciprocal:
    case ScalarPrim::sqr: case ScalarPrim::sqrt: case ScalarPrim::cbrt:
    case ScalarPrim::exp: case ScalarPrim::exp2: case ScalarPrim::expm1:
    case ScalarPrim::log: case ScalarPrim::log2: case ScalarPrim::log10: case ScalarPrim::log1p:
    case ScalarPrim::sin: case ScalarPrim::cos: case ScalarPrim::tan:
    case ScalarPrim::arcsin: case ScalarPrim::arccos: case ScalarPrim::arctan:
    case ScalarPrim::sinh: case ScalarPrim::cosh: case ScalarPrim::tanh:
    case ScalarPrim::arcsinh: case ScalarPrim::arccosh: case ScalarPrim::arctanh:
    case ScalarPrim::sigmoid: case ScalarPrim::softplus: case ScalarPrim::erf: case ScalarPrim::erfc:
      return true;
    default:
      return false;
  }
}

// The float type of an elementwise kernel whose values are all of one float type and
// whose primitives all have vector forms: its unit-stride loop runs on whole vectors.
std::optional<DType> vector_dtype(const Kernel& k) {
  if (k.reduction || k.body.empty()) return std::nullopt;
  const DType t = k.body.front().dtype;
  if (!is_float(t)) return std::nullopt;
  for (const kir::Operand& o : k.operands) {
    if (o.dtype != t) return std::nullopt;
  }
  for (const Stmt& s : k.body) {
    if (s.dtype != t) return std::nullopt;
    switch (s.kind) {
      case StmtKind::load: case StmtKind::constant: case StmtKind::store: break;
      case StmtKind::apply:
        if (!vector_prim(s.prim)) return std::nullopt;
        break;
      case StmtKind::cast: case StmtKind::reduce: return std::nullopt;
    }
  }
  return t;
}

class KernelWriter {
 public:
  explicit KernelWriter(const Kernel& k) : k_(k), vector_(vector_dtype(k)) {
    for (const Stmt& s : k.body) {
      if (s.kind == StmtKind::reduce) reduce_ = &s;
    }
  }

  std::string write() {
    const std::string name = k_.name;
    os_ << "// " << name << ": ";
    for (std::size_t i = 0; i < k_.operands.size(); ++i) {
      const kir::Operand& o = k_.operands[i];
      os_ << (i ? ", " : "") << (o.output ? "out " : "in ") << o.name << " " << dtype_name(o.dtype)
          << (o.uniform ? " (0-d)" : "");
    }
    os_ << "\n";
    os_ << "static void " << name << "_points(hp::i64 n, char* const* p, const hp::i64* s) {\n";
    // Rank-0 operands and constants: once, outside the loops.
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      if (hoisted(s)) statement(static_cast<int>(i), "  ", Addr::uniform);
    }
    std::string unit;
    for (std::size_t i = 0; i < k_.operands.size(); ++i) {
      if (k_.operands[i].uniform) continue;
      if (reduce_ && static_cast<int>(i) == reduce_->operand) continue;
      // A row-invariant operand (a row's max, a row's sum) is loaded once per row.
      unit += std::string(unit.empty() ? "" : " && ") + "s[" + std::to_string(i) + "] == " +
              (k_.operands[i].row_invariant ? std::string("0") : std::to_string(dtype_size(k_.operands[i].dtype)));
    }
    if (unit.empty()) unit = "true";
    if (reduce_) {
      const std::string o = std::to_string(reduce_->operand);
      const std::string T = type_name(reduce_->dtype);
      const bool float_sum = k_.reduction->prim == ReducePrim::sum && is_float(reduce_->dtype);
      // Float sums in blocks, each summed in SIMD lanes, the blocks added in double:
      // the rounding error grows with the block length, not the row length (a
      // float32 mean of 10^6 values stays within 1e-6, as NumPy's pairwise sum).
      const std::string A = float_sum ? "double" : T;
      const auto row = [&](Addr addr, const char* why) {
        os_ << "  if (" << (addr == Addr::unit ? unit : std::string("true")) << " && s[" << o << "] == 0) {  // "
            << why << "\n";
        if (addr == Addr::unit) unit_prologue("    ", reduce_->operand);
        os_ << "    " << A << " acc = *reinterpret_cast<" << T << "*>(p[" << o << "]);\n";
        if (float_sum) {
          os_ << "    for (hp::i64 i0 = 0; i0 < n; i0 += 1024) {\n";
          os_ << "      const hp::i64 i1 = n - i0 < 1024 ? n : i0 + 1024;\n";
          os_ << "      " << T << " part = " << T << "(0);\n";
          if (addr == Addr::unit) os_ << "#pragma omp simd reduction(+ : part)\n";
          loop("      ", addr, Reduce::accumulator, "i0", "i1", "part");
          os_ << "      acc += part;\n    }\n";
        } else {
          loop("    ", addr, Reduce::accumulator);
        }
        os_ << "    *reinterpret_cast<" << T << "*>(p[" << o << "]) = " << T << "(acc);\n    return;\n  }\n";
        rows_hoisted_ = false;
      };
      row(Addr::unit, "unit strides, reducing along the row");
      row(Addr::strided, "reducing along a strided row");
      os_ << "  if (" << unit << " && s[" << o << "] == " << dtype_size(reduce_->dtype)
          << ") {  // unit strides, one output per point\n";
    } else if (vector_) {
      os_ << "  if (" << unit << ") {  // unit strides: whole vectors, then the tail\n";
    } else {
      os_ << "  if (" << unit << ") {  // unit strides: vectorizable\n";
    }
    unit_prologue("    ");
    if (vector_) {
      os_ << "    hp::i64 i = 0;\n";
      vector_loop("    ");
      loop("    ", Addr::unit, Reduce::element, "", "n");
    } else {
      loop("    ", Addr::unit, Reduce::element);
    }
    rows_hoisted_ = false;
    os_ << "    return;\n  }\n";
    loop("  ", Addr::strided, Reduce::element);
    os_ << "}\n\n";

    os_ << "extern \"C\" void " << name
        << "(hp::i64 nd, const hp::i64* shape, char* const* base, const hp::i64* strides, hp::i64 out_size, "
           "hp::i64 count) {\n";
    if (reduce_) {
      const std::string T = type_name(reduce_->dtype);
      os_ << "  " << T << "* out = reinterpret_cast<" << T << "*>(base[" << reduce_->operand << "]);\n";
      os_ << "  for (hp::i64 j = 0; j < out_size; ++j) out[j] = " << identity(k_.reduction->prim, reduce_->dtype)
          << ";\n";
      os_ << "  hp::run(" << k_.operands.size() << ", nd, shape, base, strides, " << reduce_->operand << ", "
          << name << "_points, " << point_cost(k_) << ");\n";
      if (k_.reduction->mean) {
        os_ << "  for (hp::i64 j = 0; j < out_size; ++j) out[j] = scalar::true_div(out[j], " << T
            << "(count));  // mean\n";
      } else {
        os_ << "  (void)count;\n";
      }
    } else {
      os_ << "  (void)out_size;\n  (void)count;\n";
      os_ << "  hp::run(" << k_.operands.size() << ", nd, shape, base, strides, -1, " << name << "_points, " << point_cost(k_) << ");\n";
    }
    os_ << "}\n";
    return os_.str();
  }

 private:
  enum class Addr { uniform, unit, strided };
  enum class Reduce { accumulator, element };
  const Kernel& k_;
  std::ostringstream os_;
  const Stmt* reduce_ = nullptr;
  std::optional<DType> vector_;  // the float type of the vector loop; none: no vector loop

  // The unit-stride loop over whole vectors (simd_math.hpp), leaving i at the tail: one
  // vector value w<id> per statement, hoisted scalars splatted once into b<id>.
  void vector_loop(const std::string& indent) {
    const std::string T = type_name(*vector_);
    const std::string in = indent + "  ";
    os_ << "#ifdef HP_SIMD_BYTES\n" << indent << "{\n";
    std::vector<bool> used(k_.body.size(), false);
    for (const Stmt& s : k_.body) {
      if (hoisted(s)) continue;
      for (int a : s.args) used[static_cast<std::size_t>(a)] = true;
    }
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      if (used[i] && hoisted(k_.body[i])) {
        os_ << in << "const simd::vec<" << T << "> b" << i << " = simd::splat(" << v(static_cast<int>(i)) << ");\n";
      }
    }
    const auto arg = [&](int id) {
      return (hoisted(k_.body[static_cast<std::size_t>(id)]) ? "b" : "w") + std::to_string(id);
    };
    os_ << in << "for (; i + simd::width<" << T << "> <= n; i += simd::width<" << T << ">) {\n";
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      if (hoisted(s)) continue;
      os_ << in << "  ";
      const std::string k = std::to_string(s.operand);
      switch (s.kind) {
        case StmtKind::load:
          os_ << "const simd::vec<" << T << "> w" << i << " = simd::load(in" << k << " + i);";
          break;
        case StmtKind::apply:
          os_ << "const simd::vec<" << T << "> w" << i << " = simd::" << scalar_prim_name(s.prim) << "(";
          for (std::size_t a = 0; a < s.args.size(); ++a) os_ << (a ? ", " : "") << arg(s.args[a]);
          os_ << ");";
          break;
        case StmtKind::store:
          os_ << "simd::store(out" << k << " + i, " << arg(s.args[0]) << ");";
          break;
        default:  // vector_dtype admits no other kind
          os_ << "#error unexpected statement";
          break;
      }
      os_ << "\n";
    }
    os_ << in << "}\n" << indent << "}\n#endif\n";
  }
  bool rows_hoisted_ = false;  // in a unit-stride block: row-invariant loads are before the loop

  bool hoisted(const Stmt& s) const {
    if (s.kind == StmtKind::constant) return true;
    if (s.kind != StmtKind::load) return false;
    const kir::Operand& o = k_.operands[static_cast<std::size_t>(s.operand)];
    return o.uniform || (rows_hoisted_ && o.row_invariant);
  }

  // A unit-stride block's start: the operands' typed pointers, the row-invariant loads.
  void unit_prologue(const std::string& indent, int skip = -1) {
    pointers(indent, skip);
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      if (s.kind == StmtKind::load && k_.operands[static_cast<std::size_t>(s.operand)].row_invariant) {
        statement(static_cast<int>(i), indent, Addr::uniform);
      }
    }
    rows_hoisted_ = true;
  }

  void pointers(const std::string& indent, int skip = -1) {
    for (std::size_t i = 0; i < k_.operands.size(); ++i) {
      const kir::Operand& o = k_.operands[i];
      if (o.uniform || o.row_invariant || static_cast<int>(i) == skip) continue;
      const std::string T = type_name(o.dtype);
      os_ << indent << (o.output ? "" : "const ") << T << "* __restrict " << (o.output ? "out" : "in") << i
          << " = reinterpret_cast<" << (o.output ? "" : "const ") << T << "*>(p[" << i << "]);\n";
    }
  }

  std::string element(int operand, Addr addr) const {
    const kir::Operand& o = k_.operands[static_cast<std::size_t>(operand)];
    const std::string T = type_name(o.dtype);
    const std::string k = std::to_string(operand);
    const std::string cq = o.output ? "" : "const ";
    if (addr == Addr::uniform) return "*reinterpret_cast<" + cq + T + "*>(p[" + k + "])";
    if (addr == Addr::unit) return std::string(o.output ? "out" : "in") + k + "[i]";
    return "*reinterpret_cast<" + cq + T + "*>(p[" + k + "] + i * s[" + k + "])";
  }

  void loop(const std::string& indent, Addr addr, Reduce reduce, const std::string& from = "0",
            const std::string& to = "n", const std::string& acc = "acc") {
    os_ << indent << "for (" << (from.empty() ? "" : "hp::i64 i = " + from) << "; i < " << to << "; ++i) {\n";
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      if (!hoisted(k_.body[i])) statement(static_cast<int>(i), indent + "  ", addr, reduce, acc);
    }
    os_ << indent << "}\n";
  }

  void statement(int id, const std::string& indent, Addr addr, Reduce reduce = Reduce::element,
                 const std::string& acc = "acc") {
    const Stmt& s = k_.body[static_cast<std::size_t>(id)];
    const std::string T = type_name(s.dtype);
    os_ << indent;
    switch (s.kind) {
      case StmtKind::load:
        os_ << "const " << T << " " << v(id) << " = " << element(s.operand, addr) << ";";
        break;
      case StmtKind::constant:
        os_ << "const " << T << " " << v(id) << " = " << literal(s.value) << ";";
        break;
      case StmtKind::apply: {
        os_ << "const " << T << " " << v(id) << " = scalar::" << scalar_prim_name(s.prim) << "(";
        for (std::size_t a = 0; a < s.args.size(); ++a) os_ << (a ? ", " : "") << v(s.args[a]);
        os_ << ");";
        break;
      }
      case StmtKind::cast:
        os_ << "const " << T << " " << v(id) << " = scalar::cast<" << T << ">(" << v(s.args[0]) << ");";
        break;
      case StmtKind::store:
        os_ << element(s.operand, addr) << " = " << v(s.args[0]) << ";";
        break;
      case StmtKind::reduce: {
        const std::string f = std::string("scalar::") + combine_prim(k_.reduction->prim);
        if (reduce == Reduce::accumulator) {
          os_ << acc << " = " << f << "(" << acc << ", " << v(s.args[0]) << ");";
        } else {
          const std::string e = element(s.operand, addr);
          os_ << e << " = " << f << "(" << e << ", " << v(s.args[0]) << ");";
        }
        break;
      }
    }
    switch (s.kind) {
      case StmtKind::apply: os_ << "  // " << s.origin << "\n"; break;
      case StmtKind::constant: os_ << "  // constant\n"; break;
      case StmtKind::cast:
        os_ << "  // " << (s.origin == "cast" ? "cast" : "cast, for " + s.origin) << "\n";
        break;
      default: os_ << "  // " << kir::stmt_kind_name(s.kind) << " " << s.origin << "\n"; break;
    }
  }
};

}  // namespace

std::string render_kernel(const kir::Kernel& kernel) { return KernelWriter(kernel).write(); }

std::string render_module(const std::vector<kir::Kernel>& kernels) {
  std::string out = "// Generated by Hypatia's CPU backend. Self-contained: standard headers only.\n";
  out += "#include <cstdint>\n#include <cstdlib>\n#include <limits>\n#ifdef _OPENMP\n#include <omp.h>\n#endif\n\n";
  // The header's text, without its include guard (meaningless in a main file).
  std::string header(scalar_math_source());
  if (const auto at = header.find("#pragma once\n"); at != std::string::npos) header.erase(at, 13);
  out += header;
  // Kernels call the primitives as scalar::exp(v), ...
  out += "\nnamespace scalar = hypatia::scalar_math;\n";
  std::string simd(simd_math_source());
  if (const auto at = simd.find("#pragma once\n"); at != std::string::npos) simd.erase(at, 13);
  out += simd;
  out += "#ifdef HP_SIMD_BYTES\nnamespace simd = hypatia::simd_math;\n#endif\n";
  out += kPrelude;
  for (const kir::Kernel& k : kernels) {
    out += "\n";
    out += render_kernel(k);
  }
  return out;
}

}  // namespace hypatia::cpu
