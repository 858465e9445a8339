"""Hypatia: symbolic expression graphs over NumPy arrays, compiled into functions.

Theano's API over Hypatia's C++ core::

    import numpy as np
    import hypatia
    import hypatia.tensor as T

    x = T.dmatrix('x')
    y = T.dvector('y')
    z = T.exp(x) * 2 + y
    f = hypatia.function([x, y], [z, z.sum(axis=1)])
    print(f(np.ones((2, 3)), np.arange(3.0)))

``import hypatia as theano`` and ``import hypatia.tensor as T`` make most Theano
tutorial code read the same. See docs/python.md for what differs.
"""
import os as _os

from . import _core

# Nodes record the user's file and line: the first frame outside this folder.
_core._set_package_dir(_os.path.dirname(__file__))

from ._core import (  # noqa: E402
    CompileError,
    DisconnectedInputError,
    GradientError,
    InternalError,
    MissingInputError,
    NullTypeGradError,
    ShapeError,
    UnusedInputError,
)
from .configparser import change_flags, config  # noqa: E402
from .compile import Function, In, Out, function  # noqa: E402
from .compile.sharedvalue import SharedVariable, shared  # noqa: E402
from .compile.mode import Mode  # noqa: E402
from . import gradient, printing, tensor  # noqa: E402
from .gradient import grad  # noqa: E402
from .printing import pp  # noqa: E402  (Theano's theano.pp)
from .tensor.shared_randomstreams import RandomStreams  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "CompileError", "DisconnectedInputError", "Function", "GradientError", "In", "InternalError",
    "MissingInputError", "Mode", "NullTypeGradError", "Out", "RandomStreams", "ShapeError", "SharedVariable", "UnusedInputError",
    "change_flags", "config", "function", "grad", "gradient", "pp", "printing", "shared", "tensor",
]
