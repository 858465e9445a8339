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
// operation, more per math function). Starting and joining a team of two costs 10-15 us
// with passive waiting (blas_select.cpp), a one-thread unit of work ~0.05 ns (W1's
// kernel: 4.5 ns a point at cost 91), so a team pays from ~5e5 and saves a quarter of
// the time from ~1e6; under load it pays nowhere below 1e6 points, since the second
// thread waits for a core (bench/omp_threshold.py; bench/RESULTS.md, "Threads for
// small work"). 1e6 keeps W5's 10000-point kernels on one thread (their two teams
// cost more than they saved: W5 0.86x PyTorch on two threads, 1.4x on one).
// -DHP_PARALLEL_WORK=... (config flag cxxflags) overrides it, 0 always starts a team.
#ifndef HP_PARALLEL_WORK
#define HP_PARALLEL_WORK 1000000
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
// A reduction's rows in a block: m rows (the operands' strides between rows t) of n
// points (strides s); the output's t is 0 and its s its element size.
using Cols = void (*)(i64 n, i64 m, char* const* p, const i64* s, const i64* t);

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

// A reduction whose last dimension is kept (unit output stride) and whose next one is
// reduced: the rows of dimension nd - 2 go to `cols` together, which adds several rows
// into each output element at once, vectorized along the row (each element still
// takes its terms in increasing order of the reduced index). Threads split the kept
// last dimension, in pieces of whole 64-byte lines of the output, so every element
// is combined by one thread in the same order whatever the team size; only rows of at
// least kColsThreadBytes of output per thread: on narrower rows each thread reads
// short pieces of every row, and two threads took 1.4-2.3x longer than one on
// (100000, 64) and (12500, 512) float64 sums over axis 0 (bench/RESULTS.md, h-colsum).
// -DHP_COLS_THREAD_BYTES=... (config flag cxxflags) overrides it (tests: 0).
#ifndef HP_COLS_THREAD_BYTES
#define HP_COLS_THREAD_BYTES 4096
#endif
constexpr i64 kColsThreadBytes = HP_COLS_THREAD_BYTES;

// Where the iteration space is not of that form (collapsed to one dimension, a size-1
// kept axis dropped), hp::run takes it row by row. A template, so that only modules
// with such a kernel compile it (~40 ms of g++ a module otherwise).
template <class = void>
[[gnu::noinline]] static void run_cols(int N, i64 nd, const i64* shape, char* const* base, const i64* st, int o,
                                       Points points, i64 cost, Cols cols) {
  i64 total = 1;
  for (i64 d = 0; d < nd; ++d) total *= shape[d];
  if (total == 0) return;
  if (nd < 2 || st[o * nd + nd - 2] != 0 || st[o * nd + nd - 1] == 0) {
    run(N, nd, shape, base, st, o, points, cost);
    return;
  }
  i64 s[kMaxOperands], t[kMaxOperands];
  for (int k = 0; k < N; ++k) {
    s[k] = st[k * nd + nd - 1];
    t[k] = st[k * nd + nd - 2];
  }
  const i64 n = shape[nd - 1], m = shape[nd - 2], outer = total / (n * m);
  // The outer dimensions (0 .. nd - 3), in C order: the order hp::run takes rows in.
  const auto each_outer = [&](i64 j0, i64 j1) {
    char* q[kMaxOperands];
    i64 index[64] = {};
    for (int k = 0; k < N; ++k) q[k] = base[k] + j0 * s[k];
    for (i64 r = 0; r < outer; ++r) {
      cols(j1 - j0, m, q, s, t);
      for (i64 d = nd - 3; d >= 0; --d) {
        for (int k = 0; k < N; ++k) q[k] += st[k * nd + d];
        if (++index[d] < shape[d]) break;
        for (int k = 0; k < N; ++k) q[k] -= st[k * nd + d] * shape[d];
        index[d] = 0;
      }
    }
  };
#ifdef _OPENMP
  const i64 line = s[o] < 64 ? 64 / s[o] : 1, pieces = n / line;
  if (total * cost >= kParallelWork && team_size() > 1 && pieces >= 2 && n * s[o] >= kColsThreadBytes * team_size()) {
#pragma omp parallel num_threads(team_size())
    {
      const i64 th = omp_get_thread_num(), team = omp_get_num_threads();
      const i64 p0 = pieces / team * th + (th < pieces % team ? th : pieces % team);
      const i64 p1 = p0 + pieces / team + (th < pieces % team ? 1 : 0);
      // The last piece takes the tail (n % line elements).
      const i64 j0 = p0 == pieces ? n : p0 * line, j1 = p1 == pieces ? n : p1 * line;
      if (j1 > j0) each_outer(j0, j1);
    }
    return;
  }
#endif
  each_outer(0, n);
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
    case ScalarPrim::ceil: case ScalarPrim::floor: case ScalarPrim::trunc: case ScalarPrim::round_half_even:
    case ScalarPrim::round_half_away: case ScalarPrim::pow: case ScalarPrim::arctan2:
      return true;
    default:
      return false;
  }
}

// Values the same at every point: constants, rank-0 loads, and what is computed from
// them alone (computed once, before the loops).
std::vector<bool> invariants(const Kernel& k) {
  std::vector<bool> inv(k.body.size(), false);
  for (std::size_t i = 0; i < k.body.size(); ++i) {
    const Stmt& s = k.body[i];
    switch (s.kind) {
      case StmtKind::constant: inv[i] = true; break;
      case StmtKind::load: inv[i] = k.operands[static_cast<std::size_t>(s.operand)].uniform; break;
      case StmtKind::apply: case StmtKind::cast: {
        bool all = !s.args.empty();
        for (int a : s.args) all = all && inv[static_cast<std::size_t>(a)];
        inv[i] = all;
        break;
      }
      case StmtKind::store: case StmtKind::reduce: case StmtKind::check: break;
    }
  }
  return inv;
}

// How a vector loop holds a value: a vector of T (the kernel's float type), a mask of
// T's width (a bool value: all ones is true), or width<T> elements of another dtype (a
// load that is only cast).
enum class Rep { value, mask, foreign };

struct VectorPlan {
  DType t;               // the lanes' float type
  std::vector<Rep> rep;  // per statement
};

// The vector plan of an elementwise kernel whose loop values are all of one float type
// T or bool, whose other-dtype values are loads cast at once, and whose primitives all
// have vector forms (the float ones of vector_prim; comparisons, select, logic and
// predicates through masks). None: the kernel keeps the scalar loops.
std::optional<VectorPlan> vector_plan(const Kernel& k, const std::vector<bool>& inv) {
  if (k.reduction || k.body.empty()) return std::nullopt;
  std::optional<DType> t;
  bool clash = false;
  const auto consider = [&](DType d) {
    if (!is_float(d)) return;
    if (t && *t != d) clash = true;
    if (!t) t = d;
  };
  for (std::size_t i = 0; i < k.body.size(); ++i) {
    const Stmt& s = k.body[i];
    if (inv[i] || (s.kind != StmtKind::apply && s.kind != StmtKind::cast)) continue;
    consider(s.dtype);
    if (s.kind == StmtKind::apply) {
      for (int a : s.args) consider(k.body[static_cast<std::size_t>(a)].dtype);
    }
  }
  if (!t) {  // loads and stores only (a copy, a cast-free select of loads...)
    for (const kir::Operand& o : k.operands) consider(o.dtype);
  }
  if (clash || !t) return std::nullopt;
  VectorPlan plan{*t, std::vector<Rep>(k.body.size(), Rep::foreign)};
  const auto rep_of = [&](DType d) { return d == *t ? Rep::value : d == DType::bool_ ? Rep::mask : Rep::foreign; };
  for (std::size_t i = 0; i < k.body.size(); ++i) {
    const Stmt& s = k.body[i];
    plan.rep[i] = rep_of(s.dtype);
    if (inv[i]) continue;
    const auto arg = [&](std::size_t a) { return plan.rep[static_cast<std::size_t>(s.args[a])]; };
    const auto all = [&](Rep r) {
      for (std::size_t a = 0; a < s.args.size(); ++a) {
        if (arg(a) != r) return false;
      }
      return true;
    };
    switch (s.kind) {
      case StmtKind::load: break;  // any dtype; a foreign one must be cast at once (checked at its users)
      case StmtKind::constant: break;
      case StmtKind::cast:
        if (plan.rep[i] == Rep::foreign) return std::nullopt;
        break;
      case StmtKind::store:
        if (plan.rep[i] == Rep::foreign || arg(0) != plan.rep[i]) return std::nullopt;
        break;
      case StmtKind::reduce: case StmtKind::check: return std::nullopt;
      case StmtKind::apply: {
        const Rep r = plan.rep[i];
        bool ok = false;
        switch (s.prim) {
          case ScalarPrim::select:
            ok = arg(0) == Rep::mask && arg(1) == r && arg(2) == r && r != Rep::foreign;
            break;
          case ScalarPrim::lt: case ScalarPrim::gt: case ScalarPrim::le: case ScalarPrim::ge:
          case ScalarPrim::isnan: case ScalarPrim::isinf: case ScalarPrim::isfinite:
            ok = r == Rep::mask && all(Rep::value);
            break;
          case ScalarPrim::eq: case ScalarPrim::neq: case ScalarPrim::logical_and: case ScalarPrim::logical_or:
          case ScalarPrim::logical_xor: case ScalarPrim::logical_not:
            ok = r == Rep::mask && (all(Rep::value) || all(Rep::mask));
            break;
          case ScalarPrim::bitwise_and: case ScalarPrim::bitwise_or: case ScalarPrim::bitwise_xor:
          case ScalarPrim::invert:
            ok = r == Rep::mask && all(Rep::mask);
            break;
          default:
            ok = vector_prim(s.prim) && r == Rep::value && all(Rep::value);
            break;
        }
        if (!ok) return std::nullopt;
        break;
      }
    }
  }
  return plan;
}

class KernelWriter {
 public:
  explicit KernelWriter(const Kernel& k) : k_(k), invariant_(invariants(k)), vector_(vector_plan(k, invariant_)) {
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
    if (k_.can_fail()) fail_flag();
    // Rank-0 operands and constants: once, outside the loops.
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      (void)s;
      if (hoisted(static_cast<int>(i))) statement(static_cast<int>(i), "  ", Addr::uniform);
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
          // (Not with a check: its flag would be one more value carried across lanes.)
          if (addr == Addr::unit && !k_.can_fail()) os_ << "#pragma omp simd reduction(+ : part)\n";
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
    } else {
      if (vector_) vector_block();
      os_ << "  if (" << unit << ") {  // unit strides: vectorizable\n";
    }
    unit_prologue("    ");
    // Each point its own output: no value crosses lanes (a check's flag would). Only
    // where such rows are the rule (a kept last axis): the pragma costs compile time.
    if (reduce_ && k_.reduction->keeps_last && !k_.can_fail()) os_ << "#pragma omp simd\n";
    loop("    ", Addr::unit, Reduce::element);
    rows_hoisted_ = false;
    os_ << "    return;\n  }\n";
    loop("  ", Addr::strided, Reduce::element);
    os_ << "}\n\n";
    const bool cols = has_cols();
    if (cols) cols_function();

    os_ << "extern \"C\" void " << name
        << "(hp::i64 nd, const hp::i64* shape, char* const* base, const hp::i64* strides, hp::i64 out_size, "
           "hp::i64 count) {\n";
    if (reduce_) {
      const std::string T = type_name(reduce_->dtype);
      os_ << "  " << T << "* out = reinterpret_cast<" << T << "*>(base[" << reduce_->operand << "]);\n";
      os_ << "  for (hp::i64 j = 0; j < out_size; ++j) out[j] = " << identity(k_.reduction->prim, reduce_->dtype)
          << ";\n";
      os_ << "  hp::" << (cols ? "run_cols(" : "run(") << run_operands() << ", nd, shape, base, strides, "
          << reduce_->operand << ", " << name << "_points, " << point_cost(k_)
          << (cols ? ", " + name + "_cols" : std::string()) << ");\n";
      if (k_.reduction->mean) {
        os_ << "  for (hp::i64 j = 0; j < out_size; ++j) out[j] = scalar::true_div(out[j], " << T
            << "(count));  // mean\n";
      } else {
        os_ << "  (void)count;\n";
      }
    } else {
      os_ << "  (void)out_size;\n  (void)count;\n";
      os_ << "  hp::run(" << run_operands() << ", nd, shape, base, strides, -1, " << name << "_points, " << point_cost(k_) << ");\n";
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
  std::vector<bool> invariant_;  // per statement: see invariants()
  std::optional<VectorPlan> vector_;  // none: no vector loop

  // The operands hp::run passes to the points: the kernel's, then for a kernel that
  // can fail its failure flag (an int the executor clears, with zero strides).
  std::size_t run_operands() const { return k_.operands.size() + (k_.can_fail() ? 1 : 0); }

  // A kernel with checks ORs them into one bool in its loops (no branch: the loops
  // stay as they are) and reports a failure once per row, on leaving the points.
  void fail_flag() {
    os_ << "  struct Fail {  // set by the checks; reported to the executor once\n"
        << "    bool bad = false;\n"
        << "    char* flag;\n"
        << "    explicit Fail(char* f) : flag(f) {}\n"
        << "    ~Fail() {\n"
        << "      if (bad) __atomic_store_n(reinterpret_cast<int*>(flag), 1, __ATOMIC_RELAXED);\n"
        << "    }\n"
        << "  } fail(p[" << k_.operands.size() << "]);\n";
  }

  // Rows reduced together (hp::run_cols): a reduction that keeps its last axis,
  // without checks, whose one output is the reduced operand. (Not for the others:
  // the function would never run, and costs compile time.)
  bool has_cols() const {
    if (!reduce_ || !k_.reduction->keeps_last || k_.can_fail()) return false;
    for (const Stmt& s : k_.body) {
      if (s.kind == StmtKind::store) return false;
    }
    return true;
  }

  // <name>_cols: m rows (strides t) of n points (strides s) into one output row. With
  // unit strides along the rows, kColsRows rows at a time: each output element is
  // loaded once, takes the rows' terms in order (the reduced index increasing, as
  // row by row), and is stored once; the loop over the row is vectorized (no value
  // crosses points). The last rows, and other strides: row by row through the points
  // function (its unit-stride loop is vectorized too). One block of rows, not also a
  // one-row copy of the body: each copy costs compile time (a cold W4 module took
  // 0.46-0.70 s of g++ before the _cols functions, 0.65-0.91 s with five copies).
  static constexpr int kColsRows = 4;
  void cols_function() {
    const std::string name = k_.name;
    const std::string o = std::to_string(reduce_->operand);
    const std::string T = type_name(reduce_->dtype);
    os_ << "static void " << name
        << "_cols(hp::i64 n, hp::i64 m, char* const* p, const hp::i64* s, const hp::i64* t) {\n";
    std::string unit = "s[" + o + "] == " + std::to_string(dtype_size(reduce_->dtype));
    for (std::size_t i = 0; i < k_.operands.size(); ++i) {
      const kir::Operand& op = k_.operands[i];
      if (op.uniform || op.output) continue;
      unit += " && s[" + std::to_string(i) + "] == " + (op.row_invariant ? std::string("0") : std::to_string(dtype_size(op.dtype)));
    }
    os_ << "  hp::i64 r = 0;\n";
    os_ << "  if (" << unit << ") {  // unit strides: " << kColsRows << " rows at a time, vectorized along them\n";
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      if (invariant_[i]) statement(static_cast<int>(i), "    ", Addr::uniform);
    }
    os_ << "    " << T << "* __restrict out" << o << " = reinterpret_cast<" << T << "*>(p[" << o << "]);\n";
    rows_block(kColsRows, "r + " + std::to_string(kColsRows) + " <= m", "r += " + std::to_string(kColsRows));
    os_ << "  }\n";
    // The last rows (fewer than kColsRows), or every row of other strides: one at a time.
    os_ << "  char* q[" << k_.operands.size() << "];\n";
    os_ << "  for (; r < m; ++r) {\n";
    os_ << "    for (int k = 0; k < " << k_.operands.size() << "; ++k) q[k] = p[k] + r * t[k];\n";
    os_ << "    " << name << "_points(n, q, s);\n  }\n}\n\n";
  }

  // One loop over the row adding `rows` rows (r, r + 1, ...) into each output element.
  void rows_block(int rows, const std::string& cond, const std::string& step) {
    const std::string in = "      ";
    os_ << "    for (; " << cond << "; " << step << ") {\n";
    for (std::size_t k = 0; k < k_.operands.size(); ++k) {
      const kir::Operand& op = k_.operands[k];
      if (op.uniform || op.output || op.row_invariant) continue;
      const std::string K = std::to_string(k), D = type_name(op.dtype);
      for (int u = 0; u < rows; ++u) {
        os_ << in << "const " << D << "* __restrict in" << K << "_" << u << " = reinterpret_cast<const " << D
            << "*>(p[" << K << "] + (r + " << u << ") * t[" << K << "]);\n";
      }
    }
    // A row-invariant input (size 1 along the row): one value per row.
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      if (invariant_[i] || s.kind != StmtKind::load || !k_.operands[static_cast<std::size_t>(s.operand)].row_invariant) {
        continue;
      }
      const std::string K = std::to_string(s.operand), D = type_name(s.dtype);
      for (int u = 0; u < rows; ++u) {
        os_ << in << "const " << D << " " << v(static_cast<int>(i)) << "_" << u << " = *reinterpret_cast<const " << D
            << "*>(p[" << K << "] + (r + " << u << ") * t[" << K << "]);\n";
      }
    }
    const std::string o = std::to_string(reduce_->operand);
    const std::string A = type_name(reduce_->dtype);
    const std::string f = std::string("scalar::") + combine_prim(k_.reduction->prim);
    os_ << "#pragma omp simd\n";
    os_ << in << "for (hp::i64 i = 0; i < n; ++i) {\n";
    os_ << in << "  " << A << " acc = out" << o << "[i];\n";
    for (int u = 0; u < rows; ++u) {
      os_ << in << "  {  // row r + " << u << "\n";
      const std::string ind = in + "    ";
      for (std::size_t i = 0; i < k_.body.size(); ++i) {
        const Stmt& s = k_.body[i];
        const int id = static_cast<int>(i);
        if (invariant_[i]) continue;
        if (s.kind == StmtKind::load) {
          const std::string D = type_name(s.dtype), K = std::to_string(s.operand);
          os_ << ind << "const " << D << " " << v(id) << " = ";
          if (k_.operands[static_cast<std::size_t>(s.operand)].row_invariant) {
            os_ << v(id) << "_" << u;
          } else {
            os_ << "in" << K << "_" << u << "[i]";
          }
          os_ << ";  // load " << s.origin << "\n";
        } else if (s.kind == StmtKind::reduce) {
          os_ << ind << "acc = " << f << "(acc, " << v(s.args[0]) << ");  // reduce " << s.origin << "\n";
        } else {
          statement(id, ind, Addr::unit);
        }
      }
      os_ << in << "  }\n";
    }
    os_ << in << "  out" << o << "[i] = acc;\n";
    os_ << in << "}\n    }\n";
  }

  // The type of a vector loop's value of statement `id`.
  std::string vector_type(int id) const {
    const std::string T = type_name(vector_->t);
    switch (vector_->rep[static_cast<std::size_t>(id)]) {
      case Rep::value: return "simd::vec<" + T + ">";
      case Rep::mask: return "simd::mask<" + T + ">";
      case Rep::foreign: break;
    }
    return "simd::wide<" + type_name(k_.body[static_cast<std::size_t>(id)].dtype) + ", " + T + ">";
  }

  // Rows whose outputs have unit strides and whose inputs unit or zero strides (a
  // broadcast operand): whole vectors (simd_math.hpp), then the tail by the strided
  // statements. One vector value w<id> per statement; values computed before the loop
  // splatted once into b<id>; a zero-stride input read from copies of its element.
  void vector_block() {
    const std::string T = type_name(vector_->t);
    std::string cond;
    for (std::size_t i = 0; i < k_.operands.size(); ++i) {
      const kir::Operand& o = k_.operands[i];
      if (o.uniform) continue;
      const std::string k = std::to_string(i), size = std::to_string(dtype_size(o.dtype));
      cond += std::string(cond.empty() ? "" : " && ");
      if (o.row_invariant) {
        cond += "s[" + k + "] == 0";
      } else if (o.output) {
        cond += "s[" + k + "] == " + size;
      } else {
        cond += "(s[" + k + "] == " + size + " || s[" + k + "] == 0)";
      }
    }
    if (cond.empty()) cond = "true";
    os_ << "#ifdef HP_SIMD_BYTES\n";
    os_ << "  if (" << cond << ") {  // unit or broadcast strides: whole vectors, then the tail\n";
    unit_prologue("    ");
    const std::string in = "    ";
    // An input of stride 0 here (broadcast along the row) is read from a vector's
    // worth of copies of its element, at index 0: q<k> + (i & m<k>) is in<k> + i for a
    // unit stride, zb<k> for stride 0. No branch or blend per load: a select of the
    // splat in the loop cost 3-8% of W1 (bench/RESULTS.md, h-mvec). n >= 1 here, so
    // in<k>[0] exists.
    std::vector<int> loads_of(k_.operands.size(), -1);
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const Stmt& s = k_.body[i];
      if (s.kind == StmtKind::load && !hoisted(static_cast<int>(i))) loads_of[static_cast<std::size_t>(s.operand)] = static_cast<int>(i);
    }
    for (std::size_t k = 0; k < k_.operands.size(); ++k) {
      const int id = loads_of[k];
      if (id < 0) continue;
      const std::string K = std::to_string(k), D = type_name(k_.operands[k].dtype);
      os_ << in << D << " zb" << K << "[simd::width<" << T << ">];\n";
      os_ << in << "for (int l = 0; l < simd::width<" << T << ">; ++l) zb" << K << "[l] = in" << K << "[0];\n";
      os_ << in << "const " << D << "* const q" << K << " = s[" << K << "] == 0 ? zb" << K << " : in" << K << ";\n";
      os_ << in << "const hp::i64 m" << K << " = s[" << K << "] == 0 ? 0 : -1;\n";
    }
    std::vector<bool> used(k_.body.size(), false);
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      if (hoisted(static_cast<int>(i))) continue;
      for (int a : k_.body[i].args) used[static_cast<std::size_t>(a)] = true;
    }
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const int id = static_cast<int>(i);
      if (used[i] && hoisted(id)) os_ << in << "const " << vector_type(id) << " b" << i << " = " << splat(id, v(id)) << ";\n";
    }
    const auto arg = [&](int id) { return (hoisted(id) ? "b" : "w") + std::to_string(id); };
    os_ << in << "hp::i64 i = 0;\n";
    os_ << in << "for (; i + simd::width<" << T << "> <= n; i += simd::width<" << T << ">) {\n";
    for (std::size_t i = 0; i < k_.body.size(); ++i) {
      const int id = static_cast<int>(i);
      const Stmt& s = k_.body[i];
      if (hoisted(id)) continue;
      const Rep r = vector_->rep[i];
      os_ << in << "  ";
      const std::string k = std::to_string(s.operand);
      const std::string w = "const " + vector_type(id) + " w" + std::to_string(i) + " = ";
      switch (s.kind) {
        case StmtKind::load: {
          const std::string at = "q" + k + " + (i & m" + k + ")";
          const std::string load = r == Rep::value  ? "simd::load(" + at + ")"
                                   : r == Rep::mask ? "simd::load_mask<" + T + ">(" + at + ")"
                                                    : "simd::load_as<" + type_name(s.dtype) + ", " + T + ">(" + at + ")";
          os_ << w << load << ";";
          break;
        }
        case StmtKind::apply: {
          const bool on_masks = s.prim != ScalarPrim::select ? vector_->rep[static_cast<std::size_t>(s.args[0])] == Rep::mask
                                                             : r == Rep::mask;
          os_ << w << "simd::" << (on_masks ? "mask_" : "") << scalar_prim_name(s.prim) << "(";
          for (std::size_t a = 0; a < s.args.size(); ++a) os_ << (a ? ", " : "") << arg(s.args[a]);
          os_ << ");";
          break;
        }
        case StmtKind::cast: {
          const Rep from = vector_->rep[static_cast<std::size_t>(s.args[0])];
          const std::string a = arg(s.args[0]);
          std::string e = a;
          if (r == Rep::value && from == Rep::mask) e = "simd::mask_to<" + T + ">(" + a + ")";
          if (r == Rep::value && from == Rep::foreign) e = "simd::convert<" + T + ">(" + a + ")";
          if (r == Rep::mask && from == Rep::value) e = "simd::nonzero(" + a + ")";
          if (r == Rep::mask && from == Rep::foreign) e = "simd::nonzero_as<" + T + ">(" + a + ")";
          os_ << w << e << ";";
          break;
        }
        case StmtKind::store:
          if (r == Rep::mask) {
            os_ << "simd::store_mask<" << T << ">(out" << k << " + i, " << arg(s.args[0]) << ");";
          } else {
            os_ << "simd::store(out" << k << " + i, " << arg(s.args[0]) << ");";
          }
          break;
        default:  // vector_plan admits no other kind
          os_ << "#error unexpected statement";
          break;
      }
      os_ << "\n";
    }
    os_ << in << "}\n";
    loop(in, Addr::strided, Reduce::element, "", "n");
    os_ << in << "return;\n  }\n#endif\n";
    rows_hoisted_ = false;
  }

  // A vector of value `id`'s representation, every lane the scalar `x`.
  std::string splat(int id, const std::string& x) const {
    const std::string T = type_name(vector_->t);
    switch (vector_->rep[static_cast<std::size_t>(id)]) {
      case Rep::value: return "simd::splat(" + x + ")";
      case Rep::mask: return "simd::splat_mask<" + T + ">(" + x + ")";
      case Rep::foreign: break;
    }
    return "simd::splat_as<" + type_name(k_.body[static_cast<std::size_t>(id)].dtype) + ", " + T + ">(" + x + ")";
  }

  bool rows_hoisted_ = false;  // in a unit-stride block: row-invariant loads are before the loop

  bool hoisted(int id) const {
    if (invariant_[static_cast<std::size_t>(id)]) return true;
    const Stmt& s = k_.body[static_cast<std::size_t>(id)];
    return s.kind == StmtKind::load && rows_hoisted_ && k_.operands[static_cast<std::size_t>(s.operand)].row_invariant;
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
      if (!hoisted(static_cast<int>(i))) statement(static_cast<int>(i), indent + "  ", addr, reduce, acc);
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
      case StmtKind::check:
        os_ << "fail.bad |= " << v(s.args[0]) << ";";
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
