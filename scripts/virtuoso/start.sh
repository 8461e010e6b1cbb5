#!/usr/bin/env bash
# Start a local OpenLink Virtuoso for tests and development.
#
#   scripts/virtuoso/start.sh DATA_DIR
#
# Installs the Debian package when virtuoso-t is missing and we are root, picks free loopback
# ports, starts the server on DATA_DIR (created if needed), waits until SPARQL answers, creates a
# user allowed to run SPARQL Update, and prints KEY=VALUE lines (also saved to DATA_DIR/virtuoso.env)
# that RemoteStore / open_store need. Running it again on a live DATA_DIR just prints the file.
# Environment: VIRTUOSO_USER (default ogikg), VIRTUOSO_PASSWORD (default: random).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data_dir="${1:?usage: start.sh DATA_DIR}"
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
env_file="$data_dir/virtuoso.env"

log() { echo "virtuoso: $*" >&2; }

server_pid() {
  # Virtuoso writes VIRT_PID=<pid> into its lock file while it runs.
  [ -f "$data_dir/virtuoso.lck" ] || return 1
  local pid
  pid="$(sed -n 's/^VIRT_PID=\([0-9]*\).*/\1/p' "$data_dir/virtuoso.lck")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

if server_pid >/dev/null && [ -f "$env_file" ]; then
  cat "$env_file"
  exit 0
fi

if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing virtuoso-opensource"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q virtuoso-opensource >&2
  else
    log "virtuoso-t not found; install the virtuoso-opensource package (needs root)"
    exit 3
  fi
fi
# The Debian package names its client isql-vt; upstream builds call it isql.
isql_bin="$(command -v isql-vt || command -v isql || true)"
[ -n "$isql_bin" ] || { log "isql-vt not found"; exit 3; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if port_is_free "$port"; then echo "$port"; return 0; fi
  done
  return 1
}

random_secret() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

user="${VIRTUOSO_USER:-ogikg}"
password="${VIRTUOSO_PASSWORD:-$(random_secret)}"
dba_password="$(random_secret)"

had_database=""
[ -f "$data_dir/virtuoso.db" ] && [ -f "$env_file" ] && had_database=yes

started=""
for attempt in 1 2 3; do
  sql_port="$(pick_port)"
  http_port="$(pick_port)"
  [ "$sql_port" != "$http_port" ] || continue
  mkdir -p "$data_dir/www"
  sed -e "s#@DATA_DIR@#$data_dir#g" -e "s#@SQL_PORT@#$sql_port#g" -e "s#@HTTP_PORT@#$http_port#g" \
    "$here/virtuoso.ini.in" >"$data_dir/virtuoso.ini"
  # Without +wait the daemon returns before it listens; with it, after the startup checkpoint.
  if (cd "$data_dir" && virtuoso-t +configfile "$data_dir/virtuoso.ini" +wait >"$data_dir/start.out" 2>&1); then
    for _ in $(seq 1 300); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 2>/dev/null; then
        started=yes
        break
      fi
      server_pid >/dev/null || break
      sleep 0.1
    done
  fi
  [ -n "$started" ] && break
  log "start attempt $attempt failed (ports $sql_port/$http_port); see $data_dir/virtuoso.log"
  if pid="$(server_pid)"; then kill "$pid" 2>/dev/null || true; fi
  sleep 1
done
[ -n "$started" ] || { log "could not start"; tail -20 "$data_dir/virtuoso.log" >&2 || true; exit 4; }

if [ -n "$had_database" ]; then
  # A database set up before keeps its users: reuse the credentials recorded for it.
  # shellcheck disable=SC1090
  user="$(. "$env_file" && echo "$VIRTUOSO_USER")"
  password="$(. "$env_file" && echo "$VIRTUOSO_PASSWORD")"
  dba_password="$(. "$env_file" && echo "$VIRTUOSO_DBA_PASSWORD")"
else
  # A fresh database has dba/dba: replace that at once, then add the SPARQL Update user.
  "$isql_bin" "127.0.0.1:$sql_port" dba dba >"$data_dir/setup.out" 2>&1 <<SQL
SET PASSWORD "dba" "$dba_password";
DB.DBA.USER_CREATE ('$user', '$password');
GRANT SPARQL_UPDATE TO "$user";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('$user', 7);
checkpoint;
SQL
  if grep -q '\*\*\* Error' "$data_dir/setup.out"; then
    log "user set-up failed:"
    cat "$data_dir/setup.out" >&2
    exit 5
  fi
fi

base="http://127.0.0.1:$http_port"
# Values are single-quoted so that the file can be sourced by a shell (the spec contains '&').
cat >"$env_file" <<ENV
VIRTUOSO_DATA_DIR='$data_dir'
VIRTUOSO_SQL_PORT='$sql_port'
VIRTUOSO_HTTP_PORT='$http_port'
VIRTUOSO_QUERY_URL='$base/sparql'
VIRTUOSO_UPDATE_URL='$base/sparql-auth'
VIRTUOSO_GSP_URL='$base/sparql-graph-crud-auth'
VIRTUOSO_USER='$user'
VIRTUOSO_PASSWORD='$password'
VIRTUOSO_DBA_PASSWORD='$dba_password'
OGIKG_STORE='sparql+$base/sparql?update=/sparql-auth&gsp=/sparql-graph-crud-auth&user=$user&password=$password'
ENV
chmod 600 "$env_file"
cat "$env_file"
