#!/usr/bin/env bash
# Shared helpers for the scripts in setup/: where Odoo is, the cached Python environment,
# and a PostgreSQL server to talk to. Source it; every function is idempotent.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RELANCE_CACHE="${RELANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/account_relance_fr}"
PYTHON="${PYTHON:-python3}"
# Odoo is on no Python package index: its source comes from its git repository. When the
# user names no tree (ODOO_PATH unset), a system-wide one is used if there is one, else a
# shallow clone of ODOO_GIT_URL at ODOO_GIT_REF kept in the cache (see ensure_odoo).
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ODOO_GIT_REF="${ODOO_GIT_REF:-19.0}"
RELANCE_SYSTEM_ODOO="${RELANCE_SYSTEM_ODOO:-/opt/odoo}"
if [ -n "${ODOO_PATH:-}" ]; then
    ODOO_PATH_FROM_USER=1
else
    ODOO_PATH_FROM_USER=0
    ODOO_PATH="$RELANCE_SYSTEM_ODOO"
fi

say() { printf '[relance] %s\n' "$*" >&2; }
die() { printf '[relance] ERROR: %s\n' "$*" >&2; exit 2; }

# odoo_tree_problem DIR: why DIR is not an Odoo 19 source tree (nothing when it is one).
odoo_tree_problem() {
    if [ ! -f "$1/odoo-bin" ] || [ ! -d "$1/addons/account" ]; then
        echo "no Odoo 19 tree at $1 (expected odoo-bin and addons/account there)"
        return 0
    fi
    local ver
    ver=$(sed -n 's/^version_info = (\([0-9]*\),.*/\1/p' "$1/odoo/release.py" 2>/dev/null || true)
    [ "$ver" = "19" ] || echo "the Odoo tree at $1 is not Odoo 19 (release.py says major version '${ver:-unknown}')"
}

# The Odoo tree to run: ODOO_PATH when the user set it (never replaced behind their back),
# else the system-wide tree, else a shallow clone in the cache, made once.
ensure_odoo() {
    local problem
    problem=$(odoo_tree_problem "$ODOO_PATH")
    [ -z "$problem" ] && return 0
    if [ "$ODOO_PATH_FROM_USER" = 1 ]; then
        die "$problem. ODOO_PATH=$ODOO_PATH was set: point it to an Odoo 19.0 Community source tree, or unset it to let this script clone Odoo into $RELANCE_CACHE."
    fi
    local dest="$RELANCE_CACHE/odoo-$ODOO_GIT_REF"
    ODOO_PATH="$dest"
    [ -z "$(odoo_tree_problem "$dest")" ] && return 0
    command -v git >/dev/null || die "no Odoo 19 tree at $RELANCE_SYSTEM_ODOO and git is not installed to fetch one (Debian: apt-get install git), or set ODOO_PATH to an Odoo 19.0 source tree."
    # git ignores --depth for a plain local path; file:// keeps the clone shallow.
    local url="$ODOO_GIT_URL"
    case "$url" in /*) url="file://$url" ;; esac
    say "no Odoo 19 tree found: cloning $ODOO_GIT_URL (branch $ODOO_GIT_REF, shallow) into $dest; this happens once (about 1.5 GB on disk, minutes on a good connection)"
    mkdir -p "$RELANCE_CACHE"
    # Cloned aside and moved in place when complete: an interrupted clone is never taken for a tree.
    local partial="$dest.partial"
    rm -rf "$partial"
    if ! git clone -q --depth 1 --single-branch --branch "$ODOO_GIT_REF" "$url" "$partial" >"$RELANCE_CACHE/odoo-clone.log" 2>&1; then
        rm -rf "$partial"
        sed 's/^/[relance]   git: /' "$RELANCE_CACHE/odoo-clone.log" >&2
        die "could not clone Odoo from $ODOO_GIT_URL (branch $ODOO_GIT_REF). Check the network and run again; or set ODOO_GIT_URL to a reachable copy of Odoo's repository (ODOO_GIT_REF for its branch), or ODOO_PATH to an Odoo 19.0 source tree you already have."
    fi
    problem=$(odoo_tree_problem "$partial")
    if [ -n "$problem" ]; then
        rm -rf "$partial"
        die "the clone of $ODOO_GIT_URL (branch $ODOO_GIT_REF) is not usable: ${problem/$partial/the clone}. Set ODOO_GIT_URL / ODOO_GIT_REF to Odoo's repository and its 19.0 branch."
    fi
    rm -rf "$dest"
    mv "$partial" "$dest"
    say "Odoo $ODOO_GIT_REF is in $dest (export ODOO_PATH=$dest to use it elsewhere)"
}

# Kept for the scripts that only need a tree: finds or fetches one.
require_odoo() { ensure_odoo; }

# The virtualenv is keyed on everything that decides its content, and kept outside the
# clone so that a fresh clone (and CI on the same machine) reuses it.
venv_dir() {
    local key
    key=$( { cat "$ODOO_PATH/requirements.txt" "$REPO_ROOT/requirements.txt" "$REPO_ROOT/setup/requirements-dev.txt";
             "$PYTHON" -c 'import sys; print(sys.version)'; echo v1; } | sha256sum | cut -c1-16)
    echo "$RELANCE_CACHE/venv-$key"
}

ensure_venv() {
    require_odoo
    VENV="$(venv_dir)"
    if [ -f "$VENV/.complete" ]; then
        export PATH="$VENV/bin:$PATH"
        return 0
    fi
    say "building the Python environment in $VENV (once per set of requirements; several minutes)"
    rm -rf "$VENV"
    mkdir -p "$RELANCE_CACHE"
    "$PYTHON" -m venv "$VENV"
    local tmp; tmp=$(mktemp -d)
    # python-ldap needs system headers and only serves the auth_ldap addon: left out.
    grep -viE '^\s*python-ldap' "$ODOO_PATH/requirements.txt" > "$tmp/odoo-requirements.txt"
    # Old sdists (e.g. vobject, ofxparse) still import pkg_resources at build time.
    echo 'setuptools<70' > "$tmp/constraints.txt"
    export PIP_CONSTRAINT="$tmp/constraints.txt"
    "$VENV/bin/pip" install -q --upgrade 'pip<25' 'setuptools<70' wheel
    "$VENV/bin/pip" install -q -r "$tmp/odoo-requirements.txt"
    "$VENV/bin/pip" install -q -r "$REPO_ROOT/requirements.txt" -r "$REPO_ROOT/setup/requirements-dev.txt"
    unset PIP_CONSTRAINT
    rm -rf "$tmp"
    touch "$VENV/.complete"
    export PATH="$VENV/bin:$PATH"
    say "Python environment ready"
}

# The lint runner (pre-commit) in a small virtualenv of its own, and pre-commit's hook
# environments (ruff, pylint-odoo, OCA's checks, from PyPI) in the cache as well.
ensure_lint() {
    local key
    key=$( { cat "$REPO_ROOT/setup/requirements-lint.txt"; "$PYTHON" -c 'import sys; print(sys.version)'; } \
           | sha256sum | cut -c1-16)
    LINT_VENV="$RELANCE_CACHE/lint-$key"
    export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$RELANCE_CACHE/pre-commit}"
    [ -f "$LINT_VENV/.complete" ] && return 0
    say "building the lint environment in $LINT_VENV (once)"
    rm -rf "$LINT_VENV"
    mkdir -p "$RELANCE_CACHE"
    "$PYTHON" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/pip" install -q -r "$REPO_ROOT/setup/requirements-lint.txt" \
        || die "could not install pre-commit from PyPI (see above): check the network and run again."
    touch "$LINT_VENV/.complete"
}

# run_lint: pre-commit on every file of the checkout; non-zero when a check fails.
run_lint() {
    ensure_lint
    if ! git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        say "not a git checkout: the lint checks need one (pre-commit reads the tracked files)"
        return 1
    fi
    (cd "$REPO_ROOT" && "$LINT_VENV/bin/pre-commit" run --all-files --color=never)
}

# PostgreSQL: the one at $PGHOST:$PGPORT (default 127.0.0.1:5432) when it answers, otherwise a
# private cluster of our own (initdb in the cache folder, listening on a unix socket only).
ensure_postgres() {
    export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
    if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        export PGUSER="${PGUSER:-$(id -un)}"
        return 0
    fi
    local bindir; bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -x "$bindir/initdb" ] || bindir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    [ -x "$bindir/initdb" ] || die "no PostgreSQL answers at $PGHOST:$PGPORT and no initdb is installed (Debian: apt-get install postgresql)."
    # As root the cluster belongs to 'postgres' (PostgreSQL refuses root), in a folder that
    # user can reach (not under /root).
    local base="$RELANCE_CACHE/postgres" run_as=()
    if [ "$(id -u)" = 0 ]; then
        base="${RELANCE_PG_ROOT:-/var/lib/account_relance_fr/postgres}"
        id postgres >/dev/null 2>&1 || useradd -r -m postgres
        run_as=(runuser -u postgres --)
    fi
    local data="$base/data" sock="$base/socket"
    mkdir -p "$data" "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$base" && chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "no PostgreSQL at $PGHOST:$PGPORT: creating a private cluster in $data"
        "${run_as[@]}" "$bindir/initdb" -D "$data" -A trust -U postgres >/dev/null
    fi
    export PGHOST="$sock" PGPORT=5433 PGUSER=postgres
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        say "starting the private PostgreSQL cluster (socket in $sock)"
        "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$base/postgres.log" -w \
            -o "-k $sock -p $PGPORT -c listen_addresses=''" start >/dev/null
    fi
    if [ "$(id -u)" = 0 ]; then
        psql -d postgres -tAc "select 1 from pg_roles where rolname='root'" | grep -q 1 \
            || psql -q -d postgres -c "create role root superuser login"
        export PGUSER=root
    fi
}

# Debian packages some features need at run time (PDF letters, browser tours).
ensure_debian_packages() {
    local missing=()
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    command -v chromium >/dev/null || missing+=(chromium)
    # The addon's documents name Liberation Sans then DejaVu Sans: fonts Debian's wkhtmltopdf
    # 0.12.6 renders with a text layer (the layouts' web fonts do not load there).
    if command -v fc-list >/dev/null; then
        fc-list | grep -q "Liberation Sans" || missing+=(fonts-liberation)
        fc-list | grep -q "DejaVu Sans" || missing+=(fonts-dejavu-core)
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} from Debian"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || die "could not install ${missing[*]} (apt-get failed)"
    else
        die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) and run again."
    fi
}

odoo_options() {
    printf '%s\n' --addons-path="$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$REPO_ROOT,$REPO_ROOT/tests/odoo_addons" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER"
}

# odoo_bin [server options...]: the Odoo server on our addons path and database server.
odoo_bin() {
    local opts; mapfile -t opts < <(odoo_options)
    "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "${opts[@]}" "$@"
}

# odoo_cmd COMMAND [args...]: an odoo-bin sub-command (db, shell, i18n...) with the same options.
odoo_cmd() {
    local cmd=$1; shift
    local opts; mapfile -t opts < <(odoo_options)
    "$VENV/bin/python" "$ODOO_PATH/odoo-bin" "$cmd" "${opts[@]}" "$@"
}
