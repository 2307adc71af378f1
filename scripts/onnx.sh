#!/usr/bin/env bash
# The ONNX C++ library onnxkit builds on by default: a pinned release, built from its source
# distribution on the Python package index against Debian's protobuf, once per machine, into
# ${XDG_CACHE_HOME:-$HOME/.cache}/onnxkit/onnx-VERSION-KEY, where KEY hashes everything the
# build depends on (release, flags, compiler, protobuf, CMake). Every onnxkit build and
# every clone on the machine reuses it; rebuilding onnxkit never rebuilds ONNX.
#
#   onnx.sh build    download the sdist (pinned, hash-checked) and build it, unless the
#                    cache has it already; needs .venv (scripts/python-env.sh)
#   onnx.sh prefix   print the install prefix; fails when it is not built (CMake runs this)
#
# ONNXKIT_JOBS (default 2) sets the build's parallelism. The first build takes about 7
# minutes on 2 idle cores; downloads happen here only, never while building onnxkit.
set -euo pipefail

# The newest release on the Python package index when this was pinned; it builds offline
# with Debian bookworm's protobuf 3.21 (opsets up to 28, IR version 14).
onnx_version=1.23.2
onnx_sdist_sha256=008cb0467b2bbee41448acc7da8b6f4e704624cb0d327a2d5adafc7ce19bc5b8

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/onnxkit

# A namespace of its own (not "onnx"): the system libonnx's headers stay installed for the
# -DONNXKIT_ONNX=system build, and a mix-up of the two becomes a link error instead of a
# silent ODR violation; its protobuf messages also get a package name of their own, so it
# can share a process with another ONNX (Python's onnx, ONNX Runtime).
flags=(
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DONNX_NAMESPACE=onnxkit_onnx -DONNX_ML=ON -DONNX_BUILD_PYTHON=OFF -DONNX_BUILD_TESTS=OFF
  -DONNX_USE_PROTOBUF_SHARED_LIBS=ON -DONNX_BUILD_CUSTOM_PROTOBUF=OFF
  -DONNX_GEN_PB_TYPE_STUBS=OFF
)

# Everything the built library depends on; a change to any of them is a new cache entry.
cache_key() {
  {
    echo "onnx $onnx_version $onnx_sdist_sha256"
    printf '%s\n' "${flags[@]}"
    c++ --version | head -n1
    protoc --version
    grep '^cmake==' "$root/scripts/requirements.txt"
  } | sha256sum | cut -c1-12
}

prefix=$cache/onnx-$onnx_version-$(cache_key)

case "${1:-}" in
  prefix)
    if [ ! -f "$prefix/lib/cmake/ONNX/ONNXConfig.cmake" ]; then
      echo "ONNX $onnx_version is not built in $prefix: run scripts/setup.sh" >&2
      exit 1
    fi
    echo "$prefix"
    exit 0
    ;;
  build) ;;
  *)
    echo "usage: $0 build|prefix" >&2
    exit 2
    ;;
esac

mkdir -p "$cache/downloads"
# One build at a time per machine: clones set up in parallel wait for the first one.
exec 9>"$cache/onnx.lock"
flock 9
if [ -f "$prefix/lib/cmake/ONNX/ONNXConfig.cmake" ]; then exit 0; fi

venv=$root/.venv
sdist=$cache/downloads/onnx-$onnx_version.tar.gz
if ! echo "$onnx_sdist_sha256  $sdist" | sha256sum --check --status 2>/dev/null; then
  # --no-build-isolation: pip reads the sdist's metadata with the pinned scikit-build-core
  # of .venv instead of fetching (and, with --no-binary, compiling) its build backend.
  pins=$(mktemp)
  trap 'rm -f "$pins"' EXIT
  echo "onnx==$onnx_version --hash=sha256:$onnx_sdist_sha256" >"$pins"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    --no-build-isolation --require-hashes -r "$pins" -d "$cache/downloads"
fi

echo "== building ONNX $onnx_version into $prefix (once per machine)"
start=$(date +%s)
work=$(mktemp -d "$cache/.build-XXXXXX")
log=$cache/onnx-$onnx_version-build.log
build() {
  tar -xzf "$sdist" -C "$work"
  # FETCHCONTENT_FULLY_DISCONNECTED: should the release ever try to fetch a dependency of
  # its own (it does when it finds no protoc), fail instead of downloading.
  "$venv/bin/cmake" -S "$work/onnx-$onnx_version" -B "$work/build" -G Ninja "${flags[@]}" \
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON --no-warn-unused-cli
  "$venv/bin/cmake" --build "$work/build" -j"${ONNXKIT_JOBS:-2}"
  "$venv/bin/cmake" --install "$work/build" --prefix "$work/prefix"
}
if ! build >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "building ONNX $onnx_version failed; the whole log is $log" >&2
  rm -rf "$work"
  exit 1
fi
# The installed package is relocatable (its CMake files find everything relative to
# themselves): moved into place whole, so an interrupted build never leaves a half prefix.
mv "$work/prefix" "$prefix"
rm -rf "$work"
echo "== ONNX $onnx_version built in $(($(date +%s) - start)) s"
