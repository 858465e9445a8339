"""Printing graphs: ``hypatia.printing.debugprint``, and the rewrites a function went
through: ``hypatia.printing.rewrite_trace``."""
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


def rewrite_trace(f, file=None):
    """Prints what the rewriter did for a Function compiled with
    ``Mode(trace_rewrites=True)``: a table of the rules that fired (with their phase
    and count), every firing with the user's line, and the graph before and after.
    ``file='str'`` returns the text instead of printing it."""
    if not isinstance(f, Function):
        raise TypeError(f"rewrite_trace takes a hypatia Function, not {type(f).__name__}")
    trace = f.rewrite_trace
    if trace is None:
        raise ValueError("this function keeps no rewrite trace; compile it with "
                         "mode=hypatia.Mode(trace_rewrites=True)")
    text = str(trace)
    if file == "str":
        return text
    print(text, file=file if file is not None else sys.stdout, end="")
    return file
