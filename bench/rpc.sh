#!/usr/bin/env bash
# RPC benchmark, goms' shape made honest: N connections × M calls in flight of a unary echo with a ~140-byte request,
# against two server processes on loopback measured in the same run — a Cleave node serving the typed Echo method of
# the RPC contract service over gRPC (called through the injected interface of a client node, records encoded and
# decoded on every call), and a bare grpc-java byte echo as the ceiling. Throughput, p50/p99/p99.9 latency and
# errors per shape. The work is done by io.cleave.bench.RpcBenchmark (src/test/java) on the test classpath.
#
#   bench/rpc.sh                                  # writes bench/results/rpc.md and prints it
#   SHAPES=1x1,10x10,4x25 WARMUP=5 DURATION=20 OUT=/tmp/rpc.md bench/rpc.sh
#
# Environment: SHAPES (1x1,10x10: connections x calls in flight per connection), WARMUP (5 s), DURATION (10 s
# measured per shape and server), OUT (result file), JAVA_OPTS (extra JVM flags for the client), JAVA_HOME.
# The client, both servers and the registry share this machine's cores: compare the ratio, and note the load.
set -euo pipefail

name=rpc-bench
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
out="${OUT:-$repo/bench/results/rpc.md}"
java_opts="${JAVA_OPTS:-}"

classpath="$(bench_classpath)"

figures="$(mktemp "${TMPDIR:-/tmp}/cleave-rpc-bench.XXXXXX")"
trap 'rm -f "$figures"' EXIT
props=(-Dbench.out="$figures")
[ -z "${SHAPES:-}" ] || props+=(-Dbench.shapes="$SHAPES")
[ -z "${WARMUP:-}" ] || props+=(-Dbench.warmup="$WARMUP")
[ -z "${DURATION:-}" ] || props+=(-Dbench.duration="$DURATION")

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started="$(date +%s)"
# shellcheck disable=SC2086
"$java" --enable-native-access=ALL-UNNAMED $java_opts "${props[@]}" -cp "$classpath" \
  io.cleave.bench.RpcBenchmark >&2
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"
took=$(($(date +%s) - started))

{
  echo "# Cleave RPC benchmark"
  echo
  echo "Produced by \`bench/rpc.sh\` (\`io.cleave.bench.RpcBenchmark\`). Two server processes on loopback, measured in"
  echo "the same run: a Cleave node serving \`Contract.Echo\` over gRPC, and a bare grpc-java server echoing raw bytes"
  echo "(no protobuf, no Cleave: the ceiling). The Cleave client is a second Cleave node in the benchmark JVM calling"
  echo "through the injected \`ContractService\` interface: context and deadline (5 s) per call, instance from the"
  echo "registry, least-outstanding balancing, circuit breaker, the request record encoded to protobuf and the response"
  echo "decoded into a record; on the server the whole endpoint chain (metrics, tracing span, validation, deadline,"
  echo "concurrency limit). The request encodes to 140 bytes (the bare echo sends 140 bytes); Cleave's response is"
  echo "the request plus four fields (~175 bytes). N × M: N HTTP/2 connections, M calls in flight on each (N·M"
  echo "client threads, blocking calls). Calls/s counts answered calls in the measured window; failed calls are"
  echo "counted as errors and left out of the latencies."
  echo
  echo "| | |"
  echo "|---|---|"
  bench_facts
  echo "| CPUs shared by | the client, both servers and the registry |"
  echo "| warm-up / measured per shape and server | ${WARMUP:-5} s / ${DURATION:-10} s |"
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| duration | ${took} s |"
  echo
  cat "$figures"
} >"$out"
log "results written to $out"
cat "$out"
