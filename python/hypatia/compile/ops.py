"""``as_op``: an op from a Python function (Theano's ``theano.compile.ops.as_op``)::

    @as_op(itypes=[T.dmatrix, T.dvector], otypes=[T.dvector])
    def numpy_dot(a, b):
        return numpy.dot(a, b)
"""
import numpy as _np

from ..graph.op import Op


class FromFunctionOp(Op):
    """The op ``as_op`` makes: perform calls the function on the NumPy inputs."""

    __props__ = ("fn", "itypes", "otypes", "infer_shape_fn")

    def __init__(self, fn, itypes, otypes, infer_shape=None):
        self.fn = fn
        self.itypes = tuple(itypes)
        self.otypes = tuple(otypes)
        self.infer_shape_fn = infer_shape
        if infer_shape is not None:
            self.infer_shape = self._infer_shape
        self.__name__ = getattr(fn, "__name__", "FromFunctionOp")
        self.__doc__ = getattr(fn, "__doc__", None)

    def __str__(self):
        return "FromFunctionOp{%s}" % self.__name__

    __repr__ = __str__

    def _core_base_name(self):
        return self.__name__

    def perform(self, node, inputs, output_storage):
        outs = self.fn(*inputs)
        if not isinstance(outs, (list, tuple)):
            outs = (outs,)
        if len(outs) != len(output_storage):
            raise ValueError("%s returned %d values for %d outputs" % (self.__name__, len(outs), len(output_storage)))
        for storage, out, t in zip(output_storage, outs, self.otypes):
            storage[0] = _np.asarray(out)

    def _infer_shape(self, node, input_shapes):
        return self.infer_shape_fn(node, input_shapes)


def as_op(itypes, otypes, infer_shape=None):
    """Decorator: the function becomes an op of input types ``itypes`` and output
    types ``otypes`` (lists of TensorTypes, such as ``[T.dmatrix]``). ``infer_shape(node,
    input_shapes)``, optional, gives the output shapes without running it."""
    if not isinstance(itypes, (list, tuple)):
        itypes = [itypes]
    if not isinstance(otypes, (list, tuple)):
        otypes = [otypes]
    if infer_shape is not None and not callable(infer_shape):
        raise TypeError("as_op: infer_shape must be callable")

    def make(fn):
        return FromFunctionOp(fn, itypes, otypes, infer_shape)

    return make
