# Shared by the bench/*.sh scripts (sourced, not run): the JDK, the test classpath and the facts every result file
# records. A script sets `name` (its log prefix) before sourcing this file from its own directory:
#
#   name=rpc-bench
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It then has: $repo (the checkout, also the working directory), $java (a JDK 21+ found as ./mvnw finds it), log and
# die, bench_classpath (compiles the test classes once and prints the test classpath), bench_facts (the date,
# commit, JDK and CPU rows of a result file's table), bench_kept (a result file's hand-written part, to carry over),
# alive, free_port, cpu_ticks and await_http (processes and ports), and the gateway benchmark's node:
# gateway_node_start, gateway_node_ready and gateway_wrk_request (bench/gateway.sh, bench/profile/edge.sh).

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

# Whether process $1 is still running. Not `kill -0`: a child that has exited stays a zombie, which kill -0 still
# reports as present, until its shell reaps it with `wait`.
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# A TCP port nobody listens on (checked on loopback). Bounded tries.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# CPU time (user + system, clock ticks) process $1 has used so far: fields 14 and 15 of /proc/<pid>/stat.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Waits until $1 (a health URL) says UP, failing at once if process $2 exits (showing the end of its log $3).
await_http() {
  for _ in $(seq 1 1200); do
    if curl -fsS --max-time 1 "$1" 2>/dev/null | grep -q '"status":"UP"'; then return 0; fi
    alive "$2" || { tail -n 30 "$3" >&2; die "the server exited before it was up"; }
    sleep 0.1
  done
  tail -n 30 "$3" >&2
  die "not up within 120 s: $1"
}

# The gateway benchmark's node: bin/cleave of checkout $1 (built), started in directory $2 (the checkout's config/
# copied there, a fresh H2, its output in $2/cleave.log) on port $3, further arguments passed on. The whole edge is on,
# with a rate limit far above what wrk reaches: every request still takes a token from its caller's bucket. Runs in
# the background and sets gateway_node_pid.
gateway_node_start() {
  local checkout="$1" dir="$2" port="$3"
  shift 3
  mkdir -p "$dir"
  cp -r "$checkout/config" "$dir/"
  (cd "$dir" && exec "$checkout/bin/cleave" --server.port="$port" --cleave.registry.etcd-api.enabled=false \
    --cleave.node.name=bench-1 --cleave.gateway.rate-limits.default-limit.requests=100000000 \
    --cleave.gateway.rate-limits.default-limit.per=1s "$@" >"$dir/cleave.log" 2>&1) &
  gateway_node_pid=$!
}

# Waits for the node gateway_node_start started (checkout $1, directory $2, port $3, pid $4), mints a development
# token with the secret its local profile generated at start ($2/data/dev-jwt.properties), stores the benchmark's key
# through DB.Update, and prints the token.
gateway_node_ready() {
  local checkout="$1" dir="$2" port="$3" pid="$4" token
  await_http "http://127.0.0.1:$port/actuator/health" "$pid" "$dir/cleave.log"
  token="$(cd "$dir" && "$checkout/bin/cleave" token --ttl 3h 2>/dev/null)" || die "bin/cleave token failed"
  curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"key":"123","value":"aaa"}' "http://127.0.0.1:$port/api/DB/Update" >/dev/null || die "seeding DB.Update failed"
  echo "$token"
}

# The benchmark's request, {"key":"123"} to POST /api/DB/Query with bearer token $1, as the lines of a wrk script.
gateway_request='{"key":"123"}'
gateway_wrk_request() {
  cat <<EOF
wrk.method = "POST"
wrk.body = '$gateway_request'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
EOF
}
