#!/usr/bin/env bash
# The HTTP benchmarks of the closing notes, in one run (wrk from Debian's package, 64 connections, this machine):
#   1. GET /health on node.jar against GET /hello on a bare pekko-http server (HelloWorldServer), alternated;
#   2. POST /pubsub end to end with fsynced receipts, 1000 entitled tenants, unique messageIds;
#   3. the same with Pub/Sub push authentication on (RS256 OIDC token, verified and remembered by the node).
# Usage (from the repository root, after `mvn -B -q -DskipTests package`):
#   bash http/src/test/bench/http-bench.sh [seconds per measured run, default 10] [health/hello rounds, default 5]
# NODE_JAVA_OPTS adds JVM options to the node (e.g. -Dautonomics.ledger.commit-interval=0ms to compare settings).
# It prints req/s, latency percentiles and the server's CPU per request (from /proc, so a busy machine shows up as
# lower req/s but similar CPU per request). Run it on a quiet machine: wrk shares the cores with the servers.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-5}
WORK=$(mktemp -d /tmp/http-bench.XXXXXX)
NODE_PORT=18192
HELLO_PORT=18191
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
[ -f http/target/node.jar ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
mvn -B -q -o test-compile dependency:build-classpath -pl http -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/http.cp" >/dev/null
TEST_CP="http/target/test-classes:http/target/classes:core/target/classes:$(cat "$WORK/http.cp")"

# 1000 tenants entitled at start (seeds), so every signal is decided on a real policy pack
{
  echo 'autonomics.entitlements.seed = ['
  for i in $(seq 0 999); do echo "  { tenant-id = \"tenant-$i\", sku = \"base\" }"; done
  echo ']'
} > "$WORK/tenants.conf"

wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

# run_wrk <pid> <label> <wrk args...>: one measured run, one summary line
run_wrk() {
  local pid=$1 label=$2; shift 2
  local before after out requests
  before=$(cpu_ticks "$pid")
  out=$(wrk "$@" 2>&1)
  after=$(cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '%-14s %10s req/s  p50 %8s  p99 %8s  non-2xx %6s  server CPU %4d us/request\n' "$label" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "$(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)" $(( (after - before) * 10000 / requests ))
}

start_node() { # start_node <data dir> <config file>
  TAI_DATA_DIR="$1" PORT=$NODE_PORT java -Xms1g -Xmx1g ${NODE_JAVA_OPTS:-} -Dconfig.file="$2" -jar http/target/node.jar \
    > "$WORK/node.log" 2>&1 &
  NODE=$!; PIDS+=("$NODE")
  wait_for "http://127.0.0.1:$NODE_PORT/health"
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), java $(java -version 2>&1 | head -1)"
java -Xms1g -Xmx1g -cp "$TEST_CP" tai.autonomics.http.HelloWorldServer $HELLO_PORT > "$WORK/hello.log" 2>&1 &
HELLO=$!; PIDS+=("$HELLO")
start_node "$WORK/data" "$WORK/tenants.conf"
wait_for "http://127.0.0.1:$HELLO_PORT/hello"

echo "-- GET /health vs bare hello-world (warm-up 30 s each, then $ROUNDS alternated rounds of ${SECONDS_PER_RUN} s)"
wrk -t2 -c64 -d30s "http://127.0.0.1:$NODE_PORT/health" >/dev/null
wrk -t2 -c64 -d30s "http://127.0.0.1:$HELLO_PORT/hello" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$NODE" "health" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$NODE_PORT/health" | tee -a "$WORK/health.txt"
  run_wrk "$HELLO" "hello" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$HELLO_PORT/hello" | tee -a "$WORK/hello.txt"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
H=$(awk '{print $2}' "$WORK/health.txt" | median); B=$(awk '{print $2}' "$WORK/hello.txt" | median)
echo "health/hello (medians): $H / $B = $(awk -v h="$H" -v b="$B" 'BEGIN {printf "%.2f", h / b}')"
kill "$HELLO"

echo "-- POST /pubsub, fsynced receipts, 1000 tenants (warm-up 20 s)"
wrk -t2 -c64 -d20s -s http/src/test/bench/pubsub.lua "http://127.0.0.1:$NODE_PORT/pubsub" >/dev/null
for round in 1 2; do
  run_wrk "$NODE" "pubsub" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s http/src/test/bench/pubsub.lua \
    "http://127.0.0.1:$NODE_PORT/pubsub"
done
kill "$NODE"; wait "$NODE" 2>/dev/null || true

echo "-- POST /pubsub with push authentication on (warm-up 20 s)"
java -cp "$TEST_CP" tai.autonomics.http.PushTokenTool "$WORK/auth" > "$WORK/token"
{ echo "include file(\"$WORK/tenants.conf\")"; cat "$WORK/auth/push-auth.conf"; } > "$WORK/auth.conf"
start_node "$WORK/data-auth" "$WORK/auth.conf"
export TOKEN; TOKEN=$(cat "$WORK/token")
wrk -t2 -c64 -d20s -s http/src/test/bench/pubsub.lua "http://127.0.0.1:$NODE_PORT/pubsub" >/dev/null
for round in 1 2; do
  run_wrk "$NODE" "pubsub+auth" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s http/src/test/bench/pubsub.lua \
    "http://127.0.0.1:$NODE_PORT/pubsub"
done
