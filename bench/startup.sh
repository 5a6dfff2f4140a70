#!/usr/bin/env bash
# Startup benchmark for target/cleave.jar: time from process launch to /actuator/health "UP" (overall
# status, readiness included), resident memory right after UP, and SIGTERM-to-exit time, for three ways
# of starting the same jar, measured side by side in one run:
#   jar        java -jar cleave.jar (the fat jar)
#   extracted  java -jar cleave-app/cleave.jar (the layout of `java -Djarmode=tools -jar cleave.jar extract`)
#   launcher   bin/cleave (that layout with the JDK AOT cache and Spring AOT it trains; its one-off training is timed apart)
#   base       bin/cleave on another build, BASE_JAR (a baseline commit's jar): before/after in one run;
#              BASE_LAUNCHER is that build's own bin/cleave (default: this one), e.g. for a commit before
#              the whole-start training: git archive <commit> bin .mvn | tar -x -C /tmp/before
#
# Each of RUNS rounds starts every variant twice in a fresh working directory of its own (a copy of
# config/ and an empty data dir): a "fresh" start (empty H2 database: migrations run) and then a
# "restart" on the data that start left behind. Variants take turns within a round, so a change in the
# machine's load hits them alike.
#
#   bench/startup.sh                     # RUNS=5, writes bench/results/startup.md and prints it
#   RUNS=3 VARIANTS='jar launcher' OUT=/tmp/x.md bench/startup.sh
#   BASE_JAR=/tmp/before/cleave.jar VARIANTS='base launcher' bench/startup.sh   # a change, before/after
#
# Besides the totals it reports where the time goes, per phase, from each start's log: JVM launch until
# Spring Boot logs "Starting"; bean definitions (configuration classes, component scanning, conditions) until
# the web context is initialized; singletons (migrations, stores, every module's beans) until Tomcat has
# started; the remaining lifecycle (etcd's API, gRPC) until "Started"; and from there to health UP (ready
# event: this node's registration; the first health answers).
#
# Environment: RUNS (5), VARIANTS ("jar extracted launcher"), JAVA_OPTS (extra JVM flags for every
# variant, default none), OUT (result file),
# UP_TIMEOUT (seconds to wait for UP, 120), STOP_TIMEOUT (seconds to wait for exit after SIGTERM, 60),
# JAR (the jar to measure; default target/cleave.jar, built when missing),
# JAVA_HOME (used when it is a JDK 21+; otherwise .mvn/jdk.sh picks one).
# The numbers are only comparable on an otherwise idle machine: the load average is recorded.
set -euo pipefail

name=startup-bench
# lib.sh changes to the checkout: JAR, BASE_JAR and OUT given relative to where this was started are resolved first.
absolute() { case "$1" in /*|'') printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
JAR="$(absolute "${JAR:-}")" BASE_JAR="$(absolute "${BASE_JAR:-}")" OUT="$(absolute "${OUT:-}")"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs="${RUNS:-5}"
variants="${VARIANTS:-jar extracted launcher}"
base_jar="${BASE_JAR:-}"
base_launcher="${BASE_LAUNCHER:-$repo/bin/cleave}"
java_opts="${JAVA_OPTS:-}"
out="${OUT:-$repo/bench/results/startup.md}"
up_timeout="${UP_TIMEOUT:-120}"
stop_timeout="${STOP_TIMEOUT:-60}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer (got '$runs')" >&2; exit 2; }
for v in $variants; do
  case "$v" in jar|extracted|launcher|base) ;; *) echo "VARIANTS: unknown variant '$v' (jar, extracted, launcher, base)" >&2; exit 2 ;; esac
  if [ "$v" = base ] && [ ! -f "$base_jar" ]; then echo "VARIANTS has base: set BASE_JAR to the baseline's jar" >&2; exit 2; fi
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }

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

# Others may rebuild target/ while this runs: a jar replaced under a running JVM breaks it. Each variant
# gets its own copy (the launcher keeps its layout and cache beside the jar it is given).
mkdir -p "$work/jar" "$work/extracted" "$work/launcher" "$work/base"
cp "$jar" "$work/jar/cleave.jar"
cp "$jar" "$work/launcher/cleave.jar"
if [ -n "$base_jar" ]; then cp "$base_jar" "$work/base/cleave.jar"; fi
jar_mib="$(awk -v b="$(stat -c %s "$work/jar/cleave.jar")" 'BEGIN { printf "%.1f", b / 1048576 }')"
"$java" -Djarmode=tools -jar "$work/jar/cleave.jar" extract --destination "$work/extracted/cleave-app" >/dev/null
layout_mib="$(du -sm "$work/extracted/cleave-app" | cut -f 1)"
training_ms="n/a"
cache_mib="n/a"
if [[ " $variants " == *" launcher "* ]]; then
  # The launcher's first start extracts and trains (the JDK's cache, then Spring AOT for the configuration the
  # measured starts use: a copy of config/, these JVM options; ports and data directory are not part of it); time
  # that apart from the starts measured below.
  log "launcher: extracting and training the AOT cache and Spring AOT (once per build and configuration)"
  t_train="$(now_ms)"
  mkdir -p "$work/launcher/prepare" && cp -R "$repo/config" "$work/launcher/prepare/config"
  (cd "$work/launcher/prepare" && JAVA_HOME="$java_home" JAVA_OPTS="$java_opts" CLEAVE_AOT=prepare \
    CLEAVE_JAR="$work/launcher/cleave.jar" "$repo/bin/cleave" --server.port=0 --cleave.registry.etcd-api.port=0) \
    >"$work/launcher/first.log" 2>&1 \
    || { log "bin/cleave failed:"; tail -n 30 "$work/launcher/first.log" >&2; exit 1; }
  training_ms=$(($(now_ms) - t_train))
  cache_mib="$(du -m "$work/launcher/cleave-app/cleave.aot" | cut -f 1)"
fi
if [[ " $variants " == *" base "* ]]; then
  log "base: extracting and training the baseline's AOT cache"
  JAVA_HOME="$java_home" CLEAVE_AOT=prepare CLEAVE_JAR="$work/base/cleave.jar" "$base_launcher" \
    >"$work/base/first.log" 2>&1 || { log "bin/cleave failed on BASE_JAR:"; tail -n 30 "$work/base/first.log" >&2; exit 1; }
fi

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
measure() { # $1 = variant, $2 = kind (fresh|restart), $3 = run number, $4 = working directory
  local variant="$1" kind="$2" run="$3" dir="$4" port etcd_port t0 t_up up_ms rss_kb rss_mib ready stop_ms t_stop rc body
  port="$(free_port)"
  etcd_port="$(free_port)"
  while [ "$etcd_port" = "$port" ]; do etcd_port="$(free_port)"; done
  local logf="$dir/$kind.log"
  local -a start
  case "$variant" in
    jar) start=("$java" $java_opts -jar "$work/jar/cleave.jar") ;;
    extracted) start=("$java" $java_opts -jar "$work/extracted/cleave-app/cleave.jar") ;;
    launcher) start=(env JAVA_HOME="$java_home" JAVA_OPTS="$java_opts" CLEAVE_JAR="$work/launcher/cleave.jar" \
      "$repo/bin/cleave") ;;
    base) start=(env JAVA_HOME="$java_home" JAVA_OPTS="$java_opts" CLEAVE_JAR="$work/base/cleave.jar" \
      "$base_launcher") ;;
  esac
  t0="$(now_ms)"
  # The launcher execs java: $pid is the JVM in every variant.
  (cd "$dir" && exec "${start[@]}" --server.port="$port" --cleave.registry.etcd-api.port="$etcd_port" >"$logf" 2>&1) &
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
      # A free port can be taken between the check and the bind (other processes on the machine pick ports too):
      # that start says nothing about start-up time, so it is run again (on the same data) with other ports.
      if grep -q 'already in use' "$logf" && [ "${port_retries:-0}" -lt 3 ]; then
        log "$variant $kind run $run: a port was taken meanwhile; starting again on other ports"
        if [ "$kind" = fresh ]; then rm -rf "$dir/data" && mkdir -p "$dir/data"; fi
        port_retries=$((${port_retries:-0} + 1)) measure "$@"
        return
      fi
      log "$variant $kind run $run: the process exited ($rc) before UP; last log lines:"
      tail -n 30 "$logf" >&2
      return 1
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      log "$variant $kind run $run: not UP within ${up_timeout}s; last log lines:"
      tail -n 30 "$logf" >&2
      return 1
    fi
    sleep 0.05
  done
  up_ms=$((t_up - t0))
  rss_kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
  rss_mib="$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  # Spring's own measure, from the log: "Started ... in X seconds" (SpringApplication.run until the context has
  # started, so without the JVM's start; application_ready_time is behind the operator role on /actuator/prometheus).
  ready="$(sed -n 's/.* Started [A-Za-z]*Application in \([0-9.]*\) seconds.*/\1/p' "$logf" | head -n 1 \
    | awk 'NF { printf "%d", $1 * 1000 }')" || true
  ready="${ready:-n/a}"

  # SIGTERM, then wait for the exit; a watchdog sends SIGKILL if it takes longer than STOP_TIMEOUT.
  t_stop="$(now_ms)"
  kill -TERM "$pid"
  (
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$stop_timeout" & s=$!
    wait "$s"
    echo "startup-bench: $variant $kind run $run: no exit ${stop_timeout}s after SIGTERM, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
  ) &
  watchdog=$!
  wait "$pid" && rc=0 || rc=$?
  stop_ms=$(($(now_ms) - t_stop))
  pid=""
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  watchdog=""

  printf '%s %s %s %s %s %s %s %s\n' "$variant" "$kind" "$run" "$up_ms" "$rss_mib" "$ready" "$stop_ms" "$rc" >>"$work/samples"
  printf '%s %s %s %s\n' "$variant" "$kind" "$run" "$(phases "$logf" "$t0" "$t_up")" >>"$work/phases"
  log "$variant $kind run $run: UP after ${up_ms} ms, RSS ${rss_mib} MiB, Spring started in ${ready} ms, stopped in ${stop_ms} ms (exit $rc)"
}

# Milliseconds of each start phase, from the log's timestamps (Boot's default ISO-8601 format, UTC):
# launch, definitions, singletons, lifecycle, ready (see the top of this file); n/a where a line is missing.
phases() { # $1 = log file, $2 = launch (ms since the epoch), $3 = UP (ms since the epoch)
  local at m
  at() { # ms since the epoch of the first log line matching $1
    local stamp
    stamp="$(grep -m 1 -E "$1" "$logf_p" | grep -oE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?' || true)"
    if [ -n "$stamp" ]; then date -u -d "$stamp" +%s%3N; else echo n/a; fi
  }
  local logf_p="$1"
  local -a t=("$2" "$(at 'Starting (AOT-processed )?[A-Za-z]+Application ')" "$(at 'WebApplicationContext: initialization completed')" \
    "$(at 'Tomcat started on port')" "$(at 'Started [A-Za-z]+Application in')" "$3")
  local out="" i
  for i in 0 1 2 3 4; do
    if [ "${t[i]}" = n/a ] || [ "${t[i+1]}" = n/a ]; then m=n/a; else m=$((t[i+1] - t[i])); fi
    out="$out $m"
  done
  echo "${out# }"
}

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
log "java: $java ($("$java" -version 2>&1 | head -n 1)); jar: ${jar_mib} MiB; runs: $runs; variants: $variants; JAVA_OPTS: ${java_opts:-none}"
: >"$work/samples"
: >"$work/phases"
for run in $(seq 1 "$runs"); do
  for variant in $variants; do
    dir="$work/run-$run-$variant"
    mkdir -p "$dir/data"
    cp -R "$repo/config" "$dir/config"
    measure "$variant" fresh "$run" "$dir"
    measure "$variant" restart "$run" "$dir"
  done
done

load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

# ---- report -------------------------------------------------------------------------------------------
# min / median / max of column $3 (1-based within a sample line) for variant $1 and kind $2.
stats() {
  awk -v variant="$1" -v kind="$2" -v col="$3" '$1 == variant && $2 == kind && $col != "n/a" { print $col }' \
    "$work/samples" | sort -g \
    | awk '{ v[NR] = $1 }
      END {
        if (NR == 0) { print "n/a | n/a | n/a"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        fmt = (v[1] ~ /\./) ? "%.1f" : "%d"
        printf fmt " | " fmt " | " fmt "\n", v[1], m, v[NR]
      }'
}
median() { stats "$1" "$2" "$3" | awk -F' [|] ' '{ print $2 }'; }
# Median of phase column $3 (1-based within a phases line) for variant $1 and kind $2.
phase_median() {
  awk -v variant="$1" -v kind="$2" -v col="$3" '$1 == variant && $2 == kind && $col != "n/a" { print $col }' \
    "$work/phases" | sort -g | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "n/a"; exit }
      printf "%d\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { # median time to UP of variant $1 over variant $3's (default the fat jar), for kind $2
  awk -v a="$(median "$1" "$2" 4)" -v b="$(median "${3:-jar}" "$2" 4)" \
    'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "×%.2f", a / b; else print "n/a" }'
}
ratios_to() { # $1 = the reference variant, $2 = what it is: every other variant's median time to UP over its own
  [[ " $variants " == *" $1 "* ]] || return 0
  echo "Median time to UP relative to $2 (fresh / restart):"
  for variant in $variants; do
    [ "$variant" = "$1" ] || echo "$variant $(ratio "$variant" fresh "$1") / $(ratio "$variant" restart "$1");"
  done
  echo
}
exit_codes() { awk -v variant="$1" '$1 == variant { print $8 }' "$work/samples" | sort | uniq -c \
  | awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1 }'; }

mem_gib="$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"

# Before the result file is opened: writing it would make the checkout look modified.
facts="$(bench_facts)"
kept="$(bench_kept "$out")" # the analysis, below the marker
mkdir -p "$(dirname "$out")"
{
  echo "# Cleave startup benchmark"
  echo
  echo "Produced by \`bench/startup.sh\`: the same jar started three ways, side by side in one run —"
  echo "**jar** \`java -jar cleave.jar\`; **extracted** \`java -jar cleave-app/cleave.jar\` (the layout of"
  echo "\`java -Djarmode=tools -jar cleave.jar extract\`); **launcher** \`bin/cleave\` (that layout with the JDK AOT"
  echo "cache and the Spring AOT code it generated and trained beforehand for this configuration). Each run starts every variant in a fresh working directory (copy of \`config/\`,"
  echo "empty \`data/\`): a **fresh** start (empty H2 database, migrations run), then a **restart** on the data it left."
  echo "Time to UP: process launch until \`GET /actuator/health\` answers \`\"status\":\"UP\"\` (polled every 50 ms; it"
  echo "includes readiness: the store, etcd's API, the node's registration). RSS: \`VmRSS\` right after UP. Spring"
  echo "started: Boot's own \"Started … in X seconds\" from the log (from \`SpringApplication.run\`, so without the JVM's"
  echo "start, and before the ready event and the first health answer). Shutdown:"
  echo "SIGTERM until the process has exited (graceful shutdown). **base** (when present): \`bin/cleave\` on a"
  echo "baseline build's jar (\`BASE_JAR\`), interleaved with the others, for a before/after on one machine state."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "$facts"
  echo "| RAM | ${mem_gib} GiB |"
  echo "| JVM flags | ${java_opts:-none (JVM defaults)} |"
  echo "| jar | ${jar_mib} MiB ($( [ "$jar" = "$repo/target/cleave.jar" ] && echo target/cleave.jar || echo "$jar")); extracted layout ${layout_mib} MiB |"
  echo "| launcher's one-off extraction + training | ${training_ms} ms; AOT cache ${cache_mib} MiB |"
  if [ -n "$base_jar" ]; then echo "| base | $base_launcher on $base_jar |"; fi
  echo "| load average (1/5/15 min) | before: $load_before; after: $load_after |"
  echo "| runs | $runs fresh + $runs restarts per variant |"
  echo
  echo "| metric | variant | kind | min | median | max |"
  echo "|---|---|---|---:|---:|---:|"
  # metric label:column of the per-run table
  for metric in "time to UP (ms):4" "Spring started in (ms, from its log):6" "RSS after UP (MiB):5" "shutdown after SIGTERM (ms):7"; do
    for variant in $variants; do
      for kind in fresh restart; do
        echo "| ${metric%:*} | $variant | $kind | $(stats "$variant" "$kind" "${metric##*:}") |"
      done
    done
  done
  echo
  ratios_to jar "the fat jar"
  ratios_to base "the baseline build (BASE_JAR, through its bin/cleave)"
  echo "Where the time goes: median milliseconds per phase, from each start's log (see the top of"
  echo "\`bench/startup.sh\`); the phases' medians need not add up to the total's median."
  echo
  echo "| variant | kind | JVM launch → Boot \"Starting\" | bean definitions → web context | singletons (migrations…) → Tomcat started | lifecycle (etcd API…) → \"Started\" | ready event + health → UP |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for variant in $variants; do
    for kind in fresh restart; do
      echo "| $variant | $kind | $(phase_median "$variant" "$kind" 4) | $(phase_median "$variant" "$kind" 5) | $(phase_median "$variant" "$kind" 6) | $(phase_median "$variant" "$kind" 7) | $(phase_median "$variant" "$kind" 8) |"
    done
  done
  echo
  echo "Exit codes after SIGTERM (143 = 128 + SIGTERM, the JVM's normal exit on that signal):"
  for variant in $variants; do echo "$variant $(exit_codes "$variant");"; done
  echo
  echo "<details><summary>All runs</summary>"
  echo
  echo "| run | variant | kind | time to UP (ms) | RSS (MiB) | Spring started in (ms) | shutdown (ms) | exit |"
  echo "|---:|---|---|---:|---:|---:|---:|---:|"
  awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $3, $1, $2, $4, $5, $6, $7, $8 }' "$work/samples"
  echo
  echo "</details>"
  if [ -n "$kept" ]; then echo; echo "$kept"; fi
} >"$out"
log "results written to $out"
cat "$out"
