#!/usr/bin/env bash
# Stop the Virtuoso that start.sh started on DATA_DIR (checkpoint + shutdown, then wait).
#   scripts/virtuoso/stop.sh DATA_DIR
set -euo pipefail
data_dir="${1:?usage: stop.sh DATA_DIR}"
lock="$data_dir/virtuoso.lck"
[ -f "$lock" ] || exit 0
pid="$(sed -n 's/^VIRT_PID=\([0-9]*\).*/\1/p' "$lock")"
[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || exit 0

isql_bin="$(command -v isql-vt || command -v isql || true)"
env_file="$data_dir/virtuoso.env"
if [ -n "$isql_bin" ] && [ -f "$env_file" ]; then
  # shellcheck disable=SC1090
  . "$env_file"
  sql_port="$VIRTUOSO_SQL_PORT"
  dba_password="$VIRTUOSO_DBA_PASSWORD"
  "$isql_bin" "127.0.0.1:$sql_port" dba "$dba_password" exec="shutdown;" >/dev/null 2>&1 || true
fi
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.1
done
# Virtuoso ignored the shutdown request: SIGTERM makes it checkpoint and exit too.
kill "$pid" 2>/dev/null || true
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null || true
