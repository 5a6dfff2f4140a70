#!/usr/bin/env bash
# Profiling the gateway's hot path by hand, as bench/results/gateway.md's rounds were measured: nodes started as
# bench/gateway.sh starts its node, loaded in turns by wrk, each turn reporting the node's CPU time per request, and
# JFR recordings to read with bench/profile/shares.py. Interleaved turns on nodes that are up side by side are the only
# figures that compare: between runs minutes apart, this machine's speed alone moves them by up to a fifth.
#
#   ./mvnw -q package -DskipTests                       # the jar the nodes run (bin/cleave)
#   bench/profile/edge.sh start /tmp/a                   # a node, its files in /tmp/a; extra arguments go to the node
#   bench/profile/edge.sh start /tmp/b --logging.level.io.cleave.gateway.access=off
#   bench/profile/edge.sh turns 3 12 /tmp/a /tmp/b       # 3 rounds, 12 s of wrk on each node in turn
#   bench/profile/edge.sh load /tmp/a 15 /tmp/a/cpu.jfr  # one turn, recorded (1 ms sampling)
#   bench/profile/shares.py /tmp/a/cpu.jfr layers
#   bench/profile/edge.sh stop /tmp/a /tmp/b
#
# A node started from another checkout (a git worktree of the build to compare with) is the A of an A/B: set REPO to
# it. The first start of a new jar trains bin/cleave's caches (about a minute). Needs wrk and curl, as bench/gateway.sh.
set -euo pipefail

name=edge-profile
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
node_repo="${REPO:-$repo}"
jfr_tool="$(dirname "$java")/jfr"
jcmd="$(dirname "$java")/jcmd"

start() { # DIR [node arguments...]
  local dir="$1" port token
  shift
  [ ! -e "$dir/pid" ] || die "$dir already has a node (pid $(cat "$dir/pid")): stop it first"
  port="$(free_port)"
  gateway_node_start "$node_repo" "$dir/node" "$port" "$@"
  echo "$gateway_node_pid" >"$dir/pid"
  echo "$port" >"$dir/port"
  token="$(gateway_node_ready "$node_repo" "$dir/node" "$port" "$gateway_node_pid")" || { rm -f "$dir/pid"; exit 1; }
  gateway_wrk_request "$token" >"$dir/post.lua"
  log "node $gateway_node_pid on port $port ($dir)"
}

load() { # DIR SECONDS [RECORDING.jfr]: prints "<dir> <req/s> req/s <µs> µs CPU/request load <1 min>"
  local dir="$1" seconds="$2" recording="${3:-}" pid before after requests
  pid="$(cat "$dir/pid")"
  if [ -n "$recording" ]; then
    "$jfr_tool" configure --input profile jdk.ExecutionSample#period=1ms --output "$dir/profile.jfc" >/dev/null
    "$jcmd" "$pid" JFR.start name=edge settings="$dir/profile.jfc" filename="$recording" >/dev/null
  fi
  before="$(cpu_ticks "$pid")"
  wrk -t2 -c16 -d"${seconds}s" -s "$dir/post.lua" "http://127.0.0.1:$(cat "$dir/port")/api/DB/Query" >"$dir/wrk.txt"
  after="$(cpu_ticks "$pid")"
  [ -z "$recording" ] || "$jcmd" "$pid" JFR.stop name=edge >/dev/null
  requests="$(awk '/requests in/ { print $1 }' "$dir/wrk.txt")"
  awk -v dir="$dir" -v rps="$(awk '/Requests\/sec/ { print $2 }' "$dir/wrk.txt")" -v ticks=$((after - before)) \
    -v hz="$(getconf CLK_TCK)" -v n="$requests" -v load="$(cut -d ' ' -f 1 /proc/loadavg)" \
    'BEGIN { printf "%s %s req/s %.1f µs CPU/request load %s\n", dir, rps, ticks * 1e6 / hz / n, load }'
}

turns() { # ROUNDS SECONDS DIR...: a 15 s warm-up turn each, then the rounds
  local rounds="$1" seconds="$2" dir
  shift 2
  for dir in "$@"; do load "$dir" 15 >/dev/null; done
  for _ in $(seq 1 "$rounds"); do
    for dir in "$@"; do load "$dir" "$seconds"; done
  done
}

stop() { # DIR...
  local dir
  for dir in "$@"; do
    [ -e "$dir/pid" ] || continue
    kill -TERM "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  done
}

command="${1:-}"
shift || true
case "$command" in
  start | load | turns | stop) "$command" "$@" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
