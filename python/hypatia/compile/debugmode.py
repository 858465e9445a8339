"""hypatia.compile.debugmode: Theano's DebugMode, a Mode that checks itself.

``hypatia.function(inputs, outputs, mode='DebugMode')`` (or ``mode=DebugMode()``)
rewrites the graph as FAST_RUN and runs it on the same backend, then checks every
step of every call:

- each step's results against the reference kernels (the interpreter), with dtype
  tolerances (float64 rtol 1e-5 / atol 1e-8, float32 1e-5 / 1e-5, others exact), and
  each node's reference kernel again on non-contiguous copies of its inputs:
  BadThunkOutput;
- inputs the step changed though its op does not declare it overwrites them:
  BadDestroyMap;
- outputs sharing memory with an input without a declared view: BadViewMap;
- NaN or inf results made from finite inputs (unless ``check_isfinite=False``):
  InvalidValueError;

and, after each call, every rewrite the graph went through, by computing the replaced
expression and its replacement from the call's arguments: BadOptimization, naming the
rule. Every error names the node (op) and the user's line; all are DebugModeError.
It is slow (every node runs at least twice): a tool for finding a bug, not for training.
"""
from .. import _core
from .mode import Mode

DebugModeError = _core.DebugModeError
BadThunkOutput = _core.BadThunkOutput
BadDestroyMap = _core.BadDestroyMap
BadViewMap = _core.BadViewMap
BadOptimization = _core.BadOptimization
InvalidValueError = _core.InvalidValueError

__all__ = ["DebugMode", "DebugModeError", "BadThunkOutput", "BadDestroyMap", "BadViewMap", "BadOptimization",
           "InvalidValueError"]

# Theano's DebugMode options that have no meaning here (every check always runs).
_IGNORED = ("stability_patience", "check_c_code", "check_py_code", "check_preallocated_output",
            "require_matching_strides")


class DebugMode(Mode):
    """``DebugMode(linker=None, optimizer='fast_run', check_isfinite=True)``.

    linker: the backend checked, as for Mode ('cpu' by default, 'interp').
    optimizer: 'fast_run' (the rewrites checked) or None (none).
    check_isfinite: False allows NaN and inf results.
    Theano's stability_patience, check_c_code, check_py_code,
    check_preallocated_output and require_matching_strides are accepted and ignored.
    """

    def __init__(self, linker=None, optimizer="fast_run", check_isfinite=True, trace_rewrites=False, excluded=(),
                 **theano_options):
        for key in theano_options:
            if key not in _IGNORED:
                raise TypeError(f"DebugMode() got an unexpected keyword argument {key!r}")
        if optimizer not in ("fast_run", None):
            raise ValueError(f"DebugMode: optimizer must be 'fast_run' or None, not {optimizer!r}")
        super().__init__(linker, optimizer, trace_rewrites, excluded)
        self.check_isfinite = bool(check_isfinite)

    def _with(self, excluded):
        return DebugMode(self.linker, self.optimizer, self.check_isfinite, self.trace_rewrites, excluded)

    def _check_isfinite(self):
        return self.check_isfinite

    def _core_args(self):
        _, excluded, trace, linker = super()._core_args()
        return "DebugMode", excluded, trace, linker

    def __eq__(self, other):
        return isinstance(other, DebugMode) and super().__eq__(other) and self.check_isfinite == other.check_isfinite

    def __hash__(self):
        return hash((super().__hash__(), self.check_isfinite))

    def __repr__(self):
        finite = "" if self.check_isfinite else ", check_isfinite=False"
        return "Debug" + super().__repr__()[:-1] + finite + ")"
