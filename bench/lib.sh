# Shared by the bench/*.sh scripts (sourced, not run): the JDK, the test classpath and the facts every result file
# records. A script sets `name` (its log prefix) before sourcing this file from its own directory:
#
#   name=rpc-bench
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It then has: $repo (the checkout, also the working directory), $java (a JDK 21+ found as ./mvnw finds it), log and
# die, bench_classpath (compiles the test classes once and prints the test classpath), bench_facts (the date,
# commit, JDK and CPU rows of a result file's table) and bench_kept (a result file's hand-written part, to carry over).

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '%s: %s\n' "$name" "$*" >&2; }
die() { log "$*"; exit 1; }

# .mvn/jdk.sh keeps JAVA_HOME (or the javac on PATH) when it is 21+, otherwise exports the newest JDK 21+ it finds,
# otherwise exits saying what to install. It leaves `set -f` behind (mvnw runs so).
# shellcheck source=/dev/null
. "$repo/.mvn/jdk.sh"
set +f
java_home="${JAVA_HOME:-$cleave_current}"
java="$java_home/bin/java"
"$java" -version >/dev/null 2>&1 || die "no working java at $java"
cd "$repo"

# Compiles main and test classes (./mvnw, offline-capable through MAVEN_ARGS) and prints the test classpath.
bench_classpath() {
  local file="$repo/target/bench/classpath.txt"
  mkdir -p "$repo/target/bench"
  log "compiling (./mvnw -q test-compile dependency:build-classpath)"
  ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$file" >&2
  printf 'target/classes:target/test-classes:%s' "$(cat "$file")"
}

# The rows every result table starts with: when, which commit (flagged when the tree has uncommitted changes outside
# bench/results, where an earlier benchmark of the same session may have written its figures), which JDK, which CPUs.
bench_facts() {
  local commit cpu
  commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no -- . ':!bench/results' 2>/dev/null)" ]; then commit="$commit (working tree has uncommitted changes)"; fi
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $commit |"
  echo "| JDK | $("$java" -version 2>&1 | sed -n '2p') |"
  echo "| CPUs | $(nproc) (${cpu:-unknown model}) |"
}

# A result file is the script's figures, then, below this marker line, what people wrote about them (profiles, A/B
# runs, analysis): a re-run rewrites the figures and carries that part over. bench_kept FILE prints it (the marker
# line included), or nothing.
bench_marker="<!-- Everything below this line is kept by bench/$(basename "$0") when it rewrites this file. -->"
bench_kept() {
  awk -v m="$bench_marker" 'found || $0 == m { found = 1; print }' "$1" 2>/dev/null || true
}
