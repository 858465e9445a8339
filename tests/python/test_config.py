"""hypatia.config: flags, printing, every route (attribute, change_flags, HYPATIA_FLAGS,
config files), precedence, bad values, and the mode flags as hypatia.function honors them."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.configparser import config_files, load, parse_flags, read_config_file

FLAGS = ["mode", "optimizer", "optimizer_excluding", "optimizer_including", "exception_verbosity", "compiledir",
         "cxx", "floatX", "device", "profile", "traceback.limit", "cast_policy", "on_unused_input"]
HAS_CUDA = os.path.exists("/dev/nvidia0")

# A good value other than the default for each flag (as text), and what reading it gives.
GOOD = {
    "mode": ("FAST_COMPILE", "FAST_COMPILE"),
    "optimizer": ("fast_compile", "fast_compile"),
    "optimizer_excluding": ("specialize:log1p_from_log_one_plus", "specialize:log1p_from_log_one_plus"),
    "optimizer_including": ("canonicalize", "canonicalize"),
    "exception_verbosity": ("high", "high"),
    "compiledir": ("/tmp/hypatia-config-test", "/tmp/hypatia-config-test"),
    "cxx": ("clang++", "clang++"),
    "floatX": ("float32", "float32"),
    "device": ("cpu", "cpu"),
    "profile": ("True", True),
    "traceback.limit": ("3", 3),
    "cast_policy": ("numpy", "numpy"),
    "on_unused_input": ("warn", "warn"),
}
BAD = {
    "mode": ("FAST", "expected one of: FAST_RUN, FAST_COMPILE, DebugMode, NanGuardMode"),
    "optimizer": ("o2", "expected one of: fast_run, fast_compile, None"),
    "optimizer_excluding": ("specialize:nope", "'nope' is neither a rewrite phase"),
    "optimizer_including": ("canonicalise", "'canonicalise' is neither a rewrite phase"),
    "exception_verbosity": ("medium", "expected one of: low, high"),
    "floatX": ("float16", "expected one of: float64, float32"),
    "device": ("tpu", "expected one of: cpu, cuda, cudaN, gpu, gpuN"),
    "profile": ("yes", "expected one of: True, False"),
    "traceback.limit": ("-2", "expected an integer >= -1"),
    "cast_policy": ("c", "expected one of: custom, numpy"),
    "on_unused_input": ("silent", "expected one of: raise, warn, ignore"),
}


def attr(name):
    return name.replace(".", "__")


def test_print_lists_every_flag_with_choices_meaning_and_value():
    text = str(hypatia.config)
    for name, choices, doc in hypatia.config._flags():
        assert name in text and doc in text and ", ".join(choices) in text
        value = getattr(hypatia.config, attr(name))
        assert f"Value: {value}" in text
    assert [name for name, _, _ in hypatia.config._flags()] == FLAGS
    assert {attr(n) for n in FLAGS} <= set(dir(hypatia.config))


def test_defaults():
    c = hypatia.config
    assert (c.mode, c.optimizer, c.optimizer_excluding, c.optimizer_including) == ("FAST_RUN", "fast_run", "", "")
    assert (c.exception_verbosity, c.floatX, c.device, c.cast_policy, c.on_unused_input) == (
        "low", "float64", "cpu", "custom", "raise")
    assert c.profile is False
    assert c.traceback__limit == 8 and getattr(c, "traceback.limit") == 8
    assert c.cxx and c.compiledir


@pytest.mark.parametrize("name", FLAGS)
def test_each_flag_as_an_attribute(name):
    text, value = GOOD[name]
    setattr(hypatia.config, attr(name), text)
    assert getattr(hypatia.config, attr(name)) == value


@pytest.mark.parametrize("name", FLAGS)
def test_each_flag_through_change_flags(name):
    text, value = GOOD[name]
    before = getattr(hypatia.config, attr(name))
    with hypatia.config.change_flags({name: text}):
        assert getattr(hypatia.config, attr(name)) == value
    assert getattr(hypatia.config, attr(name)) == before


@pytest.mark.parametrize("name", FLAGS)
def test_each_flag_through_hypatia_flags(name):
    text, value = GOOD[name]
    parse_flags(f"{name}={text}")
    assert getattr(hypatia.config, attr(name)) == value


@pytest.mark.parametrize("name", FLAGS)
def test_each_flag_through_a_config_file(name, tmp_path):
    text, value = GOOD[name]
    section, key = name.split(".") if "." in name else ("global", name)
    rc = tmp_path / "hypatiarc"
    rc.write_text(f"[{section}]\n{key} = {text}\n")
    load(files=[str(rc)], flags="")
    assert getattr(hypatia.config, attr(name)) == value


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_value_names_the_flag_and_the_choices(name):
    text, expected = BAD[name]
    before = getattr(hypatia.config, attr(name))
    with pytest.raises(ValueError) as e:
        setattr(hypatia.config, attr(name), text)
    assert f"invalid value '{text}' for hypatia.config.{attr(name)}" in str(e.value)
    assert expected in str(e.value)
    assert getattr(hypatia.config, attr(name)) == before


def test_typed_values_and_wrong_types():
    c = hypatia.config
    c.profile = True
    assert c.profile is True
    c.profile = "False"
    assert c.profile is False
    c.traceback__limit = -1
    assert c.traceback__limit == -1
    c.optimizer = None  # Theano's optimizer=None
    assert c.optimizer == "None"
    c.optimizer = ""
    assert c.optimizer == "None"
    with pytest.raises(TypeError, match="hypatia.config.floatX takes a string \\(one of float64, float32\\), "
                                        "not type"):
        c.floatX = np.float32
    with pytest.raises(TypeError, match="hypatia.config.profile takes a bool, not int"):
        c.profile = 1
    with pytest.raises(TypeError, match="hypatia.config.traceback__limit takes an int, not bool"):
        c.traceback__limit = True
    with pytest.raises(TypeError, match="takes an int, not float"):
        c.traceback__limit = 1.5


def test_unknown_flags():
    with pytest.raises(AttributeError, match="no flag 'floatx'; the flags are: mode, optimizer"):
        hypatia.config.floatx
    with pytest.raises(AttributeError, match="no flag 'nope'"):
        hypatia.config.nope = "x"


@pytest.mark.skipif(HAS_CUDA, reason="this machine has a CUDA device")
def test_a_gpu_device_needs_a_cuda_device():
    for device in ("cuda", "cuda0", "gpu"):
        with pytest.raises(ValueError, match=f"invalid value '{device}' for hypatia.config.device: this machine has "
                                             "no CUDA device"):
            hypatia.config.device = device
    assert hypatia.config.device == "cpu"


def test_change_flags_restores():
    with hypatia.config.change_flags(floatX="float32", cast_policy="numpy", traceback__limit=2, profile=True):
        assert hypatia.config.floatX == "float32" and hypatia.config.traceback__limit == 2
        with hypatia.change_flags({"floatX": "float64"}):
            assert T.vector().dtype == "float64"
        assert T.vector().dtype == "float32"
    assert hypatia.config.floatX == "float64" and hypatia.config.cast_policy == "custom"
    assert hypatia.config.traceback__limit == 8 and hypatia.config.profile is False
    with pytest.raises(RuntimeError):
        with hypatia.change_flags(mode="FAST_COMPILE"):
            raise RuntimeError
    assert hypatia.config.mode == "FAST_RUN"
    with pytest.raises(ValueError):
        with hypatia.change_flags(floatX="float32", mode="nope"):
            pass
    assert hypatia.config.floatX == "float64"
    with pytest.raises(AttributeError):
        hypatia.change_flags(nope=1)

    @hypatia.change_flags(floatX="float32")
    def make():
        return T.scalar()

    assert make().dtype == "float32" and hypatia.config.floatX == "float64"


def test_parse_flags():
    parse_flags(" floatX = float32 , mode=FAST_COMPILE,traceback.limit=4")
    assert hypatia.config.floatX == "float32" and hypatia.config.mode == "FAST_COMPILE"
    assert hypatia.config.traceback__limit == 4
    with pytest.raises(ValueError, match="HYPATIA_FLAGS: 'floatX' is not of the form flag=value"):
        parse_flags("floatX")
    with pytest.raises(ValueError, match="HYPATIA_FLAGS: invalid value 'x' for hypatia.config.mode"):
        parse_flags("mode=x")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the cpu backend reads all but the first itself
        parse_flags("floatx=float32,march_native=0,sleef=1,compile_timeout=30")
    assert len(caught) == 1 and "HYPATIA_FLAGS: unknown flag 'floatx'" in str(caught[0].message)


# ---------------------------------------------------------------- config files

def test_read_config_file(tmp_path):
    rc = tmp_path / "rc"
    rc.write_text("# a comment\n; another\n\n[global]\nfloatX = float32\nmode: FAST_COMPILE\n"
                  "optimizer_excluding = specialize:log1p_from_log_one_plus\n[traceback]\n  limit=5  \n")
    assert read_config_file(str(rc)) == [("floatX", "float32", 5), ("mode", "FAST_COMPILE", 6),
                                         ("optimizer_excluding", "specialize:log1p_from_log_one_plus", 7),
                                         ("traceback.limit", "5", 9)]
    load(files=[str(rc)], flags="")
    c = hypatia.config
    assert (c.floatX, c.mode, c.optimizer_excluding, c.traceback__limit) == (
        "float32", "FAST_COMPILE", "specialize:log1p_from_log_one_plus", 5)


@pytest.mark.parametrize("text, line, message", [
    ("[global]\nfloatX = float32\nthis line is wrong\n", 3, "'this line is wrong' is not of the form flag = value"),
    ("floatX = float32\n", 1, "comes before any [section]; plain flags go under [global]"),
    ("[global\nfloatX = float32\n", 1, "'[global' is not a [section] header"),
    ("[global]\n\nfloatX = float16\n", 3, "invalid value 'float16' for hypatia.config.floatX"),
    ("[traceback]\nlimit = many\n", 2, "invalid value 'many' for hypatia.config.traceback__limit"),
])
def test_a_bad_file_line_is_named_with_file_and_line(tmp_path, text, line, message):
    rc = tmp_path / "rc"
    rc.write_text(text)
    with pytest.raises(ValueError) as e:
        load(files=[str(rc)], flags="")
    assert str(e.value).startswith(f"{rc}:{line}: ") and message in str(e.value)


def test_an_unknown_flag_in_a_file_is_warned_about_with_its_line(tmp_path):
    rc = tmp_path / "rc"
    rc.write_text("[global]\nfloatX = float32\n[gcc]\ncxxflags = -O3\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(files=[str(rc)], flags="")
    assert len(caught) == 1 and f"{rc}:4: unknown flag 'gcc.cxxflags' ignored" in str(caught[0].message)
    assert hypatia.config.floatX == "float32"


def test_precedence_later_file_then_hypatia_flags(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_text("[global]\nfloatX = float32\nmode = FAST_COMPILE\ncast_policy = numpy\n")
    second.write_text("[global]\nmode = FAST_RUN\n")
    load(files=[str(first), str(second)], flags="cast_policy=custom")
    c = hypatia.config
    assert (c.floatX, c.mode, c.cast_policy) == ("float32", "FAST_RUN", "custom")
    # A flag HYPATIA_FLAGS sets is not read from the files: a bad value there is moot.
    first.write_text("[global]\nfloatX = float16\n")
    load(files=[str(first)], flags="floatX=float64")
    assert c.floatX == "float64"


def test_config_files_from_hypatiarc(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("")
    b.write_text("")
    assert config_files(f"{a}:{tmp_path / 'missing'}:{b}") == [str(a), str(b)]
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config_files("~/a") == [str(a)]
    (tmp_path / ".hypatiarc").write_text("")
    monkeypatch.delenv("HYPATIARC", raising=False)
    assert config_files() == [str(tmp_path / ".hypatiarc")]


def _run_python(code, **env_vars):
    package_parent = os.path.dirname(os.path.dirname(hypatia.__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")]))
    env.pop("HYPATIA_FLAGS", None)
    env.update(env_vars)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_environment_variable_at_import():
    code = ("import hypatia, hypatia.tensor as T; c = hypatia.config; "
            "print(c.floatX, c.mode, c.cast_policy, c.traceback__limit, T.matrix().dtype)")
    out = _run_python(code, HYPATIA_FLAGS="floatX=float32,mode=FAST_COMPILE,cast_policy=numpy,traceback.limit=2",
                      HYPATIARC="")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["float32", "FAST_COMPILE", "numpy", "2", "float32"]
    bad = _run_python("import hypatia", HYPATIA_FLAGS="floatX=float16", HYPATIARC="")
    assert bad.returncode != 0 and "HYPATIA_FLAGS: invalid value 'float16'" in bad.stderr


def test_config_files_at_import(tmp_path):
    rc = tmp_path / "rc"
    rc.write_text("[global]\nfloatX = float32\nmode = FAST_COMPILE\n[traceback]\nlimit = 1\n")
    code = "import hypatia; c = hypatia.config; print(c.floatX, c.mode, c.traceback__limit)"
    out = _run_python(code, HYPATIARC=str(rc), HYPATIA_FLAGS="mode=FAST_RUN")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["float32", "FAST_RUN", "1"]
    home = tmp_path / "home"
    home.mkdir()
    (home / ".hypatiarc").write_text("[global]\nexception_verbosity = high\n")
    out = _run_python("import hypatia; print(hypatia.config.exception_verbosity)", HOME=str(home))
    assert out.stdout.split() == ["high"], out.stderr
    rc.write_text("[global]\nmode = FAST\n")
    bad = _run_python("import hypatia", HYPATIARC=str(rc))
    assert bad.returncode != 0 and f"{rc}:2: invalid value 'FAST' for hypatia.config.mode" in bad.stderr


# ---------------------------------------------------------------- what the flags do

def test_mode_flag_is_the_default_mode():
    hypatia.config.mode = "FAST_COMPILE"
    x = T.dscalar()
    assert hypatia.function([x], x).mode.optimizer == "fast_compile"


def test_optimizer_flag():
    x = T.dvector("x")
    y = T.log(1 + x)
    assert "log1p" in hypatia.function([x], y, mode=hypatia.Mode(linker="interp")).graph_text()
    hypatia.config.optimizer = "None"
    f = hypatia.function([x], y)
    assert f.mode.optimizer is None and "log1p" not in f.graph_text()
    np.testing.assert_allclose(f(np.array([0.5])), np.log(1.5), rtol=1e-15)
    hypatia.config.optimizer = "fast_compile"
    assert hypatia.function([x], y).mode.optimizer == "fast_compile"
    # An explicit mode, and the predefined FAST_COMPILE, keep their own optimizer.
    assert hypatia.function([x], y, mode="FAST_RUN").mode.optimizer == "fast_run"
    hypatia.config.mode = "FAST_COMPILE"
    hypatia.config.optimizer = "None"
    assert "log1p" in hypatia.function([x], y).graph_text()


def test_optimizer_including_and_excluding_flags():
    x = T.dvector("x")
    y = T.log(1 + -(-x))
    hypatia.config.mode = "FAST_COMPILE"
    text = hypatia.function([x], y).graph_text()
    assert "log1p" in text and "neg" in text
    hypatia.config.optimizer_including = "neg_neg"
    f = hypatia.function([x], y)
    assert f.mode.included == ("neg_neg",) and "neg" not in f.graph_text()
    hypatia.config.optimizer_excluding = "neg_neg"  # excluding wins
    assert "neg" in hypatia.function([x], y).graph_text()
    hypatia.config.optimizer_excluding = ""
    hypatia.config.optimizer_including = "canonicalize"
    assert "neg" not in hypatia.function([x], y, mode="FAST_COMPILE").graph_text()
    # Mode.including switches on what the optimizer leaves out.
    hypatia.config.optimizer_including = ""
    m = hypatia.Mode(linker="interp", optimizer="fast_compile").including("neg_neg")
    assert "neg" not in hypatia.function([x], y, mode=m).graph_text()
    m = hypatia.Mode(linker="interp", optimizer=None).including("canonicalize")
    text = hypatia.function([x], y, mode=m).graph_text()
    assert "neg" not in text and "log1p" not in text
    assert repr(m) == "Mode(linker='interp', optimizer=None, including=['canonicalize'])"
    m = hypatia.Mode(linker="interp", optimizer=None, trace_rewrites=True).including("neg_neg")
    assert hypatia.function([x], y, mode=m).rewrite_trace.counts() == {"neg_neg": 1}


def test_traceback_limit_zero_records_no_line():
    x, y = T.dvector("x"), T.dvector("y")
    f = hypatia.function([x, y], x + y, mode=hypatia.Mode(linker="interp"))
    with pytest.raises(hypatia.ShapeError, match="test_config.py:"):
        f(np.ones(2), np.ones(3))
    hypatia.config.traceback__limit = 0
    x, y = T.dvector("x"), T.dvector("y")
    f = hypatia.function([x, y], x * y, mode=hypatia.Mode(linker="interp"))
    with pytest.raises(hypatia.ShapeError) as e:
        f(np.ones(2), np.ones(3))
    assert "test_config.py" not in str(e.value) and "<unknown>" in str(e.value)
