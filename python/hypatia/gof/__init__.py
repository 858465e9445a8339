"""Theano's ``theano.gof`` names for writing your own ops: ``Op``, ``Apply``,
``Variable`` (hypatia.graph)."""
from ..graph.basic import Apply, Variable  # noqa: F401
from ..graph.op import Op  # noqa: F401
