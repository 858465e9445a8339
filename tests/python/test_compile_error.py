"""hypatia.CompileError: the C++ core's CompileError (a compiler that fails, or a module
cache directory that cannot be used) reaches Python as its own class, not as a plain
RuntimeError."""
import pytest

import hypatia
import hypatia.tensor as T
from hypatia.compile.mode import Mode


def test_compile_error_class():
    assert issubclass(hypatia.CompileError, RuntimeError)
    assert not issubclass(hypatia.CompileError, hypatia.InternalError)
    assert hypatia.CompileError.__module__ == "hypatia"
    assert "CompileError" in hypatia.__all__


def test_unusable_compiledir_raises_compile_error(tmp_path):
    # A cache directory that is a file: the cpu backend cannot store its module.
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("not a directory")
    x = T.vector("x")
    with hypatia.config.change_flags(compiledir=str(not_a_dir)):
        with pytest.raises(hypatia.CompileError) as info:
            hypatia.function([x], T.exp(x) + 1.0, mode=Mode(linker="cpu"))
    assert str(not_a_dir) in str(info.value)
