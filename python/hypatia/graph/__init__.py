"""Graph objects as Theano's ops see them: ``hypatia.graph.op.Op`` (your own ops) and
``hypatia.graph.basic.Apply`` (what ``make_node`` returns). See docs/python.md,
"Your own ops"."""
from . import basic, op  # noqa: F401
from .basic import Apply  # noqa: F401
from .op import Op  # noqa: F401
