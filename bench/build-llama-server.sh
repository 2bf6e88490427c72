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
# Not GGML_NATIVE: -march=native turns on AMX where the CPU lists it, and a VM may list AMX while
# its kernel refuses the tile state (llama-server then dies with SIGILL). The x86 extensions this
# CPU has are named instead, AMX never.
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $flags " == *" $1 "* ]] && echo ON || echo OFF; }
isa=(-DGGML_NATIVE=OFF -DGGML_AVX="$(has avx)" -DGGML_AVX2="$(has avx2)" -DGGML_FMA="$(has fma)"
  -DGGML_F16C="$(has f16c)" -DGGML_BMI2="$(has bmi2)" -DGGML_AVX_VNNI="$(has avx_vnni)"
  -DGGML_AVX512="$(has avx512f)" -DGGML_AVX512_VBMI="$(has avx512vbmi)"
  -DGGML_AVX512_VNNI="$(has avx512_vnni)" -DGGML_AVX512_BF16="$(has avx512_bf16)"
  -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF)
cmake -S "$out/src" -B "$out/build" -DCMAKE_BUILD_TYPE=Release "${isa[@]}" -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build "$out/build" --target llama-server -j "$(nproc)" >&2
echo "$PWD/$bin"
