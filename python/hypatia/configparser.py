"""hypatia.config: the flags, HYPATIA_FLAGS, and change_flags.

The flags themselves (their choices, meaning and value) live in the C++ module; this
file reads the ``HYPATIA_FLAGS`` environment variable at import, in Theano's syntax
(``HYPATIA_FLAGS="floatX=float32,mode=FAST_COMPILE"``), and gives ``change_flags``.
"""
import functools
import os
import warnings

from . import _core

config = _core.config


class change_flags:
    """Sets flags for a block, and restores them after it; also a decorator.

    ::

        with hypatia.config.change_flags(floatX='float32'):
            x = T.matrix('x')      # float32

        @hypatia.change_flags(cast_policy='numpy')
        def f(): ...
    """

    def __init__(self, args=(), **kwargs):
        self._values = dict(args, **kwargs)
        for name in self._values:
            getattr(config, name)  # an unknown flag fails here, not at __enter__
        self._saved = []

    def __enter__(self):
        saved = {name: getattr(config, name) for name in self._values}
        self._saved.append(saved)
        try:
            for name, value in self._values.items():
                setattr(config, name, value)
        except BaseException:
            self._restore(self._saved.pop())
            raise
        return self

    def __exit__(self, *exc):
        self._restore(self._saved.pop())
        return False

    @staticmethod
    def _restore(saved):
        for name, value in saved.items():
            setattr(config, name, value)

    def __call__(self, f):
        @functools.wraps(f)
        def wrapped(*args, **kwargs):
            with self:
                return f(*args, **kwargs)

        return wrapped


type(config).change_flags = staticmethod(change_flags)


def parse_flags(text, source="HYPATIA_FLAGS"):
    """Applies ``name=value,name=value`` to hypatia.config (Theano's THEANO_FLAGS syntax).

    An unknown flag is warned about and skipped; a malformed entry or a bad value is a
    ValueError naming ``source``.
    """
    known = {name for name, _, _ in config._flags()}
    for entry in text.split(","):
        entry = entry.strip()
        if not entry:
            continue
        if "=" not in entry:
            raise ValueError(f"{source}: {entry!r} is not of the form flag=value")
        name, value = (part.strip() for part in entry.split("=", 1))
        if name not in known:
            warnings.warn(f"{source}: unknown flag {name!r} ignored; the flags are: {', '.join(sorted(known))}",
                          stacklevel=2)
            continue
        try:
            setattr(config, name, value)
        except ValueError as e:
            raise ValueError(f"{source}: {e}") from None


parse_flags(os.environ.get("HYPATIA_FLAGS", ""))
