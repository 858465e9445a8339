"""python3 -m hypatia.cache list|clear, and the config flags compiledir and cxx."""
import os
import subprocess
import sys
import time

import hypatia
import hypatia.cache

KEY = "0123456789abcdef0123456789abcdef"
SO = b"\x7fELF not really a module"


def make_entry(directory, key=KEY, created=None):
    """An entry as the cpu backend writes it (see src/backend/cpu/compiler.hpp)."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    with open(os.path.join(directory, key + ".so"), "wb") as f:
        f.write(SO)
    with open(os.path.join(directory, key + ".cpp"), "w") as f:
        f.write('// generated\nextern "C" void kernel_0(void** args) {}\nextern "C" void kernel_1(void** a) {}\n')
    created = int(time.time()) if created is None else created
    with open(os.path.join(directory, key + ".meta"), "w") as f:
        f.write(f"hypatia-module 1\nso_size={len(SO)}\nso_hash={'0' * 32}\ncompiler=g++\nflags=-O2\n"
                f"created={created}\nend\n")


def with_package(env):
    """env with the folder holding this hypatia package first on PYTHONPATH."""
    env = dict(env)
    here = os.path.dirname(os.path.dirname(os.path.abspath(hypatia.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env


def run_cache(*args, env=None):
    env = with_package(os.environ if env is None else env)
    return subprocess.run([sys.executable, "-m", "hypatia.cache", *args], capture_output=True, text=True, env=env,
                          check=False)


def test_list_and_clear_from_the_command_line(tmp_path):
    directory = str(tmp_path / "cache")
    make_entry(directory)
    make_entry(directory, key="f" * 32, created=int(time.time()) - 3 * 3600)
    (tmp_path / "cache" / "notes.txt").write_text("not the cache's")
    r = run_cache("list", "--dir", directory)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"module cache {directory}"
    # Oldest first; key, size, age and kernel names on each line.
    assert lines[2].startswith("f" * 32) and " 3 h " in lines[2]
    assert lines[3].startswith(KEY) and lines[3].endswith("kernel_0 kernel_1")
    assert lines[-1].startswith("2 entries, ")
    r = run_cache("clear", "--dir", directory)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"removed 2 entries from {directory}"
    assert sorted(os.listdir(directory)) == ["notes.txt"]
    assert run_cache("list", "--dir", directory).stdout.splitlines()[-1] == "0 entries, 0 B"


def test_bad_command_is_a_usage_error():
    r = run_cache("frobnicate")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_library_functions(tmp_path):
    directory = str(tmp_path / "c")
    assert hypatia.cache.entries(directory) == []  # a missing directory has none
    make_entry(directory)
    (e,) = hypatia.cache.entries(directory)
    assert e["key"] == KEY and e["complete"] and e["summary"] == "kernel_0 kernel_1"
    assert e["bytes"] == sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
    assert hypatia.cache.clear(directory) == 1
    assert hypatia.cache.entries(directory) == []


def test_incomplete_entry_is_marked(tmp_path):
    directory = str(tmp_path / "c")
    make_entry(directory)
    os.truncate(os.path.join(directory, KEY + ".so"), 3)
    (e,) = hypatia.cache.entries(directory)
    assert not e["complete"]
    assert "[incomplete]" in hypatia.cache.list_text(directory)


def test_config_flags_feed_the_default_directory(tmp_path):
    directory = str(tmp_path / "from-config")
    with hypatia.config.change_flags(compiledir=directory, cxx="clang++"):
        assert hypatia.config.compiledir == directory
        assert hypatia.config.cxx == "clang++"
        assert hypatia.cache.default_dir() == directory
        make_entry(directory)
        assert len(hypatia.cache.entries()) == 1
        assert hypatia.cache.clear() == 1
    assert hypatia.config.compiledir != directory


def test_hypatia_flags_compiledir(tmp_path):
    directory = str(tmp_path / "from-env")
    make_entry(directory)
    env = dict(os.environ, HYPATIA_FLAGS=f"compiledir={directory},cxx=clang++")
    r = run_cache("list", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"module cache {directory}"
    assert r.stdout.splitlines()[-1].startswith("1 entry, ")
    r = subprocess.run([sys.executable, "-c", "import hypatia; print(hypatia.config.cxx, hypatia.config.compiledir)"],
                       capture_output=True, text=True, env=with_package(env), check=True)
    assert r.stdout.split() == ["clang++", directory]


def test_default_directory_is_under_xdg_cache_home(tmp_path):
    env = dict(os.environ, HYPATIA_FLAGS="", XDG_CACHE_HOME=str(tmp_path / "xdg"))
    r = run_cache("list", env=env)
    assert r.stdout.splitlines()[0] == f"module cache {tmp_path / 'xdg' / 'hypatia'}"
    assert not (tmp_path / "xdg").exists(), "listing creates nothing"
