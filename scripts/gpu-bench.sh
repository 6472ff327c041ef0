#!/usr/bin/env bash
# Usage: scripts/gpu-bench.sh [CudaEncoderCheck options, overriding --device cuda:0 --sizes tiny,base,small --precision f32,f16 ...]
# Checks the f32 ONNX Whisper encoder on CUDA against the Java encoder and times it, on an NVIDIA machine with
# CUDA 12 and cuDNN 9, offline; needs onnxruntime_gpu 1.23.2 (STENO_ONNXRUNTIME_JAR, else the ~/.m2 copy).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ORT_VERSION=1.23.2
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
step() { printf '\n== %s ==\n' "$*"; }

step "1/5 GPU"
if ! command -v nvidia-smi >/dev/null; then
    echo "nvidia-smi not found: this script needs a machine with an NVIDIA GPU and its driver." >&2
    exit 2
fi
nvidia-smi --query-gpu=index,name,driver_version,memory.total,memory.used,utilization.gpu --format=csv
nvidia-smi | grep -m1 -o 'CUDA Version: [0-9.]*' || true
echo "CUDA and cuDNN libraries the loader knows (onnxruntime's CUDA provider needs CUDA 12 and cuDNN 9):"
if [[ -d /usr/local/cuda/lib64 ]]; then
    export LD_LIBRARY_PATH="/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcudnn.so.9; do
    where=$( { ldconfig -p 2>/dev/null | grep -m1 -F "$lib " | sed 's/.*=> //'; } || true)
    if [[ -z "$where" ]]; then
        IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
        for dir in "${dirs[@]}"; do
            if [[ -n "$dir" && -e "$dir/$lib" ]]; then
                where="$dir/$lib"
                break
            fi
        done
    fi
    printf '  %-18s %s\n' "$lib" "${where:-NOT FOUND (the CUDA provider will fail to load if it stays missing)}"
done

step "2/5 onnxruntime GPU jar"
JAR="${STENO_ONNXRUNTIME_JAR:-$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/$ORT_VERSION/onnxruntime_gpu-$ORT_VERSION.jar}"
if [[ ! -f "$JAR" ]]; then
    cat >&2 <<EOF
No onnxruntime_gpu jar at $JAR.
Download com.microsoft.onnxruntime:onnxruntime_gpu:$ORT_VERSION (Linux x64, CUDA 12, cuDNN 9), e.g.
  https://repo1.maven.org/maven2/com/microsoft/onnxruntime/onnxruntime_gpu/$ORT_VERSION/onnxruntime_gpu-$ORT_VERSION.jar
copy it to this machine and set STENO_ONNXRUNTIME_JAR to its path (or put it at the ~/.m2 path above).
EOF
    exit 2
fi
echo "$JAR"
if command -v unzip >/dev/null; then
    listing=$(unzip -l "$JAR")
    if ! grep -q 'libonnxruntime_providers_cuda\.so' <<<"$listing"; then
        echo "$JAR holds no libonnxruntime_providers_cuda.so: it is not the GPU build of onnxruntime." >&2
        exit 2
    fi
fi

step "3/5 build (offline)"
if ! command -v "$JAVA" >/dev/null; then
    echo "no java: install a JDK 21+ and set JAVA_HOME" >&2
    exit 2
fi
"$JAVA" -version 2>&1 | head -1 || true
CP_FILE="$PWD/engine/target/gpu-bench-classpath.txt"
if ! ./mvnw -q -o -pl engine -am test-compile \
        || ! ./mvnw -q -o -pl engine dependency:build-classpath -Dmdep.outputFile="$CP_FILE"; then
    echo "The offline build failed: this machine needs a JDK 21+ (JAVA_HOME) and the project's dependencies in" \
        "~/.m2 (run './mvnw -pl engine -am test-compile' once where there is network)." >&2
    exit 2
fi

step "4/5 class path: the CPU onnxruntime jar replaced by the GPU jar"
DEPS=$(tr ':' '\n' <"$CP_FILE" | grep -v -E '/onnxruntime-[0-9][^/]*\.jar$' | paste -sd: -)
REPLACED=$(tr ':' '\n' <"$CP_FILE" | grep -E '/onnxruntime-[0-9][^/]*\.jar$' || true)
echo "removed: ${REPLACED:-nothing (no CPU onnxruntime jar was on the class path)}"
echo "added:   $JAR"
CP="engine/target/test-classes:engine/target/classes:$JAR${DEPS:+:$DEPS}"

step "5/5 CUDA encoder check"
# Every size's model is random-weight f16 of OpenAI's shape (small: ~490 MB written to the temporary folder).
ARGS=(--device cuda:0 --sizes tiny,base,small --seconds 10,30 --calls 20 --warmup 5 --precision f32,f16 "$@")
TIMEOUT=()
command -v timeout >/dev/null && TIMEOUT=(timeout 240)
set +e
"${TIMEOUT[@]}" "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$CP" \
    dev.steno.engine.whisper.CudaEncoderCheck "${ARGS[@]}" 2>&1 \
    | grep --line-buffered -v '^WARNING: Using incubator modules'
status=${PIPESTATUS[0]}
set -e
case $status in
    0) echo "gpu-bench: PASS (every window within its bound of the Java encoder; times per call above)" ;;
    1) echo "gpu-bench: FAIL: the encoder's output is beyond its bound (see the FAIL lines above)" ;;
    3) echo "gpu-bench: FAIL: onnxruntime could not use CUDA (message above)" ;;
    124) echo "gpu-bench: FAIL: the check ran past 240 s" ;;
    *) echo "gpu-bench: FAIL: the check exited with status $status" ;;
esac
exit "$status"
