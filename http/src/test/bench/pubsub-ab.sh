#!/usr/bin/env bash
# Side-by-side comparison of builds on POST /pubsub: each build's node.jar runs at once on its own data dir (1000
# entitled tenants, fsynced receipts), and wrk loads them in turn, round after round, so a noisy machine weighs on
# every build alike. Prints per run req/s, p50, p99, non-2xx and the node's CPU per request (from /proc).
# Usage (wrk from Debian's package):
#   bash http/src/test/bench/pubsub-ab.sh ROUNDS SECONDS LABEL=JAR[@JVM_OPTIONS] LABEL=JAR[@JVM_OPTIONS] ...
# e.g. the build of another commit against this one:
#   git worktree add /tmp/old <commit> && (cd /tmp/old && mvn -B -q -DskipTests package)
#   bash http/src/test/bench/pubsub-ab.sh 4 10 old=/tmp/old/http/target/node.jar new=http/target/node.jar
# WARMUP (seconds per build, default 20) and FIRST_PORT (default 28310) can be set in the environment.
set -euo pipefail
trap 'echo "pubsub-ab.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
usage() { echo "usage: pubsub-ab.sh ROUNDS SECONDS LABEL=JAR[@JVM_OPTIONS] ... ($*)" >&2; exit 2; }
[ $# -ge 3 ] || usage "at least one build is needed"
ROUNDS=$1 SECS=$2
shift 2
[[ "$ROUNDS" =~ ^[0-9]+$ && "$SECS" =~ ^[0-9]+$ ]] || usage "ROUNDS and SECONDS are whole numbers"
command -v wrk >/dev/null || { echo "pubsub-ab.sh: wrk is missing: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "pubsub-ab.sh: curl is missing: apt-get install -y curl" >&2; exit 2; }
LUA="$(cd "$(dirname "$0")" && pwd)/pubsub.lua"
WARMUP=${WARMUP:-20}
port=${FIRST_PORT:-28310}

WORK=$(mktemp -d /tmp/pubsub-ab.XXXXXX)
LABELS=() PIDS=() PORTS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 1; rm -rf "$WORK"; }
trap cleanup EXIT
{
  echo 'autonomics.entitlements.seed = ['
  for i in $(seq 0 999); do echo "  { tenant-id = \"tenant-$i\", sku = \"base\" }"; done
  echo ']'
} > "$WORK/tenants.conf"

for build in "$@"; do
  [[ "$build" == *=* ]] || usage "not LABEL=JAR: $build"
  label=${build%%=*} rest=${build#*=}
  jar=${rest%%@*} opts=""
  [[ "$rest" == *@* ]] && opts=${rest#*@}
  [ -f "$jar" ] || usage "no such jar: $jar"
  ! curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "pubsub-ab.sh: port $port is in use" >&2; exit 1; }
  # shellcheck disable=SC2086 # the options are words
  TAI_DATA_DIR="$WORK/$label" PORT=$port java -Xms1g -Xmx1g $opts -Dconfig.file="$WORK/tenants.conf" -jar "$jar" \
    > "$WORK/$label.log" 2>&1 &
  LABELS+=("$label") PIDS+=($!) PORTS+=("$port")
  port=$((port + 1))
done
for i in "${!PIDS[@]}"; do
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:${PORTS[$i]}/health/ready" && break
    kill -0 "${PIDS[$i]}" 2>/dev/null || { echo "pubsub-ab.sh: ${LABELS[$i]} exited:" >&2; cat "$WORK/${LABELS[$i]}.log" >&2; exit 1; }
    sleep 0.5
  done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {
  local pid=$1 port=$2 label=$3 before after out requests
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c64 -d"${SECS}s" --latency -s "$LUA" "http://127.0.0.1:$port/pubsub" 2>&1)
  after=$(cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { echo "pubsub-ab.sh: wrk made no request:" >&2; echo "$out" >&2; exit 1; }
  printf '%-10s %9s req/s  p50 %8s  p99 %8s  non-2xx %6s  cpu %4d us/request\n' "$label" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" "$(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)" \
    $(((after - before) * 1000000 / $(getconf CLK_TCK) / requests))
}
for i in "${!PIDS[@]}"; do
  wrk -t2 -c64 -d"${WARMUP}s" -s "$LUA" "http://127.0.0.1:${PORTS[$i]}/pubsub" > /dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS ($(cut -d' ' -f1 /proc/loadavg) load)"
  for i in "${!PIDS[@]}"; do measure "${PIDS[$i]}" "${PORTS[$i]}" "${LABELS[$i]}"; done
done
