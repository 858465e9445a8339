"""The cpu backend's module cache: ``python3 -m hypatia.cache list|clear [--dir D]``.

Compiled modules live in a directory private to the user (``hypatia.config.compiledir``:
by default ``$XDG_CACHE_HOME/hypatia`` or ``~/.cache/hypatia``), one entry per module:
``<key>.so``, ``<key>.cpp`` (the generated source) and ``<key>.meta``. ``list`` shows the
entries (key, size, age, kernel names) and totals; ``clear`` removes them. Files in the
directory that are not the cache's are left alone.
"""
import argparse
import sys
import time

from . import _core


def default_dir():
    """The cache directory used when none is given (``hypatia.config.compiledir``)."""
    return _core._cache_default_compiledir()


def entries(directory=None):
    """The entries of the cache in ``directory`` (default: :func:`default_dir`), oldest first, as
    dicts with key, bytes, created (Unix time), complete and summary."""
    return _core._cache_list(directory or "")


def clear(directory=None):
    """Removes every entry of the cache in ``directory``; returns how many it removed."""
    return _core._cache_clear(directory or "")


def format_size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # unreachable


def format_age(seconds):
    seconds = max(0, int(seconds))
    for limit, unit, size in ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600)):
        if seconds < limit:
            return f"{seconds // size} {unit}"
    return f"{seconds // 86400} d"


def list_text(directory=None, now=None):
    """What ``list`` prints: one line per entry, then the totals."""
    directory = directory or default_dir()
    now = time.time() if now is None else now
    found = entries(directory)
    lines = [f"module cache {directory}"]
    if found:
        lines.append(f"{'key':32}  {'size':>10}  {'age':>7}  kernels (or first line)")
    for e in found:
        mark = "" if e["complete"] else " [incomplete]"
        lines.append(f"{e['key']:32}  {format_size(e['bytes']):>10}  {format_age(now - e['created']):>7}  "
                     f"{e['summary']}{mark}")
    total = sum(e["bytes"] for e in found)
    lines.append(f"{len(found)} {'entry' if len(found) == 1 else 'entries'}, {format_size(total)}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m hypatia.cache",
                                     description="Show or clean the cpu backend's module cache.")
    parser.add_argument("command", choices=["list", "clear"])
    parser.add_argument("--dir", default=None, help="the cache directory (default: hypatia.config.compiledir)")
    args = parser.parse_args(argv)
    directory = args.dir or default_dir()
    if args.command == "list":
        print(list_text(directory))
    else:
        n = clear(directory)
        print(f"removed {n} {'entry' if n == 1 else 'entries'} from {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
