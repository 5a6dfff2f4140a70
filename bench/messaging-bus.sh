#!/usr/bin/env bash
# Message bus benchmarks: the in-process act round trip (JMH sample time, beside a direct call of the same handler)
# and durable send throughput on H2 and on PostgreSQL 17 (embedded), beside raw JDBC insert+update of an outbox-sized
# row measured in the same run on the same database. The work is done by io.cleave.bench.MessagingBusBenchmarks
# (src/test/java), a plain main on the test classpath.
#
#   bench/messaging-bus.sh                                 # writes bench/results/messaging-bus.md and prints it
#   DATABASES=h2 MESSAGES=5000 RUNS=1 OUT=/tmp/b.md bench/messaging-bus.sh
#
# Environment: DATABASES (h2,postgres), MESSAGES (20000 per round), SENDERS (4 threads), RUNS (3 measured rounds
# after one warm-up), ITERATIONS (5 two-second JMH measurements), OUT (result file), JAVA_HOME (used when it is a
# JDK 21+; otherwise .mvn/jdk.sh picks one), MAVEN_ARGS (e.g. -o to build offline; Maven reads it itself).
# The numbers are only comparable on an otherwise idle machine: the load average is recorded.
set -euo pipefail

name=messaging-bus-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/messaging-bus.md}"
for knob in MESSAGES SENDERS RUNS ITERATIONS; do
  value="${!knob:-}"
  [ -z "$value" ] || [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "$knob must be a positive integer (got '$value')" >&2; exit 2; }
done

classpath="$(bench_classpath)"

figures="$(mktemp "${TMPDIR:-/tmp}/cleave-messaging-bus-bench.XXXXXX")"
trap 'rm -f "$figures"' EXIT
started="$(date +%s)"
props=(-Dbench.out="$figures")
[ -z "${DATABASES:-}" ] || props+=(-Dbench.databases="$DATABASES")
[ -z "${MESSAGES:-}" ] || props+=(-Dbench.messages="$MESSAGES")
[ -z "${SENDERS:-}" ] || props+=(-Dbench.senders="$SENDERS")
[ -z "${RUNS:-}" ] || props+=(-Dbench.runs="$RUNS")
[ -z "${ITERATIONS:-}" ] || props+=(-Dbench.iterations="$ITERATIONS")
"$java" "${props[@]}" -Djmh.ignoreLock=true -Xmx1g -cp "$classpath" \
  io.cleave.bench.MessagingBusBenchmarks >&2 && status=0 || status=$?
took=$(($(date +%s) - started))
if [ ! -s "$figures" ]; then
  log "the benchmark wrote no figures (exit $status)"
  exit "$status"
fi


mkdir -p "$(dirname "$out")"
{
  echo "# Cleave message bus benchmark"
  echo
  echo "Produced by \`bench/messaging-bus.sh\` (\`io.cleave.bench.MessagingBusBenchmarks\`). \`act\` is"
  echo "\`ActBenchmark.act\`: a go-nano message (\`Pattern\` string, a value) routed, run on the caller's thread under"
  echo "a deadline alarm, answered and metered; \`directCall\` is the anchor, the same handler called directly. The"
  echo "durable send rows: *send* is how fast senders get their commits (one outbox insert each); *end to end* is how"
  echo "fast the messages are handled (relay claim, consumer transaction with the dedup insert, delete); *raw* is the"
  echo "anchor on the same database in the same run: per message one autocommitted insert of an outbox-sized row"
  echo "and one update of it. H2 is the embedded file database with WRITE_DELAY=0 (each commit reaches the file);"
  echo "PostgreSQL 17 is zonky's embedded server with its defaults."
  echo
  echo "| | |"
  echo "|---|---|"
  bench_facts
  echo "| duration | ${took} s |"
  echo
  cat "$figures"
} > "$out"
cat "$out"
exit "$status"
