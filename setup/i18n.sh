#!/usr/bin/env bash
# Regenerates account_relance_fr/i18n/account_relance_fr.pot from a fresh database and merges
# it into fr.po (gettext msgmerge): translations already in fr.po are kept, also those equal to
# their source (French letter texts), new terms come with an empty msgstr to fill.
source "$(dirname "$0")/common.sh"

require_odoo
ensure_venv
ensure_postgres
db="relance_i18n_$$"
rc=$(mktemp)
trap 'rm -f "$rc"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
mapfile -t opts < <(odoo_options)
{
    echo "[options]"
    echo "addons_path = $ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$REPO_ROOT"
    echo "db_host = $PGHOST"
    echo "db_port = $PGPORT"
    echo "db_user = $PGUSER"
} > "$rc"
say "installing account_relance_fr with French in $db"
odoo_cmd db init "$db" --language fr_FR >/dev/null 2>&1
odoo_bin -d "$db" -i account_relance_fr --stop-after-init --log-level=warn
say "exporting the terms"
"$VENV/bin/python" "$ODOO_PATH/odoo-bin" i18n export -c "$rc" -d "$db" account_relance_fr -l pot
po="$REPO_ROOT/account_relance_fr/i18n/fr.po"
msgmerge --quiet --no-fuzzy-matching -o "$po.new" "$po" "$REPO_ROOT/account_relance_fr/i18n/account_relance_fr.pot"
msgattrib --no-obsolete -o "$po" "$po.new" && rm "$po.new"
msgfmt --check-format -o /dev/null "$REPO_ROOT/account_relance_fr/i18n/fr.po" \
    && say "fr.po: $(msgattrib --untranslated "$REPO_ROOT/account_relance_fr/i18n/fr.po" | grep -c '^msgid ' || true) untranslated entries (the header counts as one)"
