"""Looking at graphs (Theano's ``theano.printing``):

- ``debugprint(obj)``: a tree, one node a line, with ids, types and static shapes;
  a Function prints its compiled graph, shared variables, updates and fused kernels.
- ``pp(var)``: infix math, ``exp(x * 2.0) + sum(y, axis=1)``.
- ``pydotprint(obj, outfile, format='png')``: a picture through Graphviz's ``dot``;
  ``graph_dot(obj)`` is the DOT text it renders.
- ``source(f)``: the C++ the cpu backend generated for a Function.
- ``rewrite_trace(f)``: what the rewriter did.

The formats are described in the C++ header include/hypatia/printing.hpp and in
docs/python.md, section "Looking at graphs".
"""
import os
import shutil
import subprocess
import sys

from . import _core
from .compile import Function


def _emit(text, file, end="\n"):
    if file == "str":
        return text
    print(text, file=file if file is not None else sys.stdout, end=end)
    return file


def _graph(obj, who):
    if isinstance(obj, (Function, _core.TensorVariable)):
        return obj
    if isinstance(obj, (list, tuple)):
        return list(obj)
    raise TypeError(f"{who} takes a hypatia Function, a TensorVariable or a list of them, "
                    f"not {type(obj).__name__}")


def debugprint(obj, depth=-1, print_type=True, file=None, ids="CHAR", locations=False):
    """Prints the graph of a variable, a list of variables, or a Function (its compiled
    graph) as a tree: one node a line, its inputs indented below it, each with an id
    (``[id A]``), its type (dtype and static shape) and, with ``locations=True``, the
    user's line that made it. A node met again is printed as its id and ``...``.

    depth: the deepest level printed (-1: all). print_type: show types. file: a file
    object (default stdout), or ``'str'`` to return the text instead. ids: only Theano's
    default ``'CHAR'`` (letters) is supported.
    """
    if ids != "CHAR":
        raise ValueError(f"debugprint: ids={ids!r} is not supported; ids are letters ('CHAR')")
    text = _core.debugprint(_graph(obj, "debugprint"), bool(print_type), bool(locations), int(depth))
    return _emit(text, file, end="")


def pp(var):
    """The expression of ``var`` as infix math, with Python's operator precedence so
    that only the needed parentheses appear: ``exp(x * 2.0) + sum(y, axis=1)``."""
    if not isinstance(var, _core.TensorVariable):
        raise TypeError(f"pp takes a TensorVariable, not {type(var).__name__}")
    return _core.pp(var)


def graph_dot(obj):
    """The DOT text (Graphviz) of a variable's, a list's or a Function's graph: ops as
    ellipses; inputs (green), shared variables (cyan), constants (yellow-green) and
    outputs (blue) as boxes; a Function's fused kernels as clusters."""
    return _core.graph_dot(_graph(obj, "graph_dot"))


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not where ``dot_command`` says)."""


def pydotprint(fct, outfile=None, format="png", return_image=False, dot_command="dot"):
    """Draws the graph of a Function, a variable or a list of variables with
    Graphviz's ``dot`` (Theano's name; no pydot needed).

    format: ``'png'``, ``'svg'``, ``'pdf'``, or ``'dot'`` (the DOT text itself).
    outfile: where to write; default ``hypatia.pydotprint.<format>`` in the current
    folder. return_image: return the picture's bytes (or the DOT text) instead of
    writing a file. Raises GraphvizNotFound, a RuntimeError, when ``dot`` is missing.
    """
    text = graph_dot(fct)
    if format == "dot":
        data = text.encode()
    else:
        exe = shutil.which(dot_command)
        if exe is None:
            raise GraphvizNotFound(
                f"pydotprint needs Graphviz's '{dot_command}' program, which is not on PATH: install "
                "Graphviz (Debian: apt-get install graphviz), or call hypatia.printing.graph_dot(...) "
                "for the DOT text, or pydotprint(..., format='dot')")
        run = subprocess.run([exe, "-T" + format], input=text.encode(), capture_output=True, check=False)
        if run.returncode != 0:
            raise RuntimeError(f"pydotprint: '{exe} -T{format}' failed: {run.stderr.decode(errors='replace').strip()}")
        data = run.stdout
    if return_image:
        return data if format != "dot" else text
    if outfile is None:
        outfile = os.path.join(os.getcwd(), "hypatia.pydotprint." + format)
    with open(outfile, "wb") as out:
        out.write(data)
    print("The output file is available at", outfile)
    return None


def source(f, file="str"):
    """The C++ source the cpu backend generated for Function ``f``: one ``extern "C"``
    function per fused kernel (``k0``, ``k1``, ... as debugprint(f) names them), a
    comment above each listing its operands and one per statement naming the graph op
    it computes; ``''`` on the interp backend. ``file=None`` prints it to stdout."""
    if not isinstance(f, Function):
        raise TypeError(f"source takes a hypatia Function, not {type(f).__name__}")
    return _emit(f.source(), file, end="")


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
    return _emit(str(trace), file, end="")
