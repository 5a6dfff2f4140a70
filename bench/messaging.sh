#!/usr/bin/env bash
# Messaging micro-benchmarks with JMH: PatternRouter.find over 10, 1,000 and 100,000 patterns, beside a HashMap get
# (the floor of any lookup) measured in the same run, with JMH's GC profiler for the bytes allocated per lookup.
# The work is done by io.cleave.bench.MessagingBenchmarks (src/test/java), a plain main on the test classpath that
# runs JMH and writes the table.
#
#   bench/messaging.sh                       # writes bench/results/messaging.md and prints it
#   FORKS=1 ITERATIONS=2 OUT=/tmp/m.md bench/messaging.sh
#
# Environment: INCLUDE (JMH benchmark regex, PatternRouterBenchmark), FORKS (2), WARMUPS (3 one-second iterations),
# ITERATIONS (5 one-second iterations), OUT (result file), JAVA_HOME (used when it is a JDK 21+; otherwise
# .mvn/jdk.sh picks one), MAVEN_ARGS (e.g. -o to build offline; Maven reads it itself).
# The numbers are only comparable on an otherwise idle machine: the load average is recorded.
set -euo pipefail

name=messaging-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/messaging.md}"
for knob in FORKS WARMUPS ITERATIONS; do
  value="${!knob:-}"
  [ -z "$value" ] || [[ "$value" =~ ^[0-9]+$ ]] || { echo "$knob must be a number (got '$value')" >&2; exit 2; }
done

classpath="$(bench_classpath)"

figures="$(mktemp "${TMPDIR:-/tmp}/cleave-messaging-bench.XXXXXX")"
trap 'rm -f "$figures"' EXIT

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started="$(date +%s)"
props=(-Dbench.out="$figures")
[ -z "${INCLUDE:-}" ] || props+=(-Dbench.include="$INCLUDE")
[ -z "${FORKS:-}" ] || props+=(-Dbench.forks="$FORKS")
[ -z "${WARMUPS:-}" ] || props+=(-Dbench.warmups="$WARMUPS")
[ -z "${ITERATIONS:-}" ] || props+=(-Dbench.iterations="$ITERATIONS")
"$java" "${props[@]}" -cp "$classpath" \
  io.cleave.bench.MessagingBenchmarks >&2 && status=0 || status=$?
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"
took=$(($(date +%s) - started))
if [ ! -s "$figures" ]; then
  log "the benchmark wrote no figures (exit $status)"
  exit "$status"
fi


mkdir -p "$(dirname "$out")"
{
  echo "# Cleave messaging benchmark"
  echo
  echo "Produced by \`bench/messaging.sh\` (\`io.cleave.bench.MessagingBenchmarks\`, JMH ${FORKS:-2} forks ×"
  echo "${ITERATIONS:-5} one-second measurements after ${WARMUPS:-3} warm-ups, heap 1 GiB, GC profiler)."
  echo "\`PatternRouterBenchmark.find\` looks up go-nano style messages (\`role:…,cmd:…\` plus payload properties,"
  echo "half with \`integer:true\`, one in eight matching nothing) in a table of N patterns, one in ten refined by"
  echo "\`integer:true\`; \`anchorHashMapGet\` is the floor measured in the same run: a \`HashMap\` get of the expected"
  echo "pattern's precomputed key (go-nano's cache, without Seneca's rules); \`addThenRemove\` is one change each way."
  echo
  echo "| | |"
  echo "|---|---|"
  bench_facts
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| duration | ${took} s |"
  echo
  cat "$figures"
} >"$out"
log "results written to $out"
cat "$out"
exit "$status"
