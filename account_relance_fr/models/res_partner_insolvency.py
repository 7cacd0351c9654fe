from odoo import api, fields, models

from .relance_insolvency import siren_of


class ResPartner(models.Model):
    _inherit = 'res.partner'  # pylint: disable=consider-merging-classes-inherited

    relance_insolvency_ids = fields.One2many('account.relance.insolvency', 'partner_id', "Procédures collectives")
    relance_insolvency_count = fields.Integer("Procédures", compute='_compute_relance_insolvency')
    relance_in_insolvency = fields.Boolean(
        "Under a procédure collective", compute='_compute_relance_insolvency', search='_search_relance_in_insolvency'
    )
    relance_siren = fields.Char("SIREN", compute='_compute_relance_siren')
    relance_legal_form = fields.Char("Legal form", help="SAS, SARL, SA...: named in a déclaration de créance.")

    @api.depends('relance_insolvency_ids.stage')
    @api.depends_context('company')
    def _compute_relance_insolvency(self):
        for partner in self:
            mine = partner.commercial_partner_id.relance_insolvency_ids.filtered(
                lambda p: p.company_id == self.env.company
            )
            partner.relance_insolvency_count = len(mine)
            partner.relance_in_insolvency = any(p.stage != 'closed' for p in mine)

    def _search_relance_in_insolvency(self, operator, value):
        if operator not in ('=', '!=') or not isinstance(value, bool):
            return NotImplemented
        procedures = self.env['account.relance.insolvency'].search(
            [('company_id', '=', self.env.company.id), ('stage', '!=', 'closed')]
        )
        positive = (operator == '=') == value
        return fields.Domain('commercial_partner_id', 'in' if positive else 'not in', procedures.partner_id.ids)

    @api.depends('company_registry', 'vat')
    def _compute_relance_siren(self):
        for partner in self:
            partner.relance_siren = siren_of(partner.company_registry, partner.vat) or False

    def action_view_relance_insolvency(self):
        self.ensure_one()
        client = self.commercial_partner_id
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_insolvency')
        action['domain'] = [('partner_id', '=', client.id)]
        action['context'] = {'default_partner_id': client.id}
        return action

    def action_record_relance_insolvency(self):
        """The client form's button: record a procédure collective read elsewhere than in the
        BODACC (a letter of the mandataire, a court notice)."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance.insolvency',
            'name': self.env._("Record a procédure collective"),
            'view_mode': 'form',
            'context': {'default_partner_id': self.commercial_partner_id.id},
        }
