#!/usr/bin/env bash
# Registry benchmark: puts/s and reads/s, watch delivery latency with many watchers, and the cost of many
# instances heartbeating, for each backend in one run on this machine — Cleave's embedded store on H2 and on
# PostgreSQL 17 (embedded, zonky), a real etcd 3.4 (Debian's etcd-server) through Cleave's etcd client, and Cleave's
# embedded store (H2) through that same client and Cleave's own etcd v3 gRPC API (the like-for-like comparison).
# The work is done by io.cleave.bench.RegistryBenchmark (src/test/java), a plain main run on the test classpath.
#
#   bench/registry.sh                            # writes bench/results/registry.md and prints it
#   RUNS=1 DURATION=10 BACKENDS=h2,etcd OUT=/tmp/r.md bench/registry.sh
#   PARTS=puts BACKENDS=etcd,cleave-etcd-api OUT=/tmp/r.md bench/registry.sh   # only the puts, briefly
#
# Environment: BACKENDS (h2,postgres,etcd,cleave-etcd-api), PARTS (throughput,watch,heartbeats; puts instead of
# throughput measures the puts without the reads), RUNS (5 measured throughput rounds after two warm-up
# rounds), WATCHERS (1000), INSTANCES (10000), PERIOD (5, seconds between an instance's heartbeats), DURATION (30,
# seconds of heartbeats measured), OUT (result file), JAVA_OPTS (extra JVM flags, default none), JAVA_HOME (used when
# it is a JDK 21+; otherwise .mvn/jdk.sh picks one), MAVEN_ARGS (e.g. -o to build offline; Maven reads it itself).
# etcd is installed from Debian's etcd-server when missing and this runs as root (src/test/tools/require-command.sh);
# otherwise the etcd column says what to install.
# The numbers are only comparable on an otherwise idle machine: the load average is recorded.
# Exit status 3: a backend got something wrong (see "Problems found" in the result).
set -euo pipefail

name=registry-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/registry.md}"
java_opts="${JAVA_OPTS:-}"
for knob in RUNS WATCHERS INSTANCES PERIOD DURATION; do
  value="${!knob:-}"
  [ -z "$value" ] || [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "$knob must be a positive integer (got '$value')" >&2; exit 2; }
done

classpath="$(bench_classpath)"

figures="$(mktemp "${TMPDIR:-/tmp}/cleave-registry-bench.XXXXXX")"
trap 'rm -f "$figures"' EXIT

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started="$(date +%s)"
props=(-Dbench.out="$figures")
[ -z "${BACKENDS:-}" ] || props+=(-Dbench.backends="$BACKENDS")
[ -z "${PARTS:-}" ] || props+=(-Dbench.parts="$PARTS")
[ -z "${RUNS:-}" ] || props+=(-Dbench.runs="$RUNS")
[ -z "${WATCHERS:-}" ] || props+=(-Dbench.watchers="$WATCHERS")
[ -z "${INSTANCES:-}" ] || props+=(-Dbench.instances="$INSTANCES")
[ -z "${PERIOD:-}" ] || props+=(-Dbench.period="$PERIOD")
[ -z "${DURATION:-}" ] || props+=(-Dbench.duration="$DURATION")
# Word splitting of JAVA_OPTS is intended: it is a list of JVM flags.
# shellcheck disable=SC2086
"$java" --enable-native-access=ALL-UNNAMED $java_opts "${props[@]}" -cp "$classpath" \
  io.cleave.bench.RegistryBenchmark && status=0 || status=$?
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"
took=$(($(date +%s) - started))
if [ ! -s "$figures" ]; then
  log "the benchmark wrote no figures (exit $status)"
  exit "$status"
fi

# ---- report -------------------------------------------------------------------------------------------
mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
etcd_version="$( (command -v etcd >/dev/null && etcd --version 2>/dev/null | sed -n 1p) || echo 'not installed')"

kept="$(bench_kept "$out")" # the analysis, below the marker
mkdir -p "$(dirname "$out")"
{
  echo "# Cleave registry benchmark"
  echo
  echo "Produced by \`bench/registry.sh\` (\`io.cleave.bench.RegistryBenchmark\`). Every backend is measured in the same"
  echo "run, one after the other, through Cleave's Java registry API (\`KeyValueStore\`, \`Leases\`, \`Watches\`) of a"
  echo "Cleave node started in the benchmark JVM: the node's **embedded store** on a fresh H2 file database or a fresh"
  echo "PostgreSQL database, or its **client of an etcd API** (\`EtcdGrpcClient\`, over loopback): a real etcd in a"
  echo "child process, or a second Cleave node in the same JVM serving its embedded H2 store through Cleave's etcd v3"
  echo "gRPC API — the like-for-like comparison with etcd. Client, Cleave and server share the machine's cores."
  echo
  echo "| | |"
  echo "|---|---|"
  bench_facts
  echo "| RAM | ${mem_gib} GiB |"
  echo "| JVM flags | ${java_opts:-none (JVM defaults)} |"
  echo "| etcd | $etcd_version |"
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| duration | ${took} s |"
  echo
  cat "$figures"
  if [ -n "$kept" ]; then echo; echo "$kept"; fi
} >"$out"
log "results written to $out"
cat "$out"
exit "$status"
