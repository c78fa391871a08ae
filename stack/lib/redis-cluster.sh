# shellcheck shell=bash
# Redis Cluster: three masters (no replicas) from the same redis-server binary as
# lib/redis.sh, on 127.0.0.1:$REDIS_CLUSTER_PORTS (cluster-enabled, no persistence),
# state under $STACK_DIR/redis-cluster/<port>. The store's tests run against it as
# well as against the single Redis (docs/redis.md, Redis Cluster). `down` stops the
# nodes and deletes their cluster config, so the next `up` creates a fresh cluster.

REDIS_CLUSTER_PORTS="${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
REDIS_CLUSTER_DIR="$STACK_DIR/redis-cluster"
REDIS_CLUSTER_LOG="$LOG_DIR/redis-cluster.log"

redis_cluster_nodes() {  # 127.0.0.1:7001,127.0.0.1:7002,...
  local port out=""
  for port in $REDIS_CLUSTER_PORTS; do out+="${out:+,}127.0.0.1:$port"; done
  printf '%s\n' "$out"
}

# send_redis PORT COMMAND... : one inline command over /dev/tcp, prints the reply's
# lines (bulk and status replies; enough for PING, CLUSTER INFO, CLUSTER MEET/ADDSLOTS).
# shellcheck disable=SC2016  # inner script is single-quoted on purpose
redis_send() {
  local port="$1"; shift
  timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$port"' || exit 1
    printf "%s\r\n" "$*" >&3
    IFS= read -r first <&3 || exit 1
    first="${first%$'"'"'\r'"'"'}"
    case "$first" in
      \$-1) exit 0 ;;
      \$*) n="${first#\$}"; body=""; while (( ${#body} < n )); do IFS= read -r line <&3 || break; body+="$line"$'"'"'\n'"'"'; done; printf "%s" "$body" ;;
      *) printf "%s\n" "$first" ;;
    esac' _ "$@" 2>/dev/null
}

redis_cluster_node_pid() {  # PID of the node on PORT that WE started
  redis_server_pid "redis-cluster-$1"
}

redis_cluster_ok() {
  local port
  for port in $REDIS_CLUSTER_PORTS; do
    redis_send "$port" CLUSTER INFO | grep -q '^cluster_state:ok' || return 1
  done
}

redis_cluster_start() {
  local port pid dir
  ensure_command redis-server redis-server
  for port in $REDIS_CLUSTER_PORTS; do
    if pid="$(redis_cluster_node_pid "$port")"; then
      info "redis-cluster: node $port already running (pid $pid)"; continue
    fi
    port_open "$port" && die "redis-cluster: port $port is in use by a process stack.sh did not start; set REDIS_CLUSTER_PORTS; log file: $REDIS_CLUSTER_LOG"
    dir="$REDIS_CLUSTER_DIR/$port"
    mkdir -p "$dir" "$LOG_DIR" "$RUN_DIR"
    rm -f "$dir/nodes.conf"   # no persistence: a node that starts empty joins a new cluster
    info "redis-cluster: starting node 127.0.0.1:$port (log: $REDIS_CLUSTER_LOG)"
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
      --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 \
      --daemonize yes --pidfile "$(pid_file "redis-cluster-$port")" --logfile "$REDIS_CLUSTER_LOG" \
      --dir "$dir" --save '' --appendonly no \
      || { show_log_tail "$REDIS_CLUSTER_LOG"; die "redis-cluster: node $port failed to start; log file: $REDIS_CLUSTER_LOG"; }
  done
}

# Assigns the 16384 slots evenly over the nodes and introduces them to each other;
# with redis-cli when there is one, else with CLUSTER ADDSLOTSRANGE / MEET by hand.
redis_cluster_create() {
  local ports=() port hosts=() i n first last
  read -r -a ports <<<"$REDIS_CLUSTER_PORTS"
  n=${#ports[@]}
  for port in "${ports[@]}"; do hosts+=("127.0.0.1:$port"); done
  info "redis-cluster: creating a cluster of ${n} masters (${hosts[*]})"
  if command -v redis-cli >/dev/null; then
    redis-cli --cluster create "${hosts[@]}" --cluster-replicas 0 --cluster-yes >>"$REDIS_CLUSTER_LOG" 2>&1 \
      || { show_log_tail "$REDIS_CLUSTER_LOG"; die "redis-cluster: redis-cli --cluster create failed; log file: $REDIS_CLUSTER_LOG"; }
    return 0
  fi
  for i in "${!ports[@]}"; do
    first=$(( 16384 * i / n )); last=$(( 16384 * (i + 1) / n - 1 ))
    redis_send "${ports[$i]}" CLUSTER ADDSLOTSRANGE "$first" "$last" | grep -q '^+OK' \
      || die "redis-cluster: CLUSTER ADDSLOTSRANGE $first $last on ${ports[$i]} failed; log file: $REDIS_CLUSTER_LOG"
    (( i == 0 )) || redis_send "${ports[$i]}" CLUSTER MEET 127.0.0.1 "${ports[0]}" >/dev/null
  done
}

redis_cluster_wait() {
  local port
  for port in $REDIS_CLUSTER_PORTS; do
    wait_ready "redis-cluster node $port" "$REDIS_CLUSTER_LOG" "$(redis_cluster_node_pid "$port" || true)" redis_ready_on "$port"
  done
  # a fresh set of nodes has no slots yet; a running cluster keeps its own
  redis_send "${REDIS_CLUSTER_PORTS%% *}" CLUSTER INFO | grep -q '^cluster_slots_assigned:16384' || redis_cluster_create
  wait_ready redis-cluster "$REDIS_CLUSTER_LOG" "" redis_cluster_ok
  info "redis-cluster: ready on $(redis_cluster_nodes) (cluster_state:ok)"
}

redis_ready_on() { [[ "$(redis_send "$1" PING)" == +PONG* ]]; }

redis_cluster_stop() {
  local port pid
  for port in $REDIS_CLUSTER_PORTS; do
    if pid="$(redis_cluster_node_pid "$port")"; then
      info "redis-cluster: stopping node $port (pid $pid)"
      stop_pid "redis-cluster-$port" "$pid"
    fi
    rm -f "$(pid_file "redis-cluster-$port")" "$REDIS_CLUSTER_DIR/$port/nodes.conf"
  done
}

redis_cluster_status() {
  local port pids=()
  for port in $REDIS_CLUSTER_PORTS; do pids+=("$(redis_cluster_node_pid "$port" || echo external)"); done
  if redis_cluster_ok; then info "redis-cluster up        $(redis_cluster_nodes) (pids ${pids[*]})"; return 0; fi
  info "redis-cluster down"; return 1
}
