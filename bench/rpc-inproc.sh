#!/usr/bin/env bash
# In-process RPC overhead: JMH measures a direct call to a service implementation (the anchor) and the same call
# through Cleave's injected proxy, in-process transport and endpoint chain (metrics, observation, validation,
# deadline, concurrency limit), plus the proxy without any middleware. io.cleave.rpc.wiring.RpcInProcessBenchmark
# (src/test/java) holds the benchmark; this script builds it, runs it and writes bench/results/rpc-inproc.md.
#
#   bench/rpc-inproc.sh                       # writes bench/results/rpc-inproc.md and prints it
#   OUT=/tmp/r.md JMH_ARGS="-wi 1 -i 2" bench/rpc-inproc.sh
#
# Environment: OUT (result file), JMH_ARGS (extra JMH options, e.g. fewer iterations), JAVA_HOME (used when it is a
# JDK 21+; otherwise .mvn/jdk.sh picks one), MAVEN_ARGS (e.g. -o; Maven reads it itself).
# Sub-microsecond figures move with the machine's load: the load average is recorded, and the ratios to the direct
# call in the same run are what to compare.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-$repo/bench/results/rpc-inproc.md}"
log() { printf 'rpc-inproc-bench: %s\n' "$*" >&2; }

# shellcheck source=/dev/null
. "$repo/.mvn/jdk.sh"
set +f
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

cd "$repo"
mkdir -p target/bench
classpath_file="$repo/target/bench/classpath.txt"
log "compiling (./mvnw -q test-compile dependency:build-classpath)"
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$classpath_file" >&2

raw="$(mktemp "${TMPDIR:-/tmp}/cleave-rpc-inproc.XXXXXX")"
trap 'rm -f "$raw" "$raw.direct" "$raw.rpc"' EXIT
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
# Word splitting of JMH_ARGS is intended: it is a list of JMH options.
# shellcheck disable=SC2086
# jmh.ignoreLock: other engineers' JMH runs share this machine; the load average below tells how much. The direct
# call does not depend on the chain, so it runs once (chain=none) rather than once per chain.
classpath="target/classes:target/test-classes:$(cat "$classpath_file")"
"$java" -Djmh.ignoreLock=true -cp "$classpath" org.openjdk.jmh.Main -rf csv -rff "$raw.direct" -p chain=none \
  ${JMH_ARGS:-} 'io.cleave.rpc.wiring.RpcInProcessBenchmark.direct' >&2
"$java" -Djmh.ignoreLock=true -cp "$classpath" org.openjdk.jmh.Main -rf csv -rff "$raw.rpc" \
  ${JMH_ARGS:-} 'io.cleave.rpc.wiring.RpcInProcessBenchmark.rpc' >&2
cat "$raw.direct" "$raw.rpc" | tr -d '\r' > "$raw"
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

# JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: chain"
figure() { # benchmark, mode, chain ("" for the direct call) → score in ns
  awk -F',' -v b="\"io.cleave.rpc.wiring.RpcInProcessBenchmark.$1\"" -v m="\"$2\"" -v c="$3" \
    '$1 == b && $2 == m && ($8 == c || $8 == "\"" c "\"") { printf "%.1f", $5 }' "$raw"
}
direct_avg="$(figure direct avgt none)"
direct_p50="$(figure direct:p0.50 sample none)"
rows="| direct call (anchor) | $direct_avg | $direct_p50 | $(figure direct:p0.99 sample none) | – | – |"$'\n'
for chain in none metrics tracing deadline validation limit allButTracing all; do
  avg="$(figure rpc avgt "$chain")"
  p50="$(figure rpc:p0.50 sample "$chain")"
  rows+="| RPC, middleware: $chain | $avg | $p50 | $(figure rpc:p0.99 sample "$chain") | $(minus "$p50" "$direct_p50") | $(ratio "$avg" "$direct_avg") |"$'\n'
done

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit (working tree has uncommitted changes)"; fi
mkdir -p "$(dirname "$out")"
{
  echo "# In-process RPC overhead"
  echo
  echo "Produced by \`bench/rpc-inproc.sh\` (JMH 1.37, one fork, 3×1 s warm-up, 5×1 s measured unless JMH_ARGS said"
  echo "otherwise) on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit."
  echo
  echo "- Machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $("$java" -version 2>&1 | sed -n '2p')"
  echo "- Load average (1/5/15 min) before: $load_before; after: $load_after — other builds share these cores."
  echo
  echo "What is measured: go-kit addsvc's \`Sum\` (a request record of two bounded longs, a response record) called"
  echo "on one thread. The anchor calls the implementation directly; the RPC rows call it through the injected proxy"
  echo "and the in-process transport, with no middleware (none), one middleware alone, or the whole chain (all): a"
  echo "Prometheus timer per service/method/status (metrics), an observation with Boot's default meter handler and no"
  echo "tracer (tracing), the deadline check before and after (deadline), Bean Validation of the request (validation)"
  echo "and the per-service concurrency limit (limit); allButTracing is the whole chain without the observation."
  echo "No serialization."
  echo "p50/p99 come from JMH's sample mode, whose per-call timer reads add ~20–30 ns of their own."
  echo
  echo "| Call | mean (ns) | p50 (ns) | p99 (ns) | p50 overhead over direct (ns) | mean / direct |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s' "$rows"
} > "$out"
cat "$out"
