# shellcheck shell=bash
# Redis: reuse whatever already answers PING on 127.0.0.1:$REDIS_PORT (never
# touched by `down`); otherwise start our own redis-server (ephemeral, no
# persistence) and remember that we did ($RUN_DIR/redis.owned).

REDIS_LOG="$LOG_DIR/redis.log"
REDIS_OWNED="$RUN_DIR/redis.owned"

# Same answer as `redis-cli -p PORT ping`, without needing redis-cli.
# shellcheck disable=SC2016  # inner script is single-quoted on purpose
redis_ready() {
  timeout 2 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$REDIS_PORT"' || exit 1
    printf "PING\r\n" >&3
    IFS= read -r line <&3
    [[ "$line" == +PONG* ]]' 2>/dev/null
}

# PID of the redis-server WE started (pid file written by redis itself).
# PID of a running redis-server whose pid file is "$(pid_file NAME)".
redis_server_pid() {
  local pid f; f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  pid_running "$pid" || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]] || return 1
  printf '%s\n' "$pid"
}

redis_pid() {
  [[ -f "$REDIS_OWNED" ]] || return 1
  redis_server_pid redis
}

redis_start() {
  local pid
  if pid="$(redis_pid)"; then
    info "redis: already running (pid $pid, started by stack.sh) on 127.0.0.1:$REDIS_PORT"; return 0
  fi
  rm -f "$REDIS_OWNED"
  if redis_ready; then
    info "redis: reusing the server already answering on 127.0.0.1:$REDIS_PORT (not managed by stack.sh)"; return 0
  fi
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
    # the Debian package may have started its own service on 6379
    if redis_ready; then
      info "redis: reusing the server already answering on 127.0.0.1:$REDIS_PORT (not managed by stack.sh)"; return 0
    fi
  fi
  port_open "$REDIS_PORT" && die "redis: port $REDIS_PORT is in use but does not answer PING; log file: $REDIS_LOG"
  mkdir -p "$STACK_DIR/redis" "$LOG_DIR" "$RUN_DIR"
  info "redis: starting redis-server on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$(pid_file redis)" --logfile "$REDIS_LOG" \
    --dir "$STACK_DIR/redis" --save '' --appendonly no \
    || { show_log_tail "$REDIS_LOG"; die "redis: redis-server failed to start; log file: $REDIS_LOG"; }
  touch "$REDIS_OWNED"
}

redis_wait() {
  wait_ready redis "$REDIS_LOG" "" redis_ready
  info "redis: ready on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  local pid
  if pid="$(redis_pid)"; then
    info "redis: stopping (pid $pid)"
    stop_pid redis "$pid"
  elif redis_ready; then
    info "redis: left running (not started by stack.sh)"
  fi
  rm -f "$REDIS_OWNED" "$(pid_file redis)"
}

redis_status() {
  local pid owner="external, not managed"
  pid="$(redis_pid)" && owner="pid $pid"
  if redis_ready; then info "redis     up        127.0.0.1:$REDIS_PORT ($owner)"; return 0; fi
  info "redis     down"; return 1
}
