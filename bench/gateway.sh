#!/usr/bin/env bash
# Gateway benchmark (issue 10, point 9): wrk drives `POST /api/DB/Query` through a Cleave node's whole HTTP edge
# (authentication with a JWT, rate limit, metrics, access log, the RPC call to the kv module and its H2 read), and,
# in the same run, a bare Spring MVC controller on the same Tomcat with the same virtual threads that answers the
# same bytes (fixtures.bench.BareController: no security, no limit, no log, no metrics, no RPC, no database).
# The two take turns, ROUNDS times, so a change in the machine's load hits both alike; the figure that counts is
# the ratio of the medians.
#
#   bench/gateway.sh                       # writes bench/results/gateway.md and prints it
#   ROUNDS=7 DURATION=20 CONNECTIONS=32 OUT=/tmp/gw.md bench/gateway.sh
#
# Environment: ROUNDS (5: with three, one slow round of either server could move the median, and the ratio by 0.03),
# DURATION (10 s per wrk run), WARMUP (20 s per server before its first round: the edge's
# longer path needs that long on 2 cores before the JIT has compiled it),
# THREADS (wrk threads, 2), CONNECTIONS (wrk connections, 16), OUT (result file), JAVA_HOME.
# Needs wrk (Debian: apt-get install wrk; installed here when run as root) and curl.
set -euo pipefail

name=gateway-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/gateway.md}"
rounds="${ROUNDS:-5}"
duration="${DURATION:-10}"
warmup="${WARMUP:-20}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing wrk (apt-get install wrk)"
    { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null || die "could not install wrk: apt-get install wrk"
  else
    die "wrk is missing: install it (Debian/Ubuntu: sudo apt-get install wrk)"
  fi
fi
command -v curl >/dev/null || die "curl is missing: install it (Debian/Ubuntu: sudo apt-get install curl)"

test_classpath="$(bench_classpath)"
log "packaging the jar (./mvnw -q package -DskipTests)"
./mvnw -B -q package -DskipTests >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/cleave-gateway-bench.XXXXXX")"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do
    if alive "$p"; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 200); do alive "$p" || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ "$rc" -eq 0 ]; then rm -rf "$work"; else log "failed (exit $rc); logs kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the Cleave node: bin/cleave (AOT cache), fresh H2, the whole edge on ------------------------------------
node_port="$(free_port)"
log "starting Cleave on port $node_port"
gateway_node_start "$repo" "$work/node" "$node_port"
pids+=("$gateway_node_pid")
node_pid=$gateway_node_pid
token="$(gateway_node_ready "$repo" "$work/node" "$node_port" "$node_pid")"
auth="Authorization: Bearer $token"

# ---- the bare controller ---------------------------------------------------------------------------------------
bare_port="$(free_port)"
log "starting the bare controller on port $bare_port"
"$java" -cp "$test_classpath" fixtures.bench.BareController --server.port="$bare_port" >"$work/bare.log" 2>&1 &
pids+=($!)
bare_pid=$!
for _ in $(seq 1 1200); do
  curl -fsS --max-time 1 -X POST -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:$bare_port/api/DB/Query" >/dev/null 2>&1 && break
  alive "${pids[-1]}" || { tail -n 30 "$work/bare.log" >&2; die "the bare controller exited"; }
  sleep 0.1
done

request="$gateway_request"
cleave_answer="$(curl -fsS -X POST -H "$auth" -H 'Content-Type: application/json' -d "$request" \
  "http://127.0.0.1:$node_port/api/DB/Query")"
bare_answer="$(curl -fsS -X POST -H 'Content-Type: application/json' -d "$request" \
  "http://127.0.0.1:$bare_port/api/DB/Query")"
[ "$cleave_answer" = "$bare_answer" ] || die "the answers differ: Cleave '$cleave_answer', bare '$bare_answer'"
curl -fsS -o /dev/null -D - -X POST -H "$auth" -H 'Content-Type: application/json' -d "$request" \
  "http://127.0.0.1:$node_port/api/DB/Query" | grep -qi '^X-RateLimit-Remaining:' \
  || die "the node's answer carries no X-RateLimit-Remaining: the rate limit is not on"

# wrk's request: the same body and headers for both (the bare controller ignores the token).
{ gateway_wrk_request "$token"; cat <<'EOF'; } >"$work/post.lua"
done = function(summary, latency, requests)
  io.write(string.format("FIGURES %.1f %.3f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout, summary.requests))
end
EOF

ticks_per_second="$(getconf CLK_TCK)"

run_wrk() { # $1 = port, $2 = seconds, $3 = server pid; prints "rps p50_ms p99_ms p999_ms errors requests cpu_us_per_request"
  local before after
  before="$(cpu_ticks "$3")"
  wrk -t "$threads" -c "$connections" -d "${2}s" -s "$work/post.lua" "http://127.0.0.1:$1/api/DB/Query" \
    >"$work/wrk.out"
  after="$(cpu_ticks "$3")"
  # The server's CPU per request tells the two apart even on a loaded machine, where requests/s depend on what else
  # runs; it includes the server's GC and JIT threads.
  awk -v cpu=$((after - before)) -v hz="$ticks_per_second" \
    '/^FIGURES / { printf "%s %s %s %s %s %s %.1f\n", $2, $3, $4, $5, $6, $7, ($7 > 0 ? cpu * 1e6 / hz / $7 : 0) }' \
    "$work/wrk.out"
}

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started="$(date +%s)"
log "warming up both servers (${warmup} s each)"
run_wrk "$bare_port" "$warmup" "$bare_pid" >/dev/null
run_wrk "$node_port" "$warmup" "$node_pid" >/dev/null
: >"$work/samples"
for round in $(seq 1 "$rounds"); do
  for server in bare cleave; do
    if [ "$server" = bare ]; then port="$bare_port"; pid="$bare_pid"; else port="$node_port"; pid="$node_pid"; fi
    figures="$(run_wrk "$port" "$duration" "$pid")"
    [ -n "$figures" ] || die "wrk printed no figures for $server"
    echo "$server $round $figures" >>"$work/samples"
    log "round $round $server: $figures (req/s p50 p99 p99.9 ms, errors, requests, server CPU us/request)"
  done
done
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"
took=$(($(date +%s) - started))
# The node's access log must have written one line per request: the figures count only with it on. It writes its
# console lines out every second (gateway/logback/BufferedAccessLog), so the last second's are waited for.
sleep 2
access_lines="$(grep -c 'method=POST route=/api/{service}/{method}' "$work/node/cleave.log" || true)"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$work/samples" | median; }
bare_rps="$(col bare 3)"
cleave_rps="$(col cleave 3)"
ratio="$(awk -v a="$cleave_rps" -v b="$bare_rps" 'BEGIN { printf "%.2f", a / b }')"
cpu_ratio="$(awk -v a="$(col cleave 9)" -v b="$(col bare 9)" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"

kept="$(bench_kept "$out")" # the profile, below the marker
{
  echo "# Cleave gateway benchmark"
  echo
  echo "Produced by \`bench/gateway.sh\`. wrk sends \`POST /api/DB/Query\` with \`{\"key\":\"123\"}\` and a bearer token to"
  echo "two servers on loopback, taking turns: a Cleave node started by \`bin/cleave\` (embedded H2, every module) whose"
  echo "request passes the whole edge — body limit, JWT authentication and authorization, rate limit, access log line,"
  echo "metrics, the RPC chain into the kv module and its jOOQ read — and \`fixtures.bench.BareController\`, a bare"
  echo "Spring MVC controller on the same Tomcat with the same virtual threads answering the same bytes. Both answers"
  echo "were checked to be identical before measuring. Medians over $rounds rounds of ${duration} s each."
  echo
  echo "| | |"
  echo "|---|---|"
  bench_facts
  echo "| CPUs shared by | wrk and both servers |"
  echo "| wrk | $threads threads, $connections connections |"
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| access log lines written by the node | $access_lines |"
  echo "| duration | ${took} s |"
  echo
  echo "| server | requests/s | p50 ms | p99 ms | p99.9 ms | errors | server CPU µs/request |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for server in bare cleave; do
    echo "| $server | $(col "$server" 3) | $(col "$server" 4) | $(col "$server" 5) | $(col "$server" 6) | $(col "$server" 7) | $(col "$server" 9) |"
  done
  echo
  echo "**Cleave keeps ${ratio}× of the bare controller's throughput** (aim: at least 0.80×); a request costs Cleave's"
  echo "server ${cpu_ratio}× the CPU time it costs the bare controller (user + system time of each server's whole process,"
  echo "GC and JIT included, over the requests wrk completed)."
  echo
  echo "Every round:"
  echo
  echo "| server | round | requests/s | p50 ms | p99 ms | p99.9 ms | errors | requests | server CPU µs/request |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$work/samples"
  if [ -n "$kept" ]; then echo; echo "$kept"; fi
} >"$out.tmp"
mv "$out.tmp" "$out"
log "results written to $out"
cat "$out"
