"""Your own ops, with Theano's ``Op`` interface (docs/python.md, "Your own ops")::

    class DoubleOp(hypatia.Op):
        __props__ = ()

        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * 2

        def infer_shape(self, fgraph, node, input_shapes):   # or (self, node, input_shapes)
            return input_shapes

        def grad(self, inputs, output_grads):
            return [output_grads[0] * 2]

    y = DoubleOp()(x)

Each distinct op (equal ops by ``__props__``, as in Theano; without ``__props__``
every instance is its own op) becomes one op of the core, named after its class, with
``view_map``/``destroy_map`` as its aliasing facts. ``perform`` runs on both backends
(the function's run calls back into Python) and receives NumPy views of the actual
input buffers: writing into one without declaring it in ``destroy_map`` is a bug
(DebugMode reports it). Without ``infer_shape``, the shape of an output is read from
the computed output. There is no forward-mode rule (``Rop`` goes through ``grad``
twice) and no batch rule (``jacobian``/``hessian`` through the op raise).
"""
import inspect

from .. import _core
from .basic import Apply

# op -> the core's name of it; equal ops (by __props__) share one entry.
_registered = {}


def _as_type(out):
    if isinstance(out, _core.TensorType):
        return out
    t = getattr(out, "type", None)
    if isinstance(t, _core.TensorType):
        return t
    raise TypeError("make_node's outputs must be variables or TensorTypes (Theano's x.type()), got %r" % (out,))


class Op:
    """Base class of your own ops (Theano's ``theano.Op``).

    Define ``make_node(*inputs)`` (or ``itypes`` and ``otypes``) and
    ``perform(node, inputs, output_storage)``; optionally ``infer_shape``, ``grad``,
    ``__props__``, ``view_map`` and ``destroy_map`` ({output index: [input index]}).
    """

    __props__ = None
    itypes = None
    otypes = None
    view_map = {}
    destroy_map = {}
    default_output = None

    # ---- identity, as Theano's: equal when of one class with equal __props__
    def _props(self):
        return tuple(getattr(self, p) for p in self.__props__)

    def __eq__(self, other):
        if self.__props__ is None:
            return self is other
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        if self.__props__ is None:
            return object.__hash__(self)
        return hash((type(self), self._props()))

    def __str__(self):
        if not self.__props__:
            return type(self).__name__
        return "%s{%s}" % (type(self).__name__, ", ".join("%s=%r" % (p, getattr(self, p)) for p in self.__props__))

    __repr__ = __str__

    # ---- the interface
    def make_node(self, *inputs):
        """The node of this op on ``inputs``; by default from ``itypes`` and ``otypes``."""
        if self.itypes is None or self.otypes is None:
            raise NotImplementedError("%s defines neither make_node nor itypes and otypes" % self)
        if len(inputs) != len(self.itypes):
            raise TypeError("%s takes %d inputs, got %d" % (self, len(self.itypes), len(inputs)))
        variables = [_core.as_tensor_variable(x) for x in inputs]
        for i, (v, t) in enumerate(zip(variables, self.itypes)):
            if v.type.dtype != t.dtype or v.type.ndim != t.ndim:
                raise TypeError("%s: input %d is %s, expected %s" % (self, i, v.type, t))
        return Apply(self, variables, list(self.otypes))

    def perform(self, node, inputs, output_storage):
        """Computes the outputs: ``output_storage[i][0] = value`` (NumPy arrays of the
        declared dtypes and ranks) from ``inputs`` (NumPy arrays)."""
        raise NotImplementedError("%s defines no perform" % self)

    def grad(self, inputs, output_grads):
        """Symbolic gradients, one per input (None: zero), from the gradients of the
        outputs."""
        raise NotImplementedError("%s defines no grad, so no gradient goes through it" % self)

    def __call__(self, *inputs, **kwargs):
        node = self.make_node(*inputs, **kwargs)
        if not isinstance(node, Apply):
            raise TypeError("%s.make_node returned %r, not an Apply" % (self, node))
        outs = _core._apply_python_op(_core_name(node.op), node.inputs, [_as_type(o) for o in node.outputs])
        if self.default_output is not None:
            return outs[self.default_output]
        return outs[0] if len(outs) == 1 else outs


def _core_name(op):
    try:
        name = _registered.get(op)
    except TypeError:
        raise TypeError("%s is unhashable: an op's __props__ must be hashable" % (op,)) from None
    if name is None:
        name = _core._register_python_op(op, _base_name(op))
        _registered[op] = name
    return name


def _base_name(op):
    own = getattr(op, "_core_base_name", None)
    return own() if callable(own) else type(op).__name__


def _positional_arity(f):
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return 3
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 3
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


# Called by the core (python/src/user_op.cpp).
def _infer_shape(op, node, input_shapes):
    f = getattr(op, "infer_shape", None)
    if f is None:
        return None
    # Theano's infer_shape(fgraph, node, shapes), or Theano 1.0's infer_shape(node, shapes).
    if _positional_arity(f) >= 3:
        return f(None, node, input_shapes)
    return f(node, input_shapes)


def _grad(op, inputs, output_grads):
    got = op.grad(list(inputs), list(output_grads))
    if not isinstance(got, (list, tuple)):
        raise TypeError("%s.grad must return a list of gradients, got %r" % (op, got))
    return list(got)
