#!/usr/bin/env bash
# Benchmark of the daily relance on a large ledger (tests/bench/bench_relance_run.py).
# BENCH_CLIENTS (default 500) clients with BENCH_INVOICES (default 4) overdue invoices each,
# in the database $BENCH_DB (default relance_bench, built once and reused).
source "$(dirname "$0")/common.sh"

require_odoo
ensure_venv
ensure_postgres
DB="${BENCH_DB:-relance_bench}"
state=$(psql -d "$DB" -tAc "select state from ir_module_module where name='account_relance_fr'" 2>/dev/null || true)
if [ "$state" != installed ]; then
    say "creating $DB"
    odoo_cmd db init "$DB" --force >/dev/null 2>&1
    odoo_bin -d "$DB" -i account_relance_fr --stop-after-init --log-level=warn
else
    odoo_bin -d "$DB" -u account_relance_fr --stop-after-init --log-level=warn
fi
odoo_cmd shell -d "$DB" --log-level=warn < "$REPO_ROOT/tests/bench/bench_relance_run.py"
odoo_cmd shell -d "$DB" --log-level=warn < "$REPO_ROOT/tests/bench/bench_aged_balance.py"
