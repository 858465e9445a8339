"""hypatia.config: flags, printing, change_flags, HYPATIA_FLAGS."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.configparser import parse_flags

FLAGS = ["floatX", "cast_policy", "mode", "on_unused_input", "optimizer_excluding", "cxx", "compiledir"]


def test_print_lists_every_flag_with_choices_meaning_and_value():
    text = str(hypatia.config)
    for name, choices, doc in hypatia.config._flags():
        assert name in text and doc in text and ", ".join(choices) in text
        assert f"Value: {getattr(hypatia.config, name)}" in text
    assert [name for name, _, _ in hypatia.config._flags()] == FLAGS
    assert set(FLAGS) <= set(dir(hypatia.config))


def test_defaults_and_setting():
    assert hypatia.config.floatX == "float64"
    assert hypatia.config.cast_policy == "custom"
    assert hypatia.config.mode == "FAST_RUN"
    assert hypatia.config.on_unused_input == "raise"
    hypatia.config.floatX = "float32"
    assert hypatia.config.floatX == "float32"
    assert T.matrix("x").dtype == "float32"
    assert T.dmatrix("x").dtype == "float64"


def test_bad_values_and_names():
    with pytest.raises(ValueError, match="invalid value 'float16' for hypatia.config.floatX; expected one of: "
                                         "float64, float32"):
        hypatia.config.floatX = "float16"
    with pytest.raises(AttributeError, match="no flag 'floatx'"):
        hypatia.config.floatx
    with pytest.raises(AttributeError, match="no flag 'device'"):
        hypatia.config.device = "cuda"
    with pytest.raises(TypeError, match="takes a string"):
        hypatia.config.floatX = np.float32


def test_change_flags_restores():
    with hypatia.config.change_flags(floatX="float32", cast_policy="numpy"):
        assert hypatia.config.floatX == "float32"
        with hypatia.change_flags({"floatX": "float64"}):
            assert T.vector().dtype == "float64"
        assert T.vector().dtype == "float32"
    assert hypatia.config.floatX == "float64" and hypatia.config.cast_policy == "custom"
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


def test_mode_flag_is_the_default_mode():
    hypatia.config.mode = "FAST_COMPILE"
    x = T.dscalar()
    assert hypatia.function([x], x).mode.optimizer == "fast_compile"


def test_parse_flags():
    parse_flags(" floatX = float32 , mode=FAST_COMPILE,")
    assert hypatia.config.floatX == "float32" and hypatia.config.mode == "FAST_COMPILE"
    with pytest.raises(ValueError, match="HYPATIA_FLAGS: 'floatX' is not of the form flag=value"):
        parse_flags("floatX")
    with pytest.raises(ValueError, match="HYPATIA_FLAGS: invalid value 'x' for hypatia.config.mode"):
        parse_flags("mode=x")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parse_flags("device=cuda")
    assert "unknown flag 'device'" in str(caught[0].message)


def test_environment_variable_at_import():
    package_parent = os.path.dirname(os.path.dirname(hypatia.__file__))
    env = dict(os.environ, HYPATIA_FLAGS="floatX=float32,mode=FAST_COMPILE,cast_policy=numpy",
               PYTHONPATH=os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")]))
    code = ("import hypatia, hypatia.tensor as T; c = hypatia.config; "
            "print(c.floatX, c.mode, c.cast_policy, T.matrix().dtype)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["float32", "FAST_COMPILE", "numpy", "float32"]
    env["HYPATIA_FLAGS"] = "floatX=float16"
    bad = subprocess.run([sys.executable, "-c", "import hypatia"], env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "HYPATIA_FLAGS: invalid value 'float16'" in bad.stderr
