#!/bin/sh
# Builds and runs bench/vector_math.cpp: SLEEF (as simd_math.hpp calls it) against
# glibc's libmvec, per function, float32 and float64, speed and ULP error. Needs an
# AVX2 + FMA machine, libsleef3 and glibc >= 2.35. Arguments go to the program
# (--samples N, --only exp,tanh). Run from the repository root.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
sleef=$(/sbin/ldconfig -p | sed -n 's/.*libsleef\.so\.3 (libc6,x86-64) => //p' | head -n 1)
mvec=$(/sbin/ldconfig -p | sed -n 's/.*libmvec\.so\.1 (libc6,x86-64) => //p' | head -n 1)
if [ -z "$sleef" ] || [ -z "$mvec" ]; then
  echo "vector_math: needs libsleef.so.3 and libmvec.so.1 (found: '$sleef', '$mvec')" >&2
  exit 1
fi
exe=${TMPDIR:-/tmp}/hypatia-vector-math-$$
trap 'rm -f "$exe"' EXIT
${CXX:-g++} -O2 -march=native -std=c++20 -Wall -Wextra -I"$root/src" -DHP_SLEEF=1 -DHP_SLEEF_U35=1 \
  "$root/bench/vector_math.cpp" -o "$exe" "$sleef" "$mvec"
"$exe" "$@"
