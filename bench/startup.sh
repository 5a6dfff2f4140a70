#!/usr/bin/env bash
# Startup benchmark for target/cleave.jar: time from process launch to /actuator/health "UP",
# resident memory right after UP, and SIGTERM-to-exit time.
#
# Each of RUNS rounds starts Cleave twice in one fresh working directory (a copy of config/ and an
# empty data dir): a "fresh" start (empty H2 database: migrations run) and then a "restart" on the
# data that start left behind. The two kinds are reported separately.
#
#   bench/startup.sh                     # RUNS=5, writes bench/results/startup.md and prints it
#   RUNS=3 JAVA_OPTS='-Dspring.modulith.runtime.flyway-enabled=false' OUT=/tmp/x.md bench/startup.sh
#
# Environment: RUNS (5), JAVA_OPTS (extra JVM flags, default none), OUT (result file),
# UP_TIMEOUT (seconds to wait for UP, 120), STOP_TIMEOUT (seconds to wait for exit after SIGTERM, 60),
# JAR (the jar to measure; default target/cleave.jar, built when missing),
# JAVA_HOME (used when it is a JDK 21+; otherwise .mvn/jdk.sh picks one).
# The numbers are only comparable on an otherwise idle machine: the load average is recorded.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
java_opts="${JAVA_OPTS:-}"
out="${OUT:-$repo/bench/results/startup.md}"
up_timeout="${UP_TIMEOUT:-120}"
stop_timeout="${STOP_TIMEOUT:-60}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer (got '$runs')" >&2; exit 2; }

log() { printf 'startup-bench: %s\n' "$*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- JDK 21+: JAVA_HOME if new enough, else the wrapper's own selection logic ------------------------
# .mvn/jdk.sh keeps JAVA_HOME (or the javac on PATH) when it is 21+, otherwise exports the newest
# JDK 21+ it finds, otherwise exits saying what to install. It leaves `set -f` behind (mvnw runs so).
# shellcheck source=/dev/null
. "$repo/.mvn/jdk.sh"
set +f
if [ -n "${JAVA_HOME-}" ]; then
  java="$JAVA_HOME/bin/java"
else
  java="$(command -v java)"
fi
"$java" -version >/dev/null 2>&1 || { log "no working java at $java"; exit 1; }

# ---- the jar: build it if missing, then benchmark a private copy ---------------------------------------
jar="${JAR:-$repo/target/cleave.jar}"
if [ -n "${JAR:-}" ] && [ ! -f "$jar" ]; then
  log "JAR=$jar does not exist"
  exit 1
fi
if [ ! -f "$jar" ]; then
  log "target/cleave.jar missing: building it (./mvnw -B -q package -DskipTests)"
  (cd "$repo" && ./mvnw -B -q package -DskipTests)
  [ -f "$jar" ] || { log "the build did not produce $jar"; exit 1; }
fi

# Whether process $1 is still running. Not `kill -0`: a child that has exited stays a zombie, which
# kill -0 still reports as present, until this shell reaps it with `wait`.
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

work="$(mktemp -d "${TMPDIR:-/tmp}/cleave-startup.XXXXXX")"
pid=""
watchdog=""
cleanup() {
  local rc=$?
  if [ -n "$watchdog" ]; then kill "$watchdog" 2>/dev/null || true; fi
  if [ -n "$pid" ] && alive "$pid"; then
    # Spring handles a SIGTERM during startup only once the context has refreshed: allow 20 s.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do alive "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$rc" -eq 0 ]; then
    rm -rf "$work"
  else
    log "failed (exit $rc); logs kept in $work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Others may rebuild target/ while this runs: a jar replaced under a running JVM breaks it.
cp "$jar" "$work/cleave.jar"
jar_mib="$(awk -v b="$(stat -c %s "$work/cleave.jar")" 'BEGIN { printf "%.1f", b / 1048576 }')"

# A TCP port nobody listens on (checked on loopback; Cleave binds all interfaces). Bounded tries.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  log "no free port found"
  return 1
}

# One start: launch, poll health every 50 ms until UP, read RSS and Spring's ready time, SIGTERM,
# wait for exit. Appends "kind run up_ms rss_mib ready_ms stop_ms exit_code" to $work/samples.
measure() { # $1 = kind (fresh|restart), $2 = run number, $3 = working directory
  local kind="$1" run="$2" dir="$3" port etcd_port t0 t_up up_ms rss_kb rss_mib ready stop_ms t_stop rc body
  port="$(free_port)"
  etcd_port="$(free_port)"
  local logf="$dir/$kind.log"
  t0="$(now_ms)"
  # Word splitting of JAVA_OPTS is intended: it is a list of JVM flags.
  # shellcheck disable=SC2086
  (cd "$dir" && exec "$java" $java_opts -jar "$work/cleave.jar" \
    --server.port="$port" --cleave.registry.etcd-api.port="$etcd_port" >"$logf" 2>&1) &
  pid=$!

  local deadline=$((t0 + up_timeout * 1000))
  t_up=""
  while :; do
    if body="$(curl -fsS --max-time 1 "http://127.0.0.1:$port/actuator/health" 2>/dev/null)" \
        && [[ "$body" == *'"status":"UP"'* ]]; then
      t_up="$(now_ms)"
      break
    fi
    if ! alive "$pid"; then
      wait "$pid" && rc=0 || rc=$?
      pid=""
      log "$kind run $run: the process exited ($rc) before UP; last log lines:"
      tail -n 30 "$logf" >&2
      return 1
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      log "$kind run $run: not UP within ${up_timeout}s; last log lines:"
      tail -n 30 "$logf" >&2
      return 1
    fi
    sleep 0.05
  done
  up_ms=$((t_up - t0))
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
  rss_mib="$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  # application_ready_time_seconds: Spring's own measure (from SpringApplication.run, not JVM launch).
  ready="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/actuator/prometheus" 2>/dev/null \
    | awk '/^application_ready_time_seconds[{ ]/ { printf "%d", $NF * 1000; exit }')" || true
  ready="${ready:-n/a}"

  # SIGTERM, then wait for the exit; a watchdog sends SIGKILL if it takes longer than STOP_TIMEOUT.
  t_stop="$(now_ms)"
  kill -TERM "$pid"
  (
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$stop_timeout" & s=$!
    wait "$s"
    echo "startup-bench: $kind run $run: no exit ${stop_timeout}s after SIGTERM, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
  ) &
  watchdog=$!
  wait "$pid" && rc=0 || rc=$?
  stop_ms=$(($(now_ms) - t_stop))
  pid=""
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  watchdog=""

  printf '%s %s %s %s %s %s %s\n' "$kind" "$run" "$up_ms" "$rss_mib" "$ready" "$stop_ms" "$rc" >>"$work/samples"
  log "$kind run $run: UP after ${up_ms} ms, RSS ${rss_mib} MiB, Spring ready ${ready} ms, stopped in ${stop_ms} ms (exit $rc)"
}

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
log "java: $java ($("$java" -version 2>&1 | head -n 1)); jar: ${jar_mib} MiB; runs: $runs; JAVA_OPTS: ${java_opts:-none}"
: >"$work/samples"
for run in $(seq 1 "$runs"); do
  dir="$work/run-$run"
  mkdir -p "$dir/data"
  cp -R "$repo/config" "$dir/config"
  measure fresh "$run" "$dir"
  measure restart "$run" "$dir"
done

load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

# ---- report -------------------------------------------------------------------------------------------
# min / median / max of column $2 (1-based within a sample line) for kind $1.
stats() {
  awk -v kind="$1" -v col="$2" '$1 == kind && $col != "n/a" { print $col }' "$work/samples" | sort -g \
    | awk '{ v[NR] = $1 }
      END {
        if (NR == 0) { print "n/a | n/a | n/a"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        fmt = (v[1] ~ /\./) ? "%.1f" : "%d"
        printf fmt " | " fmt " | " fmt "\n", v[1], m, v[NR]
      }'
}
exit_codes() { awk -v kind="$1" '$1 == kind { print $7 }' "$work/samples" | sort | uniq -c | awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1 }'; }

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then commit="$commit (working tree has uncommitted changes)"; fi
jdk="$("$java" -version 2>&1 | sed -n '2p')"
cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"

mkdir -p "$(dirname "$out")"
{
  echo "# Cleave startup benchmark"
  echo
  echo "Produced by \`bench/startup.sh\`. Each run starts \`java -jar cleave.jar\` in a fresh working"
  echo "directory (copy of \`config/\`, empty \`data/\`): a **fresh** start (empty H2 database, migrations run),"
  echo "then a **restart** on the data it left. Time to UP: process launch until \`GET /actuator/health\`"
  echo "answers \`\"status\":\"UP\"\` (polled every 50 ms). RSS: \`VmRSS\` right after UP. Spring ready:"
  echo "\`application_ready_time_seconds\` (measured by Spring from \`SpringApplication.run\`, so it excludes"
  echo "JVM start). Shutdown: SIGTERM until the process has exited (graceful shutdown)."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| commit | $commit |"
  echo "| JDK | $jdk |"
  echo "| JVM flags | ${java_opts:-none (JVM defaults)} |"
  echo "| CPUs | $(nproc) (${cpu_model:-unknown model}), ${mem_gib} GiB RAM |"
  echo "| jar | ${jar_mib} MiB ($( [ "$jar" = "$repo/target/cleave.jar" ] && echo target/cleave.jar || echo "$jar")) |"
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| runs | $runs fresh + $runs restarts |"
  echo
  echo "| metric | kind | min | median | max |"
  echo "|---|---|---:|---:|---:|"
  # metric label:column of the per-run table
  for metric in "time to UP (ms):3" "Spring ready time (ms):5" "RSS after UP (MiB):4" "shutdown after SIGTERM (ms):6"; do
    for kind in fresh restart; do
      echo "| ${metric%:*} | $kind | $(stats "$kind" "${metric##*:}") |"
    done
  done
  echo
  echo "Exit codes after SIGTERM (143 = 128 + SIGTERM, the JVM's normal exit on that signal):"
  echo "fresh $(exit_codes fresh); restart $(exit_codes restart)."
  echo
  echo "<details><summary>All runs</summary>"
  echo
  echo "| run | kind | time to UP (ms) | RSS (MiB) | Spring ready (ms) | shutdown (ms) | exit |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
  awk '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $1, $3, $4, $5, $6, $7 }' "$work/samples"
  echo
  echo "</details>"
} >"$out"
log "results written to $out"
cat "$out"
