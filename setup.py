"""Builds hypatia._core with the project's own CMake build, for pip.

`pip install --no-build-isolation .` runs this through setuptools' PEP 517 backend:
CMake configures a Release build of the core and the bindings in build-pip/ for the
interpreter running pip, and puts the extension where setuptools packages it next to
python/hypatia/*.py. Needs cmake, a C++20 compiler, pybind11 and the Python headers
(Debian: cmake g++ pybind11-dev python3-dev); ninja and ccache are used when present.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        package_dir = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build_dir = Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython3_EXECUTABLE={sys.executable}",
            "-DHYPATIA_BUILD_PYTHON=ON",
            "-DHYPATIA_BUILD_TESTS=OFF",
            "-DHYPATIA_BUILD_EXAMPLES=OFF",
            "-DHYPATIA_WERROR=OFF",  # a user's newer compiler may warn where ours does not
            f"-DHYPATIA_PYTHON_OUTPUT_DIR={package_dir}",
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "_core", "--parallel", jobs], check=True)


setup(
    packages=["hypatia", "hypatia.compile", "hypatia.tensor"],
    package_dir={"": "python"},
    ext_modules=[Extension("hypatia._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build-pip"}},
)
