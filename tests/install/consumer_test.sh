#!/usr/bin/env bash
# Installs onnxkit from a build tree into a fresh prefix, builds examples/ as a separate
# project against that prefix (find_package(onnxkit) + onnxkit::onnxkit), runs srcnn_demo
# and custom_pass (a pass registered beside the built-in ones), and loads their outputs with
# the installed `onnxkit` binary.
#
#   consumer_test.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR [extra configure arguments...]
#
# WORK_DIR is emptied first. Extra arguments go to the consumer's configure step (the
# generator, compiler, launcher and flags of the main build, so that ccache hits).
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR WORK_DIR [configure args...]" >&2
  exit 2
fi
cmake=$1 build=$2 source=$3 work=$4
shift 4

prefix=$work/prefix
consumer=$work/consumer
rm -rf "$work"
mkdir -p "$work"

step() { echo "== $*"; }

step "install $build -> $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" || {
  cat "$work/install.log"
  exit 1
}
for f in lib/cmake/onnxkit/onnxkitConfig.cmake include/onnxkit/ir.h bin/onnxkit; do
  [ -e "$prefix/$f" ] || { echo "not installed: $prefix/$f" >&2; exit 1; }
done

step "configure $source/examples standalone"
# Only the install prefix may provide onnxkit: the package registry and the main build tree
# must not be found instead.
"$cmake" -S "$source/examples" -B "$consumer" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@" >"$work/configure.log" 2>&1 || {
  cat "$work/configure.log"
  exit 1
}
found=$(sed -n 's/^onnxkit_DIR:PATH=//p' "$consumer/CMakeCache.txt")
if [ "$found" != "$prefix/lib/cmake/onnxkit" ]; then
  echo "onnxkit was found in '$found', not in the install prefix" >&2
  exit 1
fi

step "build srcnn_demo custom_pass"
"$cmake" --build "$consumer" --target srcnn_demo custom_pass >"$work/build.log" 2>&1 || {
  cat "$work/build.log"
  exit 1
}

step "run srcnn_demo"
"$consumer/srcnn_demo" "$work/srcnn.onnx"

step "load it with the installed onnxkit"
"$prefix/bin/onnxkit" --version
"$prefix/bin/onnxkit" convert "$work/srcnn.onnx" -o "$work/srcnn_roundtrip.onnx"
# A load + save that changes nothing must give back the same bytes.
cmp "$work/srcnn.onnx" "$work/srcnn_roundtrip.onnx"
if "$prefix/bin/onnxkit" dump --help >/dev/null 2>&1; then
  "$prefix/bin/onnxkit" dump "$work/srcnn.onnx" >"$work/srcnn.txt"
  grep -q "/conv1/Conv" "$work/srcnn.txt" || {
    echo "onnxkit dump does not show the node /conv1/Conv:" >&2
    cat "$work/srcnn.txt" >&2
    exit 1
  }
fi
step "run custom_pass"
"$consumer/custom_pass" "$work/named.onnx"
"$prefix/bin/onnxkit" check "$work/named.onnx"
# The pass named the nodes the example built without names.
"$prefix/bin/onnxkit" dump "$work/named.onnx" >"$work/named.txt"
grep -q "Relu_0" "$work/named.txt" || {
  echo "custom_pass did not name the Relu node:" >&2
  cat "$work/named.txt" >&2
  exit 1
}
# A pipeline naming a pass the registry lacks is refused with the closest name.
if "$consumer/custom_pass" "$work/unused.onnx" "name-unamed-nodes" 2>"$work/custom_pass.err"; then
  echo "custom_pass accepted an unknown pass" >&2
  exit 1
fi
grep -q "did you mean 'name-unnamed-nodes'" "$work/custom_pass.err" || {
  cat "$work/custom_pass.err" >&2
  exit 1
}
echo "ok"
