"""Printing graphs: ``hypatia.printing.debugprint``."""
import sys

from . import _core
from .compile import Function


def debugprint(obj, file=None):
    """Prints the graph of a variable, a list of variables, or a Function, one node a
    line with its type and the user's line that made it. ``file='str'`` returns the
    text instead of printing it."""
    if isinstance(obj, Function):
        text = obj.graph_text()
    elif isinstance(obj, _core.TensorVariable):
        text = _core.graph_text([obj])
    else:
        text = _core.graph_text(list(obj))
    if file == "str":
        return text
    print(text, file=file if file is not None else sys.stdout)
    return file
