// Decompose: the composite ops (Lowering::composite) expanded into their stable
// primitive graphs, so that a fusing backend runs them as fused kernels: a reduction
// with its elementwise producers is one pass over memory (lower/fuse.hpp).
//
// Why a rewrite phase and not a step of src/lower: the expansion is graph to graph,
// written with the graph builders and checked like every rule (types kept, traces,
// `excluding`), and it must come after grad (whose rules are written for the
// composites) and after stabilize/specialize (whose patterns look for them). It runs
// last, and only where it pays: Mode::rewrite_options adds the phase for FAST_RUN on
// the cpu linker. The interpreter keeps the composites, whose reference kernels are
// one pass each (and the oracle the backend tests compare against); FAST_COMPILE keeps
// them whole.
//
// The expansions compute in the op's float output dtype (float32 stays float32: the
// reference kernels work in double, so float32 results agree to float32 rounding).
// A row's maximum comes from `max` with the attribute "empty_identity" (an empty
// slice gives -inf instead of an error): the shift of an empty slice is never used.
// A composite read twice by one expansion, exp(x - m) in softmax, is spelled twice
// (x - m and x + -m, equal in IEEE arithmetic) so that hash-consing does not merge
// them: the sum then fuses with its producers and the final quotient recomputes the
// exponentials in its own pass, instead of storing them and reading them back.
//
// Where the cpu backend's row kernels run (backend/cpu/native_rows.hpp: with the exp
// the flags sleef and vector_math choose; not on a CPU without AVX2 + FMA whose fused
// kernels have SLEEF's SSE2 vectors, nor with HYPATIA_NATIVE_ROWS=0),
// softmax and log_softmax along the last axis and logsumexp over trailing axes of a
// float array stay whole: one read of each row and one write, where
// the fused kernels take three passes over memory. Other axes are decomposed.
#include <numbers>

#include "backend/cpu/native_rows.hpp"
#include "hypatia/ops/elemwise.hpp"
#include "hypatia/ops/reduce.hpp"
#include "hypatia/ops/shape.hpp"
#include "ops/op_util.hpp"
#include "rewrite/rule.hpp"

namespace hypatia::rewrite {
namespace {

// Whether the node's composite runs by the row kernel (its float input, the row axes).
bool kept_for_rows(const Node& n, bool trailing) {
  const DType in = n.inputs()[0].dtype();
  return trailing && in == n.output_types()[0].dtype && (in == DType::float32 || in == DType::float64) &&
         cpu::native_rows_available();
}

bool last_axis(const Node& n) { return n.attrs().get_int("axis") == n.inputs()[0].ndim() - 1; }

struct Builder {
  SourceLocation w;
  Operand o(const Variable& v) const { return Operand(v, w); }
  Variable c(double value, DType t) const { return constant(value, t, w); }
  Variable as(const Variable& v, DType t) const { return v.dtype() == t ? v : cast(o(v), t); }

  Attrs axes_attrs(const Node& n, bool keepdims) const {
    Attrs a{{"keepdims", keepdims}};
    if (n.attrs().has("axes")) a.set("axes", n.attrs().get_ints("axes"));
    return a;
  }
  static Attrs one_axis(std::int64_t axis, bool keepdims) {
    return Attrs{{"keepdims", keepdims}, {"axes", std::vector<std::int64_t>{axis}}};
  }
  // max over the axes, keeping them; -inf for an empty slice.
  Variable shift(const Variable& x, Attrs a) const {
    a.set("keepdims", true);
    a.set("empty_identity", true);
    return apply1("max", {x}, std::move(a), w);
  }
  Variable reduce(const char* op, const Variable& x, Attrs a) const { return apply1(op, {x}, std::move(a), w); }
  // v (reduced axes kept as size 1) with those axes dropped.
  Variable drop(const Variable& v, const std::vector<bool>& mask) const {
    std::vector<std::int64_t> pattern;
    for (std::size_t d = 0; d < mask.size(); ++d) {
      if (!mask[d]) pattern.push_back(static_cast<std::int64_t>(d));
    }
    return dimshuffle(o(v), pattern);
  }
  // The max shift where finite, else 0.
  Variable finite_shift(const Variable& m, DType t) const {
    return hypatia::where(o(isfinite(o(m))), o(m), o(c(0, t)));
  }
  // log(sum(exp(x - m), axes)) (axes kept) for m = max(x, axes), as the reference
  // computes it: the max's own term is exactly 1, so the others go through log1p,
  // accurate when they are tiny (log_softmax of a dominant element is -1e-10, not 0).
  // The others are the terms where x != m, plus 1 for each further tie, counted by a
  // sum of its own (spelled x >= m so that it does not share x == m with the others:
  // each sum then fuses with its producers). Where m is not finite the reference's
  // log(sum(exp(x))) is m itself: -inf (only -inf, or nothing), inf, or NaN.
  Variable log_sum_shifted(const Variable& x, const Variable& m, const Variable& shift, const Attrs& axes,
                           DType t) const {
    const Variable terms = hypatia::where(o(eq(o(x), o(m))), o(c(0, t)), o(exp(o(sub(o(x), o(shift))))));
    const Variable others = reduce("sum", terms, axes);
    const Variable ties = cast(o(reduce("sum", ge(o(x), o(m)), axes)), t);
    const Variable log_s = log1p(o(add(o(others), o(sub(o(ties), o(c(1, t)))))));
    return hypatia::where(o(isfinite(o(m))), o(log_s), o(m));
  }
};

}  // namespace

void register_decompose_nnet_rules(RuleBook& book) {
  // softmax(x, a) -> exp(x - m) / sum(exp(x - m), a), m = max(x, a, keepdims)
  book.custom("decompose_softmax", "softmax", "softmax(x, a) -> exp(x + -m) / sum(exp(x - m), a), m = max(x, a)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                if (kept_for_rows(v.node(), last_axis(v.node()))) return std::nullopt;
                const Builder b{where};
                const Variable x = b.as(v.node().inputs()[0], v.dtype());
                const std::int64_t axis = v.node().attrs().get_int("axis");
                const Variable m = b.shift(x, Builder::one_axis(axis, true));
                const Variable s = b.reduce("sum", exp(b.o(sub(b.o(x), b.o(m)))), Builder::one_axis(axis, true));
                return true_div(b.o(exp(b.o(add(b.o(x), b.o(neg(b.o(m))))))), b.o(s));
              });
  // log_softmax(x, a) -> (x - c) - L, c = max(x, a) where finite, else 0, L = log_sum_shifted (above)
  book.custom("decompose_log_softmax", "log_softmax",
              "log_softmax(x, a) -> (x - c) - log1p(sum(exp(x - c) where x != m) + ties - 1)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                if (kept_for_rows(v.node(), last_axis(v.node()))) return std::nullopt;
                const Builder b{where};
                const Variable x = b.as(v.node().inputs()[0], v.dtype());
                const std::int64_t axis = v.node().attrs().get_int("axis");
                const Attrs axes = Builder::one_axis(axis, true);
                const Variable m = b.shift(x, axes);
                const Variable c = b.finite_shift(m, v.dtype());
                return sub(b.o(sub(b.o(x), b.o(c))), b.o(b.log_sum_shifted(x, m, c, axes, v.dtype())));
              });
  // logsumexp(x, axes) -> c + L, c = max(x, axes) where finite, else 0, L = log_sum_shifted (above)
  book.custom("decompose_logsumexp", "logsumexp",
              "logsumexp(x, axes) -> c + log1p(sum(exp(x - c) where x != m) + ties - 1)",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Node& n = v.node();
                const bool all = !n.attrs().has("axes");
                const std::vector<std::int64_t> listed = all ? std::vector<std::int64_t>{} : n.attrs().get_ints("axes");
                if (kept_for_rows(n, cpu::trailing_axes(listed, all, n.inputs()[0].ndim()))) return std::nullopt;
                const Builder b{where};
                const Variable x = b.as(n.inputs()[0], v.dtype());
                const Attrs axes = b.axes_attrs(n, true);
                const Variable m = b.shift(x, axes);
                const Variable c = b.finite_shift(m, v.dtype());
                const Variable out = add(b.o(c), b.o(b.log_sum_shifted(x, m, c, axes, v.dtype())));
                if (n.attrs().get_bool("keepdims")) return out;
                return b.drop(out, detail::reduced_mask(n.attrs(), x.ndim()));
              });
  // logaddexp(x, y) -> where(x == y, x + log 2, maximum(x, y) + log1p(exp(-|x - y|)))
  book.custom("decompose_logaddexp", "logaddexp",
              "logaddexp(x, y) -> where(x == y, x + log 2, maximum(x, y) + log1p(exp(-|x - y|)))",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Builder b{where};
                const DType t = v.dtype();
                const Variable x = b.as(v.node().inputs()[0], t), y = b.as(v.node().inputs()[1], t);
                const Variable tail = log1p(b.o(exp(b.o(neg(b.o(abs(b.o(sub(b.o(x), b.o(y))))))))));
                const Variable apart = add(b.o(maximum(b.o(x), b.o(y))), b.o(tail));
                const Variable equal = add(b.o(x), b.o(b.c(std::numbers::ln2, t)));
                const Variable out = hypatia::where(b.o(eq(b.o(x), b.o(y))), b.o(equal), b.o(apart));
                if (out.type() != v.type()) return std::nullopt;  // broadcasting x to y's shape: as before
                return out;
              });
  // log1mexp(x) -> where(x > -log 2, log(-expm1(x)), log1p(-exp(x))): NaN for x > 0
  // comes from log of a negative number.
  book.custom("decompose_log1mexp", "log1mexp", "log1mexp(x) -> where(x > -log 2, log(-expm1(x)), log1p(-exp(x)))",
              [](const Variable& v, SourceLocation where) -> std::optional<Variable> {
                const Builder b{where};
                const DType t = v.dtype();
                const Variable x = b.as(v.node().inputs()[0], t);
                const Variable near = log(b.o(neg(b.o(expm1(b.o(x))))));
                const Variable far = log1p(b.o(neg(b.o(exp(b.o(x))))));
                return hypatia::where(b.o(gt(b.o(x), b.o(b.c(-std::numbers::ln2, t)))), b.o(near), b.o(far));
              });
}

}  // namespace hypatia::rewrite
