from odoo import api, fields, models

COURT_TYPES = [
    ('commerce', "Tribunal de commerce"),
    ('judiciaire', "Tribunal judiciaire"),
]


class AccountRelanceCourt(models.Model):
    """A court the company files its claims with: the tribunal de commerce for claims between
    merchants or companies, the tribunal judiciaire otherwise (Code de procédure civile 1405);
    territorially, the court of the debtor's seat (1406), proposed from the postcodes it covers."""

    _name = 'account.relance.court'
    _description = "Court"
    _order = 'court_type, name'

    name = fields.Char(required=True, help="As the requête addresses it, e.g. \"Tribunal de commerce de Lyon\".")
    court_type = fields.Selection(COURT_TYPES, "Kind of court", required=True, default='commerce')
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    country_id = fields.Many2one('res.country', default=lambda self: self.env.ref('base.fr', raise_if_not_found=False))
    zip_prefixes = fields.Char(
        "Postcodes covered",
        help="Beginnings of the postcodes of the debtors this court is competent for, separated by commas "
        "(e.g. \"69, 01\"): the court is proposed for a debtor whose seat is there.",
    )
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    def _address_lines(self):
        """The court's address as a letter prints it, one line per element."""
        self.ensure_one()
        return [
            line
            for line in (self.street, self.street2, f"{self.zip or ''} {self.city or ''}".strip())
            if line and line.strip()
        ]

    def _prefixes(self):
        self.ensure_one()
        return [p.strip() for p in (self.zip_prefixes or '').split(',') if p.strip()]

    @api.model
    def _propose(self, company, court_type, partner):
        """The court of ``court_type`` of ``company`` whose postcodes cover the debtor's seat
        (the longest match wins), else the only one of that kind; empty when none fits."""
        courts = self.search([('company_id', '=', company.id), ('court_type', '=', court_type)])
        zip_code = (partner.zip or '').replace(' ', '')
        best, best_length = self.browse(), 0
        for court in courts:
            for prefix in court._prefixes():
                if zip_code.startswith(prefix) and len(prefix) > best_length:
                    best, best_length = court, len(prefix)
        if not best and len(courts) == 1:
            best = courts
        return best
