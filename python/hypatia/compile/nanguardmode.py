"""hypatia.compile.nanguardmode.NanGuardMode: stop at the first NaN (Theano's).

``hypatia.function(inputs, outputs, mode=NanGuardMode())`` (or ``mode='NanGuardMode'``)
checks every float value each node makes while the function runs; the call stops at
the first node whose output holds a NaN, an inf or a value above 1e10 in magnitude
(as the flags ask) with ``hypatia.NanGuardError`` (a ValueError) naming that node's
op and the user's line, whether it is in the forward graph or in a gradient (and then
which forward op and line it differentiates), the bad element, and whether an input
already held a bad value or the node made it. A NaN in an argument is reported as
the caller's. The graph is rewritten and run as in FAST_RUN.
"""
from .mode import Mode


class NanGuardMode(Mode):
    """``NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=True)``;
    the other arguments are Mode's (linker, optimizer, ...)."""

    def __init__(self, nan_is_error=True, inf_is_error=True, big_is_error=True, linker=None, optimizer="fast_run",
                 trace_rewrites=False, excluded=()):
        super().__init__(linker=linker, optimizer=optimizer, trace_rewrites=trace_rewrites, excluded=excluded)
        self.nan_is_error = bool(nan_is_error)
        self.inf_is_error = bool(inf_is_error)
        self.big_is_error = bool(big_is_error)

    def _with(self, excluded):
        return NanGuardMode(self.nan_is_error, self.inf_is_error, self.big_is_error, self.linker, self.optimizer,
                            self.trace_rewrites, excluded)

    def _nan_guard(self):
        """The checks for the C++ core: (nan, inf, big)."""
        return (self.nan_is_error, self.inf_is_error, self.big_is_error)

    def __eq__(self, other):
        return isinstance(other, NanGuardMode) and super().__eq__(other) and other._nan_guard() == self._nan_guard()

    def __hash__(self):
        return hash((super().__hash__(), self._nan_guard()))

    def __repr__(self):
        return (f"NanGuardMode(nan_is_error={self.nan_is_error}, inf_is_error={self.inf_is_error}, "
                f"big_is_error={self.big_is_error})")
