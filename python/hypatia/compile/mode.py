"""hypatia.compile.mode.Mode: how hypatia.function compiles (Theano's Mode).

The graph is rewritten before it runs, in phases (see docs/python.md, "Graph
rewriting"): FAST_RUN runs canonicalize, stabilize and specialize; FAST_COMPILE runs
stabilize only, so that a user's numbers do not depend on the mode. Every rule and
phase has a name, and ``Mode.excluding(name)`` switches it off.
"""
from .. import _core

PHASES = ("canonicalize", "stabilize", "specialize")
_OPTIMIZERS = {"fast_run": "FAST_RUN", "fast_compile": "FAST_COMPILE"}
# Linker names -> the core's backend ("" = the mode's default).
_LINKERS = {None: "", "cpu": "cpu", "interp": "interp", "py": "interp", "c": "cpu", "cvm": "cpu", "vm": "cpu",
            "c|py": "cpu", "c|py_nogc": "cpu", "cvm_nogc": "cpu"}


def rule_names():
    """Every rewrite rule as ``'phase/name'``, in the order they are tried."""
    return list(_core.rewrite_rule_names())


def _check_names(names, what):
    known = set(PHASES) | {r.split("/", 1)[1] for r in _core.rewrite_rule_names()}
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"Mode.{what} takes rule or phase names (str), not {type(name).__name__}")
        if name not in known:
            raise ValueError(f"Mode.{what}: {name!r} is neither a rewrite phase ({', '.join(PHASES)}) nor a rule "
                             "(hypatia.compile.mode.rule_names() lists them)")


class Mode:
    """How a function is compiled: ``Mode(optimizer='fast_run')``.

    linker: the backend. 'cpu' (fused kernels compiled to native code; the default
      for fast_run) or 'interp' (the reference kernels; the default for
      fast_compile); None takes the optimizer's default. Theano's names are accepted:
      'py' is interp, 'c', 'cvm', 'vm', 'c|py' (and their _nogc forms) are cpu.
    optimizer: 'fast_run' (canonicalize, stabilize, specialize), 'fast_compile'
      (stabilize only) or None (no rewriting: the graph runs as built; for testing,
      since it gives up numerical stability).
    trace_rewrites: keep a trace of what the rewriter did (``f.rewrite_trace``,
      ``hypatia.printing.rewrite_trace(f)``).

    ``mode.excluding('log1p_from_log_one_plus', 'specialize')`` is a new Mode without
    those rules or phases; ``mode.including(...)`` puts excluded ones back.
    """

    def __init__(self, linker=None, optimizer="fast_run", trace_rewrites=False, excluded=()):
        if linker not in _LINKERS:
            raise ValueError(f"Mode: unknown linker {linker!r}; expected 'cpu', 'interp' or None")
        if optimizer is not None and optimizer not in _OPTIMIZERS:
            raise ValueError(f"Mode: unknown optimizer {optimizer!r}; expected 'fast_run', 'fast_compile' or None")
        excluded = tuple(excluded)
        _check_names(excluded, "excluding")
        self.linker = linker
        self.optimizer = optimizer
        self.trace_rewrites = bool(trace_rewrites)
        self.excluded = excluded

    def _with(self, excluded):
        return Mode(self.linker, self.optimizer, self.trace_rewrites, excluded)

    def excluding(self, *names):
        """A new Mode that leaves out these rules or phases (by name)."""
        _check_names(names, "excluding")
        return self._with(self.excluded + tuple(n for n in names if n not in self.excluded))

    def including(self, *names):
        """A new Mode that runs these rules or phases again if they were excluded.
        Every rule of the mode's phases runs unless excluded, so this only undoes
        excluding; a name that is no rule or phase is a ValueError."""
        _check_names(names, "including")
        return self._with(tuple(n for n in self.excluded if n not in names))

    def _check_isfinite(self):
        """DebugMode's check_isfinite (the core ignores it in other modes)."""
        return True

    def _core_args(self):
        """(mode name, excluded names, trace, linker) for the C++ core."""
        linker = _LINKERS[self.linker]
        if self.optimizer is None:
            return "FAST_RUN", list(PHASES), self.trace_rewrites, linker
        return _OPTIMIZERS[self.optimizer], list(self.excluded), self.trace_rewrites, linker

    def __eq__(self, other):
        return isinstance(other, Mode) and (self.linker, self.optimizer, self.trace_rewrites, self.excluded) == (
            other.linker, other.optimizer, other.trace_rewrites, other.excluded)

    def __hash__(self):
        return hash((self.linker, self.optimizer, self.trace_rewrites, self.excluded))

    def __repr__(self):
        extra = f", excluding={list(self.excluded)}" if self.excluded else ""
        trace = ", trace_rewrites=True" if self.trace_rewrites else ""
        linker = f"linker={self.linker!r}, " if self.linker is not None else ""
        return f"Mode({linker}optimizer={self.optimizer!r}{extra}{trace})"


FAST_RUN = Mode(optimizer="fast_run")
FAST_COMPILE = Mode(optimizer="fast_compile")
_PREDEFINED = {"FAST_RUN": FAST_RUN, "FAST_COMPILE": FAST_COMPILE}


def get_mode(mode):
    """A Mode from a Mode, 'FAST_RUN' or 'FAST_COMPILE'; ValueError otherwise."""
    if isinstance(mode, Mode):
        return mode
    if isinstance(mode, str) and mode in _PREDEFINED:
        return _PREDEFINED[mode]
    if mode in ("DebugMode", "DEBUG_MODE"):
        from .debugmode import DebugMode  # noqa: PLC0415 (debugmode imports this file)
        return DebugMode()
    raise ValueError(f"mode {mode!r} is not available; the modes are: FAST_RUN, FAST_COMPILE, DebugMode, or a "
                     "hypatia.Mode")
