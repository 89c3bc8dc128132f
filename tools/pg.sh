# shellcheck shell=bash
# tools/pg.sh — a private PostgreSQL cluster for this checkout. Sourced after tools/env.sh.
#
# Why a cluster of our own: no dependency on a system-wide server, its
# configuration or its roles; several checkouts can coexist (one port each);
# `rm -rf .local` resets everything.
#
#   data       <repo>/.local/pg/data
#   socket     <repo>/.local/pg/run   (Odoo uses it as db_host; no TCP needed)
#   log        <repo>/.local/pg/server.log
#   port       $PGPORT, default 5499 (also listens on 127.0.0.1)
#   role       odoo (the cluster's superuser, trust auth; Odoo refuses 'postgres')
#
# PostgreSQL refuses to run as root, so as root the server runs as the system
# user 'postgres' (created by Debian's package), or 'odoodev' if that is absent.
#
# Functions: gcq_pg_start (sets GCQ_PG_STARTED=1 if it had to start it),
# gcq_pg_stop, gcq_pg_status, gcq_psql, gcq_db_exists, gcq_dropdb.

GCQ_PG_PORT="${PGPORT:-5499}"
GCQ_PG_USER="odoo"
GCQ_PG_STARTED=0

# Where the cluster lives, and which OS user runs it. Normally <repo>/.local/pg.
# A folder in /tmp is used instead (named after the repo path, so it is still
# this checkout's own) when:
#  - "<home>/run/.s.PGSQL.<port>" would not fit in a unix socket path (107 bytes);
#  - as root, the server user cannot reach <repo>/.local (some parent folder of
#    the checkout is private to root, e.g. mode 700).
# An existing cluster wins: its folder, and its owner as the server user.
# Usage: gcq_pg_paths [create]   — only 'create' may add a user or folders.
gcq_pg_paths() {
    local create="${1:-}" alt owner fallback=0
    alt="/tmp/gcq-pg-$(printf '%s' "$GCQ_ROOT" | sha256sum | cut -c1-12)"
    GCQ_PG_BIN="$(gcq_pg_bindir || true)"
    GCQ_PG_HOME=""
    if [[ -f "$GCQ_LOCAL/pg/data/PG_VERSION" ]]; then
        GCQ_PG_HOME="$GCQ_LOCAL/pg"
    elif [[ -f "$alt/data/PG_VERSION" ]]; then
        GCQ_PG_HOME="$alt"
    fi
    GCQ_PG_OSUSER=""
    if [[ "$(id -u)" == 0 ]]; then
        owner="$( [[ -n "$GCQ_PG_HOME" ]] && stat -c %U "$GCQ_PG_HOME/data" || true)"
        if [[ -n "$owner" && "$owner" != root && "$owner" != UNKNOWN ]]; then
            GCQ_PG_OSUSER="$owner"
        elif id -u postgres >/dev/null 2>&1; then
            GCQ_PG_OSUSER=postgres      # created by Debian's postgresql package
        else
            GCQ_PG_OSUSER=odoodev
            if [[ "$create" == create ]] && ! id -u odoodev >/dev/null 2>&1; then
                useradd --system --no-create-home --shell /usr/sbin/nologin odoodev
            fi
        fi
    fi
    if [[ -z "$GCQ_PG_HOME" ]]; then
        GCQ_PG_HOME="$GCQ_LOCAL/pg"
        (( ${#GCQ_PG_HOME} + ${#GCQ_PG_PORT} + 16 > 100 )) && fallback=1
        if [[ -n "$GCQ_PG_OSUSER" && "$create" == create ]]; then
            mkdir -p "$GCQ_LOCAL"
            runuser -u "$GCQ_PG_OSUSER" -- test -x "$GCQ_LOCAL/." 2>/dev/null || fallback=1
        fi
        if ((fallback)); then
            GCQ_PG_HOME="$alt"
            gcq_log "PostgreSQL cluster goes to $GCQ_PG_HOME: the checkout path is too long for a socket or not reachable by user '$GCQ_PG_OSUSER'"
        fi
    fi
    GCQ_PG_DATA="$GCQ_PG_HOME/data"
    GCQ_PG_SOCKDIR="$GCQ_PG_HOME/run"
    GCQ_PG_LOG="$GCQ_PG_HOME/server.log"
    # libpq clients (psql, createdb, Odoo's psycopg2) default to our cluster.
    export PGHOST="$GCQ_PG_SOCKDIR" PGPORT="$GCQ_PG_PORT" PGUSER="$GCQ_PG_USER" PGDATABASE=postgres
}

gcq_pg_require_bin() {
    [[ -n "$GCQ_PG_BIN" ]] || gcq_die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)."
}

# Run a server-side command (initdb, pg_ctl) as the right OS user. From /, as
# the server user may not be allowed into the caller's working directory.
gcq_pg_run() {
    if [[ -n "$GCQ_PG_OSUSER" ]]; then
        (cd / && runuser -u "$GCQ_PG_OSUSER" -- "$@")
    else
        "$@"
    fi
}

gcq_pg_init() {
    [[ -f "$GCQ_PG_DATA/PG_VERSION" ]] && return 0
    gcq_log "creating PostgreSQL cluster in $GCQ_PG_DATA"
    rm -rf "$GCQ_PG_DATA"
    mkdir -p "$GCQ_PG_DATA" "$GCQ_PG_SOCKDIR"
    [[ -z "$GCQ_PG_OSUSER" ]] || chown -R "$GCQ_PG_OSUSER" "$GCQ_PG_HOME"
    chmod 700 "$GCQ_PG_DATA"
    # The bootstrap superuser is 'odoo' directly: no 'postgres' role to juggle.
    # trust: local dev cluster, reachable only through our socket and loopback.
    gcq_pg_run "$GCQ_PG_BIN/initdb" -D "$GCQ_PG_DATA" -U "$GCQ_PG_USER" --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$GCQ_PG_HOME/initdb.log" 2>&1 \
        || { cat "$GCQ_PG_HOME/initdb.log" >&2; gcq_die "initdb failed"; }
    # Port and socket dir are set on the command line at each start (so that
    # PGPORT can change); this file holds the fixed, dev-only tuning.
    cat >>"$GCQ_PG_DATA/postgresql.conf" <<'EOF'

# --- gestion_clientele_quotes dev cluster (tools/pg.sh) ---
listen_addresses = '127.0.0.1'
# Throwaway data: trade durability for speed (tests create/drop databases).
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
}

# Port the running server of this data dir listens on (empty if not running).
gcq_pg_running_port() {
    gcq_pg_run "$GCQ_PG_BIN/pg_ctl" status -D "$GCQ_PG_DATA" >/dev/null 2>&1 || return 0
    sed -n '4p' "$GCQ_PG_DATA/postmaster.pid" 2>/dev/null
}

gcq_pg_start() {
    gcq_pg_paths create
    gcq_pg_require_bin
    gcq_pg_init
    local running
    running="$(gcq_pg_running_port)"
    if [[ -n "$running" ]]; then
        if [[ "$running" == "$GCQ_PG_PORT" ]]; then
            # A server of ours is already up (another command, or a previous run
            # that died): reuse it rather than fight over the data dir.
            gcq_log "reusing running PostgreSQL (port $GCQ_PG_PORT, socket $GCQ_PG_SOCKDIR)"
            return 0
        fi
        gcq_log "our PostgreSQL runs on port $running but PGPORT=$GCQ_PG_PORT: restarting it"
        gcq_pg_stop
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$GCQ_PG_PORT") 2>/dev/null; then
        gcq_die "port $GCQ_PG_PORT is already used by another program; set PGPORT to a free port."
    fi
    mkdir -p "$GCQ_PG_SOCKDIR"
    [[ -z "$GCQ_PG_OSUSER" ]] || chown "$GCQ_PG_OSUSER" "$GCQ_PG_SOCKDIR" "$GCQ_PG_HOME"
    # pg_ctl removes a stale postmaster.pid by itself when its process is gone.
    if ! gcq_pg_run "$GCQ_PG_BIN/pg_ctl" start -D "$GCQ_PG_DATA" -l "$GCQ_PG_LOG" -w -t 60 \
        -o "-p $GCQ_PG_PORT -k '$GCQ_PG_SOCKDIR'" >/dev/null; then
        tail -n 20 "$GCQ_PG_LOG" >&2 || true
        gcq_die "PostgreSQL failed to start (log: $GCQ_PG_LOG)"
    fi
    GCQ_PG_STARTED=1
    gcq_log "PostgreSQL started (port $GCQ_PG_PORT, socket $GCQ_PG_SOCKDIR, role $GCQ_PG_USER)"
}

# gcq_pg_stop [quiet]   (quiet: print nothing on success, e.g. after pytest's summary)
gcq_pg_stop() {
    [[ -n "${GCQ_PG_DATA:-}" ]] || gcq_pg_paths
    # Nothing to stop when there is no cluster, or no PostgreSQL installed yet.
    [[ -f "$GCQ_PG_DATA/PG_VERSION" && -n "$GCQ_PG_BIN" ]] || return 0
    if gcq_pg_run "$GCQ_PG_BIN/pg_ctl" status -D "$GCQ_PG_DATA" >/dev/null 2>&1; then
        # fast: roll back open transactions and disconnect clients (Odoo, tests).
        gcq_pg_run "$GCQ_PG_BIN/pg_ctl" stop -D "$GCQ_PG_DATA" -m fast -w -t 60 >/dev/null \
            || gcq_pg_run "$GCQ_PG_BIN/pg_ctl" stop -D "$GCQ_PG_DATA" -m immediate -w >/dev/null || true
        [[ "${1:-}" == quiet ]] || gcq_log "PostgreSQL stopped"
    fi
    GCQ_PG_STARTED=0
}

gcq_pg_status() {
    [[ -n "${GCQ_PG_DATA:-}" ]] || gcq_pg_paths
    local running
    running="$( [[ -f "$GCQ_PG_DATA/PG_VERSION" && -n "$GCQ_PG_BIN" ]] && gcq_pg_running_port || true)"
    if [[ -n "$running" ]]; then
        echo "running: port $running, socket $GCQ_PG_SOCKDIR, data $GCQ_PG_DATA"
    else
        echo "stopped: data $GCQ_PG_DATA"
        return 3
    fi
}

gcq_psql() { gcq_pg_require_bin; PGOPTIONS="-c client_min_messages=warning" "$GCQ_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

gcq_db_exists() {
    [[ "$(gcq_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

# Drop a database and its filestore, even if a crashed run left connections.
gcq_dropdb() {
    gcq_psql -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$GCQ_LOCAL/data/filestore/$1"
}

# Write an Odoo configuration file pointing at our cluster and add-ons.
# Usage: gcq_odoo_conf FILE DBNAME HTTP_PORT [CRON_THREADS]
# CRON_THREADS: threads running the scheduled actions (default 0: the tests and
# the benchmark run them themselves; tools/serve runs Odoo's default of 2).
# Regenerated on every run: edit this function, not the file. Options given on
# the odoo-bin command line still win over the file.
gcq_odoo_conf() {
    local file="$1" db="$2" http_port="$3" cron_threads="${4:-0}"
    mkdir -p "$(dirname "$file")" "$GCQ_LOCAL/data"
    cat >"$file" <<CONF
; generated by tools/pg.sh (gcq_odoo_conf) — do not edit, it is rewritten on each run
[options]
addons_path = $GCQ_ADDONS_PATH
data_dir = $GCQ_LOCAL/data
db_host = $GCQ_PG_SOCKDIR
db_port = $GCQ_PG_PORT
db_user = $GCQ_PG_USER
db_name = $db
dbfilter = ^$db\$
list_db = False
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $http_port
gevent_port = $((http_port + 3))
workers = 0
max_cron_threads = $cron_threads
CONF
}

# Printing settings of a database served by the tools (tools/serve, tools/benchmark):
# wkhtmltopdf loads the report's stylesheets from the local server over plain
# HTTP (report.url; the patched 0.12.4 build has no OpenSSL 3), and waits
# GCQ_REPORT_PRINT_DELAY ms (default 100) for the page's scripts instead of
# Odoo's default 1000 ms (report.print_delay, a database-wide setting).
# Usage: gcq_report_settings DBNAME HTTP_PORT
gcq_report_settings() {
    local db="$1" http_port="$2" delay="${GCQ_REPORT_PRINT_DELAY:-100}"
    [[ "$delay" =~ ^[0-9]+$ ]] || gcq_die "GCQ_REPORT_PRINT_DELAY must be a number of milliseconds, not '$delay'"
    gcq_psql -d "$db" -c "
        INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
        VALUES ('report.url', 'http://127.0.0.1:$http_port', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'),
               ('report.print_delay', '$delay', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date" >/dev/null
}
