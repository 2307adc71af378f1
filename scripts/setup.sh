#!/usr/bin/env bash
# Installs everything onnxkit needs to build and test on Debian bookworm (apt packages only;
# nothing is downloaded at build or test time). Run as root or with sudo available.
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config clang libclang-rt-14-dev clang-format clang-tidy
  libonnx-dev libprotobuf-dev protobuf-compiler
  libabsl-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-onnx python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
