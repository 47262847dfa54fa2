# Finds a JDK 25 or newer for every Vecformer entry point (./vecformer, ./mvnw, .ci/run, bench/run).
# POSIX sh, meant to be sourced. `vecformer_jdk_home` prints the JDK's home or, when there is none,
# prints one sentence to stderr and returns 1. Search order: $JAVA_HOME, `java` on PATH, then the
# usual install folders (newest major version wins there).

VECFORMER_MIN_JDK=25

# Major version of the JDK at home $1 (read from its `release` file, so no JVM is started).
vecformer_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -r "$1/release" ] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

vecformer_jdk_home() (
  set +f
  ok() { major=$(vecformer_jdk_major "$1") && [ -n "$major" ] && [ "$major" -ge "$VECFORMER_MIN_JDK" ]; }
  if [ -n "${JAVA_HOME-}" ] && ok "$JAVA_HOME"; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  if java_on_path=$(command -v java 2>/dev/null); then
    home=$(dirname "$(dirname "$(readlink -f "$java_on_path")")")
    if ok "$home"; then printf '%s\n' "$home"; return 0; fi
  fi
  best="" best_major=0
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
              "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if ok "$home" && [ "$major" -gt "$best_major" ]; then best=$home best_major=$major; fi
  done
  if [ -n "$best" ]; then printf '%s\n' "$best"; return 0; fi
  echo "vecformer: no JDK $VECFORMER_MIN_JDK or newer found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm); install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
)
