# Installs the Debian 12 packages Hypatia needs to build and test, when missing.
# Sourced by scripts/setup and scripts/test; needs root (or sudo) only to install.
hypatia_deps() {
  # C++ build and tests (OpenBLAS for the CPU backend's matrix products, SLEEF for its
  # vector math: generated modules link libsleef.so.3; zlib for the digits demo's
  # gzipped CSV), then the Python package (bindings, and its tests' NumPy, SciPy as the
  # oracle for special functions, pytest and hypothesis), and the digits data set of
  # the demo (python3-sklearn ships it; the demo reads the file only), and Graphviz's
  # dot (hypatia.printing.pydotprint draws graphs with it; its tests check the pictures).
  # BLIS and oneDNN are optional at run time (dlopen'ed: src/backend/cpu/blas_select.cpp
  # picks the fastest correct gemm among them and OpenBLAS).
  local packages="cmake ninja-build g++ clang libclang-rt-14-dev libgtest-dev ccache libopenblas-dev libsleef-dev"
  packages="$packages libblis-dev libdnnl-dev zlib1g-dev"
  packages="$packages pybind11-dev python3-dev python3-numpy python3-scipy python3-pytest python3-hypothesis"
  packages="$packages python3-sklearn graphviz"
  local missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "hypatia: installing$missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
}
