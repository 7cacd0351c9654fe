from odoo import api, models

from ..core.words import date_in_words
from ..models.relance_insolvency import siren_of


class ReportDeclarationCreance(models.AbstractModel):
    """The values of the déclaration de créance: the figures come from the procedure's
    ``_declaration`` (computed at the judgment date), the template only lays them out."""

    _name = 'report.account_relance_fr.report_declaration_creance'
    _description = "Déclaration de créance"

    @api.model
    def _get_report_values(self, docids, data=None):
        procedures = self.env['account.relance.insolvency'].browse(docids)
        return {
            'doc_ids': docids,
            'doc_model': 'account.relance.insolvency',
            'docs': procedures,
            'declarations': {procedure.id: procedure._declaration() for procedure in procedures},
            'in_words': date_in_words,
            'short_date': lambda day: day.strftime('%d/%m/%Y') if day else "",
            'siren': lambda partner: siren_of(partner.company_registry, partner.vat),
            'kinds': dict(procedures._fields['kind']._description_selection(self.env)),
            'event_kinds': dict(procedures.event_ids._fields['kind']._description_selection(self.env)),
        }
