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
    those rules or phases; ``mode.including(...)`` puts excluded ones back, and switches
    on phases or rules the optimizer leaves out (Theano's optimizer_including).
    """

    def __init__(self, linker=None, optimizer="fast_run", trace_rewrites=False, excluded=(), included=()):
        if linker not in _LINKERS:
            raise ValueError(f"Mode: unknown linker {linker!r}; expected 'cpu', 'interp' or None")
        if optimizer is not None and optimizer not in _OPTIMIZERS:
            raise ValueError(f"Mode: unknown optimizer {optimizer!r}; expected 'fast_run', 'fast_compile' or None")
        excluded = tuple(excluded)
        _check_names(excluded, "excluding")
        included = tuple(included)
        _check_names(included, "including")
        self.linker = linker
        self.optimizer = optimizer
        self.trace_rewrites = bool(trace_rewrites)
        self.excluded = excluded
        self.included = included

    def _with(self, excluded, included=None):
        return Mode(self.linker, self.optimizer, self.trace_rewrites, excluded,
                    self.included if included is None else included)

    def excluding(self, *names):
        """A new Mode that leaves out these rules or phases (by name)."""
        _check_names(names, "excluding")
        return self._with(self.excluded + tuple(n for n in names if n not in self.excluded))

    def including(self, *names):
        """A new Mode that runs these rules or phases: one it excluded is put back;
        another is switched on where its optimizer leaves it out (FAST_COMPILE's
        mode.including('canonicalize') runs that phase too; a rule runs in its phase,
        alone if the optimizer leaves the phase out). A name that is no rule or phase
        is a ValueError."""
        _check_names(names, "including")
        added = tuple(n for n in dict.fromkeys(names) if n not in self.excluded and n not in self.included)
        return self._with(tuple(n for n in self.excluded if n not in names), self.included + added)

    def _core_args(self):
        """(mode name, excluded names, trace, linker) for the C++ core; _core_kwargs
        has the rest."""
        linker = _LINKERS[self.linker]
        if self.optimizer is None:
            return "FAST_RUN", list(self.excluded), self.trace_rewrites, linker
        return _OPTIMIZERS[self.optimizer], list(self.excluded), self.trace_rewrites, linker

    def _core_kwargs(self):
        """The core Mode's optimizer ('None' for no rewriting, '' for the mode's own)
        and included names."""
        return {"optimizer": "None" if self.optimizer is None else "", "including": list(self.included)}

    def __eq__(self, other):
        return isinstance(other, Mode) and self._key() == other._key()

    def _key(self):
        return (self.linker, self.optimizer, self.trace_rewrites, self.excluded, self.included)

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        extra = f", excluding={list(self.excluded)}" if self.excluded else ""
        extra += f", including={list(self.included)}" if self.included else ""
        trace = ", trace_rewrites=True" if self.trace_rewrites else ""
        linker = f"linker={self.linker!r}, " if self.linker is not None else ""
        return f"Mode({linker}optimizer={self.optimizer!r}{extra}{trace})"


FAST_RUN = Mode(optimizer="fast_run")
FAST_COMPILE = Mode(optimizer="fast_compile")
_PREDEFINED = {"FAST_RUN": FAST_RUN, "FAST_COMPILE": FAST_COMPILE}


def from_config():
    """The mode hypatia.function uses when given none: config.mode, whose rewrites
    are config.optimizer's unless it is FAST_COMPILE (Theano's rule: the predefined
    FAST_COMPILE keeps its own), with config.optimizer_including and
    config.optimizer_excluding applied (excluding wins)."""
    from ..configparser import config  # noqa: PLC0415 (configparser imports the core first)

    mode = get_mode(config.mode)
    if config.mode == "FAST_RUN" and config.optimizer != "fast_run":
        optimizer = None if config.optimizer == "None" else config.optimizer
        mode = Mode(mode.linker, optimizer, mode.trace_rewrites, mode.excluded, mode.included)
    return with_config_names(mode)


def with_config_names(mode):
    """``mode`` with config.optimizer_including, then config.optimizer_excluding."""
    from ..configparser import config  # noqa: PLC0415

    including = [n for n in config.optimizer_including.split(":") if n]
    excluding = [n for n in config.optimizer_excluding.split(":") if n]
    if including:
        mode = mode.including(*including)
    if excluding:
        mode = mode.excluding(*excluding)
    return mode


def get_mode(mode):
    """A Mode from a Mode, 'FAST_RUN' or 'FAST_COMPILE'; ValueError otherwise."""
    if isinstance(mode, Mode):
        return mode
    if isinstance(mode, str) and mode in _PREDEFINED:
        return _PREDEFINED[mode]
    raise ValueError(f"mode {mode!r} is not available; the modes are: FAST_RUN, FAST_COMPILE, or a "
                     "hypatia.Mode")
