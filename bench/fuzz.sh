#!/usr/bin/env bash
# A longer libFuzzer run than the test suite's one-minute smoke test: arbitrary bytes through
# load + check + infer-shapes + save, with ASan and UBSan, and the dictionary of op types and
# attribute names that fuzz/make_dictionary.cc writes from the schemas. Crashes are written to
# build-fuzz/fuzz/crashes/; turn each into a regression test (tests/io or tests/check) and
# fix it.
#
#   bash bench/fuzz.sh [SECONDS]      default 1800
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1800}
cmake -S . -B build-fuzz -G Ninja -DONNXKIT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j2 --target load_check_fuzzer
dir=build-fuzz/fuzz
mkdir -p "$dir/work" "$dir/crashes"
# Workers write fuzz-N.log into the current folder: run from the fuzz build folder.
cd "$dir"
./load_check_fuzzer -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -dict=onnx.dict \
  -jobs="${FUZZ_JOBS:-2}" -workers="${FUZZ_JOBS:-2}" -artifact_prefix=crashes/ \
  -print_final_stats=1 work seeds
