"""Apply: a node as Theano's ops see it (what ``Op.make_node`` returns and what
``Op.perform`` and ``Op.infer_shape`` receive)."""
from .. import _core

Variable = _core.TensorVariable


class Apply:
    """``Apply(op, inputs, outputs)``: ``op`` applied to the variables ``inputs``, making
    ``outputs``.

    In ``make_node`` the outputs only declare their types (Theano's
    ``Apply(self, [x], [x.type()])``): each is a variable (its ``.type`` is taken) or a
    ``TensorType``. The variables the op's call returns are made by the core. In
    ``perform``, ``infer_shape`` and ``grad`` the node's inputs and outputs are the graph's
    own variables.
    """

    def __init__(self, op, inputs, outputs):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)

    @property
    def nin(self):
        return len(self.inputs)

    @property
    def nout(self):
        return len(self.outputs)

    @property
    def out(self):
        """The single output (ValueError when there are several)."""
        if len(self.outputs) != 1:
            raise ValueError("%s has %d outputs; use .outputs" % (self.op, len(self.outputs)))
        return self.outputs[0]

    def __repr__(self):
        return "Apply(%s, %r, %r)" % (self.op, self.inputs, self.outputs)
