#!/usr/bin/env bash
# Installs everything onnxkit needs to build and test on Debian bookworm: the apt packages
# below, the pinned Python tools in .venv (scripts/python-env.sh), and the pinned ONNX C++
# library, built once per machine into a cache (scripts/onnx.sh). Nothing is downloaded at
# build or test time. Run as root or with sudo available.
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libonnx-dev libprotobuf-dev protobuf-compiler
  libabsl-dev libfmt-dev libcli11-dev nlohmann-json3-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  graphviz chromium
  python3 python3-venv python3-onnx python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$(dirname "$0")"
bash python-env.sh >/dev/null
bash onnx.sh build
