# shellcheck shell=bash
# Shared settings and helpers for stack/stack.sh and stack/decode-record.sh.
# Sourced, not executed. Everything here is overridable through the environment.

STACK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # <repo>/stack
REPO_ROOT="$(cd "$STACK_HOME/.." && pwd)"

# --- where things live ------------------------------------------------------
CACHE_DIR="${AGENT_TIMELINES_CACHE:-$HOME/.cache/agent-timelines}"   # jars, archives (outside git)
STACK_DIR="${AGENT_TIMELINES_STACK_DIR:-$REPO_ROOT/.stack}"          # runtime data, pids, logs
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"

# --- versions (Maven Central coordinates) -----------------------------------
KAFKA_VERSION="${KAFKA_VERSION:-4.1.2}"            # org.apache.kafka:kafka_2.13
LOG4J_VERSION="${LOG4J_VERSION:-2.24.3}"           # must match kafka_2.13's log4j-core
# 3.3.x is built for Java 21 (class file 65); this machine has Java 17, so the
# default is the newest 3.x that runs on 17. See stack/README.md.
APICURIO_VERSION="${APICURIO_VERSION:-3.0.9}"      # io.apicurio:apicurio-registry-app:tar.gz:all
AVRO_TOOLS_VERSION="${AVRO_TOOLS_VERSION:-1.12.2}" # org.apache.avro:avro-tools

# --- ports (127.0.0.1 only) -------------------------------------------------
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_MANAGEMENT_PORT="${REGISTRY_MANAGEMENT_PORT:-9010}"  # Quarkus management iface (3.3.x)
REDIS_PORT="${REDIS_PORT:-6379}"

# --- timeouts (seconds) -----------------------------------------------------
STACK_START_TIMEOUT="${STACK_START_TIMEOUT:-90}"
STACK_STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"

JAVA="${JAVA:-java}"
REGISTRY_JAVA="${REGISTRY_JAVA:-$JAVA}"   # e.g. a JDK 21 for APICURIO_VERSION=3.3.x

# --- derived cache paths ----------------------------------------------------
M2_REPO="${AGENT_TIMELINES_M2:-$CACHE_DIR/m2}"
KAFKA_LIBS="$CACHE_DIR/kafka_2.13-$KAFKA_VERSION/libs"
APICURIO_HOME="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
AVRO_TOOLS_JAR="${AVRO_TOOLS_JAR:-$CACHE_DIR/avro-tools/avro-tools-$AVRO_TOOLS_VERSION.jar}"

# --- output -----------------------------------------------------------------
info() { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# Print the last lines of a log file to stderr (for failure messages).
show_log_tail() {
  local file="$1"
  if [[ -s "$file" ]]; then
    printf -- '----- last 20 lines of %s -----\n' "$file" >&2
    tail -n 20 "$file" >&2
    printf -- '-----\n' >&2
  fi
}

# --- processes --------------------------------------------------------------
pid_file() { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

# True if PID exists and is not a zombie.
pid_running() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Echo the PID of service NAME if it is running AND its command line contains
# MARKER (guards against a stale pid file whose PID was reused).
service_pid() {
  local name="$1" marker="$2" file pid
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  pid_running "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s\n' "$pid"
}

# launch NAME LOGFILE WORKDIR CMD... : start CMD detached (own session, no
# stdin), stdout+stderr appended to LOGFILE; the pid file is written by the
# process itself right before exec, so it is exact. Sets LAUNCHED_PID.
# shellcheck disable=SC2034  # LAUNCHED_PID is read by the lib/<service>.sh callers
launch() {
  local name="$1" logfile="$2" workdir="$3"; shift 3
  local pidf; pidf="$(pid_file "$name")"
  rm -f "$pidf"
  mkdir -p "$workdir" "$(dirname "$logfile")" "$RUN_DIR"
  printf '\n===== %s: starting %s =====\n' "$(date '+%F %T')" "$name" >>"$logfile"
  (
    cd "$workdir" || exit 1
    # shellcheck disable=SC2016  # expanded by the inner bash
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logfile" 2>&1 &
  )

  LAUNCHED_PID=""
  for _ in $(seq 1 50); do
    if [[ -s "$pidf" ]]; then LAUNCHED_PID="$(tr -dc '0-9' <"$pidf")"; return 0; fi
    sleep 0.1
  done
  die "$name: could not start (no pid file $pidf); see $logfile"
}

# stop_pid NAME PID : TERM, wait up to STACK_STOP_TIMEOUT, then KILL; returns
# once the process is really gone.
stop_pid() {
  local name="$1" pid="$2" waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while pid_running "$pid"; do
    if (( waited >= STACK_STOP_TIMEOUT * 10 )); then
      warn "$name (pid $pid) did not stop within ${STACK_STOP_TIMEOUT}s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true

      for _ in $(seq 1 50); do pid_running "$pid" || break; sleep 0.1; done
      pid_running "$pid" && die "$name (pid $pid) survived SIGKILL"
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  # it is dead; give init a moment to reap it so it does not linger as <defunct>
  for _ in $(seq 1 20); do [[ -e "/proc/$pid" ]] || break; sleep 0.1; done
}

# --- network probes ---------------------------------------------------------
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true; }

# wait_ready NAME LOGFILE PID CHECK_FN [ARGS...]: poll CHECK_FN until it
# succeeds; fail fast if PID (may be empty = external) dies; fail after
# STACK_START_TIMEOUT. Failure message names the service and its log file.
wait_ready() {
  local name="$1" logfile="$2" pid="$3"; shift 3
  local deadline=$((SECONDS + STACK_START_TIMEOUT))
  while ! "$@"; do
    if [[ -n "$pid" ]] && ! pid_running "$pid"; then
      show_log_tail "$logfile"
      die "$name exited during startup; log file: $logfile"
    fi
    if (( SECONDS >= deadline )); then
      show_log_tail "$logfile"
      die "$name not ready after ${STACK_START_TIMEOUT}s; log file: $logfile"
    fi
    sleep 0.5
  done
}

# --- installs ---------------------------------------------------------------
_apt_updated=0
apt_install() {
  local sudo=""
  (( EUID == 0 )) || sudo="sudo"
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  info "installing Debian package(s): $* (apt-get)"
  mkdir -p "$LOG_DIR"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >>"$LOG_DIR/apt.log" 2>&1; then
    if (( _apt_updated == 0 )); then
      _apt_updated=1
      $sudo apt-get update -q >>"$LOG_DIR/apt.log" 2>&1 || true
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >>"$LOG_DIR/apt.log" 2>&1 \
        || { show_log_tail "$LOG_DIR/apt.log"; die "apt-get install $* failed; log file: $LOG_DIR/apt.log"; }
    else
      show_log_tail "$LOG_DIR/apt.log"; die "apt-get install $* failed; log file: $LOG_DIR/apt.log"
    fi
  fi
}

ensure_command() {  # ensure_command CMD DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}

# Fetch whatever is missing from the cache with ONE Maven run (warm cache: no
# Maven at all). Kafka jars -> $KAFKA_LIBS, Apicurio -> $APICURIO_HOME
# (extracted), avro-tools -> $AVRO_TOOLS_JAR.
fetch_artifacts() {
  local goals=() dl="$CACHE_DIR/downloads" tmp_libs="$KAFKA_LIBS.tmp"
  [[ -f "$KAFKA_LIBS/.complete" ]] || goals+=("dependency:copy-dependencies@kafka-libs")
  if [[ ! -f "$APICURIO_HOME/.complete" || ! -f "$AVRO_TOOLS_JAR" ]]; then
    goals+=("dependency:copy@downloads")
  fi
  (( ${#goals[@]} )) || return 0

  ensure_command mvn maven
  command -v "$JAVA" >/dev/null || die "java not found (need Java 17+)"
  mkdir -p "$CACHE_DIR" "$LOG_DIR"
  local mlog="$LOG_DIR/fetch.log"
  info "fetching from Maven Central into $CACHE_DIR (log: $mlog) ..."
  rm -rf "$tmp_libs" "$dl"
  if ! mvn -B -q -f "$STACK_HOME/pom.xml" \
        -Dmaven.repo.local="$M2_REPO" \
        -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" \
        -Dapicurio.version="$APICURIO_VERSION" -Davro.tools.version="$AVRO_TOOLS_VERSION" \
        -Dstack.kafka.libs="$tmp_libs" -Dstack.downloads="$dl" \
        "${goals[@]}" >"$mlog" 2>&1; then
    show_log_tail "$mlog"
    die "Maven could not fetch the stack's artifacts; log file: $mlog"
  fi

  if [[ -d "$tmp_libs" ]]; then
    rm -rf "$KAFKA_LIBS"; mkdir -p "$(dirname "$KAFKA_LIBS")"
    touch "$tmp_libs/.complete"; mv "$tmp_libs" "$KAFKA_LIBS"
  fi
  if [[ -d "$dl" ]]; then
    local tgz="$dl/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
    if [[ ! -f "$APICURIO_HOME/.complete" ]]; then
      [[ -f "$tgz" ]] || die "Maven did not produce $tgz; log file: $mlog"
      rm -rf "$APICURIO_HOME" "$APICURIO_HOME.tmp"; mkdir -p "$APICURIO_HOME.tmp"
      tar -xzf "$tgz" -C "$APICURIO_HOME.tmp"
      touch "$APICURIO_HOME.tmp/.complete"; mv "$APICURIO_HOME.tmp" "$APICURIO_HOME"
    fi
    mkdir -p "$(dirname "$AVRO_TOOLS_JAR")"
    [[ -f "$dl/avro-tools-$AVRO_TOOLS_VERSION.jar" ]] && mv -f "$dl/avro-tools-$AVRO_TOOLS_VERSION.jar" "$AVRO_TOOLS_JAR"
    rm -rf "$dl"   # the archive also stays in $M2_REPO
  fi
}
