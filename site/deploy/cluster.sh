#!/usr/bin/env bash
# The production layout on one machine, on the loopback only (site/deploy/README.md):
# nginx on 127.0.0.1:$CLUSTER_PORT (rendered from site/deploy/nginx.conf) in front of two
# gunicorn app servers, sharing PostgreSQL (a database of its own), Redis and one media
# folder ($CLUSTER_DIR/shared), with one Celery worker and one beat beside them. Every
# process reads lms.settings.cluster.
#
#   site/deploy/cluster.sh start | stop | status | restart
#   site/deploy/cluster.sh kill-app PORT      # SIGKILL one app server (master and workers)
#   site/deploy/cluster.sh start-app PORT     # start it again
#
# Environment (defaults in brackets): CLUSTER_DIR [var/cluster], CLUSTER_NAME [cluster],
# CLUSTER_PORT [8200], CLUSTER_APP_PORTS ["8201 8202"], CLUSTER_DB [lms_cluster],
# REDIS_URL [redis://127.0.0.1:6379/8], CLUSTER_WORKERS (gunicorn workers per app server) [2],
# CLUSTER_THREADS [4], CLUSTER_DEMO=1 to load the demo content on start, CLUSTER_BENCH=1
# for `make bench BENCH_ARGS="--target http://127.0.0.1:8200"`.
# Needs nginx, PostgreSQL and Redis (`make cluster` installs them through the Makefile).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python

export DJANGO_SETTINGS_MODULE=lms.settings.cluster
export CLUSTER_DIR=${CLUSTER_DIR:-$ROOT/var/cluster}
export CLUSTER_NAME=${CLUSTER_NAME:-cluster}
export CLUSTER_PORT=${CLUSTER_PORT:-8200}
APP_PORTS=${CLUSTER_APP_PORTS:-"8201 8202"}
DB_NAME=${CLUSTER_DB:-lms_cluster}
export DATABASE_URL=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB_NAME}
export REDIS_URL=${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/8}
export CELERY_BROKER_URL=$REDIS_URL CELERY_RESULT_BACKEND=$REDIS_URL
if [ "${CLUSTER_BENCH:-}" = 1 ]; then
  # Driven by the bench (bench/run.py --target): its page type, query counter, and no
  # verification rate limit (the bench sends everything from one address).
  export CLUSTER_BENCH CERTIFICATION_VERIFY_RATE=${CERTIFICATION_VERIFY_RATE:-1000000/m}
fi
RUN=$CLUSTER_DIR/run
LOG=$CLUSTER_DIR/log

say() { echo "cluster: $*"; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # URL SECONDS
  for _ in $(seq "$((${2} * 5))"); do
    curl -sf -o /dev/null --max-time 2 "$1" && return 0
    sleep 0.2
  done
  say "no answer from $1 after $2 s"
  return 1
}

services() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

database() {
  if [ -z "$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    say "creating database $DB_NAME"
    createdb -h 127.0.0.1 -U postgres "$DB_NAME"
  fi
  say "migrating $DB_NAME (static files collected meanwhile)"
  "$PY" manage.py collectstatic --no-input -v 0 --skip-checks > "$LOG/collectstatic.log" 2>&1 &
  local static=$!
  "$PY" manage.py migrate --no-input -v 0
  wait "$static" || { cat "$LOG/collectstatic.log"; exit 1; }
  if [ "${CLUSTER_DEMO:-}" = 1 ]; then
    say "loading the demo content"
    "$PY" manage.py load_demo > "$LOG/load_demo.log"
  fi
}

launch_app() { # PORT: started in the background; wait_app waits for its first answer
  local port=$1
  if alive "$RUN/app-$port.pid"; then return 0; fi
  # Two malloc arenas a process, as lms-web.service (decision 0617).
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    "$PY" -m gunicorn -c site/deploy/gunicorn.conf.py lms.wsgi:application \
    --bind "127.0.0.1:$port" --workers "${CLUSTER_WORKERS:-2}" --threads "${CLUSTER_THREADS:-4}" \
    --pid "$RUN/app-$port.pid" --daemon \
    --access-logfile "$LOG/app-$port.access.log" --error-logfile "$LOG/app-$port.log"
}

wait_app() { # PORT
  wait_for "http://127.0.0.1:$1/robots.txt" 120
  say "app server on 127.0.0.1:$1"
}

start_app() { launch_app "$1" && wait_app "$1"; }

kill_app() { # PORT: the master and its workers at once, as a crash would
  local pidfile=$RUN/app-$1.pid
  if ! alive "$pidfile"; then say "no app server on $1"; return 0; fi
  local master workers
  master=$(cat "$pidfile")
  # gunicorn --daemon forks twice, so the master leads no process group of its own: name
  # the master and every worker. Stopped first, the master cannot start a new worker
  # between the listing and the kill.
  kill -STOP "$master"
  workers=$(ps -o pid= --ppid "$master" || true)
  # shellcheck disable=SC2086
  kill -KILL "$master" $workers
  rm -f "$pidfile"
  say "killed the app server on $1 (master $master, workers" $workers")"
}

nginx_conf() {
  "$PY" site/deploy/render_nginx.py $(for port in $APP_PORTS; do echo "--app 127.0.0.1:$port"; done) \
    --listen "127.0.0.1:$CLUSTER_PORT" --server-name 127.0.0.1 --no-tls \
    --private-root "$CLUSTER_DIR/shared/private" --media-root "$CLUSTER_DIR/shared/media" \
    --show-upstream > "$RUN/site.conf"
  cat > "$RUN/nginx.conf" <<EOF
# Made by site/deploy/cluster.sh; the site itself is site.conf, from site/deploy/nginx.conf.
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 2;
pid $RUN/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $LOG/nginx-access.log;
    client_body_temp_path $RUN/nginx-body;
    proxy_temp_path $RUN/nginx-proxy;
    fastcgi_temp_path $RUN/nginx-fastcgi;
    uwsgi_temp_path $RUN/nginx-uwsgi;
    scgi_temp_path $RUN/nginx-scgi;
    sendfile on;
    include $RUN/site.conf;
}
EOF
}

start() {
  command -v nginx >/dev/null || { say "nginx is not installed (make cluster installs it)"; exit 1; }
  mkdir -p "$RUN" "$LOG" "$CLUSTER_DIR/shared/media" "$CLUSTER_DIR/shared/private" "$CLUSTER_DIR/mail"
  services
  database
  # Everything boots at once; then the app servers' first answers are awaited.
  for port in $APP_PORTS; do launch_app "$port"; done
  if ! alive "$RUN/worker.pid"; then
    "$PY" -m celery -A lms worker -Q "$CLUSTER_NAME" -n "$CLUSTER_NAME@%h" --concurrency=2 -O fair \
      --loglevel=INFO --pidfile="$RUN/worker.pid" --logfile="$LOG/worker.log" --detach
  fi
  if ! alive "$RUN/beat.pid"; then
    "$PY" -m celery -A lms beat --loglevel=INFO --pidfile="$RUN/beat.pid" \
      --logfile="$LOG/beat.log" --schedule="$RUN/celerybeat-schedule" --detach
  fi
  for port in $APP_PORTS; do wait_app "$port"; done
  nginx_conf
  nginx -t -q -e "$LOG/nginx-error.log" -c "$RUN/nginx.conf"
  if alive "$RUN/nginx.pid"; then
    nginx -e "$LOG/nginx-error.log" -c "$RUN/nginx.conf" -s reload
  else
    nginx -e "$LOG/nginx-error.log" -c "$RUN/nginx.conf"
  fi
  wait_for "http://127.0.0.1:$CLUSTER_PORT/robots.txt" 30
  say "up: http://127.0.0.1:$CLUSTER_PORT/ (logs in $LOG)"
}

stop_pid() { # PIDFILE NAME
  if alive "$1"; then
    local pid
    pid=$(cat "$1")
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    say "stopped $2"
  fi
  rm -f "$1"
}

stop() {
  if alive "$RUN/nginx.pid"; then
    nginx -e "$LOG/nginx-error.log" -c "$RUN/nginx.conf" -s quit || true
    for _ in $(seq 50); do alive "$RUN/nginx.pid" || break; sleep 0.2; done
    say "stopped nginx"
  fi
  for port in $APP_PORTS; do stop_pid "$RUN/app-$port.pid" "app server $port"; done
  stop_pid "$RUN/worker.pid" "celery worker"
  stop_pid "$RUN/beat.pid" "celery beat"
}

status() {
  local code=0
  for name in nginx $(for port in $APP_PORTS; do echo "app-$port"; done) worker beat; do
    if alive "$RUN/$name.pid"; then echo "$name: running ($(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; code=3; fi
  done
  return $code
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  kill-app) kill_app "$2" ;;
  start-app) start_app "$2" ;;
  *) echo "usage: $0 start|stop|status|restart|kill-app PORT|start-app PORT" >&2; exit 2 ;;
esac
