"""hypatia.config: the flags, HYPATIA_FLAGS, ~/.hypatiarc, and change_flags.

The flags themselves (their choices, meaning and value) live in the C++ module; this
file sets them at import, as Theano does:

1. from the config files: ``$HYPATIARC``, a colon-separated list of files (Theano's
   THEANORC), by default ``~/.hypatiarc``; those that do not exist are skipped, and a
   later file wins over an earlier one. The format is Theano's .theanorc, INI::

       [global]
       floatX = float32
       mode = FAST_COMPILE

       [traceback]
       limit = 5

   A flag without a dot goes in [global]; ``traceback.limit`` is ``limit`` in
   [traceback]. Lines starting with # or ; are comments.
2. from the environment variable ``HYPATIA_FLAGS``, Theano's syntax
   (``HYPATIA_FLAGS="floatX=float32,traceback.limit=5"``), which wins over the files.

An unknown flag is warned about and skipped; a bad value or a malformed line is a
ValueError naming where it came from (``HYPATIA_FLAGS``, or ``file:line``).
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


# Read by the cpu backend itself from HYPATIA_FLAGS (src/backend/cpu/compiler.hpp).
_BACKEND_FLAGS = {"march_native", "sleef", "sleef_u35", "vector_math", "cxxflags", "compile_timeout"}


def _known_flags():
    return {name for name, _, _ in config._flags()}


def _apply(name, value, source, known):
    if name not in known:
        if source != "HYPATIA_FLAGS" or name not in _BACKEND_FLAGS:
            warnings.warn(f"{source}: unknown flag {name!r} ignored; the flags are: {', '.join(sorted(known))}",
                          stacklevel=3)
        return
    try:
        setattr(config, name, value)
    except ValueError as e:
        raise ValueError(f"{source}: {e}") from None


def _flag_entries(text, source="HYPATIA_FLAGS"):
    """(name, value) pairs of ``name=value,name=value``; ValueError for a malformed entry."""
    entries = []
    for entry in text.split(","):
        entry = entry.strip()
        if not entry:
            continue
        if "=" not in entry:
            raise ValueError(f"{source}: {entry!r} is not of the form flag=value")
        name, value = (part.strip() for part in entry.split("=", 1))
        entries.append((name, value))
    return entries


def parse_flags(text, source="HYPATIA_FLAGS"):
    """Applies ``name=value,name=value`` to hypatia.config (Theano's THEANO_FLAGS syntax).

    An unknown flag is warned about and skipped; a malformed entry or a bad value is a
    ValueError naming ``source``.
    """
    known = _known_flags()
    for name, value in _flag_entries(text, source):
        _apply(name, value, source, known)


def read_config_file(path):
    """The (flag name, value, line number) entries of a config file in Theano's
    .theanorc format: ``name = value`` (or ``name: value``) lines under ``[section]``
    headers; [global] holds the plain flags, [traceback] ``limit`` is
    ``traceback.limit``. A line that is none of these is a ValueError naming
    ``path:line``."""
    entries = []
    section = None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.strip()
            where = f"{path}:{number}"
            if not line or line[0] in "#;":
                continue
            if line.startswith("["):
                if not line.endswith("]") or not line[1:-1].strip():
                    raise ValueError(f"{where}: {line!r} is not a [section] header")
                section = line[1:-1].strip()
                continue
            cut = min((i for i in (line.find("="), line.find(":")) if i > 0), default=-1)
            if cut < 0:
                raise ValueError(f"{where}: {line!r} is not of the form flag = value")
            if section is None:
                raise ValueError(f"{where}: {line!r} comes before any [section]; plain flags go under [global]")
            key, value = line[:cut].strip(), line[cut + 1:].strip()
            entries.append((key if section == "global" else f"{section}.{key}", value, number))
    return entries


def config_files(hypatiarc=None):
    """The config files read at import: $HYPATIARC's colon-separated list (default
    ~/.hypatiarc), ~ expanded, those that exist."""
    if hypatiarc is None:
        hypatiarc = os.environ.get("HYPATIARC", "~/.hypatiarc")
    paths = [os.path.expanduser(p) for p in hypatiarc.split(os.pathsep) if p]
    return [p for p in paths if os.path.isfile(p)]


def load(files=None, flags=None):
    """Sets hypatia.config from the config files, then HYPATIA_FLAGS, which wins: a
    flag HYPATIA_FLAGS sets is not read from a file. What import does."""
    files = config_files() if files is None else files
    flags = os.environ.get("HYPATIA_FLAGS", "") if flags is None else flags
    from_env = _flag_entries(flags)
    overridden = {name for name, _ in from_env}
    known = _known_flags()
    for path in files:
        for name, value, number in read_config_file(path):
            if name not in overridden:
                _apply(name, value, f"{path}:{number}", known)
    for name, value in from_env:
        _apply(name, value, "HYPATIA_FLAGS", known)


load()
