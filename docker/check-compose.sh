#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine: renders it with `config` (which parses,
# interpolates and checks it against the Compose Specification but starts nothing), then checks that
# it refuses to render without each of its secrets (POSTGRES_PASSWORD, CLEAVE_JWT_SECRET, CLEAVE_OPERATOR_PASSWORD),
# which must never have a default. Then checks, statically, that
# the Dockerfile the compose file builds trains its AOT cache on the layout it runs (no engine here to build it).
#
# Uses `docker compose` (v2 plugin) if it works, else `docker-compose`; when neither is there and this
# runs as root with apt-get, installs Debian's docker-compose. Usage: docker/check-compose.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="$here/compose.yaml"
# Not credentials: marker values that only let the file render (the hash is of no password: 53 dots).
check_password="compose-config-check"
check_secret="compose-config-check-not-a-jwt-secret"
check_hash='{bcrypt}$2a$12$.....................................................'
secrets=(POSTGRES_PASSWORD CLEAVE_JWT_SECRET CLEAVE_OPERATOR_PASSWORD)

say() { printf 'check-compose: %s\n' "$*"; }
fail() { printf 'check-compose: FAILED: %s\n' "$*" >&2; exit 1; }

[ -f "$file" ] || fail "$file not found"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "neither 'docker compose' nor 'docker-compose' found; installing Debian's docker-compose (apt-get)"
  apt_log="$(mktemp)"
  # --no-install-recommends: its Recommends include the Docker engine, which the check does not need.
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends docker-compose; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    fail "could not install docker-compose with apt-get (output above)"
  fi
  rm -f "$apt_log"
  command -v docker-compose >/dev/null 2>&1 || fail "apt-get installed docker-compose but it is not on PATH"
  compose=(docker-compose)
else
  fail "no Compose implementation found. Install the Docker Compose v2 plugin (package docker-compose-plugin \
from Docker's apt repository, or docker-compose-v2 on Ubuntu), or Debian's 'docker-compose' \
(sudo apt-get install docker-compose)."
fi
say "using '${compose[*]}' ($("${compose[@]}" version 2>/dev/null | head -n 1))"

# An empty env file keeps a developer's docker/.env (which may hold a real password) out of the check.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
: >"$scratch/empty.env"
run_config() { "${compose[@]}" --env-file "$scratch/empty.env" -f "$file" config; }

with_secrets() {
  POSTGRES_PASSWORD="$check_password" CLEAVE_JWT_SECRET="$check_secret" CLEAVE_OPERATOR_PASSWORD="$check_hash" "$@"
}

# 1. Renders with the secrets set, and the values land where they should.
say "1/3: ${secrets[*]} set: ${compose[*]} -f docker/compose.yaml config"
if ! with_secrets run_config >"$scratch/rendered.yaml" 2>"$scratch/err.txt"; then
  cat "$scratch/err.txt" >&2
  fail "compose.yaml does not render"
fi
for expected in "postgres:17" "SPRING_PROFILES_ACTIVE: postgres,prod" "jdbc:postgresql://db:5432/" \
    "CLEAVE_DB_PASSWORD: $check_password" "CLEAVE_GATEWAY_SECURITY_JWT_SECRET: $check_secret" \
    "CLEAVE_GATEWAY_SECURITY_OPERATORS_0_NAME: operator" "service_healthy" "127.0.0.1" "pg_isready"; do
  grep -qF -- "$expected" "$scratch/rendered.yaml" \
    || fail "rendered config lacks '$expected':
$(cat "$scratch/rendered.yaml")"
done
# The hash has $ signs: compose must pass it as it is (rendered, a literal $ is written $$).
grep OPERATORS_0_PASSWORD "$scratch/rendered.yaml" | grep -qF -- "${check_hash//\$/\$\$}" \
  || fail "the operator's password hash does not reach the node unchanged:
$(grep OPERATORS_0_PASSWORD "$scratch/rendered.yaml")"
say "    ok: renders ($(grep -c '' "$scratch/rendered.yaml") lines), db is postgres:17 with pg_isready," \
  "cleave waits for it healthy, runs profiles postgres and prod with the JWT secret and operator given," \
  "port bound to 127.0.0.1"

# 2. Refuses to render without any one of them, naming it.
for secret in "${secrets[@]}"; do
  say "2/3: ${compose[*]} -f docker/compose.yaml config  ($secret unset: must fail)"
  if with_secrets env -u "$secret" "${compose[@]}" --env-file "$scratch/empty.env" -f "$file" config \
      >/dev/null 2>"$scratch/err.txt"; then
    fail "compose.yaml renders without $secret: it must be required (\${$secret:?...})"
  fi
  grep -q "set $secret" "$scratch/err.txt" \
    || fail "rendering without $secret failed, but not with the expected message:
$(cat "$scratch/err.txt")"
  say "    ok: refused with: $(grep -v '^[[:space:]]*$' "$scratch/err.txt" | tail -n 1 | cut -c 1-300)"
done
# 3. The Dockerfile: the cache is trained on, checked against, and used with the same layout path.
dockerfile="$here/Dockerfile"
say "3/3: docker/Dockerfile trains its AOT cache on the layout it runs"
cache="$(sed -n 's/.*-XX:AOTCacheOutput=\([^ ]*\) .*/\1/p' "$dockerfile")"
[ -n "$cache" ] || fail "Dockerfile has no training run (-XX:AOTCacheOutput=...)"
grep -q -- "extract --layers" "$dockerfile" || fail "Dockerfile does not extract the jar's layers"
grep -q -- "-XX:AOTCacheOutput=$cache -jar /app/cleave.jar --cleave.training-run=true" "$dockerfile" \
  || fail "the training run does not start /app/cleave.jar with --cleave.training-run=true (a whole start)"
grep -q -- "-XX:AOTCache=$cache -XX:AOTMode=on" "$dockerfile" || fail "the cache is not checked with AOTMode=on"
grep -qF -- "ENTRYPOINT [\"java\", \"-XX:AOTCache=$cache\", \"-jar\", \"/app/cleave.jar\"]" "$dockerfile" \
  || fail "ENTRYPOINT does not run /app/cleave.jar with -XX:AOTCache=$cache"
say "    ok: trained into $cache from /app/cleave.jar, checked with AOTMode=on, used by the ENTRYPOINT"
say "docker/compose.yaml and docker/Dockerfile are valid"
