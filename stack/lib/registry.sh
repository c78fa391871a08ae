# shellcheck shell=bash
# Schema registry: Apicurio Registry 3.x (Quarkus) from the Maven Central
# assembly io.apicurio:apicurio-registry-app:<v>:tar.gz:all, in-memory storage,
# Confluent-compatible API under /apis/ccompat/v7.

REGISTRY_MARKER="-Dagent.timelines.stack=registry"
REGISTRY_LOG="$LOG_DIR/registry.log"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms128m -Xmx1024m}"
REGISTRY_CCOMPAT_URL="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"

registry_pid() { service_pid registry "$REGISTRY_MARKER"; }

registry_ready() { [[ "$(http_code "$REGISTRY_CCOMPAT_URL/subjects")" == 200 ]]; }

# The assembly is a Quarkus fast-jar (quarkus-run.jar, 3.1+) or a legacy
# runner jar (apicurio-registry-app-<v>-runner.jar + lib/, 3.0.x).
registry_jar() {
  if [[ -f "$APICURIO_HOME/quarkus-run.jar" ]]; then
    printf '%s\n' "$APICURIO_HOME/quarkus-run.jar"; return
  fi
  local j
  for j in "$APICURIO_HOME"/*-runner.jar; do [[ -f "$j" ]] && { printf '%s\n' "$j"; return; }; done
  die "registry: no quarkus-run.jar or *-runner.jar in $APICURIO_HOME (delete it to re-fetch)"
}

registry_start() {
  REGISTRY_STARTED_PID=""
  local pid jar heap
  if pid="$(registry_pid)"; then
    info "registry: already running (pid $pid) at $REGISTRY_CCOMPAT_URL"; return 0
  fi
  if port_open "$REGISTRY_PORT"; then
    registry_ready || die "registry: port $REGISTRY_PORT is taken by a process not started by stack.sh and $REGISTRY_CCOMPAT_URL/subjects does not answer 200"
    info "registry: external registry already answers at $REGISTRY_CCOMPAT_URL; not starting ours"; return 0
  fi
  jar="$(registry_jar)"
  read -ra heap <<<"$REGISTRY_HEAP_OPTS"
  mkdir -p "$LOG_DIR"
  info "registry: starting Apicurio Registry $APICURIO_VERSION at $REGISTRY_CCOMPAT_URL (log: $REGISTRY_LOG)"
  launch registry "$REGISTRY_LOG" "$STACK_DIR/registry" \
    "$REGISTRY_JAVA" "$REGISTRY_MARKER" "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -Dquarkus.log.console.format='%d{yyyy-MM-dd HH:mm:ss} %p [%c{3.}] (%t) %m%n' \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url='jdbc:h2:mem:agent-timelines-registry' \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -Dapicurio.rest.deletion.group.enabled=true \
    -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    -jar "$jar"
  REGISTRY_STARTED_PID="$LAUNCHED_PID"
}

registry_wait() {
  if ! ( wait_ready registry "$REGISTRY_LOG" "${REGISTRY_STARTED_PID:-}" registry_ready ); then
    if grep -q UnsupportedClassVersionError "$REGISTRY_LOG" 2>/dev/null; then
      warn "registry: Apicurio $APICURIO_VERSION needs a newer Java than '$REGISTRY_JAVA' (3.3.x needs 21): set REGISTRY_JAVA=/path/to/java21 or use APICURIO_VERSION=3.0.9"
    fi
    exit 1
  fi
  info "registry: ready at $REGISTRY_CCOMPAT_URL"
}

registry_stop() {
  local pid
  if pid="$(registry_pid)"; then
    info "registry: stopping (pid $pid)"
    stop_pid registry "$pid"
  fi
  rm -f "$(pid_file registry)"
}

registry_status() {
  local pid
  if pid="$(registry_pid)"; then
    if registry_ready; then info "registry  up        $REGISTRY_CCOMPAT_URL (pid $pid)"; return 0; fi
    info "registry  starting  $REGISTRY_CCOMPAT_URL (pid $pid, not answering yet)"; return 1
  fi
  if registry_ready; then info "registry  up        $REGISTRY_CCOMPAT_URL (external, not managed)"; return 0; fi
  info "registry  down"; return 1
}
