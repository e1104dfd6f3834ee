#!/usr/bin/env bash
# The HTTP benchmarks of the closing notes, in one run (wrk from Debian's package, 64 connections, this machine):
#   1. GET /health on node.jar against GET /hello on a bare pekko-http server (HelloWorldServer), alternated;
#   2. POST /pubsub end to end with fsynced receipts, 1000 entitled tenants, unique messageIds, against a POST of
#      the same bodies to the bare server (its anchor), alternated;
#   3. the same with Pub/Sub push authentication on (RS256 OIDC token, verified and remembered by the node).
# Usage (from a checkout, after `mvn -B -q -DskipTests package`; nothing needs to be installed in ~/.m2):
#   bash http/src/test/bench/http-bench.sh [seconds per measured run, default 10] [rounds, default 5]
#                                          [warm-up seconds, default 30]
# NODE_JAVA_OPTS adds JVM options to the node (e.g. -Dautonomics.ledger.max-batch=256 to compare settings);
# NODE_PORT and HELLO_PORT (default 28192, 28191) move the servers; MAVEN_ARGS is passed to mvn (e.g. -o).
# It prints req/s, latency percentiles and the server's CPU per request (from /proc, so a busy machine shows up as
# lower req/s but similar CPU per request), and each node figure as a ratio to the bare server's. Run it on a
# quiet machine: wrk shares the cores with the servers.
set -euo pipefail
trap 'echo "http-bench.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/../../../.."
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-5}
WARMUP=${3:-30}
NODE_PORT=${NODE_PORT:-28192}
HELLO_PORT=${HELLO_PORT:-28191}
for n in "$SECONDS_PER_RUN" "$ROUNDS" "$WARMUP" "$NODE_PORT" "$HELLO_PORT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "http-bench.sh: not a whole number: $n (usage: [seconds] [rounds] [warm-up])" >&2; exit 2; }
done
fail() { echo "http-bench.sh: $*" >&2; exit 1; }

command -v wrk >/dev/null || { echo "http-bench.sh: wrk is missing: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "http-bench.sh: curl is missing: apt-get install -y curl" >&2; exit 2; }
command -v java >/dev/null || { echo "http-bench.sh: java is missing (JDK 17 or later)" >&2; exit 2; }
[ -f http/target/node.jar ] || { echo "http-bench.sh: http/target/node.jar is missing: build first with" \
  "mvn -B -q -DskipTests package" >&2; exit 2; }
for port in "$NODE_PORT" "$HELLO_PORT"; do
  ! curl -s -o /dev/null "http://127.0.0.1:$port/" || fail "port $port is already in use (set NODE_PORT / HELLO_PORT)"
done

WORK=$(mktemp -d /tmp/http-bench.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# the test classpath of the http module through the reactor (core resolves to its build output, as bench/run.sh
# does): no module needs to be installed in the local repository
mvn -B -q ${MAVEN_ARGS:-} -pl http -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/http.cp" > "$WORK/mvn.log" 2>&1 \
  || { cat "$WORK/mvn.log" >&2; fail "the build of the http module's test classpath failed (output above)"; }
[ -s "$WORK/http.cp" ] || { cat "$WORK/mvn.log" >&2; fail "mvn wrote no classpath to $WORK/http.cp"; }
TEST_CP="http/target/test-classes:http/target/classes:core/target/classes:$(cat "$WORK/http.cp")"

# 1000 tenants entitled at start (seeds), so every signal is decided on a real policy pack
{
  echo 'autonomics.entitlements.seed = ['
  for i in $(seq 0 999); do echo "  { tenant-id = \"tenant-$i\", sku = \"base\" }"; done
  echo ']'
} > "$WORK/tenants.conf"

# wait_for <url> <pid> <log>: until the url answers, or fail with the server's output if it died or took > 60 s
wait_for() {
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || { tail -n 40 "$3" >&2; fail "the server behind $1 ended before answering (log above)"; }
    sleep 0.5
  done
  tail -n 40 "$3" >&2; fail "no answer from $1 within 60 s (log above)"
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

# run_wrk <pid> <label> <wrk args...>: one measured run, one summary line
run_wrk() {
  local pid=$1 label=$2; shift 2
  local before after out requests
  before=$(cpu_ticks "$pid")
  out=$(wrk "$@" 2>&1) || fail "wrk $* failed: $out"
  after=$(cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || fail "wrk $* completed no request: $out"
  printf '%-14s %10s req/s  p50 %8s  p99 %8s  non-2xx %6s  server CPU %4d us/request\n' "$label" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')" \
    "$(echo "$out" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)" $(( (after - before) * 10000 / requests ))
}

start_node() { # start_node <data dir> <config file>
  TAI_DATA_DIR="$1" PORT=$NODE_PORT java -Xms1g -Xmx1g ${NODE_JAVA_OPTS:-} -Dconfig.file="$2" -jar http/target/node.jar \
    > "$WORK/node.log" 2>&1 &
  NODE=$!; PIDS+=("$NODE")
  wait_for "http://127.0.0.1:$NODE_PORT/health" "$NODE" "$WORK/node.log"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# ratio <label> <file of node lines> <file of bare lines>: medians of req/s and the node's share of the bare one
ratio() {
  local n b
  n=$(awk '{print $2}' "$2" | median); b=$(awk '{print $2}' "$3" | median)
  echo "$1 (medians): $n / $b = $(awk -v n="$n" -v b="$b" 'BEGIN {printf "%.2f", n / b}')"
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), java $(java -version 2>&1 | head -1)"
java -Xms1g -Xmx1g -cp "$TEST_CP" tai.autonomics.http.HelloWorldServer "$HELLO_PORT" > "$WORK/hello.log" 2>&1 &
HELLO=$!; PIDS+=("$HELLO")
start_node "$WORK/data" "$WORK/tenants.conf"
wait_for "http://127.0.0.1:$HELLO_PORT/hello" "$HELLO" "$WORK/hello.log"

echo "-- GET /health vs bare hello-world (warm-up ${WARMUP} s each, then $ROUNDS alternated rounds of ${SECONDS_PER_RUN} s)"
wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$NODE_PORT/health" >/dev/null
wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$HELLO_PORT/hello" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$NODE" "health" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$NODE_PORT/health" | tee -a "$WORK/health.txt"
  run_wrk "$HELLO" "hello" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$HELLO_PORT/hello" | tee -a "$WORK/hello.txt"
done
ratio "health/hello" "$WORK/health.txt" "$WORK/hello.txt"

echo "-- POST /pubsub, fsynced receipts, 1000 tenants, vs a bare POST of the same bodies (warm-up ${WARMUP} s each)"
wrk -t2 -c64 -d"${WARMUP}s" -s http/src/test/bench/pubsub.lua "http://127.0.0.1:$NODE_PORT/pubsub" >/dev/null
wrk -t2 -c64 -d"${WARMUP}s" -s http/src/test/bench/pubsub.lua "http://127.0.0.1:$HELLO_PORT/pubsub" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$NODE" "pubsub" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s http/src/test/bench/pubsub.lua \
    "http://127.0.0.1:$NODE_PORT/pubsub" | tee -a "$WORK/pubsub.txt"
  run_wrk "$HELLO" "bare-post" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s http/src/test/bench/pubsub.lua \
    "http://127.0.0.1:$HELLO_PORT/pubsub" | tee -a "$WORK/bare-post.txt"
done
ratio "pubsub/bare-post" "$WORK/pubsub.txt" "$WORK/bare-post.txt"
kill "$NODE"; wait "$NODE" 2>/dev/null || true

echo "-- POST /pubsub with push authentication on (warm-up ${WARMUP} s)"
java -cp "$TEST_CP" tai.autonomics.http.PushTokenTool "$WORK/auth" > "$WORK/token" \
  || fail "PushTokenTool could not write a key and token to $WORK/auth"
{ echo "include file(\"$WORK/tenants.conf\")"; cat "$WORK/auth/push-auth.conf"; } > "$WORK/auth.conf"
start_node "$WORK/data-auth" "$WORK/auth.conf"
export TOKEN; TOKEN=$(cat "$WORK/token")
wrk -t2 -c64 -d"${WARMUP}s" -s http/src/test/bench/pubsub.lua "http://127.0.0.1:$NODE_PORT/pubsub" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$NODE" "pubsub+auth" -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s http/src/test/bench/pubsub.lua \
    "http://127.0.0.1:$NODE_PORT/pubsub" | tee -a "$WORK/pubsub-auth.txt"
done
ratio "pubsub+auth/bare-post" "$WORK/pubsub-auth.txt" "$WORK/bare-post.txt"
