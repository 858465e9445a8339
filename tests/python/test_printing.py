"""Looking at graphs: hypatia.printing's debugprint and pp (golden text), pydotprint
(a valid SVG, a PNG), graph_dot, and source (the cpu backend's C++)."""
import inspect
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import hypatia
import hypatia.tensor as T
from hypatia import printing
from hypatia.compile.mode import Mode

HAVE_DOT = printing.shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed (Debian: graphviz)")


def _cpu_function(inputs, outputs):
    f = hypatia.function(inputs, outputs, mode=Mode(linker="cpu"))
    if f.linker != "cpu":
        pytest.skip("no C++ compiler: the function runs on interp")
    return f


def _mlp():
    x = T.dmatrix("x")
    W = hypatia.shared(np.zeros((3, 4)), name="W")
    b = T.dvector("b")
    return x, W, b, T.tanh(T.dot(x, W) + b)


def test_debugprint_of_an_mlp_piece():
    x, W, b, h = _mlp()
    assert printing.debugprint(h, file="str") == (
        "tanh [id A] float64 (?, ?)\n"
        " |add [id B] float64 (?, ?)\n"
        "   |dot [id C] float64 (?, ?)\n"
        "   | |x [id D] float64 (?, ?)\n"
        "   | |W [id E] float64 (?, ?) shared\n"
        "   |b [id F] float64 (?,)\n")
    assert printing.pp(h) == hypatia.pp(h) == "tanh(dot(x, W) + b)"
    assert printing.debugprint(h, depth=1, print_type=False, file="str") == "tanh [id A]\n |add [id B] ...\n"


def test_debugprint_prints_to_a_file_and_to_stdout(capsys):
    x = T.dvector("x")
    buf = io.StringIO()
    assert printing.debugprint(T.exp(x), file=buf) is buf
    assert buf.getvalue() == "exp [id A] float64 (?,)\n |x [id B] float64 (?,)\n"
    printing.debugprint([x, T.exp(x)])
    assert capsys.readouterr().out == "x [id A] float64 (?,)\nexp [id B] float64 (?,)\n |x [id A] float64 (?,)\n"


def test_debugprint_names_the_users_line():
    x = T.dvector("x")
    y = T.log(x); line = inspect.currentframe().f_lineno  # noqa: E702
    assert printing.debugprint(y, file="str", locations=True) == (
        f"log [id A] float64 (?,)   # test_printing.py:{line}\n"
        f" |x [id B] float64 (?,)   # test_printing.py:{line - 1}\n")


def test_a_repeated_subexpression_is_printed_once_with_its_id():
    x = T.dmatrix("x")
    e = T.exp(x)
    r = e * e + e
    assert printing.debugprint(r, file="str") == (
        "add [id A] float64 (?, ?)\n"
        " |mul [id B] float64 (?, ?)\n"
        " | |exp [id C] float64 (?, ?)\n"
        " | | |x [id D] float64 (?, ?)\n"
        " | |exp [id C] float64 (?, ?) ...\n"
        " |exp [id C] float64 (?, ?) ...\n")
    assert printing.pp(r) == "exp(x) * exp(x) + exp(x)"


def test_a_multi_output_node():
    v = T.dvector("v")
    a, b = T.split(v, [2, 2], 2)
    text = printing.debugprint(a * b, file="str", print_type=False)
    assert text == (
        "mul [id A]\n"
        " |split{axis=0}.0 [id B]\n"
        " | |v [id C]\n"
        " | |TensorConstant{2} [id D]\n"
        " | |TensorConstant{2} [id D]\n"
        " |split{axis=0}.1 [id B] ...\n")
    assert printing.pp(b) == "split(v, 2, 2, axis=0)[1]"


def test_debugprint_of_a_function_with_a_shared_variable_and_an_update():
    x = T.dvector("x")
    w = hypatia.shared(np.zeros(3), name="w")
    f = hypatia.function([x], (w * x).sum(), updates=[(w, w - 0.1 * x)], mode=Mode(linker="interp"))
    assert printing.debugprint(f, file="str") == (
        "Function(x) on interp, mode FAST_RUN\n"
        "output 0:\n"
        "sum [id A] float64 ()\n"
        " |mul [id B] float64 (?,)\n"
        "   |w [id C] float64 (?,) shared\n"
        "   |x [id D] float64 (?,)\n"
        "update w:\n"
        "sub [id E] float64 (?,)\n"
        " |w [id C] float64 (?,) shared\n"
        " |mul [id F] float64 (?,)\n"
        "   |x [id D] float64 (?,)\n"
        "   |TensorConstant{0.1} [id G] float64 ()\n")


def test_debugprint_of_a_fused_cpu_function():
    x = T.dmatrix("x")
    f = _cpu_function([x], [T.exp(x * 2.0) + T.sin(x), x.sum()])
    assert printing.debugprint(f, file="str") == (
        "Function(x) on cpu, mode FAST_RUN\n"
        "output 0:\n"
        "add [id A] float64 (?, ?) in k0\n"
        " |sin [id B] float64 (?, ?) in k0\n"
        " | |x [id C] float64 (?, ?)\n"
        " |exp [id D] float64 (?, ?) in k0\n"
        "   |mul [id E] float64 (?, ?) in k0\n"
        "     |x [id C] float64 (?, ?)\n"
        "     |TensorConstant{2.0} [id F] float32 ()\n"
        "output 1:\n"
        "sum [id G] float64 () in k1\n"
        " |x [id C] float64 (?, ?)\n"
        "fused kernels:\n"
        " Kernel k0{sin, mul, exp, add} [id B, E, D, A]\n"
        " Kernel k1{sum} [id G]\n")
    # The generated source, easy to find: kernels named as debugprint names them.
    src = printing.source(f)
    assert src == f.source()
    assert "// k0: in x float64, out add float64\n" in src
    assert 'extern "C" void k0(' in src and 'extern "C" void k1(' in src
    assert "scalar::exp(" in src and "  // exp\n" in src


def test_pp_writes_infix_math_with_only_the_needed_parentheses():
    x, y, z = T.dmatrices("x", "y", "z")
    v = T.dvector("v")
    assert printing.pp(T.exp(x * 2.0) + y.sum(axis=1)) == "exp(x * 2.0) + sum(y, axis=1)"
    assert printing.pp((x + y) * z) == "(x + y) * z"
    assert printing.pp(x + y * z) == "x + y * z"
    assert printing.pp(x - (y - z)) == "x - (y - z)"
    assert printing.pp(-(x ** y)) == "-x ** y"
    assert printing.pp((-x) ** y) == "(-x) ** y"
    assert printing.pp((x < y) & (y < z)) == "(x < y) & (y < z)"
    assert printing.pp(x[1:3, ::2]) == "x[1:3, ::2]"
    assert printing.pp((x + y).T) == "(x + y).T"
    assert printing.pp(v.dimshuffle("x", 0)) == "v.dimshuffle('x', 0)"
    assert printing.pp(T.cast(x, "float32")) == "x.astype('float32')"
    assert printing.pp(T.max(T.dtensor3("t"), axis=(0, 2), keepdims=True)) == "max(t, axis=(0, 2), keepdims=True)"


def test_printers_reject_what_is_not_a_graph():
    with pytest.raises(TypeError, match="debugprint takes a hypatia Function, a TensorVariable"):
        printing.debugprint(3)
    with pytest.raises(TypeError, match="pp takes a TensorVariable, not int"):
        printing.pp(3)
    with pytest.raises(TypeError, match="graph_dot: expected TensorVariables in the list, got int"):
        printing.graph_dot([T.dvector("x"), 3])
    with pytest.raises(ValueError, match="ids='int' is not supported"):
        printing.debugprint(T.dvector("x"), ids="int")


def _svg_texts(data):
    root = ET.fromstring(data)
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    return {t.text for t in root.iter() if t.tag.endswith("text")}


@needs_dot
def test_pydotprint_svg_of_variables():
    x, W, b, h = _mlp()
    texts = _svg_texts(printing.pydotprint(h, format="svg", return_image=True))
    for label in ("x", "W", "b", "dot", "add", "tanh", "output 0", "float64 (?, ?)"):
        assert label in texts, (label, texts)


@needs_dot
def test_pydotprint_svg_of_a_cpu_function_shows_fused_kernels():
    x = T.dmatrix("x")
    w = hypatia.shared(np.ones(2), name="w")
    f = hypatia.function([x], T.exp(x * 2.0) + T.sin(x) + w, updates=[(w, w * 2)], mode=Mode(linker="cpu"))
    dot = printing.graph_dot(f)
    texts = _svg_texts(printing.pydotprint(f, format="svg", return_image=True))
    assert {"x", "w", "exp", "sin", "output 0", "update w"} <= texts, texts
    if f.linker == "cpu":
        assert "subgraph cluster_k0" in dot
        assert "Kernel k0" in texts


@needs_dot
def test_pydotprint_writes_a_png(tmp_path, capsys):
    x = T.dvector("x")
    out = tmp_path / "graph.png"
    assert printing.pydotprint(T.exp(x), outfile=str(out)) is None
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert str(out) in capsys.readouterr().out
    assert printing.pydotprint(T.exp(x), format="dot", return_image=True) == printing.graph_dot(T.exp(x))


def test_pydotprint_without_graphviz_says_what_to_install():
    x = T.dvector("x")
    with pytest.raises(printing.GraphvizNotFound, match=r"Graphviz's 'no-such-dot' program.*apt-get install graphviz"):
        printing.pydotprint(T.exp(x), format="svg", dot_command="no-such-dot")
    assert issubclass(printing.GraphvizNotFound, RuntimeError)


def test_source_of_an_interp_function_is_empty():
    x = T.dvector("x")
    f = hypatia.function([x], T.exp(x), mode=Mode(linker="interp"))
    assert printing.source(f) == ""
    with pytest.raises(TypeError, match="source takes a hypatia Function"):
        printing.source(T.exp(x))
