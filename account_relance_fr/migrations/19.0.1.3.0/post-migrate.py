"""The relance e-mails set the relance before calling the portal-link block instead of in the
call's body: a ``t-set`` inside a ``t-call`` body is rendered as a separate template, which an
inline mail template cannot be, and QWeb formatted a traceback for every e-mail before falling
back (80 ms each, most of the time of a day's e-mails). The templates are ``noupdate``: the
bodies already installed are rewritten here, in every language, only where they still read
the old way (a body a person rewrote differently is left alone).
"""

import json

from odoo.tools import SQL

OLD = '<t t-call="account_relance_fr.relance_portal_link"><t t-set="relance" t-value="object"/></t>'
NEW = '<t t-set="relance" t-value="object"/><t t-call="account_relance_fr.relance_portal_link"/>'


def migrate(cr, version):
    cr.execute(SQL("SELECT id, body_html FROM mail_template WHERE model = 'account.relance' AND body_html IS NOT NULL"))
    for template_id, body in cr.fetchall():
        fixed = {lang: text.replace(OLD, NEW) if text else text for lang, text in body.items()}
        if fixed != body:
            cr.execute(
                SQL("UPDATE mail_template SET body_html = %s::jsonb WHERE id = %s", json.dumps(fixed), template_id)
            )
