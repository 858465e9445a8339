"""Profiling compiled functions (Theano's theano.compile.profiling).

``hypatia.function(..., profile=True)`` times every step of every call, per op and per
node, with the memory each step wrote and what compiling cost; ``f.profile`` is a
ProfileStats and ``f.profile.summary()`` prints Theano's table. With the config flag
``profile`` (``HYPATIA_FLAGS=profile=True``, ``hypatia.config.profile = True``) every
function is profiled and the summaries of those made under it are printed when the
process exits, as Theano does. The measuring is C++ (include/hypatia/profile.hpp
documents what each figure means).
"""
import atexit
import sys

_at_exit = []  # ProfileStats printed at exit: functions made under config.profile


class ProfileStats:
    """What the profiler of one function measured; each attribute reads the figures
    as they are now (the function may still be called).

    calls / fct_callcount: calls of the function; call_time / fct_call_time: their
    total time (s); step_time: the time inside steps; steps: one ProfileStep per step
    (name, kind, ops, nodes, calls, seconds, per_call, outputs, bytes); ops(): per op
    (a fused kernel's time split evenly between its nodes); kinds(): per kind of step;
    peak_bytes, output_bytes; compile: a CompileStats (total_seconds, rewrite_seconds,
    phases, rules, lower_seconds, plan_seconds, cxx_seconds, cache_hit, kernels).
    """

    def __init__(self, function):
        self._function = function

    def snapshot(self):
        """The figures now, as one consistent core object (hypatia._core.ProfileSnapshot)."""
        return self._function._profile_snapshot()

    def summary(self, file=sys.stdout, n_apply_to_print=15):
        """Writes Theano's summary to ``file``: the "Function profiling" header, then the
        Class (per op), Kind, Apply (the ``n_apply_to_print`` slowest steps), Memory and
        Compile sections."""
        print(self.summary_text(n_apply_to_print), file=file)

    def summary_text(self, n_apply_to_print=15):
        """The summary as a string."""
        return self.snapshot().summary(n_apply_to_print)

    def __str__(self):
        return self.summary_text()

    def __repr__(self):
        s = self.snapshot()
        return f"<hypatia ProfileStats of {s.name or 'function'} made at {s.where}: {s.calls} calls>"

    # Theano's names, and a few of hypatia's own.
    @property
    def fct_callcount(self):
        return self.snapshot().calls

    calls = fct_callcount

    @property
    def fct_call_time(self):
        return self.snapshot().call_seconds

    call_time = fct_call_time

    @property
    def step_time(self):
        return self.snapshot().step_seconds

    @property
    def steps(self):
        return self.snapshot().steps

    def ops(self):
        return self.snapshot().ops()

    def kinds(self):
        return self.snapshot().kinds()

    @property
    def apply_time(self):
        """{step name: seconds} (Theano's apply_time, keyed by the step's name and index)."""
        return {(s.index, s.name): s.seconds for s in self.steps}

    @property
    def apply_callcount(self):
        return {(s.index, s.name): s.calls for s in self.steps}

    @property
    def op_time(self):
        """{op name: seconds}."""
        return {o.name: o.seconds for o in self.ops()}

    @property
    def peak_bytes(self):
        return self.snapshot().peak_bytes

    @property
    def output_bytes(self):
        return self.snapshot().output_bytes

    @property
    def compile(self):
        return self.snapshot().compile

    @property
    def compile_time(self):
        return self.compile.total_seconds

    @property
    def optimizer_time(self):
        return self.compile.rewrite_seconds

    @property
    def linker_time(self):
        c = self.compile
        return c.lower_seconds + c.cxx_seconds + c.plan_seconds


def flag_on(value):
    """Whether a config value means on (the flag may read as a bool or a string)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def register_at_exit(stats):
    _at_exit.append(stats)


def _print_at_exit():
    for stats in _at_exit:
        try:
            if stats.fct_callcount or stats.compile_time:
                stats.summary(file=sys.stderr)
        except Exception as e:  # noqa: BLE001 (one broken profile must not hide the others)
            print(f"hypatia: cannot print a profile: {e}", file=sys.stderr)


atexit.register(_print_at_exit)
