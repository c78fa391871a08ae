# shellcheck shell=bash
# Kafka: single-node KRaft (broker + controller) from the Maven Central jars.

KAFKA_MARKER="-Dagent.timelines.stack=kafka"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_DATA="$STACK_DIR/kafka/data"
KAFKA_PROPS="$STACK_DIR/kafka/server.properties"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1536m}"

kafka_pid() { service_pid kafka "$KAFKA_MARKER"; }

# java + JVM flags + classpath, shared by the broker and StorageTool
kafka_jvm() {
  local heap; read -ra heap <<<"$KAFKA_HEAP_OPTS"
  KAFKA_JVM=("$JAVA" "$KAFKA_MARKER" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$STACK_HOME/kafka/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}

# Metadata round trip through the broker listener (kcat), TCP if no kcat.
kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  if command -v kcat >/dev/null; then
    kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q ' 1 brokers:' || return 1
  fi
}

kafka_render_config() {
  mkdir -p "$KAFKA_DATA"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@KAFKA_CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@KAFKA_LOG_DIR@#$KAFKA_DATA#g" \
      "$STACK_HOME/kafka/server.properties.template" >"$KAFKA_PROPS"
}

kafka_format_once() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cid
  # Kafka cluster ids are 16 random bytes, URL-safe base64, no padding (22 chars).
  cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  info "kafka: formatting storage $KAFKA_DATA (cluster id $cid)"
  kafka_jvm
  "${KAFKA_JVM[@]}" kafka.tools.StorageTool format --standalone -t "$cid" -c "$KAFKA_PROPS" \
    >>"$KAFKA_LOG" 2>&1 || { show_log_tail "$KAFKA_LOG"; die "kafka: storage format failed; log file: $KAFKA_LOG"; }
}

# Start (no waiting). Sets KAFKA_STARTED_PID ("" if already running/external).
kafka_start() {
  KAFKA_STARTED_PID=""
  local pid
  if pid="$(kafka_pid)"; then
    info "kafka: already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; return 0
  fi
  if port_open "$KAFKA_PORT"; then
    kafka_ready || die "kafka: port $KAFKA_PORT is taken by a process not started by stack.sh and it does not answer Kafka metadata requests"
    info "kafka: external broker already answers on 127.0.0.1:$KAFKA_PORT; not starting ours"; return 0
  fi
  port_open "$KAFKA_CONTROLLER_PORT" && die "kafka: controller port $KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT)"
  mkdir -p "$LOG_DIR"
  kafka_render_config
  kafka_format_once
  info "kafka: starting $KAFKA_VERSION (KRaft broker+controller) on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_LOG)"
  kafka_jvm
  launch kafka "$KAFKA_LOG" "$STACK_DIR/kafka" "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_PROPS"
  KAFKA_STARTED_PID="$LAUNCHED_PID"
}

kafka_wait() {
  wait_ready kafka "$KAFKA_LOG" "${KAFKA_STARTED_PID:-}" kafka_ready
  info "kafka: ready on 127.0.0.1:$KAFKA_PORT"
}

kafka_stop() {
  local pid
  if pid="$(kafka_pid)"; then
    info "kafka: stopping (pid $pid)"
    stop_pid kafka "$pid"
  fi
  rm -f "$(pid_file kafka)"
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if kafka_ready; then info "kafka     up        127.0.0.1:$KAFKA_PORT (pid $pid)"; return 0; fi
    info "kafka     starting  127.0.0.1:$KAFKA_PORT (pid $pid, not answering yet)"; return 1
  fi
  if kafka_ready; then info "kafka     up        127.0.0.1:$KAFKA_PORT (external, not managed)"; return 0; fi
  info "kafka     down"; return 1
}
