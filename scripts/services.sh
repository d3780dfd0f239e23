#!/usr/bin/env bash
# Starts and stops the real Redis and Neo4j that ScamGraph's integration tests,
# benchmarks and `make test` run against. Both listen on loopback only and keep
# their state under one directory, so a developer's laptop and a fresh CI
# machine behave the same way.
#
# Usage: scripts/services.sh start | stop | status | env | install
#                            | restart-neo4j [--hard] | stop-neo4j [--hard]
#                            | start-neo4j | pause-neo4j | resume-neo4j
#
#   start          install what is missing, start Redis and Neo4j, wait until
#                  both answer, then print the export lines of `env`. Does
#                  nothing for a service that is already running.
#   stop           SIGTERM both, wait for a clean exit, SIGKILL after
#                  STOP_TIMEOUT seconds.
#   status         say what runs where; exits 0 only if both are running.
#   env            print `export NEO4J_URI=...` and `export REDIS_URL=...`,
#                  for `eval "$(scripts/services.sh env)"`.
#   install        install and build what `start` needs, start nothing.
#   restart-neo4j  stop Neo4j with SIGTERM (with --hard: SIGKILL, as a crash
#                  would) and start it again on the same port and data; for
#                  fault-injection tests.
#   stop-neo4j     stop Neo4j only (SIGTERM; --hard: SIGKILL), leaving Redis
#                  running; clients then find the port closed.
#   start-neo4j    start Neo4j again on the port and data of its last start.
#   pause-neo4j    SIGSTOP Neo4j: its port still accepts connections but
#                  nothing answers, as with a hung server or a network black
#                  hole. resume-neo4j (SIGCONT) lets it carry on.
#
# Settings (environment):
#   SCAMGRAPH_STATE_DIR  data, logs and pidfiles     (default: <repo>/.services)
#   NEO4J_PORT           Bolt port on 127.0.0.1       (default: 7687)
#   REDIS_PORT           Redis port on 127.0.0.1      (default: 6379)
#   NEO4J_HEAP_MIN, NEO4J_HEAP_MAX, NEO4J_PAGECACHE   (default: 512m, 2g, 512m)
#   NEO4J_JAVA_OPTS      extra JVM options, split on spaces
#   NEO4J_START_TIMEOUT, REDIS_START_TIMEOUT, STOP_TIMEOUT   seconds (90, 20, 30)
#
# Messages go to stderr so that stdout carries only the export lines.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# realpath -m: the state dir may not exist yet, and a relative setting must
# mean the same thing to every later command whatever its working directory.
STATE_DIR=$(realpath -m "${SCAMGRAPH_STATE_DIR:-$ROOT/.services}")
LAUNCHER_DIR=$ROOT/services/neo4j
LAUNCHER_CLASS=org.scamgraph.neo4jlauncher.Launcher

NEO4J_PORT_SET=${NEO4J_PORT:-}
REDIS_PORT_SET=${REDIS_PORT:-}
NEO4J_PORT=${NEO4J_PORT:-7687}
REDIS_PORT=${REDIS_PORT:-6379}
NEO4J_HEAP_MIN=${NEO4J_HEAP_MIN:-512m}
NEO4J_HEAP_MAX=${NEO4J_HEAP_MAX:-2g}
NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-512m}
NEO4J_START_TIMEOUT=${NEO4J_START_TIMEOUT:-90}
REDIS_START_TIMEOUT=${REDIS_START_TIMEOUT:-20}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}

NEO4J_DIR=$STATE_DIR/neo4j
REDIS_DIR=$STATE_DIR/redis
# The launcher's own home: Neo4j's data, its logs, neo4j.conf and the ready file.
NEO4J_HOME=$NEO4J_DIR/dbms

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

for port in "$NEO4J_PORT" "$REDIS_PORT"; do
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        die "bad port '$port'"
    fi
done

# ---------------------------------------------------------------------------
# Installing what a fresh Debian machine lacks.

APT_UPDATED=0

# apt_install installs Debian packages. Debian's maintainer scripts would start
# a system-wide redis-server on 6379, which would take the port this script
# wants and outlive it, so service starts are denied while installing.
apt_install() {
    local sudo=() added_policy=0
    if ((EUID != 0)); then
        command -v sudo >/dev/null || die "need root (or sudo) to install: $*; install them yourself"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null || die "apt-get not found; install these yourself: $*"
    if ((EUID == 0)) && [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\n# Written by scamgraph scripts/services.sh while installing.\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    log "installing $* from Debian's packages"
    local rc=0
    {
        if ((APT_UPDATED == 0)); then
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
            APT_UPDATED=1
        fi
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "$@"
    } >&2 || rc=$?
    ((added_policy == 0)) || rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || die "apt-get install $* failed (exit $rc)"
}

# java_major prints the major version of `java` on PATH (8 for "1.8.0_x").
java_major() {
    local v
    v=$(java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)
    v=${v#1.}
    printf '%s\n' "${v%%[.+-]*}"
}

ensure_redis_installed() {
    if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
        apt_install redis-server redis-tools
    fi
}

# ensure_java_installed wants Java 17 or newer: Neo4j 5.26 runs on 17 and 21.
ensure_java_installed() {
    if ! command -v java >/dev/null; then
        apt_install openjdk-17-jdk-headless
    fi
    local major
    major=$(java_major)
    if ! [[ $major =~ ^[0-9]+$ ]] || ((major < 17)); then
        die "Neo4j 5.26 needs Java 17 or newer; 'java' on PATH is version '${major:-unknown}'"
    fi
}

# launcher_stale says whether the launcher must be (re)built: never built, or
# pom.xml or a source file changed since. target/lib is touched after every
# build and serves as the stamp.
launcher_stale() {
    local t=$LAUNCHER_DIR/target
    [[ -d $t/lib && -f $t/classes/org/scamgraph/neo4jlauncher/Launcher.class ]] || return 0
    [[ $LAUNCHER_DIR/pom.xml -nt $t/lib ]] && return 0
    [[ -n $(find "$LAUNCHER_DIR/src" -type f -newer "$t/lib" -print -quit) ]]
}

ensure_launcher_built() {
    launcher_stale || return 0
    command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
    command -v mvn >/dev/null || apt_install maven
    # A changed pom.xml may change dependency versions; copy-dependencies only
    # adds jars, so stale ones would stay on the classpath beside the new ones.
    if [[ -d $LAUNCHER_DIR/target/lib && $LAUNCHER_DIR/pom.xml -nt $LAUNCHER_DIR/target/lib ]]; then
        rm -rf "$LAUNCHER_DIR/target/lib"
    fi
    local started=$SECONDS buildlog=$STATE_DIR/launcher-build.log
    log "building the Neo4j launcher (mvn package in services/neo4j; log in $buildlog)"
    mkdir -p "$STATE_DIR"
    # Maven's output goes to a file and is shown only on failure: on success
    # it is noise (and in -q mode mostly terminal colour codes).
    if ! (cd "$LAUNCHER_DIR" && mvn -B -q -Dstyle.color=never -DskipTests package) \
        >"$buildlog" 2>&1 </dev/null; then
        # The first errors say what broke; the rest is Maven's advice.
        grep -m 20 -E '^\[ERROR\]' "$buildlog" >&2 || tail -n 40 "$buildlog" >&2 || true
        die "building the Neo4j launcher failed; see $buildlog"
    fi
    touch "$LAUNCHER_DIR/target/lib"
    log "launcher built in $((SECONDS - started))s"
}

install_all() {
    ensure_redis_installed
    ensure_java_installed
    ensure_launcher_built
}

# ---------------------------------------------------------------------------
# Processes.

# pid_of prints the pid recorded in a pidfile if that process is alive and is
# still the one we started (its command line contains $2), so that a pid the
# kernel reused for something else is never signalled.
pid_of() {
    local pidfile=$1 marker=$2 pid
    [[ -s $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    # A zombie has an empty command line, so it counts as dead, as it should.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
    printf '%s\n' "$pid"
}

# port_open says whether something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    # shellcheck disable=SC2016 # $1 belongs to the inner shell.
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# port_owner describes the listener on a port, when ss can tell.
port_owner() {
    command -v ss >/dev/null || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:(\(.*\))$/\1/p' | head -n1
}

die_port_taken() {
    local name=$1 port=$2 var=$3 owner
    owner=$(port_owner "$port")
    die "port 127.0.0.1:$port for $name is already in use by another process${owner:+ $owner}," \
        "not one this script started from $STATE_DIR. Stop it, or choose another port, e.g." \
        "$var=$((port < 55536 ? port + 10000 : port - 10000)) scripts/services.sh start"
}

# launch starts a command in the background in its own session, so that a
# Ctrl-C in the terminal that ran `make test` does not take the shared services
# down halfway. The wrapper writes its own pid and then execs, so the pidfile
# names the server itself. fd 9 (the lock) is closed so the long-lived server
# does not hold the lock forever.
launch() {
    local pidfile=$1 logfile=$2
    shift 2
    rm -f "$pidfile"
    printf '=== %s: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >>"$logfile"
    # shellcheck disable=SC2016 # $$ and $0 belong to the inner shell.
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
        </dev/null >>"$logfile" 2>&1 9>&- &
    local i
    for ((i = 0; i < 50; i++)); do
        [[ -s $pidfile ]] && return 0
        sleep 0.1
    done
    die "could not start $1 (no pid written); see $logfile"
}

# log_tail shows the end of a log, from the current run's start marker on.
log_tail() {
    awk '/^=== /{run=""} {run = run $0 "\n"} END{printf "%s", run}' "$1" | tail -n 40 >&2 || true
}

# wait_ready polls a check until it succeeds, failing early if the process
# died and with the log's tail after a timeout.
wait_ready() {
    local name=$1 pidfile=$2 marker=$3 logfile=$4 timeout=$5
    shift 5
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if ! pid_of "$pidfile" "$marker" >/dev/null; then
            log "$name exited during start-up; last lines of $logfile:"
            log_tail "$logfile"
            [[ $name != neo4j ]] || log "Neo4j's own log: $NEO4J_HOME/logs/debug.log"
            die "$name did not start"
        fi
        "$@" && return 0
        sleep 0.25
    done
    log "$name did not answer within ${timeout}s; last lines of $logfile:"
    log_tail "$logfile"
    [[ $name != neo4j ]] || log "Neo4j's own log: $NEO4J_HOME/logs/debug.log"
    stop_one "$name" "$pidfile" "$marker" TERM
    die "$name did not start within ${timeout}s (raise ${name^^}_START_TIMEOUT if the machine is slow)"
}

# stop_one stops one service by its pidfile (with the port file beside it):
# the given signal first, SIGKILL if it is still there after STOP_TIMEOUT
# seconds.
stop_one() {
    local name=$1 pidfile=$2 marker=$3 signal=${4:-TERM} pid port=''
    [[ ! -s ${pidfile%/*}/port ]] || port=$(<"${pidfile%/*}/port")
    if ! pid=$(pid_of "$pidfile" "$marker"); then
        rm -f "$pidfile"
        log "$name is not running"
        return 0
    fi
    log "stopping $name (pid $pid, SIG$signal)"
    kill -s "$signal" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while pid_of "$pidfile" "$marker" >/dev/null; do
        if ((SECONDS >= deadline)); then
            log "$name (pid $pid) still running after ${STOP_TIMEOUT}s; sending SIGKILL"
            kill -s KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 10))
            while pid_of "$pidfile" "$marker" >/dev/null; do
                ((SECONDS < deadline)) || die "$name (pid $pid) survived SIGKILL"
                sleep 0.1
            done
            break
        fi
        sleep 0.1
    done
    # The main thread dies first; the JVM's other threads, and with them its
    # listening socket and the store lock, can linger for a moment after a
    # SIGKILL, and a restart in that moment finds the port taken. So wait for
    # the process entry to go, and for the port to close; both briefly, since
    # an init that never reaps would keep a zombie forever.
    deadline=$((SECONDS + 5))
    while [[ -e /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.1; done
    if [[ -n $port ]]; then
        deadline=$((SECONDS + 5))
        while port_open "$port" && ((SECONDS < deadline)); do sleep 0.1; done
    fi
    rm -f "$pidfile"
    log "$name stopped"
}

# recorded_port prints the port a running service was started on, falling
# back to the configured one when it is not running.
recorded_port() {
    local dir=$1 marker=$2 configured=$3
    if pid_of "$dir/pid" "$marker" >/dev/null && [[ -s $dir/port ]]; then
        cat "$dir/port"
    else
        printf '%s\n' "$configured"
    fi
}

# already_running reports a running service and refuses a conflicting port
# that the caller asked for explicitly.
already_running() {
    local name=$1 dir=$2 pid=$3 wanted=$4 explicit=$5 running
    running=$(cat "$dir/port" 2>/dev/null || echo '?')
    if [[ -n $explicit && $running != "$wanted" ]]; then
        die "$name already runs from $STATE_DIR on port $running, not $wanted; stop it first"
    fi
    log "$name already running (pid $pid, 127.0.0.1:$running)"
}

# ---------------------------------------------------------------------------
# Redis.

REDIS_MARKER=redis-server

redis_answers() {
    [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

start_redis() {
    local pid
    if pid=$(pid_of "$REDIS_DIR/pid" "$REDIS_MARKER"); then
        already_running redis "$REDIS_DIR" "$pid" "$REDIS_PORT" "$REDIS_PORT_SET"
        return 0
    fi
    port_open "$REDIS_PORT" && die_port_taken redis "$REDIS_PORT" REDIS_PORT
    mkdir -p "$REDIS_DIR/data"
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    # A test cache: nothing is persisted (no RDB snapshots, no AOF), so a
    # restart starts empty, as a cache may.
    launch "$REDIS_DIR/pid" "$REDIS_DIR/redis.log" \
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize no \
        --protected-mode yes --save '' --appendonly no --dir "$REDIS_DIR/data" \
        --logfile ''
    printf '%s\n' "$REDIS_PORT" >"$REDIS_DIR/port"
    wait_ready redis "$REDIS_DIR/pid" "$REDIS_MARKER" "$REDIS_DIR/redis.log" \
        "$REDIS_START_TIMEOUT" redis_answers "$REDIS_PORT"
    log "redis ready on 127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------------------
# Neo4j.

# The data directory in the marker ties the pid to this state dir's launcher,
# not to the one a developer started by hand elsewhere.
NEO4J_MARKER="$LAUNCHER_CLASS $NEO4J_HOME "

neo4j_answers() {
    [[ -f $NEO4J_HOME/ready ]] && port_open "$1"
}

start_neo4j() {
    local pid port=${1:-$NEO4J_PORT}
    if pid=$(pid_of "$NEO4J_DIR/pid" "$NEO4J_MARKER"); then
        already_running neo4j "$NEO4J_DIR" "$pid" "$port" "$NEO4J_PORT_SET"
        return 0
    fi
    port_open "$port" && die_port_taken neo4j "$port" NEO4J_PORT
    mkdir -p "$NEO4J_HOME"
    # The launcher deletes a stale ready file too, but only once the JVM is up;
    # removing it here means a file left by a killed run can never be mistaken
    # for readiness.
    rm -f "$NEO4J_HOME/ready"
    log "starting neo4j on 127.0.0.1:$port (heap $NEO4J_HEAP_MIN..$NEO4J_HEAP_MAX, page cache $NEO4J_PAGECACHE)"
    local -a extra=()
    # shellcheck disable=SC2206 # NEO4J_JAVA_OPTS is a space-separated list.
    [[ -z ${NEO4J_JAVA_OPTS:-} ]] || extra=($NEO4J_JAVA_OPTS)
    # The --add-opens let Neo4j's page cache and transaction logs use direct
    # buffers and native file access instead of slower fallbacks (the server
    # distribution passes the same); ExitOnOutOfMemoryError makes an OOM a
    # visible crash rather than a half-alive server that hangs the tests.
    launch "$NEO4J_DIR/pid" "$NEO4J_DIR/neo4j.log" \
        java "-Xms$NEO4J_HEAP_MIN" "-Xmx$NEO4J_HEAP_MAX" -XX:+UseG1GC \
        -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow \
        --add-opens=java.base/java.nio=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        -Dio.netty.tryReflectionSetAccessible=true \
        -Djdk.nio.maxCachedBufferSize=1024 \
        -Dlog4j2.disable.jmx=true \
        "${extra[@]}" \
        -cp "$LAUNCHER_DIR/target/classes:$LAUNCHER_DIR/target/lib/*" \
        "$LAUNCHER_CLASS" "$NEO4J_HOME" "127.0.0.1:$port" "$NEO4J_PAGECACHE"
    printf '%s\n' "$port" >"$NEO4J_DIR/port"
    wait_ready neo4j "$NEO4J_DIR/pid" "$NEO4J_MARKER" "$NEO4J_DIR/neo4j.log" \
        "$NEO4J_START_TIMEOUT" neo4j_answers "$port"
    log "neo4j ready on bolt://127.0.0.1:$port"
}

# ---------------------------------------------------------------------------
# Commands.

# lock serialises commands that change state, so two `make test` runs started
# together do not both start a server on the same port.
lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$STATE_DIR/lock"
    flock -w 300 9 || die "another scripts/services.sh holds $STATE_DIR/lock"
}

print_env() {
    local neo4j_port redis_port
    neo4j_port=$(recorded_port "$NEO4J_DIR" "$NEO4J_MARKER" "$NEO4J_PORT")
    redis_port=$(recorded_port "$REDIS_DIR" "$REDIS_MARKER" "$REDIS_PORT")
    printf 'export NEO4J_URI=bolt://127.0.0.1:%s\n' "$neo4j_port"
    printf 'export REDIS_URL=redis://127.0.0.1:%s/0\n' "$redis_port"
}

cmd_start() {
    local started=$SECONDS
    lock
    # Check both ports before installing or starting anything, so a conflict
    # fails fast and does not leave one service running without the other.
    pid_of "$REDIS_DIR/pid" "$REDIS_MARKER" >/dev/null ||
        ! port_open "$REDIS_PORT" || die_port_taken redis "$REDIS_PORT" REDIS_PORT
    pid_of "$NEO4J_DIR/pid" "$NEO4J_MARKER" >/dev/null ||
        ! port_open "$NEO4J_PORT" || die_port_taken neo4j "$NEO4J_PORT" NEO4J_PORT
    install_all
    start_redis
    start_neo4j
    log "services up in $((SECONDS - started))s (state in $STATE_DIR)"
    print_env
}

cmd_stop() {
    lock
    # Neo4j first: it may still be flushing, and nothing depends on Redis to stop.
    stop_one neo4j "$NEO4J_DIR/pid" "$NEO4J_MARKER" TERM
    stop_one redis "$REDIS_DIR/pid" "$REDIS_MARKER" TERM
}

cmd_status() {
    local rc=0 pid port
    if pid=$(pid_of "$REDIS_DIR/pid" "$REDIS_MARKER"); then
        port=$(cat "$REDIS_DIR/port")
        if redis_answers "$port"; then
            log "redis: running (pid $pid, 127.0.0.1:$port, answers PING)"
        else
            log "redis: running (pid $pid, 127.0.0.1:$port) but does not answer PING"
            rc=3
        fi
    else
        log "redis: stopped"
        rc=3
    fi
    if pid=$(pid_of "$NEO4J_DIR/pid" "$NEO4J_MARKER"); then
        port=$(cat "$NEO4J_DIR/port")
        if neo4j_answers "$port"; then
            log "neo4j: running (pid $pid, bolt://127.0.0.1:$port, ready)"
        else
            log "neo4j: running (pid $pid, bolt://127.0.0.1:$port) but not ready"
            rc=3
        fi
    else
        log "neo4j: stopped"
        rc=3
    fi
    return "$rc"
}

cmd_restart_neo4j() {
    local signal=TERM
    case ${1:-} in
        '') ;;
        --hard) signal=KILL ;;
        *) die "usage: $0 restart-neo4j [--hard]" ;;
    esac
    lock
    ensure_java_installed
    ensure_launcher_built
    local port started=$SECONDS
    port=$(last_neo4j_port)
    stop_one neo4j "$NEO4J_DIR/pid" "$NEO4J_MARKER" "$signal"
    start_neo4j "$port"
    log "neo4j restarted in $((SECONDS - started))s"
}

# last_neo4j_port is the port of Neo4j's last start (even if that instance
# has since died), so that clients reconnect to where they were; an
# explicit NEO4J_PORT wins.
last_neo4j_port() {
    if [[ -z $NEO4J_PORT_SET && -s $NEO4J_DIR/port ]]; then
        cat "$NEO4J_DIR/port"
    else
        printf '%s\n' "$NEO4J_PORT"
    fi
}

cmd_stop_neo4j() {
    local signal=TERM
    case ${1:-} in
        '') ;;
        --hard) signal=KILL ;;
        *) die "usage: $0 stop-neo4j [--hard]" ;;
    esac
    lock
    # A paused Neo4j would sit on SIGTERM until STOP_TIMEOUT; let it run
    # so that it can stop.
    local pid
    if pid=$(pid_of "$NEO4J_DIR/pid" "$NEO4J_MARKER"); then
        kill -s CONT "$pid" 2>/dev/null || true
    fi
    stop_one neo4j "$NEO4J_DIR/pid" "$NEO4J_MARKER" "$signal"
}

cmd_start_neo4j() {
    lock
    ensure_java_installed
    ensure_launcher_built
    start_neo4j "$(last_neo4j_port)"
}

# signal_neo4j sends SIGSTOP or SIGCONT to the running Neo4j.
signal_neo4j() {
    local signal=$1 pid
    lock
    pid=$(pid_of "$NEO4J_DIR/pid" "$NEO4J_MARKER") || die "neo4j is not running"
    kill -s "$signal" "$pid"
    log "neo4j (pid $pid) sent SIG$signal"
}

main() {
    local cmd=${1:-}
    (($# == 0)) || shift
    case $cmd in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        env) print_env ;;
        install) lock && install_all ;;
        restart-neo4j) cmd_restart_neo4j "$@" ;;
        stop-neo4j) cmd_stop_neo4j "$@" ;;
        start-neo4j) cmd_start_neo4j ;;
        pause-neo4j) signal_neo4j STOP ;;
        resume-neo4j) signal_neo4j CONT ;;
        *)
            sed -n '/^# Usage:/,/^# Messages go/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
            exit 2
            ;;
    esac
}

main "$@"
