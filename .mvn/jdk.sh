# Sourced by ./mvnw, bin/cleave and the bench scripts: Cleave builds and runs on a JDK 21 or newer
# (jOOQ 3.21 runs inside Maven). Keeps JAVA_HOME (or the java on PATH) when it is new enough; otherwise
# picks the newest JDK 21+ installed in the usual places and says so; otherwise stops, saying what to
# install. A sourcing script may set cleave_jdk_caller to its own name for that message (default mvnw).

cleave_jdk_major() { # $1 = JDK home; prints its feature version, or nothing
  cleave_jdk_major_of "$1"
  [ -z "$cleave_major" ] || echo "$cleave_major"
}

# The same into $cleave_major, without a subprocess: read from the JDK's release file by the shell itself (this runs
# for every candidate JDK on every start of bin/cleave, where each fork of sed or java is time before the JVM starts).
cleave_jdk_major_of() { # $1 = JDK home
  cleave_major=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    while IFS= read -r cleave_line || [ -n "$cleave_line" ]; do
      case "$cleave_line" in
        JAVA_VERSION=*)
          cleave_line="${cleave_line#JAVA_VERSION=}"
          cleave_line="${cleave_line#\"}"
          cleave_line="${cleave_line#1.}"
          cleave_major="${cleave_line%%[!0-9]*}"
          return 0 ;;
      esac
    done <"$1/release"
  else
    cleave_major="$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p')"
  fi
}

cleave_select_jdk() {
  cleave_current=""
  if [ -n "${JAVA_HOME-}" ]; then
    cleave_current="$JAVA_HOME"
  elif command -v javac >/dev/null 2>&1; then
    cleave_current="$(readlink -f "$(command -v javac)")"
    cleave_current="${cleave_current%/bin/javac}"
  fi
  if [ -n "$cleave_current" ]; then
    cleave_jdk_major_of "$cleave_current"
    if [ "${cleave_major:-0}" -ge 21 ] 2>/dev/null; then
      return 0
    fi
  fi
  cleave_best="" cleave_best_major=0
  set +f
  for cleave_home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$cleave_home" ] || continue
    cleave_jdk_major_of "$cleave_home"
    if [ "${cleave_major:-0}" -ge 21 ] 2>/dev/null && [ "$cleave_major" -gt "$cleave_best_major" ]; then
      cleave_best="$cleave_home" cleave_best_major="$cleave_major"
    fi
  done
  set -f
  if [ -z "$cleave_best" ]; then
    echo "Cleave needs a JDK 21 or newer, and none was found (current: ${cleave_current:-no java on PATH})." >&2
    echo "Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin 21/25 JDK, or set JAVA_HOME to it." >&2
    exit 1
  fi
  echo "${cleave_jdk_caller:-mvnw}: using JDK $cleave_best_major at $cleave_best (${cleave_current:-no JDK} is older than 21)" >&2
  JAVA_HOME="$cleave_best"
  export JAVA_HOME
}

cleave_select_jdk
