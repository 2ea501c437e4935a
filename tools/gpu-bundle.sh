#!/usr/bin/env bash
# Builds dist/jdit-gpu/: everything jdit needs on an NVIDIA GPU machine that has no Java and no network: a jlink
# runtime (java.base, java.logging, jdk.incubator.vector, jdk.unsupported), the project's jars, and of the native bindings only
# javacpp and the CUDA presets' JNI jar (no OpenCV, FFmpeg or OpenBLAS: write tensors or PNG frames there). The CUDA
# libraries themselves (libcudart, libcublas, libnvrtc from CUDA 13) come from the machine: dist/jdit-gpu/jdit finds
# them in JDIT_CUDA_LIBS, /usr/local/cuda/lib64 or PyTorch's nvidia wheels.
#
#   tools/gpu-bundle.sh           the CLI: dist/jdit-gpu/jdit bench cuda
#   tools/gpu-bundle.sh --tests   also the JUnit console and the test classes: dist/jdit-gpu/run-gpu-tests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tests=false
[ "${1:-}" = "--tests" ] && tests=true

for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
  if [ -n "$d" ] && [ -x "$d/bin/jlink" ] && "$d/bin/java" -version 2>&1 | grep -q '"25'; then JDK="$d"; break; fi
done
[ -n "${JDK:-}" ] || { echo "gpu-bundle: needs a JDK 25 with jlink (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME="$JDK"

if $tests; then ./mvnw -q -B install -DskipTests; ./mvnw -q -B test-compile -pl dit-runtime; else ./mvnw -q -B install -DskipTests; fi

out="$root/dist/jdit-gpu"
rm -rf "$out.tmp" && mkdir -p "$out.tmp/lib"
# java.logging: the JUnit console of --tests logs through it
"$JDK/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,jdk.unsupported --compress=zip-9 --strip-debug \
  --no-header-files --no-man-pages --output "$out.tmp/runtime"
if command -v strip > /dev/null; then
  strip --strip-unneeded "$out.tmp/runtime/lib/server/libjvm.so" "$out.tmp/runtime"/lib/*.so 2> /dev/null || true
fi
for jar in cli/target/lib/*.jar cli/target/jdit-cli.jar; do
  case "$(basename "$jar")" in
    opencv-*|ffmpeg-*|javacv-*|openblas-*|xchart-*|animated-gif-*) ;;  # CPU-side only
    *) cp "$jar" "$out.tmp/lib/" ;;
  esac
done

cat > "$out.tmp/env.sh" <<'ENV'
# Puts the machine's CUDA 13 libraries on the library path: JDIT_CUDA_LIBS (colon-separated folders), else
# /usr/local/cuda/lib64, else the lib folders of PyTorch's nvidia-* wheels.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libs="${JDIT_CUDA_LIBS:-}"
if [ -z "$libs" ] && [ -d /usr/local/cuda/lib64 ]; then libs=/usr/local/cuda/lib64; fi
if [ -z "$libs" ] && command -v python3 > /dev/null; then
  libs="$(python3 -c 'import glob, os, nvidia; print(":".join(sorted(glob.glob(os.path.join(list(nvidia.__path__)[0], "*", "lib")))))' 2> /dev/null || true)"
fi
export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
JDIT_JAVA=("$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -Dorg.bytedeco.javacpp.cachedir="${TMPDIR:-/tmp}/jdit-javacpp")
ENV
cat > "$out.tmp/jdit" <<'RUN'
#!/usr/bin/env bash
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
exec "${JDIT_JAVA[@]}" -cp "$here/lib/*" jdit.cli.Main "$@"
RUN
chmod +x "$out.tmp/jdit"

if $tests; then
  mkdir -p "$out.tmp/tests"
  cp -r dit-runtime/target/test-classes "$out.tmp/tests/classes"
  # CudaModelsTest runs the golden tiny DiT and Wan2.1 (3 MiB) on the GPU
  mkdir -p "$out.tmp/tests/golden"
  cp -rL testdata/golden/dit testdata/golden/wan "$out.tmp/tests/golden/"
  ./mvnw -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 \
    -DoutputDirectory="$out.tmp/tests"
  cat > "$out.tmp/run-gpu-tests" <<'RUN'
#!/usr/bin/env bash
# The CUDA tests (ops against the reference, the block-sparse kernel against the CPU one, the kernel sources).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
exec "${JDIT_JAVA[@]}" -Djdit.golden="$here/tests/golden" -jar "$here"/tests/junit-platform-console-standalone-*.jar execute \
  --class-path "$here/tests/classes:$(ls "$here"/lib/*.jar | tr '\n' ':')" --select-package jdit.backend.cuda \
  --details tree "$@"
RUN
  chmod +x "$out.tmp/run-gpu-tests"
fi

rm -rf "$out" && mv "$out.tmp" "$out"
echo "gpu-bundle: $out, $(du -sh "$out" | cut -f1) ($(du -sh "$out/runtime" | cut -f1) runtime, $(du -sh "$out/lib" | cut -f1) jars)"
