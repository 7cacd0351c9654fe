#!/usr/bin/env bash
# Benchmark of the relance on a French ledger built through Odoo's accounting; see usage below.
source "$(dirname "$0")/common.sh"

usage() {
    cat <<'EOF'
Usage: setup/bench.sh [--size S|M|L|XL] [--repeat N] [--steps a,b,...] [--compare-oca]
                      [--analyze] [--rebuild] [--build-only] [--profile STEP] [--keep-logs]
                      [--wkhtmltopdf PATH]

Builds once a French ledger of the chosen size with Odoo's own accounting (invoices posted,
payments reconciled, partial payments, credit notes, a few % in USD, invoicing contacts,
a payment term in two installments; seeded, so the same at every build) and keeps it as the
PostgreSQL template relance_bench_tpl_<size>. Then each step runs on a fresh copy of it, in
an `odoo shell` process of its own, and a table of the medians is printed: wall time, SQL
queries, peak RSS, and what the step made.

  --size S|M|L|XL   S = 1,000 clients / 5,000 invoices, M = 2,000 / 20,000,
                    L = 3,000 / 30,000, XL = 10,000 / 100,000 (default S; env BENCH_SIZE)
  --repeat N        repetitions of every step, medians printed (default 1; 3 for the README)
  --steps LIST      among prepare, cron, send, send_email, rerun, validate_send, aged,
                    aged_after_run, aged_xlsx, risk, letters, floor_prepare, floor_send_email
                    (validate_send: the relances waiting after a preparation sent in one click,
                    as a collector does; floor_*: the SQL those runs cannot avoid, timed alone)
                    (default: all but send and letters, whose letters are PDFs rendered by
                    wkhtmltopdf, one by one with Debian's, about a second each: minutes at S)
  --compare-oca     also install OCA's account_credit_control (from PyPI, into a temporary
                    addons folder outside the repository) beside this addon, in the template
                    relance_bench_tpl_oca_<size>, give it an equivalent policy on every client,
                    and measure its run (oca_prepare, oca_send, oca_rerun) beside ours, the two
                    sides alternated, on that same database and date; ours runs there too
  --analyze         ANALYZE the copy before each step (default: no planner statistics, as
                    right after the data was loaded: the copy's are cleared)
  --rebuild         drop the template(s) of the size and build them again
  --build-only      build the template(s) and stop
  --profile STEP    write a cProfile of STEP (ours or oca_*) in the log folder
  --keep-logs       keep the log folder even when everything went well
  --wkhtmltopdf PATH  the wkhtmltopdf the steps use (put first on their PATH; default: the
                    one on the PATH, Debian's): one built with patched Qt renders the letters
                    of a batch in one call (step letters, BENCH_LETTERS letters, default 100)

Environment: BENCH_DATE (controlling date, default 2026-11-30), BENCH_SEED (default 19),
BENCH_CLIENTS / BENCH_INVOICES (a custom size, with --size custom), BENCH_PARTS (processes
building the ledger at once, each in its own journals; default: the number of cores).
Databases are named relance_bench_*; nothing listens on a port (odoo shell, --no-http).
EOF
}

SIZE="${BENCH_SIZE:-S}"; PARTS="${BENCH_PARTS:-$(nproc)}"; REPEAT=1; STEPS="prepare,cron,send_email,rerun,aged,aged_after_run,aged_xlsx,risk"
COMPARE_OCA=0; ANALYZE=0; REBUILD=0; BUILD_ONLY=0; PROFILE_STEP=""; KEEP_LOGS=0; WKHTMLTOPDF=""
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="$2"; shift 2 ;;
        --size=*) SIZE="${1#*=}"; shift ;;
        --repeat) REPEAT="$2"; shift 2 ;;
        --repeat=*) REPEAT="${1#*=}"; shift ;;
        --steps) STEPS="$2"; shift 2 ;;
        --steps=*) STEPS="${1#*=}"; shift ;;
        --compare-oca) COMPARE_OCA=1; shift ;;
        --analyze) ANALYZE=1; shift ;;
        --rebuild) REBUILD=1; shift ;;
        --build-only) BUILD_ONLY=1; shift ;;
        --profile) PROFILE_STEP="$2"; shift 2 ;;
        --profile=*) PROFILE_STEP="${1#*=}"; shift ;;
        --keep-logs) KEEP_LOGS=1; shift ;;
        --wkhtmltopdf) WKHTMLTOPDF="$2"; shift 2 ;;
        --wkhtmltopdf=*) WKHTMLTOPDF="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
SIZE=$(echo "$SIZE" | tr '[:lower:]' '[:upper:]')
case "$SIZE" in
    S) CLIENTS=1000; INVOICES=5000 ;;
    M) CLIENTS=2000; INVOICES=20000 ;;
    L) CLIENTS=3000; INVOICES=30000 ;;
    XL) CLIENTS=10000; INVOICES=100000 ;;
    CUSTOM) CLIENTS="${BENCH_CLIENTS:?BENCH_CLIENTS is needed with --size custom}"
            INVOICES="${BENCH_INVOICES:?BENCH_INVOICES is needed with --size custom}"
            SIZE="C${CLIENTS}_${INVOICES}" ;;
    *) die "unknown size $SIZE (S, M, L, XL or custom)" ;;
esac
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--repeat takes a positive number"
export BENCH_DATE="${BENCH_DATE:-2026-11-30}" BENCH_SEED="${BENCH_SEED:-19}"
size_key=$(echo "$SIZE" | tr '[:upper:]' '[:lower:]')
BASE_DB="relance_bench_base"
TPL_DB="relance_bench_tpl_${size_key}"
OCA_TPL_DB="relance_bench_tpl_oca_${size_key}"
RUN_DB="relance_bench_run_${size_key}_$$"
export BENCH_DIR="$REPO_ROOT/tests/bench"  # the steps import bench_screen.py from it
LOG_DIR="$RELANCE_CACHE/bench/logs/$(date +%Y%m%d-%H%M%S)-$size_key"
OCA_ADDONS=""; WK_DIR=""

require_odoo
ensure_venv
ensure_postgres
mkdir -p "$LOG_DIR"

cleanup() {
    dropdb --if-exists "$RUN_DB" >/dev/null 2>&1 || true
    [ -n "$OCA_ADDONS" ] && rm -rf "$OCA_ADDONS"
    [ -n "$WK_DIR" ] && rm -rf "$WK_DIR"
    return 0
}
trap cleanup EXIT

db_exists() { [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
# A database becomes a template once complete: a build that was interrupted is never taken for one.
make_template() {  # make_template BUILD_DB NAME SECONDS
    psql -q -d postgres -c "ALTER DATABASE \"$1\" RENAME TO \"$2\"" \
        -c "ALTER DATABASE \"$2\" IS_TEMPLATE true" \
        -c "COMMENT ON DATABASE \"$2\" IS 'built in $3 s on $(date -u +%Y-%m-%dT%H:%M:%SZ)'"
}
drop_template() {
    if db_exists "$1"; then
        psql -q -d postgres -c "ALTER DATABASE \"$1\" IS_TEMPLATE false"
        dropdb "$1"
    fi
}
build_seconds() { psql -d postgres -tAc "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$1'"; }

# odoo_at DB [options...]: odoo-bin with the OCA folder on the addons path when there is one.
addons_opt() {
    local path="$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$REPO_ROOT"
    [ -n "$OCA_ADDONS" ] && path="$path,$OCA_ADDONS"
    echo "--addons-path=$path"
}
shell_at() {  # shell_at DB SCRIPT LOG [env assignments via the environment]
    odoo_cmd shell -d "$1" "$(addons_opt)" --no-http --log-level=warn < "$2" >"$3" 2>"$3.err" \
        || { tail -n 40 "$3.err" >&2; die "odoo shell failed on $1 with $(basename "$2") (logs: $3*)"; }
}

# OCA's addon for this Odoo version, from PyPI, in a temporary folder (never in the repository).
fetch_oca() {
    local wheels="$RELANCE_CACHE/bench/oca-wheels"
    mkdir -p "$wheels"
    if ! ls "$wheels"/odoo_addon_account_credit_control-19.0.*.whl >/dev/null 2>&1; then
        say "downloading OCA's account_credit_control 19.0 from PyPI"
        "$VENV/bin/pip" download -q --no-deps "odoo-addon-account_credit_control>=19.0,<19.1" -d "$wheels" \
            || die "could not download odoo-addon-account_credit_control from PyPI"
    fi
    OCA_ADDONS=$(mktemp -d /tmp/relance_bench_oca.XXXXXX)
    local wheel; wheel=$(ls "$wheels"/odoo_addon_account_credit_control-19.0.*.whl | sort -V | tail -n1)
    "$VENV/bin/python" - "$wheel" "$OCA_ADDONS" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in wheel.namelist():
        if name.startswith('odoo/addons/'):
            target = name[len('odoo/addons/'):]
            if target and not name.endswith('/'):
                import os
                path = os.path.join(sys.argv[2], target)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, 'wb') as out:
                    out.write(wheel.read(name))
EOF
    # Its dependencies (base, account, mail) are Odoo's own: no other OCA addon is needed.
    local deps; deps=$("$VENV/bin/python" -c "import ast,sys; print(' '.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
        "$OCA_ADDONS/account_credit_control/__manifest__.py")
    for dep in $deps; do
        [ -d "$ODOO_PATH/addons/$dep" ] || [ -d "$ODOO_PATH/odoo/addons/$dep" ] \
            || die "account_credit_control depends on $dep, which is not in Odoo: install it from PyPI first"
    done
    say "OCA's $(basename "$wheel") in $OCA_ADDONS"
}

# ---------------------------------------------------------------- templates

if [ "$REBUILD" = 1 ]; then
    drop_template "$TPL_DB"
    drop_template "$OCA_TPL_DB"
    drop_template "${TPL_DB}_cur"
    drop_template "${OCA_TPL_DB}_cur"
fi
if ! db_exists "$BASE_DB"; then
    say "building $BASE_DB: account_relance_fr installed, no data (generic chart of accounts)"
    start=$SECONDS
    dropdb --if-exists "${BASE_DB}_build"
    odoo_cmd db init "${BASE_DB}_build" --force >"$LOG_DIR/base.log" 2>&1
    odoo_bin -d "${BASE_DB}_build" -i account_relance_fr --stop-after-init --no-http --log-level=warn \
        >>"$LOG_DIR/base.log" 2>&1 || { tail -n 40 "$LOG_DIR/base.log" >&2; die "installing the addon failed"; }
    make_template "${BASE_DB}_build" "$BASE_DB" $((SECONDS - start))
fi
if ! db_exists "$TPL_DB"; then
    say "building $TPL_DB: $CLIENTS clients, $INVOICES invoices (once; logs in $LOG_DIR)"
    start=$SECONDS
    dropdb --if-exists "${TPL_DB}_build"
    createdb -T "$BASE_DB" "${TPL_DB}_build"
    export BENCH_CLIENTS=$CLIENTS BENCH_INVOICES=$INVOICES BENCH_PARTS=$PARTS
    # The company and the clients, then the ledger of each part in a process of its own, all
    # at once (one per core), then the counts.
    BENCH_STAGE=setup shell_at "${TPL_DB}_build" "$BENCH_DIR/bench_build.py" "$LOG_DIR/build.log"
    pids=()
    for part in $(seq 0 $((PARTS - 1))); do
        BENCH_STAGE=part BENCH_PART=$part shell_at "${TPL_DB}_build" "$BENCH_DIR/bench_build.py" \
            "$LOG_DIR/build.part$part.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || die "building a part of the ledger failed (logs: $LOG_DIR/build.part*)"; done
    BENCH_STAGE=summary shell_at "${TPL_DB}_build" "$BENCH_DIR/bench_build.py" "$LOG_DIR/build.summary.log"
    for log in "$LOG_DIR"/build.log "$LOG_DIR"/build.part*.log; do
        grep '^bench build:' "$log" | sed "s/^/[relance]   $(basename "$log" .log): /" >&2
    done
    grep '^BENCH_BUILD ' "$LOG_DIR/build.summary.log" | sed 's/^/[relance]   /' >&2
    make_template "${TPL_DB}_build" "$TPL_DB" $((SECONDS - start))
    say "$TPL_DB $(build_seconds "$TPL_DB")"
fi
if [ "$COMPARE_OCA" = 1 ]; then
    fetch_oca
    if ! db_exists "$OCA_TPL_DB"; then
        say "building $OCA_TPL_DB: $TPL_DB with OCA's account_credit_control and its policy"
        start=$SECONDS
        dropdb --if-exists "${OCA_TPL_DB}_build"
        createdb -T "$TPL_DB" "${OCA_TPL_DB}_build"
        odoo_bin -d "${OCA_TPL_DB}_build" "$(addons_opt)" -i account_credit_control --stop-after-init --no-http \
            --log-level=warn >"$LOG_DIR/oca_install.log" 2>&1 \
            || { tail -n 40 "$LOG_DIR/oca_install.log" >&2; die "installing account_credit_control failed"; }
        shell_at "${OCA_TPL_DB}_build" "$BENCH_DIR/bench_oca_setup.py" "$LOG_DIR/oca_setup.log"
        make_template "${OCA_TPL_DB}_build" "$OCA_TPL_DB" $((SECONDS - start))
    fi
fi
say "$TPL_DB: $(build_seconds "$TPL_DB")"
[ "$COMPARE_OCA" = 1 ] && say "$OCA_TPL_DB: $(build_seconds "$OCA_TPL_DB")"
[ "$BUILD_ONLY" = 1 ] && { [ "$KEEP_LOGS" = 1 ] || rm -rf "$LOG_DIR"; exit 0; }

# ---------------------------------------------------------------- steps

source_db="$TPL_DB"
[ "$COMPARE_OCA" = 1 ] && source_db="$OCA_TPL_DB"
# A template holds the ledger with the addon as it was the day it was built: the steps copy
# a template brought up to the addon of this checkout (-u), made once per version of its code.
code_key=$(cd "$REPO_ROOT" && git ls-files -z account_relance_fr | xargs -0 sha256sum | sha256sum | cut -c1-12)
current_db="${source_db}_cur"
if [ "$(build_seconds "$current_db" 2>/dev/null)" != "code $code_key" ]; then
    say "bringing a copy of $source_db up to this checkout's addon (code $code_key)"
    drop_template "$current_db"
    dropdb --if-exists "${current_db}_build"
    createdb -T "$source_db" "${current_db}_build"
    odoo_bin -d "${current_db}_build" "$(addons_opt)" -u account_relance_fr --stop-after-init --no-http \
        --log-level=warn >"$LOG_DIR/update.log" 2>&1 \
        || { tail -n 40 "$LOG_DIR/update.log" >&2; die "updating the addon on a copy of $source_db failed"; }
    psql -q -d postgres -c "ALTER DATABASE \"${current_db}_build\" RENAME TO \"$current_db\"" \
        -c "ALTER DATABASE \"$current_db\" IS_TEMPLATE true" -c "COMMENT ON DATABASE \"$current_db\" IS 'code $code_key'"
fi
source_db="$current_db"
RESULTS="$LOG_DIR/results.jsonl"
: > "$RESULTS"
needs_setup() {
    case "$1" in rerun|oca_rerun|aged_after_run|letters|validate_send|oca_validate_send|floor_*) return 0 ;; *) return 1 ;; esac
}
oca_of() { case "$1" in prepare|rerun|validate_send) echo "oca_$1" ;; send_email) echo oca_send ;; esac; }

# As right after the data was loaded, whatever autovacuum did while the template was built:
# no column statistics and tables never counted (the planner then estimates from their size).
clear_statistics() {
    psql -q -d "$1" \
        -c "DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)" \
        -c "UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0
             WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
}

measure() {  # measure STEP REPETITION
    local step=$1 rep=$2 log="$LOG_DIR/$1.$2.log"
    dropdb --if-exists "$RUN_DB" >/dev/null 2>&1
    createdb -T "$source_db" "$RUN_DB"
    if [ "$ANALYZE" = 1 ]; then
        psql -q -d "$RUN_DB" -c "ANALYZE"
    else
        clear_statistics "$RUN_DB"
    fi
    if needs_setup "$step"; then
        BENCH_STEP=$step BENCH_PHASE=setup shell_at "$RUN_DB" "$BENCH_DIR/bench_step.py" "$log.setup"
    fi
    local profile=""
    [ "$step" = "$PROFILE_STEP" ] && profile="$LOG_DIR/$step.profile.txt"
    BENCH_STEP=$step BENCH_PROFILE=$profile shell_at "$RUN_DB" "$BENCH_DIR/bench_step.py" "$log"
    local line; line=$(grep '^BENCH_RESULT ' "$log" | tail -n1 | cut -d' ' -f2-)
    [ -n "$line" ] || die "no result from step $step (log: $log)"
    echo "$line" | "$VENV/bin/python" -c "import json,sys; r=json.load(sys.stdin); r['rep']=$rep; print(json.dumps(r))" >> "$RESULTS"
    say "  $step #$rep: $line"
    dropdb "$RUN_DB"
}

if [ -n "$WKHTMLTOPDF" ]; then
    [ -x "$WKHTMLTOPDF" ] || die "--wkhtmltopdf: $WKHTMLTOPDF is not an executable"
    # A folder of its own, first on the PATH of the steps (Odoo looks wkhtmltopdf up there).
    WK_DIR=$(mktemp -d /tmp/relance_bench_wk.XXXXXX)
    ln -s "$(realpath "$WKHTMLTOPDF")" "$WK_DIR/wkhtmltopdf"
    export PATH="$WK_DIR:$PATH"
fi
say "wkhtmltopdf: $(command -v wkhtmltopdf || echo none) ($(wkhtmltopdf --version 2>/dev/null | head -n1))"
IFS=',' read -r -a steps <<< "$STEPS"
say "measuring on copies of $source_db at $BENCH_DATE, $REPEAT repetition(s)$([ "$ANALYZE" = 1 ] && echo ', after ANALYZE')"
for rep in $(seq 1 "$REPEAT"); do
    for step in "${steps[@]}"; do
        oca=$(oca_of "$step")
        # Alternated: ours first at odd repetitions, OCA's first at even ones.
        if [ "$COMPARE_OCA" = 1 ] && [ -n "$oca" ] && [ $((rep % 2)) = 0 ]; then
            measure "$oca" "$rep"; measure "$step" "$rep"
        else
            measure "$step" "$rep"
            [ "$COMPARE_OCA" = 1 ] && [ -n "$oca" ] && measure "$oca" "$rep"
        fi
    done
done

"$VENV/bin/python" "$BENCH_DIR/bench_table.py" "$RESULTS" \
    --title "Size $SIZE ($CLIENTS clients, $INVOICES invoices), controlling date $BENCH_DATE, $REPEAT run(s), $([ "$ANALYZE" = 1 ] && echo 'after ANALYZE' || echo 'no planner statistics')" \
    --build "$TPL_DB $(build_seconds "$TPL_DB")"
say "logs and raw results in $LOG_DIR"
