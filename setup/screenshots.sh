#!/usr/bin/env bash
# Takes the screenshots of README.rst (the table: setup/screenshots.json) in headless
# Chromium, against the demo of setup/run.sh, into docs/screenshots/. Uses the demo already
# serving on RELANCE_PORT (default 8069) and RELANCE_DB, or starts setup/run.sh for the time
# it takes and stops it afterwards. Arguments: only the screens of these names.
source "$(dirname "$0")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${RELANCE_PORT:-8069}"
url="http://127.0.0.1:$PORT"
out="$REPO_ROOT/docs/screenshots"

ensure_venv
ensure_debian_packages
command -v pdftoppm >/dev/null || die "pdftoppm is missing (Debian: apt-get install poppler-utils)"

started=
if ! curl -sf "$url/web/health" >/dev/null 2>&1; then
    say "no demo on $url: starting setup/run.sh"
    log="$RELANCE_CACHE/screenshots-run.log"
    RELANCE_DB="$DB" RELANCE_PORT="$PORT" bash "$REPO_ROOT/setup/run.sh" > "$log" 2>&1 &
    started=$!
    trap 'kill -TERM $started 2>/dev/null; wait $started 2>/dev/null' EXIT
    until grep -q "Odoo is running" "$log"; do
        kill -0 "$started" 2>/dev/null || { tail -n 30 "$log"; die "setup/run.sh stopped: see above"; }
        sleep 2
    done
fi
say "taking the screenshots of setup/screenshots.json into $out"
"$VENV/bin/python" "$REPO_ROOT/setup/screenshots.py" "$url" "$DB" "$out" "$@"
