#!/usr/bin/env bash
# In-process RPC overhead: JMH measures a direct call to a service implementation (the anchor) and the same call
# through Cleave's injected proxy, in-process transport and endpoint chain (metrics, OpenTelemetry span, validation,
# deadline, concurrency limit), plus the proxy without any middleware; spans unsampled and sampled. io.cleave.rpc.wiring.RpcInProcessBenchmark
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

name=rpc-inproc-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/rpc-inproc.md}"
classpath="$(bench_classpath)"

raw="$(mktemp "${TMPDIR:-/tmp}/cleave-rpc-inproc.XXXXXX")"
trap 'rm -f "$raw" "$raw.direct" "$raw.rpc" "$raw.traced"' EXIT
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
jmh() { # output csv, then JMH arguments; -prof gc adds each call's allocation (B/op)
  local csv="$1"
  shift
  # jmh.ignoreLock: other engineers' JMH runs share this machine; the load average below tells how much.
  # Word splitting of JMH_ARGS is intended: it is a list of JMH options.
  # shellcheck disable=SC2086
  "$java" -Djmh.ignoreLock=true -cp "$classpath" org.openjdk.jmh.Main -rf csv -rff "$csv" -prof gc ${JMH_ARGS:-} "$@" >&2
}
# The direct call depends on neither parameter, so it runs once. Sampling only matters where there is a span: the
# other chains run unsampled (sampling=0.0) only.
jmh "$raw.direct" -p chain=none -p sampling=0.0 'io.cleave.rpc.wiring.RpcInProcessBenchmark.direct'
jmh "$raw.rpc" -p chain=none,metrics,deadline,validation,limit,allButTracing -p sampling=0.0 \
  'io.cleave.rpc.wiring.RpcInProcessBenchmark.rpc'
jmh "$raw.traced" -p chain=tracing,all -p sampling=0.0,1.0 'io.cleave.rpc.wiring.RpcInProcessBenchmark.rpc'
cat "$raw.direct" "$raw.rpc" "$raw.traced" | tr -d '\r' > "$raw"
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "n/a" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

# JMH's CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: chain","Param: sampling"
figure() { # benchmark (with :p0.50 etc. or :gc.alloc.rate.norm), mode, chain, sampling → score
  awk -F',' -v b="\"io.cleave.rpc.wiring.RpcInProcessBenchmark.$1\"" -v m="\"$2\"" -v c="$3" -v s="$4" \
    'function bare(v) { gsub(/"/, "", v); return v }
     $1 == b && $2 == m && bare($8) == c && bare($9) == s { printf "%.1f", $5 }' "$raw"
}
row() { # label, benchmark, chain, sampling
  local avg p50
  avg="$(figure "$2" avgt "$3" "$4")"
  p50="$(figure "$2:p0.50" sample "$3" "$4")"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$avg" "$p50" "$(figure "$2:p0.99" sample "$3" "$4")" \
    "$(if [ "$2" = direct ]; then echo –; else minus "$p50" "$direct_p50"; fi)" \
    "$(if [ "$2" = direct ]; then echo –; else ratio "$avg" "$direct_avg"; fi)" \
    "$(figure "$2:gc.alloc.rate.norm" avgt "$3" "$4" | awk '{ printf "%.0f", $1 }')"
}
direct_avg="$(figure direct avgt none 0.0)"
direct_p50="$(figure direct:p0.50 sample none 0.0)"
rows="$(row 'direct call (anchor)' direct none 0.0)"$'\n'
for chain in none metrics deadline validation limit allButTracing; do
  rows+="$(row "RPC, middleware: $chain" rpc "$chain" 0.0)"$'\n'
done
for chain in tracing all; do
  rows+="$(row "RPC, middleware: $chain, span unsampled" rpc "$chain" 0.0)"$'\n'
  rows+="$(row "RPC, middleware: $chain, span sampled" rpc "$chain" 1.0)"$'\n'
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
  echo "Prometheus timer per service/method/status (metrics), an OpenTelemetry server span made current for the call"
  echo "(tracing), the deadline check before and after (deadline), Bean Validation of the request (validation) and the"
  echo "per-service concurrency limit (limit); allButTracing is the whole chain without the span. The meter registry,"
  echo "OpenTelemetry SDK, Micrometer Tracing bridge and validator are the beans Boot's auto-configuration makes with"
  echo "spring-boot-starter-opentelemetry (Prometheus exemplars, trace ids in the logging MDC, no exporter), with"
  echo "management.tracing.sampling.probability=0.0 (span unsampled: a trace context but nothing recorded) or 1.0"
  echo "(span sampled and recorded); Boot's default, 0.1, makes nine calls in ten the unsampled kind. No serialization."
  echo "p50/p99 come from JMH's sample mode, whose per-call timer reads add ~20–30 ns of their own; B/op is the"
  echo "memory each call allocates (JMH's gc profiler)."
  echo
  echo "| Call | mean (ns) | p50 (ns) | p99 (ns) | p50 overhead over direct (ns) | mean / direct | B/op |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s' "$rows"
} > "$out"
cat "$out"
