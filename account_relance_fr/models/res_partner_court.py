from odoo import fields, models


class ResPartner(models.Model):
    _inherit = 'res.partner'  # pylint: disable=consider-merging-classes-inherited

    relance_legal_form = fields.Char(
        "Legal form", help="SARL, SAS, SA, EURL, entreprise individuelle…: how a requête names the client."
    )
    relance_representative = fields.Char(
        "Legal representative",
        help="Who represents the client in law (e.g. \"M. Jean Martin, gérant\"): how a requête names it.",
    )
    relance_court_claim_ids = fields.One2many('account.relance.court.claim', 'partner_id', "Court claims")
