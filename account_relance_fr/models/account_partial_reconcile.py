from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment matched with an invoice, or unmatched: every reconciliation of Odoo (payment
    registered, bank statement, manual matching, online payment) creates or deletes these
    records, in one batch per reconciliation. The worklist rows of the clients follow at once:
    a client that paid everything overdue leaves it, one whose payment is taken back returns."""

    _inherit = 'account.partial.reconcile'

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env['account.relance.file']._refresh_after_payment(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        self.env['account.relance.file']._refresh_after_payment(lines.exists(), taken_back=True)
        return result
