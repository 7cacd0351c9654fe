#!/usr/bin/env bash
# Runs every check of the project: the lint checks (pre-commit: ruff, pylint-odoo, OCA's),
# pytest on tests/ (pure rules), then the addon's Odoo tests
# installed in a fresh database on real PostgreSQL. Ends with one line "N passed, N failed"
# (", N skipped" after it) and exits non-zero on any failure, or when Odoo is missing.
source "$(dirname "$0")/common.sh"

require_odoo
ensure_venv
ensure_postgres
ensure_debian_packages
cd "$REPO_ROOT"

logdir=$(mktemp -d)
# Lint first: it takes seconds (minutes the very first time, to install the checks).
say "lint: ruff, pylint-odoo and OCA's checks (pre-commit run --all-files)"
set +e
run_lint > "$logdir/lint.log" 2>&1
lint_rc=$?
set -e
if [ "$lint_rc" -eq 0 ]; then
    say "lint: passed"
else
    grep -vE '\.{3,}Passed$' "$logdir/lint.log" | tail -n 80
    say "lint: FAILED (see above); the tests run anyway"
fi

say "pytest: pure rules and end-to-end checks (tests/)"
set +e
python -m pytest -q -p no:cacheprovider tests 2>&1 | tee "$logdir/pytest.log"
pytest_rc=${PIPESTATUS[0]}
set -e
# pytest's closing line, e.g. "2 failed, 18 passed, 1 skipped in 1.5s".
pycount() { tail -n1 "$logdir/pytest.log" | { grep -Eo "[0-9]+ $1" || true; } | awk '{s+=$1} END {print s+0}'; }
py_passed=$(pycount passed); py_skipped=$(pycount skipped)
py_failed=$(( $(pycount failed) + $(pycount 'errors?') ))
if [ "$pytest_rc" -ne 0 ] && [ "$py_failed" -eq 0 ]; then py_failed=1; fi

db="relance_test_$(date +%s)_$$"
say "Odoo: installing account_relance_fr in a fresh database ($db) and running its tests"
set +e
# With a test-only module that extends the relances as a customer's module would (tests/odoo_addons).
odoo_bin -d "$db" -i account_relance_fr,account_relance_fr_test_ext \
    --test-tags /account_relance_fr,/account_relance_fr_test_ext --stop-after-init \
    --without-demo --http-interface=127.0.0.1 --http-port="${RELANCE_TEST_PORT:-8169}" \
    --log-handler=odoo.tests.stats:INFO > "$logdir/odoo.log" 2>&1
odoo_rc=$?
set -e
grep -E "(ERROR|CRITICAL|FAIL:|odoo\.tests\.result|odoo\.tests\.stats|: skipped)" "$logdir/odoo.log" | grep -v "^\s*$" | tail -n 200 || true
dropdb --if-exists "$db" >/dev/null 2>&1 || true

summary=$(grep -E "odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$logdir/odoo.log" | tail -n1)
if [ -z "$summary" ]; then
    tail -n 60 "$logdir/odoo.log"
    say "the Odoo test run did not report a result (exit code $odoo_rc): see above"
    od_total=0; od_failed=1; od_skipped=0
else
    read -r od_failed od_errors od_total < <(echo "$summary" | sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
    od_failed=$((od_failed + od_errors))
    od_skipped=$(grep -Ec "INFO .* odoo\.addons\.account_relance_fr.*: skipped" "$logdir/odoo.log" || true)
    [ "$od_total" -gt 0 ] || { say "no Odoo test ran"; od_failed=$((od_failed + 1)); }
    if [ "$odoo_rc" -ne 0 ] && [ "$od_failed" -eq 0 ]; then
        say "odoo-bin exited with $odoo_rc although no test failed: counted as a failure"
        od_failed=1
    fi
fi
od_passed=$(( od_total - od_failed - od_skipped ))
[ "$od_passed" -ge 0 ] || od_passed=0

lint_passed=$(( lint_rc == 0 ? 1 : 0 )); lint_failed=$(( lint_rc == 0 ? 0 : 1 ))
say "lint: $([ "$lint_rc" -eq 0 ] && echo passed || echo failed); pytest: $py_passed passed, $py_failed failed, $py_skipped skipped; Odoo: $od_passed passed, $od_failed failed, $od_skipped skipped"
passed=$((lint_passed + py_passed + od_passed)); failed=$((lint_failed + py_failed + od_failed)); skipped=$((py_skipped + od_skipped))
cp "$logdir/odoo.log" "$RELANCE_CACHE/last-test-odoo.log" 2>/dev/null && say "full Odoo log: $RELANCE_CACHE/last-test-odoo.log"
rm -rf "$logdir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
