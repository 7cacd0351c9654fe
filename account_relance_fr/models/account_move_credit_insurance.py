from odoo import api, models


class AccountMove(models.Model):
    _inherit = 'account.move'  # pylint: disable=consider-merging-classes-inherited

    def _relance_credit_blocks(self):
        """A client declared to its credit insurer gets no new credit until the declaration is
        settled, whether or not the company uses credit limits (a manager may still post with a
        reason, as for any other block)."""
        blocks = super()._relance_credit_blocks()
        Declaration = self.env['account.relance.credit.declaration']
        invoices = self.filtered(lambda m: m.move_type == 'out_invoice' and m.amount_total_signed > 0)
        for (company, partner), moves in invoices.grouped(lambda m: (m.company_id, m.commercial_partner_id)).items():
            declared = Declaration._open_for(company, partner)[:1]
            if declared:
                for move in moves:
                    blocks[move] = self.env._(
                        "%(client)s was declared to %(insurer)s on %(date)s (menace de sinistre): "
                        "no new invoice on credit until settled.",
                        client=partner.display_name,
                        insurer=declared.policy_id.insurer_id.name,
                        date=declared.date,
                    )
        return blocks

    def write(self, vals):
        result = super().write(vals)
        if vals.get('relance_dispute'):
            self._relance_warn_uncovered_dispute()
        return result

    def _relance_warn_uncovered_dispute(self):
        """A disputed claim is generally not covered by the credit insurer: the client's history
        says so, with the policy, as soon as the dispute is recorded."""
        for move in self:
            warning = move._relance_dispute_cover_warning()
            if warning:
                move.message_post(body=warning)
                move.commercial_partner_id.message_post(body=warning)

    def _relance_dispute_cover_warning(self):
        self.ensure_one()
        day = self.company_id._relance_today()
        cover = self.env['account.relance.credit.cover']._covering(self.company_id, self.commercial_partner_id, day)
        if not cover:
            return False
        return self.env._(
            "%(invoice)s is disputed: a disputed claim is not covered by the credit insurance of "
            "%(insurer)s (policy %(policy)s). Settle the dispute before declaring it.",
            invoice=self.display_name,
            insurer=cover.policy_id.insurer_id.name,
            policy=cover.policy_id.name,
        )

    @api.model
    def _relance_dispute_cover_warnings(self, moves):
        return "\n".join(filter(None, (move._relance_dispute_cover_warning() for move in moves)))
