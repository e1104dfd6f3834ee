#!/usr/bin/env bash
# Three-node cluster on localhost over a private PostgreSQL (docs/OPERATIONS.md, "Cluster mode").
#   scripts/cluster.sh start    start PostgreSQL (installing Debian's package when missing) and nodes 1-3
#   scripts/cluster.sh stop     stop the nodes (SIGTERM: they leave the cluster and hand their tenants off), then PostgreSQL
#   scripts/cluster.sh status   what runs
# Nodes answer HTTP on 127.0.0.1:8081-8083; PostgreSQL listens on 127.0.0.1:${TAI_PG_PORT:-55432}.
# State (database, logs, pid files) lives in ${TAI_CLUSTER_DIR:-./cluster-run}.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR=$(mkdir -p "${TAI_CLUSTER_DIR:-$ROOT/cluster-run}" && cd "${TAI_CLUSTER_DIR:-$ROOT/cluster-run}" && pwd)
PG_DIR=$RUN_DIR/postgres
PG_PORT=${TAI_PG_PORT:-55432}
export TAI_PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/autonomics"
export TAI_PG_USER=${TAI_PG_USER:-autonomics}
export TAI_PG_PASSWORD=${TAI_PG_PASSWORD:-autonomics}
JAR=$ROOT/cluster/target/cluster-node.jar
NODES=(1 2 3)

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: as root, its commands run as the postgres OS user
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

ensure_postgres() {
  if [ -z "$(pg_bin)" ]; then
    echo "PostgreSQL is not installed; installing Debian's package"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql
    else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi
  fi
}

start_postgres() {
  ensure_postgres
  local bin; bin=$(pg_bin)
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    local pwfile="$PG_DIR/pwfile"
    printf '%s\n' "$TAI_PG_PASSWORD" > "$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U "$TAI_PG_USER" --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --no-instructions >/dev/null
    rm -f "$pwfile"
  fi
  if as_pg "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    echo "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR" start >/dev/null
    echo "PostgreSQL started on 127.0.0.1:$PG_PORT (data in $PG_DIR/data)"
  fi
  if ! PGPASSWORD=$TAI_PG_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$TAI_PG_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'autonomics'" | grep -q 1; then
    PGPASSWORD=$TAI_PG_PASSWORD "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$TAI_PG_USER" autonomics
  fi
}

stop_postgres() {
  local bin; bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$PG_DIR/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
    echo "PostgreSQL stopped"
  fi
}

node_pid() { local f="$RUN_DIR/node-$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

start_nodes() {
  if [ ! -f "$JAR" ]; then
    echo "building $JAR"
    (cd "$ROOT" && mvn -B -q -DskipTests package -pl cluster -am)
  fi
  # every node signs the tenants' checkpoints with this one key (made by the first node that starts)
  export TAI_LOG_KEY_FILE="${TAI_LOG_KEY_FILE:-$RUN_DIR/signer.key}"
  for i in "${NODES[@]}"; do
    if [ -n "$(node_pid "$i")" ]; then echo "node $i already running"; continue; fi
    nohup java -Xmx512m -Dconfig.file="$ROOT/conf/cluster/node-$i.conf" -jar "$JAR" \
      > "$RUN_DIR/node-$i.log" 2>&1 &
    echo $! > "$RUN_DIR/node-$i.pid"
  done
  for i in "${NODES[@]}"; do
    local port=$((8080 + i)) ok=""
    for _ in $(seq 1 90); do
      # ready, not just up: the node answers work only once its cluster, singleton and shards answer
      if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ok=1; break; fi
      [ -z "$(node_pid "$i")" ] && break
      sleep 1
    done
    if [ -n "$ok" ]; then echo "node $i ready: http://127.0.0.1:$port (log $RUN_DIR/node-$i.log)"
    else echo "node $i did not become ready; see $RUN_DIR/node-$i.log" >&2; exit 1; fi
  done
}

stop_nodes() {
  for i in "${NODES[@]}"; do
    local pid; pid=$(node_pid "$i" || true)
    [ -z "$pid" ] && continue
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then echo "node $i did not stop in 30 s; killing it"; kill -KILL "$pid"; fi
    rm -f "$RUN_DIR/node-$i.pid"
    echo "node $i stopped"
  done
}

case "${1:-}" in
  start) start_postgres; start_nodes ;;
  stop) stop_nodes; stop_postgres ;;
  status)
    for i in "${NODES[@]}"; do
      if [ -n "$(node_pid "$i")" ]; then echo "node $i running (pid $(node_pid "$i"))"; else echo "node $i stopped"; fi
    done
    bin=$(pg_bin)
    if [ -n "$bin" ] && [ -f "$PG_DIR/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1
    then echo "PostgreSQL running on 127.0.0.1:$PG_PORT"; else echo "PostgreSQL stopped"; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
