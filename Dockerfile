# syntax=docker/dockerfile:1
# Steno server images, built from the repository root (the host needs no JDK or Maven):
#   docker build -t steno .                                    # CPU
#   docker build --build-arg VARIANT=cuda -t steno:cuda .      # the Whisper encoder on an NVIDIA GPU
# Run them with the model cache on a volume, so that a restart does not download the model again:
#   docker run -p 8000:8000 -v steno-models:/models steno
#   docker run -p 8000:8000 -v steno-models:/models steno serve --host 0.0.0.0 --port 8000 --model small --jitsi
#   docker run --gpus all -p 8000:8000 -v steno-models:/models steno:cuda
# Checked without a Docker engine by the assembly module's DockerfileTest (ports, health path, flags, versions).

# cpu or cuda: the base-* stage the image starts from.
ARG VARIANT=cpu
ARG ORT_VERSION=1.23.2

# Build: the Maven wrapper on JDK 25 (Steno needs 22+); ~/.m2 is a build cache, not a layer.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package

# onnxruntime's GPU build, which replaces the CPU build inside steno.jar for --encoder-device cuda
# (-C: fail unless the download matches Maven Central's checksum).
FROM build AS onnxruntime-gpu
ARG ORT_VERSION
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -C -N -q dependency:copy \
      -Dartifact=com.microsoft.onnxruntime:onnxruntime_gpu:${ORT_VERSION} -Dmdep.stripVersion=true \
      -DoutputDirectory=/ort

# CPU: Temurin's Java 25 runtime. The steno launcher is the entry point: it passes the JVM flags Steno needs
# (--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED).
FROM eclipse-temurin:25-jre AS base-cpu
ENTRYPOINT ["/opt/steno/steno"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]

# GPU: the CUDA 12 runtime and cuDNN 9 that onnxruntime_gpu needs, a Java 25 runtime copied in, and onnxruntime_gpu,
# which the launcher puts first on the class path. The host needs the NVIDIA driver and the NVIDIA Container
# Toolkit (docker run --gpus all).
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS base-cuda
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:$PATH
COPY --from=eclipse-temurin:25-jre /opt/java/openjdk /opt/java/openjdk
COPY --from=onnxruntime-gpu /ort/onnxruntime_gpu.jar /opt/steno/onnxruntime_gpu.jar
ENV STENO_ONNXRUNTIME_JAR=/opt/steno/onnxruntime_gpu.jar
ENTRYPOINT ["/opt/steno/steno"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--encoder", "onnx-f16", "--encoder-device", "cuda"]

# The image (entry point and command come from the base): the jar and the launcher, a non-root user, the model cache.
FROM base-${VARIANT} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 steno \
 && useradd --system --uid 10001 --gid steno --create-home --home-dir /home/steno steno \
 && mkdir /models && chown steno:steno /models
COPY --from=build /src/assembly/target/steno.jar /src/steno /opt/steno/
# The model cache: downloaded models and the ONNX encoder graphs built from them.
ENV STENO_MODEL_DIR=/models
VOLUME ["/models"]
# The heap is a share of the container's memory limit, set explicitly: the launcher's own estimate reads the host's
# memory, not the limit. Half, because the weights are mapped outside the heap and onnxruntime, thread stacks and
# metaspace need the rest; a node that runs out exits, so that the orchestrator restarts it.
ENV STENO_JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /home/steno
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 \
  CMD curl -fsS -o /dev/null ${STENO_API_TOKEN:+-H "Authorization: Bearer $STENO_API_TOKEN"} http://127.0.0.1:8000/health/ready || exit 1
