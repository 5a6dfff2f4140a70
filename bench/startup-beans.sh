#!/usr/bin/env bash
# Where the singleton phase of a bin/cleave start goes, bean by bean: starts target/cleave.jar as bin/cleave does
# (JDK AOT cache + Spring AOT trained for the measured configuration: a copy of config/, fresh data directory, ports
# 0) with Spring's BufferingApplicationStartup (bench/startup-beans/StartupBeans.java, compiled against the launcher's
# layout and appended to its class path: the AOT cache still applies), RUNS times, and writes the median "self" time
# of the slowest beans (a bean's time minus the beans it created as dependencies) to bench/results/startup-beans.md.
#
#   bench/startup-beans.sh                 # RUNS=5, TOP=20
#   RUNS=1 TOP=40 OUT=/tmp/beans.md bench/startup-beans.sh
#
# Buffering the steps costs a little itself; read the figures as shares of the phase, beside bench/startup.sh's.
set -euo pipefail
absolute() { case "$1" in /*|'') printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
JAR="$(absolute "${JAR:-}")" OUT="$(absolute "${OUT:-}")"
name=startup-beans
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs="${RUNS:-5}" top="${TOP:-20}"
out="${OUT:-$repo/bench/results/startup-beans.md}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$runs')"
[[ "$top" =~ ^[1-9][0-9]*$ ]] || die "TOP must be a positive integer (got '$top')"
jar="${JAR:-$repo/target/cleave.jar}"
if [ ! -f "$jar" ]; then
  log "target/cleave.jar missing: building it (./mvnw -B -q package -DskipTests)"
  ./mvnw -B -q package -DskipTests >&2
fi
[ -x "$java_home/bin/javac" ] || die "Spring AOT in bin/cleave needs a JDK 25+ with javac ($java_home)"

work="$(mktemp -d "${TMPDIR:-/tmp}/cleave-beans.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$jar" "$work/cleave.jar"
mkdir -p "$work/prepare" && cp -R "$repo/config" "$work/prepare/config"
log "preparing bin/cleave's layout, AOT cache and Spring AOT for the measured configuration (once)"
(cd "$work/prepare" && JAVA_HOME="$java_home" CLEAVE_AOT=prepare CLEAVE_JAR="$work/cleave.jar" "$repo/bin/cleave" \
  --server.port=0 --cleave.registry.etcd-api.port=0) >"$work/prepare.log" 2>&1 \
  || { tail -n 30 "$work/prepare.log" >&2; die "bin/cleave could not prepare"; }
spring="$(dirname "$(find "$work/cleave-app/spring-aot" -name cleave.aot | head -n 1)")"
[ -s "$spring/cleave.aot" ] || die "no Spring AOT cache under $work/cleave-app/spring-aot (see $work/prepare.log)"
classpath="$work/cleave-app/cleave.jar:$spring/cleave-aot.jar"
mkdir -p "$work/probe"
"$java_home/bin/javac" -proc:none -nowarn -d "$work/probe" -cp "$classpath" "$repo/bench/startup-beans/StartupBeans.java"
"$java_home/bin/jar" cf "$work/probe.jar" -C "$work/probe" .

loads=()
for i in $(seq "$runs"); do
  mkdir -p "$work/run$i" && cp -R "$repo/config" "$work/run$i/config"
  loads+=("$(cut -d ' ' -f 1 /proc/loadavg)")
  (cd "$work/run$i" && "$java" -XX:AOTCache="$spring/cleave.aot" -Dspring.aot.enabled=true \
    -cp "$classpath:$work/probe.jar" StartupBeans --server.port=0 --cleave.registry.etcd-api.port=0) \
    >"$work/run$i.log" 2>&1 || { tail -n 30 "$work/run$i.log" >&2; die "run $i failed"; }
  log "run $i: ready after $(awk -F'\t' '$1 == "READY" { print $2 }' "$work/run$i.log") ms (load average ${loads[-1]})"
done

# Per bean: the median over the runs of its self time (a bean missing from a run counts as 0 there).
median_table() {
  awk -F'\t' -v runs="$runs" '
    $1 == "STEP" { key = $2 "\t" $3; self[key, FILENAME] += $4; total[key, FILENAME] += $5; keys[key] = 1 }
    FNR == 1 { files[++n] = FILENAME }
    function median(a, m,   i, j, t) {
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      for (k in keys) {
        for (i = 1; i <= n; i++) { s[i] = self[k, files[i]] + 0; t[i] = total[k, files[i]] + 0 }
        printf "%.1f\t%.1f\t%s\n", median(s, n) / 1000, median(t, n) / 1000, k
      }
    }' "$work"/run*.log | sort -t $'\t' -k 1,1 -g -r
}
median_table >"$work/table.tsv"
ready="$(awk -F'\t' '$1 == "READY" { print $2 }' "$work"/run*.log | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
instantiate_ms="$(awk -F'\t' '$3 == "spring.beans.instantiate" { s += $1 } END { printf "%.0f", s }' "$work/table.tsv")"

{
  echo "# Start-up, bean by bean (bench/startup-beans.sh)"
  echo
  echo "Written by bench/startup-beans.sh: bin/cleave's start (JDK AOT cache + Spring AOT, a copy of config/, fresh"
  echo "data directory) with Spring's buffered start-up steps; per bean the median over $runs run(s) of its **self** time"
  echo "(the bean's \`spring.beans.instantiate\` step minus the beans it created as dependencies), slowest $top."
  echo
  echo "| fact | value |"
  echo "|---|---|"
  bench_facts
  echo "| runs | $runs, load average at each start: ${loads[*]} |"
  echo "| main to ready event, median | $ready ms |"
  echo "| all bean instantiation (sum of medians of self times) | $instantiate_ms ms |"
  echo
  echo "| bean | self, median (ms) | with its dependencies, median (ms) |"
  echo "|---|---:|---:|"
  awk -F'\t' -v top="$top" '$3 == "spring.beans.instantiate" && n++ < top { printf "| `%s` | %.0f | %.0f |\n", $4, $1, $2 }' \
    "$work/table.tsv"
  echo
  echo "Other steps (self, median ms): $(awk -F'\t' '$3 != "spring.beans.instantiate" && $1 >= 5 {
    printf "%s`%s%s` %.0f", sep, $3, ($4 == "-" ? "" : " " $4), $1; sep = ", " }' "$work/table.tsv")."
  bench_kept "$out"
} >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out"
