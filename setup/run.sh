#!/usr/bin/env bash
# Starts account_relance_fr for a person to use: a Python environment with Odoo's requirements
# and ours, a PostgreSQL server (the one at $PGHOST/127.0.0.1:5432, or a private cluster), a
# database with the addon and French demo data, today's relance run once, and Odoo serving
# on http://127.0.0.1:8069, until Ctrl-C or a TERM signal. Running it again reuses the database (RELANCE_RESET=1 rebuilds it).
source "$(dirname "$0")/common.sh"

DB="${RELANCE_DB:-relance_demo}"
PORT="${RELANCE_PORT:-8069}"

# Two things Odoo prints that are not about this addon: its notice on every start as root
# (the usual case for this demo on a Debian box; said once here instead of before each
# step), and docutils' complaints about the description of Odoo's own mail module
# ("<string>:38: (ERROR/3) Unexpected indentation."), rendered while it installs.
without_noise() {
    grep -vE --line-buffered "^(Running as user 'root' is a security risk\.|<string>:[0-9]+: \((INFO|WARNING|ERROR)/[0-9]\) .*)$" || true
}
[ "$(id -u)" = 0 ] && say "running as root: fine for a demo, not for a production server"

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
    odoo_bin -d "$DB" -i account,l10n_fr_account --stop-after-init --log-level=warn --http-interface=127.0.0.1 2> >(without_noise >&2)
    say "installing account_relance_fr and its demo company (Atelier Durand SARL)"
    odoo_bin -d "$DB" -i account_relance_fr --stop-after-init --log-level=warn --http-interface=127.0.0.1 2> >(without_noise >&2)
    state=$(psql -d "$DB" -tAc "select state from ir_module_module where name='account_relance_fr'")
    [ "$state" = installed ] || die "account_relance_fr did not install in $DB (state: ${state:-none}): see the messages above"
else
    say "database $DB already has account_relance_fr: updating it"
    odoo_bin -d "$DB" -u account_relance_fr --stop-after-init --log-level=warn --http-interface=127.0.0.1 2> >(without_noise >&2)
fi

url="http://127.0.0.1:$PORT"
say "starting Odoo on $url"
# The server is our direct child (not a subshell running a function) so that the signal
# reaches it: a background job of a script ignores Ctrl-C, hence the trap.
# No scheduled actions in the demo: this script runs the day's risk categories and relances
# itself, there is no mail server to send to, and the attachment clean-up would otherwise
# wait on the history being written and log a lock timeout.
mapfile -t opts < <(odoo_options)
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" "${opts[@]}" -d "$DB" --http-interface=127.0.0.1 \
    --http-port="$PORT" --db-filter="^$DB\$" --log-level=warn --max-cron-threads=0 2> >(without_noise >&2) &
server=$!
stop_server() {
    trap - INT TERM EXIT
    if kill -0 "$server" 2>/dev/null; then
        say "stopping Odoo"
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
}
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM
trap stop_server EXIT
for _ in $(seq 1 120); do
    curl -sf "$url/web/health" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || die "Odoo stopped while starting: see the messages above"
    sleep 1
done

# With the server up, letters are rendered with its stylesheets (wkhtmltopdf fetches them).
say "running the relances of the last 60 days (demo history, once) and of today, for Atelier Durand SARL"
odoo_cmd shell -d "$DB" --log-level=error <<PY 2> >(without_noise >&2)
from odoo.addons.account_relance_fr.demo import relance_demo
env['ir.config_parameter'].set_param('report.url', '$url')
# The links of the relance e-mails and letters lead to the address this server answers on,
# from the first run (Odoo would set it only at the administrator's first login).
env['ir.config_parameter'].set_param('web.base.url', '$url')
company = relance_demo.demo_company(env)
# The demo opens in the demo company: its relances, aged balance and KPIs, not Odoo's own
# demo companies' (YourCompany, FR Company), which stay in the company switcher.
env.ref('base.user_admin').company_id = company
# A made-up company: Odoo's partner autocompletion would look it up on the Internet at the
# first login (and warn that it cannot).
if 'iap_enrich_auto_done' in company._fields:
    company.iap_enrich_auto_done = True
relance_demo.run_history(env)
relances = relance_demo.run_today(env)
env.cr.commit()
states = dict(relances._fields['state']._description_selection(env(context={'lang': 'en_US'})))
# A relance "sent" by e-mail is queued in Odoo's outgoing mail: say so, not "sent".
queued = env['mail.mail'].search_count([('model', '=', 'account.relance'), ('res_id', 'in', relances.ids), ('state', '=', 'outgoing')])
counts = ", ".join(
    f"{len(group)} {states[state].lower()}" + (f" ({queued} e-mail(s) queued, not yet sent)" if state == 'sent' and queued else "")
    for state, group in sorted(relances.grouped('state').items())
)
print(f"[relance] today's run for {company.name} prepared {len(relances)} relance(s)" + (f": {counts}" if counts else ""))
PY

cat <<EOT
[relance] Odoo is running: $url/odoo/action-account_relance_fr.action_relance_file_worklist
[relance] log in as admin / admin: the client worklist of Atelier Durand SARL, where the day starts. Stop with Ctrl-C.
EOT
wait $server
