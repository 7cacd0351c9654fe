#!/usr/bin/env bash
# Starts account_relance_fr for a person to use: a Python environment with Odoo's requirements
# and ours, a PostgreSQL server (the one at $PGHOST/127.0.0.1:5432, or a private cluster), a
# database with the addon and French demo data, today's relance run once, and Odoo serving
# on http://127.0.0.1:8069. Running it again reuses the database (RELANCE_RESET=1 rebuilds it).
source "$(dirname "$0")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${RELANCE_PORT:-8069}"

require_odoo
ensure_venv
ensure_postgres
ensure_debian_packages

installed=$(psql -d "$DB" -tAc "select state from ir_module_module where name='account_relance_fr'" 2>/dev/null || true)
if [ "${RELANCE_RESET:-0}" = 1 ] || [ "$installed" != installed ]; then
    say "creating database $DB (French company, demo data; a few minutes)"
    odoo_cmd db init "$DB" --force --with-demo --country FR --language fr_FR > "$RELANCE_CACHE/run-init.log" 2>&1 \
        || { tail -n 30 "$RELANCE_CACHE/run-init.log"; die "could not create the database $DB"; }
    say "installing Invoicing with the French localisation"
    odoo_bin -d "$DB" -i account,l10n_fr_account --stop-after-init --log-level=warn
    say "installing account_relance_fr and its demo company (Atelier Durand SARL)"
    odoo_bin -d "$DB" -i account_relance_fr --stop-after-init --log-level=warn
    state=$(psql -d "$DB" -tAc "select state from ir_module_module where name='account_relance_fr'")
    [ "$state" = installed ] || die "account_relance_fr did not install in $DB (state: ${state:-none}): see the messages above"
else
    say "database $DB already has account_relance_fr: updating it"
    odoo_bin -d "$DB" -u account_relance_fr --stop-after-init --log-level=warn
fi

url="http://127.0.0.1:$PORT"
say "starting Odoo on $url"
odoo_bin -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT" --db-filter="^$DB\$" --log-level=warn &
server=$!
trap 'kill $server 2>/dev/null' INT TERM
for _ in $(seq 1 120); do
    curl -sf "$url/web/health" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || die "Odoo stopped while starting: see the messages above"
    sleep 1
done

# With the server up, letters are rendered with its stylesheets (wkhtmltopdf fetches them).
say "running the relance of the last 60 days (demo history, once) and of today"
odoo_cmd shell -d "$DB" --log-level=error <<PY
env['ir.config_parameter'].set_param('report.url', '$url')
env['account.relance.demo']._run_demo_history()
# Tonight's risk categories, from that history, before today's run (as the scheduled actions do).
env['account.relance.risk']._cron_compute_risk()
relances = env['account.relance.run']._run(companies=env['res.company'].search([]))
env.cr.commit()
print(f"[relance] today's run prepared {len(relances)} relance(s)")
PY

cat <<EOT
[relance] Odoo is running on $url/odoo/relances  (login: admin, password: admin)
[relance] Invoicing > Customers > Relances. Stop with Ctrl-C.
EOT
wait $server
