from odoo import fields, models

CONSENT_WAYS = [
    ('signed', "Signed terms or contract"),
    ('email', "By e-mail"),
    ('portal', "On the client page"),
    ('other', "Other"),
]


class ResPartner(models.Model):
    _inherit = 'res.partner'  # pylint: disable=consider-merging-classes-inherited

    relance_lre_consent_date = fields.Date(
        "Electronic registered letters accepted on",
        company_dependent=True,
        help="A consumer receives registered letters electronically only after agreeing to it (CPCE L100).",
    )
    relance_lre_consent_how = fields.Selection(CONSENT_WAYS, "Accepted how", company_dependent=True)

    def _relance_lre_consented(self):
        """The client recorded its consent to electronic registered letters (date and how)."""
        self.ensure_one()
        return bool(self.relance_lre_consent_date and self.relance_lre_consent_how)
