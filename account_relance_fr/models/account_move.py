from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.date_utils import parse_date

from ..core.calendar import Installment, days_overdue, next_step


class AccountMove(models.Model):
    _inherit = 'account.move'

    relance_line_ids = fields.One2many('account.relance.line', 'move_id', "Relance lines")
    relance_level_id = fields.Many2one(
        'account.relance.level', "Relance level", compute='_compute_relance_state', store=True,
        index='btree_not_null', help="Highest level reached by the open installments of the invoice.")
    relance_last_date = fields.Date("Last relance", compute='_compute_relance_state', store=True)
    relance_next_date = fields.Date(
        "Next relance", compute='_compute_relance_next_date', search='_search_relance_next_date')
    relance_days_overdue = fields.Integer("Days overdue", compute='_compute_relance_days_overdue')
    relance_excluded = fields.Boolean(
        "Excluded from relances", copy=False, tracking=True,
        help="The invoice is never reminded, whatever its lateness.")
    relance_exclusion_reason = fields.Char("Exclusion reason", copy=False, tracking=True)
    relance_count = fields.Integer("Relance count", compute='_compute_relance_count')

    @api.depends('relance_line_ids.level_id', 'relance_line_ids.escalated',
                 'relance_line_ids.relance_state', 'relance_line_ids.relance_date')
    def _compute_relance_state(self):
        for move in self:
            reached = move.relance_line_ids.filtered(
                lambda line: line.escalated and line.relance_state != 'cancelled')
            latest = reached.sorted(lambda line: (line.relance_date, line.level_id.sequence, line.id))[-1:]
            move.relance_level_id = latest.level_id
            move.relance_last_date = latest.relance_date

    def _compute_relance_count(self):
        counts = dict(self.env['account.relance.line']._read_group(
            [('move_id', 'in', self.ids), ('kind', '=', 'invoice')],
            ['move_id'], ['relance_id:count_distinct']))
        for move in self:
            move.relance_count = counts.get(move, 0)

    def _relance_open_installments(self):
        """Open receivable installments of customer invoices of self."""
        return self.line_ids.filtered(
            lambda line: line.display_type == 'payment_term'
            and line.account_type == 'asset_receivable'
            and not line.reconciled
            and line.move_id.state == 'posted'
            and line.move_id.move_type in ('out_invoice', 'out_receipt'))

    def _relance_core_installments(self):
        """The calendar's view of the open installments (level reached, last date)."""
        lines = self._relance_open_installments()
        reached = self.env['account.relance.line'].search(
            [('move_line_id', 'in', lines.ids), ('escalated', '=', True),
             ('relance_state', '!=', 'cancelled')], order='relance_date, id')
        last = {rl.move_line_id.id: rl for rl in reached}  # the latest one wins
        return {
            line: Installment(
                id=line.id,
                due_date=line.date_maturity or line.move_id.invoice_date or line.move_id.date,
                level_id=last[line.id].level_id.id if line.id in last else None,
                last_date=last[line.id].relance_date if line.id in last else None)
            for line in lines
        }

    @api.depends('line_ids.date_maturity', 'line_ids.reconciled', 'relance_line_ids', 'relance_excluded',
                 'commercial_partner_id.relance_suspended')
    def _compute_relance_next_date(self):
        installments = self._relance_core_installments()
        levels_by_company = {}
        for move in self:
            move.relance_next_date = False
            if move.relance_excluded or move.commercial_partner_id.relance_suspended:
                continue
            company = move.company_id
            if company not in levels_by_company:
                levels_by_company[company] = self.env['account.relance.level'].search(
                    [('company_id', '=', company.id)])._as_core()
            on_date = self.env['account.relance.run']._company_today(company)
            dates = [
                step[1] for line, inst in installments.items() if line.move_id == move
                for step in [next_step(levels_by_company[company], inst, on_date)] if step
            ]
            move.relance_next_date = min(dates) if dates else False

    def _search_relance_next_date(self, operator, value):
        if operator not in ('<', '<=', '>', '>=', '=', '!=', 'in', 'not in'):
            return NotImplemented
        if isinstance(value, str):  # 'today', 'today +7d' or an ISO date from a filter
            value = parse_date(value, self.env)
        candidates = self.search([
            ('move_type', 'in', ('out_invoice', 'out_receipt')), ('state', '=', 'posted'),
            ('payment_state', 'in', ('not_paid', 'partial')), ('relance_excluded', '=', False)])
        matching = candidates.filtered_domain([('relance_next_date', operator, value)])
        return Domain('id', 'in', matching.ids)

    @api.depends('line_ids.date_maturity', 'line_ids.reconciled')
    def _compute_relance_days_overdue(self):
        installments = self._relance_core_installments()
        for move in self:
            on_date = self.env['account.relance.run']._company_today(move.company_id)
            dues = [inst.due_date for line, inst in installments.items() if line.move_id == move]
            move.relance_days_overdue = days_overdue(min(dues), on_date) if dues else 0

    def action_view_relances(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('line_ids.move_id', 'in', self.ids)]
        action['context'] = {}
        return action

    def action_relance_reinstate(self):
        self.write({'relance_excluded': False, 'relance_exclusion_reason': False})
