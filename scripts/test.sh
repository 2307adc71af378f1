#!/usr/bin/env bash
# The whole test suite, as CI runs it: set up, build (Release), run ctest, install the Python
# package into .venv (pip install . with the pinned build tools, nothing downloaded) and run
# its pytest suite; then the same
# suite built with AddressSanitizer + UndefinedBehaviorSanitizer; then a bounded libFuzzer
# run (clang, fixed seed) over load + check + infer-shapes + save. All of these build on the
# pinned ONNX release (scripts/onnx.sh); last, the suite again (Release) on the system's
# libonnx (Debian bookworm: 1.12), the other build onnxkit supports.
#
#   bash scripts/test.sh            everything
#   ONNXKIT_QUICK=1 bash scripts/test.sh   only the Release build and its tests
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${ONNXKIT_JOBS:-2}
# Share the compiler cache between clones at different paths.
export CCACHE_BASEDIR="$PWD"

bash scripts/setup.sh

echo "== Release build and tests"
cmake -S . -B build -G Ninja
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== Python package: pip install . and pytest"
# --no-build-isolation: the build uses .venv's pinned scikit-build-core and nanobind;
# --no-deps: numpy is pinned there already. The build folder (build-python) persists and
# ccache serves the library's objects the Release build just compiled, so this compiles
# only the bindings. The tests read the large models' weights from build/corpus-models.
CMAKE_BUILD_PARALLEL_LEVEL="$jobs" .venv/bin/pip install --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps .
.venv/bin/python -m pytest -q -p no:cacheprovider tests/python

if [ -n "${ONNXKIT_QUICK:-}" ]; then exit 0; fi

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake -S . -B build-asan -G Ninja -DONNXKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure -j"$jobs"

echo "== libFuzzer smoke run (clang)"
cmake -S . -B build-fuzz -G Ninja -DONNXKIT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz -j"$jobs" --target load_check_fuzzer
ctest --test-dir build-fuzz --output-on-failure

echo "== Release build and tests against the system's libonnx (-DONNXKIT_ONNX=system)"
cmake -S . -B build-system -G Ninja -DONNXKIT_ONNX=system
cmake --build build-system -j"$jobs"
ctest --test-dir build-system --output-on-failure -j"$jobs"
