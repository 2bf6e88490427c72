#!/usr/bin/env bash
# Builds llama.cpp's llama-server once (cached in .cache/llama-server) from the exact llama.cpp
# release node-llama-cpp ships (its llama/gitRelease.bundle), for `pnpm bench:runtime --peer llama-server`.
# About 4.5 minutes on 2 cores. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.cache/llama-server
bin="$out/build/bin/llama-server"
if [ -x "$bin" ]; then echo "$PWD/$bin"; exit 0; fi
echo "bench: building llama-server once (cached in $out; ~5 min on 2 cores)" >&2
pkg=$(cd runtime && node -e 'const p=require.resolve("node-llama-cpp");let d=require("path").dirname(p);while(!require("fs").existsSync(d+"/llama/gitRelease.bundle"))d=require("path").dirname(d);console.log(d)')
info="$pkg/llama/llama.cpp.info.json"
tag=$(node -e "console.log(require('$info').tag)")
mkdir -p "$out"
if [ ! -d "$out/src/.git" ]; then
  rm -rf "$out/src"
  git clone -q "$pkg/llama/gitRelease.bundle" "$out/src"
  (cd "$out/src" && git checkout -q "$tag" 2>/dev/null || true)
fi
command -v cmake >/dev/null || { echo "cmake is required (apt-get install cmake)" >&2; exit 1; }
# LLAMA_USE_PREBUILT_UI defaults on and downloads; curl/openssl are not needed on loopback.
cmake -S "$out/src" -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build "$out/build" --target llama-server -j "$(nproc)" >&2
echo "$PWD/$bin"
