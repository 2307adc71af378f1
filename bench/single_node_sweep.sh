#!/usr/bin/env bash
# The whole space of the single-node sweep (tests/infer/single_node_sweep.cc): every
# systematic variant of every operator schema the linked ONNX library has, plus RANDOM seeded
# random variants per schema, through check + infer-shapes + save; then the same in the
# AddressSanitizer + UBSan build. Fails on any signal, hang or sanitizer report and prints the
# count of models tried. The test suite runs a bounded slice of the same space (ctest -R
# single_node_sweep).
#
#   bash bench/single_node_sweep.sh [RANDOM]      default 2000; SWEEP_ASAN=0 skips the ASan run
set -euo pipefail
cd "$(dirname "$0")/.."
random=${1:-2000}
export CCACHE_BASEDIR="$PWD"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run() {
  local build=$1
  shift
  cmake --build "$build" -j2 --target single_node_sweep >/dev/null
  echo "== $build: seed 1, every systematic variant, $random random per schema"
  "$build/tests/single_node_sweep" --seed 1 --stride 1 --random "$random" --timeout 300 \
    --failures "$build/single_node_sweep_failures" "$@"
}
cmake -S . -B build -G Ninja >/dev/null
run build
if [ "${SWEEP_ASAN:-1}" != 0 ]; then
  cmake -S . -B build-asan -G Ninja -DONNXKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >/dev/null
  run build-asan
fi
