"""hypatia.function: compile symbolic outputs into a callable over NumPy arrays.

The argument checks, the run and the conversion of results are C++
(``_core.CompiledFunction``); this file handles what is Python's business: input
specs (names, default values), the shape of the result (one output, a list, a dict)
and the config defaults.
"""
from .. import _core
from ..configparser import config
from .mode import Mode, get_mode  # noqa: F401 (Mode: also hypatia.compile.Mode, as in Theano)

_MISSING = object()


class In:
    """An input with options: ``In(x, name='x', value=1.0, allow_downcast=True)``.

    name: the keyword the function takes it by (default: the variable's name).
    value: a default, used when the call leaves the input out.
    borrow: accepted for Theano's sake; arguments are never modified or kept, and
      results never share memory with them, whatever it says.
    allow_downcast: this input's own allow_input_downcast.
    """

    def __init__(self, variable, name=None, value=_MISSING, borrow=False, allow_downcast=None):
        if not isinstance(variable, _core.TensorVariable):
            raise TypeError(f"In: {variable!r} is not a TensorVariable")
        self.variable = variable
        self.name = name if name is not None else variable.name
        self.value = value
        self.borrow = borrow
        self.allow_downcast = allow_downcast

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


class Function:
    """A compiled function. Call it with one value per input, positionally or by
    name; NumPy arrays, Python numbers and lists are accepted. It returns NumPy arrays
    shaped like the ``outputs`` given to hypatia.function: one array, a list, or a
    dict."""

    def __init__(self, core, specs, structure, name, mode):
        self._core = core
        self._specs = specs
        self._structure = structure  # None: one output; a list of keys: a dict; else a list
        self._names = {s.name: i for i, s in enumerate(specs) if s.name is not None}
        self.name = name
        self.mode = mode

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) < len(self._specs):
            args = self._bind(args, kwargs)
        results = self._core(args)
        if self._structure is None:
            return results[0]
        if self._structure is list:
            return results
        return dict(zip(self._structure, results))

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

    def graph_text(self):
        """The graph the function runs (after rewriting), one node a line."""
        return self._core.graph_text()

    def source(self):
        """The C++ source generated for the cpu backend (fused kernels, readable, one
        comment per statement naming its graph op); '' on the interp backend."""
        return self._core.source()

    @property
    def linker(self):
        """The backend the function runs on: 'cpu' or 'interp' (after any fallback)."""
        return self._core.linker

    @property
    def rewrite_trace(self):
        """What the rewriter did (firings, counts(), passes; str() reads well), or
        None unless the function was compiled with Mode(trace_rewrites=True)."""
        return self._core.rewrite_trace

    @property
    def inputs(self):
        """The symbolic inputs, in argument order."""
        return [s.variable for s in self._specs]

    @property
    def outputs(self):
        """The symbolic outputs, in the order of the results."""
        return list(self._core.outputs)

    def __repr__(self):
        return f"<hypatia.Function {self.name or ''}({', '.join(str(v) for v in self.inputs)})>"


def _output_variable(out):
    return out.variable if isinstance(out, Out) else out


def function(inputs, outputs=None, mode=None, updates=None, givens=None, name=None,
             allow_input_downcast=None, profile=None, on_unused_input=None):
    """Compiles ``outputs`` as a function of ``inputs`` (Theano's theano.function).

    inputs: a list of TensorVariables or In.
    outputs: a variable (the function returns one array), a list (a list), or a dict
      of them (a dict); Out(variable, borrow=...) anywhere a variable goes.
    mode: 'FAST_RUN', 'FAST_COMPILE' or a hypatia.Mode (default config.mode); the
      rules and phases named in config.optimizer_excluding are left out too.
    givens: {old: new} or [(old, new)] replaced in the outputs before compiling.
    allow_input_downcast: True lets every argument convert to its input's dtype
      even with loss; None (the default) lets only Python floats convert to floatX
      and values that convert exactly; False, only lossless dtypes.
    on_unused_input: 'raise', 'warn' or 'ignore' (default config.on_unused_input).
    updates (shared variables) and profile are not built yet.
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("the inputs of hypatia.function must be in a list, even when there is only one")
    if updates:
        raise NotImplementedError("updates need shared variables (hypatia.shared), which are not built yet")
    if profile:
        raise NotImplementedError("profiling comes with the compiled backends; it is not built yet")
    mode = get_mode(config.mode if mode is None else mode)
    if config.optimizer_excluding:
        mode = mode.excluding(*(n for n in config.optimizer_excluding.split(":") if n))
    if on_unused_input is None:
        on_unused_input = config.on_unused_input
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError(f"on_unused_input must be 'raise', 'warn' or 'ignore', not {on_unused_input!r}")

    specs = [i if isinstance(i, In) else In(i) if isinstance(i, _core.TensorVariable) else i for i in inputs]
    for position, spec in enumerate(specs):
        if not isinstance(spec, In):
            raise TypeError(f"hypatia.function: input {position} is a {type(spec).__name__}, not a TensorVariable "
                            "(make inputs with hypatia.tensor: T.matrix('x'), ...)")

    if outputs is None:
        structure, outs = list, []
    elif isinstance(outputs, dict):
        structure, outs = list(outputs), [_output_variable(o) for o in outputs.values()]
    elif isinstance(outputs, (list, tuple)):
        structure, outs = list, [_output_variable(o) for o in outputs]
    else:
        structure, outs = None, [_output_variable(outputs)]
    outs = [o if isinstance(o, _core.TensorVariable) else _core.as_tensor_variable(o) for o in outs]

    if givens:
        pairs = list(givens.items()) if isinstance(givens, dict) else list(givens)
        outs = _core.clone_replace(outs, pairs)

    core = _core.CompiledFunction([s.variable for s in specs], outs, on_unused_input,
                                  [allow_input_downcast if s.allow_downcast is None else s.allow_downcast
                                   for s in specs], *mode._core_args())
    return Function(core, specs, structure, name, mode)


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
