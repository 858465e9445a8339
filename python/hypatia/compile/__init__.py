"""hypatia.function: compile symbolic outputs into a callable over NumPy arrays.

The argument checks, the run and the conversion of results are C++
(``_core.CompiledFunction``); this file handles what is Python's business: input
specs (names, default values), the shape of the result (one output, a list, a dict)
and the config defaults.
"""
from .. import _core
from ..configparser import config
from . import mode as _mode
from .mode import Mode, get_mode  # noqa: F401 (Mode: also hypatia.compile.Mode, as in Theano)
from .sharedvalue import SharedVariable, shared  # noqa: F401 (theano.compile.shared, as in Theano)

_MISSING = object()
_LIST = 0  # the C++ structure argument for "a list of outputs" (anything but None or a list)


class In:
    """An input with options: ``In(x, name='x', value=1.0, allow_downcast=True)``.

    name: the keyword the function takes it by (default: the variable's name).
    value: a default, used when the call leaves the input out.
    update: an expression of the input (and others) that becomes its value after each
      call: the input is then implicit state the function keeps (Theano's meaning),
      starting at ``value``; a call may still set it by keyword.
    mutable: True allows the function to overwrite the argument's memory (Theano's
      meaning); hypatia never does, so the flag only permits.
    borrow: accepted for Theano's sake; arguments are never modified or kept, and
      results never share memory with them, whatever it says.
    allow_downcast: this input's own allow_input_downcast.
    """

    def __init__(self, variable, name=None, value=_MISSING, update=None, mutable=False, borrow=False,
                 allow_downcast=None, strict=False, implicit=None):
        if not isinstance(variable, _core.TensorVariable):
            raise TypeError(f"In: {variable!r} is not a TensorVariable")
        if isinstance(variable, _core.SharedVariable):
            raise TypeError(f"In: {variable!r} is a shared variable: functions read shared variables implicitly; "
                            "leave it out of the inputs")
        if update is not None and value is _MISSING:
            raise TypeError(f"In: the input {variable!r} has an update, so it needs a starting value (value=...)")
        self.variable = variable
        self.name = name if name is not None else variable.name
        self.value = value
        self.update = update
        self.mutable = mutable
        self.borrow = borrow
        self.allow_downcast = allow_downcast
        self.strict = strict
        self.implicit = update is not None if implicit is None else implicit

    @property
    def has_default(self):
        return self.value is not _MISSING


class Out:
    """An output with options: ``Out(y, borrow=True)``.

    borrow=True allows the result to share memory with internal buffers (Theano's
    meaning). Today every result is a new array whatever borrow says; the flag leaves
    room for backends that reuse buffers between calls.
    """

    def __init__(self, variable, borrow=False):
        self.variable = variable
        self.borrow = borrow


class Function(_core.CompiledFunction):
    """A compiled function. Call it with one value per input, positionally or by
    name; NumPy arrays, Python numbers and lists are accepted. It returns NumPy arrays
    shaped like the ``outputs`` given to hypatia.function: one array, a list, or a
    dict. ``output_subset=[i, ...]`` (or dict keys) returns only those outputs.

    Positional calls with every argument go straight to C++ (``_core.CompiledFunction
    .__call__``); keywords, defaults and output_subset come through ``_call_slow``.
    """

    def _setup(self, specs, state, structure, name, mode):
        self._specs = specs  # the explicit inputs' In
        self._state = state  # {name: shared variable} of the In(update=...) inputs
        self._structure = structure  # None: one output; a list of keys: a dict; else a list
        self._names = {s.name: i for i, s in enumerate(specs) if s.name is not None}
        self.name = name
        self.mode = mode
        return self

    def _call_slow(self, *args, output_subset=None, **kwargs):
        for key in [k for k in kwargs if k in self._state and k not in self._names]:
            self._state[key].set_value(kwargs.pop(key))
        if kwargs or len(args) < len(self._specs):
            args = self._bind(args, kwargs)
        results = self._run(args)
        structure = self._structure
        if output_subset is not None:
            if isinstance(structure, list) and structure is not list:
                positions = [structure.index(k) if k in structure else k for k in output_subset]
            else:
                positions = list(output_subset)
            for p in positions:
                if not isinstance(p, int) or not 0 <= p < len(results):
                    raise IndexError(f"{self._describe()}: output_subset names {p!r}, which is not an output")
            if isinstance(structure, list) and structure is not list:
                return {structure[p]: results[p] for p in positions}
            return [results[p] for p in positions]
        if structure is None:
            return results[0]
        if structure is list:
            return results
        return dict(zip(structure, results))

    def _bind(self, args, kwargs):
        n = len(self._specs)
        if len(args) > n:
            return args  # the core names the count
        values = list(args) + [_MISSING] * (n - len(args))
        for key, value in kwargs.items():
            if key not in self._names:
                known = ", ".join(repr(k) for k in self._names) or "none"
                raise TypeError(f"{self._describe()} has no input named {key!r} (named inputs: {known})")
            i = self._names[key]
            if values[i] is not _MISSING:
                raise TypeError(f"{self._describe()}: input {i} ({key!r}) is given twice")
            values[i] = value
        for i, value in enumerate(values):
            if value is _MISSING:
                spec = self._specs[i]
                if not spec.has_default:
                    label = f"input {i}" + (f" ({spec.name!r})" if spec.name else "")
                    raise TypeError(f"{self._describe()}: missing a value for {label}")
                values[i] = spec.value
        return values

    def _describe(self):
        return f"function {self.name!r}" if self.name else "function"

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None, profile=None):
        """A function running the same compiled code (Theano's Function.copy).

        swap: {old shared variable: new one} (same type) used by the copy instead; the
          other shared variables are shared with this function, updates included.
        delete_updates: the copy applies no updates.
        share_memory: accepted for Theano's sake (no buffers are kept between calls).
        """
        pairs = list(swap.items()) if isinstance(swap, dict) else list(swap or [])
        for old, new in pairs:
            if not isinstance(old, _core.SharedVariable) or not isinstance(new, _core.SharedVariable):
                raise TypeError("Function.copy: swap maps shared variables to shared variables")
        copied = Function(self, pairs, bool(delete_updates))
        return copied._setup(self._specs, self._state, self._structure, name if name is not None else self.name,
                             self.mode)

    def get_shared(self):
        """The shared variables the function reads (Theano's get_shared)."""
        return list(self.shared_variables)

    def free(self):
        """Theano's free(): no intermediate buffers are kept between calls, so nothing to free."""

    def __copy__(self):
        return self.copy()

    def graph_text(self):
        """The graph the function runs (after rewriting), one node a line."""
        return super().graph_text()

    def source(self):
        """The C++ source generated for the cpu backend (fused kernels, readable, one
        comment per statement naming its graph op); '' on the interp backend."""
        return super().source()

    @property
    def inputs(self):
        """The symbolic inputs, in argument order."""
        return [s.variable for s in self._specs]

    @property
    def outputs(self):
        """The symbolic outputs, in the order of the results."""
        return list(_core.CompiledFunction.outputs.__get__(self))

    def __repr__(self):
        return f"<hypatia.Function {self.name or ''}({', '.join(str(v) for v in self.inputs)})>"


# Calls skip Python: f(x, y) goes to C++ at once (keywords and defaults come back to
# _call_slow).
_core._install_fast_call(Function)


def _output_variable(out):
    return out.variable if isinstance(out, Out) else out


def _pairs(value, what, pair):
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, (list, tuple)):
        pairs = list(value)
        for p in pairs:
            if not isinstance(p, (list, tuple)) or len(p) != 2:
                raise TypeError(f"hypatia.function: {what}: replacements are {pair} pairs: a dict, or a list of pairs")
        return pairs
    raise TypeError(f"hypatia.function: {what}: replacements are {pair} pairs: a dict, or a list of pairs, "
                    f"not {type(value).__name__}")


def function(inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
             accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None, profile=None,
             on_unused_input=None):
    """Compiles ``outputs`` as a function of ``inputs`` (Theano's theano.function).

    inputs: a list of TensorVariables or In.
    outputs: a variable (the function returns one array), a list (a list), or a dict
      of them (a dict); Out(variable, borrow=...) anywhere a variable goes.
    mode: 'FAST_RUN', 'FAST_COMPILE' or a hypatia.Mode (default config.mode, with
      config.optimizer's rewrites unless FAST_COMPILE); the rules and phases named in
      config.optimizer_including are switched on, and those in
      config.optimizer_excluding left out (that wins).
    updates: {shared: expression} or [(shared, expression)]: every expression is
      computed from the values before the call, then all are stored (see
      hypatia.shared); an expression must have the variable's rank and a dtype that
      converts to its dtype without loss.
    givens: {old: new} or [(old, new)] replaced in the outputs and updates before
      compiling (Theano's minibatch idiom: {x: data[i * bs:(i + 1) * bs]}).
    no_default_updates: True leaves out every shared variable's default_update; a list
      of shared variables, only theirs.
    allow_input_downcast: True lets every argument convert to its input's dtype
      even with loss; None (the default) lets only Python floats convert to floatX
      and values that convert exactly; False, only lossless dtypes.
    on_unused_input: 'raise', 'warn' or 'ignore' (default config.on_unused_input).
    profile is not built yet.
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("the inputs of hypatia.function must be in a list, even when there is only one")
    if profile:
        raise NotImplementedError("profiling comes with the compiled backends; it is not built yet")
    mode = _mode.from_config() if mode is None else _mode.with_config_names(get_mode(mode))
    if on_unused_input is None:
        on_unused_input = config.on_unused_input
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_unused_input must be 'raise', 'warn' or 'ignore', not {on_unused_input!r}")

    specs = []
    for position, i in enumerate(inputs):
        if isinstance(i, _core.SharedVariable):
            raise TypeError(f"hypatia.function: input {position} is shared variable {i.name or ''!r}: functions "
                            "read shared variables implicitly; leave it out of the inputs")
        spec = i if isinstance(i, In) else In(i) if isinstance(i, _core.TensorVariable) else i
        if not isinstance(spec, In):
            raise TypeError(f"hypatia.function: input {position} is a {type(spec).__name__}, not a TensorVariable "
                            "(make inputs with hypatia.tensor: T.matrix('x'), ...)")
        specs.append(spec)

    if outputs is None:
        structure, outs = list, []
    elif isinstance(outputs, dict):
        structure, outs = list(outputs), [_output_variable(o) for o in outputs.values()]
    elif isinstance(outputs, (list, tuple)):
        structure, outs = list, [_output_variable(o) for o in outputs]
    else:
        structure, outs = None, [_output_variable(outputs)]
    outs = [o if isinstance(o, _core.TensorVariable) else _core.as_tensor_variable(o) for o in outs]

    update_pairs = _pairs(updates, "updates", "(shared variable, expression)")
    given_pairs = _pairs(givens, "givens", "(old, new)")
    # In(x, value=v, update=e): x becomes a shared variable the function owns.
    state = {}
    explicit = []
    for spec in specs:
        if spec.update is None:
            explicit.append(spec)
            continue
        from .sharedvalue import shared  # noqa: PLC0415 (a cycle at import time otherwise)
        import numpy  # noqa: PLC0415
        holder = shared(numpy.array(spec.value, dtype=spec.variable.dtype), name=spec.name)
        given_pairs.append((spec.variable, holder))
        update_pairs.append((holder, spec.update))
        if spec.name is not None:
            state[spec.name] = holder
    if isinstance(no_default_updates, (list, tuple)):
        no_default = list(no_default_updates)
    else:
        no_default = bool(no_default_updates)

    f = Function([s.variable for s in explicit], outs, on_unused_input,
                 [allow_input_downcast if s.allow_downcast is None else s.allow_downcast for s in explicit],
                 *mode._core_args(), updates=update_pairs, givens=given_pairs, no_default_updates=no_default,
                 structure=_LIST if structure is list else structure, **mode._core_kwargs())
    return f._setup(explicit, state, structure, name, mode)


def _eval(self, inputs_to_values=None):
    """The value of this variable given ``{input: value}`` for the inputs it needs:
    ``(x + 1).eval({x: np.ones(3)})``. Compiles a function on every call."""
    if inputs_to_values is None:
        inputs_to_values = {}
    if not isinstance(inputs_to_values, dict):
        raise TypeError("eval takes a dict {variable: value}")
    keys = list(inputs_to_values)
    return function(keys, self)(*[inputs_to_values[k] for k in keys])


# A method that needs the compile layer, so it is added here rather than in C++.
_core.TensorVariable.eval = _eval
