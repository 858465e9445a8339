#include "lower/kernel_ir.hpp"

#include <sstream>

namespace hypatia::kir {

std::string_view stmt_kind_name(StmtKind k) {
  switch (k) {
#define HYPATIA_X(name) \
  case StmtKind::name: return #name;
    HYPATIA_KIR_STMTS(HYPATIA_X)
#undef HYPATIA_X
  }
  return "?";
}

int Kernel::num_inputs() const {
  int n = 0;
  for (const Operand& o : operands) n += o.output ? 0 : 1;
  return n;
}

bool Kernel::can_fail() const {
  for (const Stmt& s : body) {
    if (s.kind == StmtKind::check) return true;
  }
  return false;
}

int Kernel::add(Stmt s) {
  body.push_back(std::move(s));
  return static_cast<int>(body.size()) - 1;
}

std::string kernel_text(const Kernel& k) {
  std::ostringstream os;
  os << "kernel " << k.name << "(";
  for (std::size_t i = 0; i < k.operands.size(); ++i) {
    const Operand& o = k.operands[i];
    os << (i ? ", " : "") << (o.output ? "out" : "in") << i << ": " << dtype_name(o.dtype) << (o.uniform ? " 0-d " : o.row_invariant ? " row " : " ") << o.name;
  }
  os << ")";
  if (k.reduction) os << " reduce " << reduce_prim_name(k.reduction->prim) << (k.reduction->mean ? " mean" : "");
  os << "\n";
  for (std::size_t i = 0; i < k.body.size(); ++i) {
    const Stmt& s = k.body[i];
    os << "  ";
    const bool defines = s.kind != StmtKind::store && s.kind != StmtKind::reduce && s.kind != StmtKind::check;
    if (defines) os << "%" << i << " = ";
    os << stmt_kind_name(s.kind);
    if (s.kind == StmtKind::apply) os << " " << scalar_prim_name(s.prim);
    if (s.kind == StmtKind::cast || defines) os << "<" << dtype_name(s.dtype) << ">";
    if (s.kind == StmtKind::constant) os << " " << s.value.str();
    if (s.operand >= 0) os << " " << (k.operands[static_cast<std::size_t>(s.operand)].output ? "out" : "in") << s.operand;
    for (int a : s.args) os << " %" << a;
    if (!s.origin.empty()) os << "  # " << s.origin;
    os << "\n";
  }
  return os.str();
}

}  // namespace hypatia::kir
