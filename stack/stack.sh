#!/usr/bin/env bash
# Local service stack for agent-timelines, without Docker:
#   Kafka 4.x (KRaft, 127.0.0.1:9092), Apicurio Registry 3.x (127.0.0.1:8081,
#   Confluent API at /apis/ccompat/v7), Redis (127.0.0.1:6379), a three-master
#   Redis Cluster (127.0.0.1:7001-7003), plus kcat and avro-tools for
#   stack/decode-record.sh.
# Usage: stack/stack.sh up | down | status | logs [kafka|registry|redis|redis-cluster] [-f]
# See stack/README.md for env vars (ports, versions, cache/stack dirs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/kafka.sh
source "$STACK_HOME/lib/kafka.sh"
# shellcheck source=lib/registry.sh
source "$STACK_HOME/lib/registry.sh"
# shellcheck source=lib/redis.sh
source "$STACK_HOME/lib/redis.sh"
# shellcheck source=lib/redis-cluster.sh
source "$STACK_HOME/lib/redis-cluster.sh"

SERVICES=(kafka registry redis redis_cluster)

usage() {
  cat <<USAGE
usage: $(basename "$0") <command>
  up                 install/fetch what is missing, start kafka, registry, redis, redis-cluster; wait until ready
  down               stop what 'up' started (never a Redis it did not start)
  status             show each service; exit 0 only if all are up
  logs [SERVICE] [-f]  show log files (kafka|registry|redis|redis-cluster); follows when on a terminal or with -f
state: $STACK_DIR   cache: $CACHE_DIR
USAGE
}

ensure_tools() {
  command -v "$JAVA" >/dev/null || die "java not found: install a JDK 17+ (Debian: openjdk-17-jre-headless)"
  ensure_command kcat kcat
  ensure_command curl curl
  fetch_artifacts
}

cmd_up() {
  local t0=$SECONDS
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  ensure_tools
  # start everything first, then wait: the JVMs boot in parallel
  kafka_start
  registry_start
  redis_start
  redis_cluster_start
  kafka_wait
  registry_wait
  redis_wait
  redis_cluster_wait
  info "stack is up in $((SECONDS - t0))s:"
  info "  KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  info "  SCHEMA_REGISTRY_URL=$REGISTRY_CCOMPAT_URL"
  info "  REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  info "  REDIS_CLUSTER_NODES=$(redis_cluster_nodes)"
}

cmd_down() {
  registry_stop
  kafka_stop
  redis_stop
  redis_cluster_stop
  info "stack is down (data kept in $STACK_DIR; delete it for a fresh Kafka)"
}

cmd_status() {
  local rc=0 s
  for s in "${SERVICES[@]}"; do "${s}_status" || rc=1; done
  return "$rc"
}

cmd_logs() {
  local follow=0 files=() s
  local want=()
  for s in "$@"; do
    case "$s" in
      -f|--follow) follow=1 ;;
      kafka|registry|redis|redis-cluster) want+=("$s") ;;
      *) die "logs: unknown service '$s' (kafka|registry|redis|redis-cluster)" ;;
    esac
  done
  (( ${#want[@]} )) || want=(kafka registry redis redis-cluster)
  [[ -t 1 ]] && follow=1
  for s in "${want[@]}"; do
    local f="$LOG_DIR/$s.log"
    if [[ -f "$f" ]]; then files+=("$f"); else info "$s: no log file at $f (not started by stack.sh?)"; fi
  done
  (( ${#files[@]} )) || return 0
  if (( follow )); then exec tail -n "${LOG_LINES:-100}" -F "${files[@]}"; fi
  tail -n "${LOG_LINES:-100}" "${files[@]}"
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
