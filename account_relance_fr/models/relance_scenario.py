from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import RISK_CATEGORIES


class AccountRelanceScenario(models.Model):
    """How the clients of one risk category are chased: the levels, when litigation is
    proposed, and the credit they may be given."""

    _name = 'account.relance.scenario'
    _description = "Relance scenario"
    _order = 'company_id, sequence, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    risk_category = fields.Selection(
        RISK_CATEGORIES, "Risk category", required=True, help="The clients of this category follow this scenario."
    )
    level_ids = fields.One2many('account.relance.level', 'scenario_id', "Levels", copy=True)
    level_count = fields.Integer("Number of levels", compute='_compute_level_count')
    litigation_delay = fields.Integer(
        "Propose litigation after (days)",
        default=75,
        help="Days after the due date from which an unpaid invoice whose mise en demeure went "
        "unanswered is proposed for the hand-over to litigation.",
    )
    credit_policy = fields.Selection(
        [
            ('none', "No limit"),
            ('amount', "Fixed limit (plus guarantees)"),
            ('guarantees', "Guarantees only"),
        ],
        "Suggested credit",
        required=True,
        default='none',
        help="Credit limit suggested to the clients of this category: none, a fixed amount "
        "increased by their valid guarantees, or only what their valid guarantees cover "
        "(no credit at all without a guarantee).",
    )
    credit_amount = fields.Monetary(
        "Suggested limit",
        currency_field='currency_id',
        help="Fixed part of the suggested credit limit, in the company's currency.",
    )
    currency_id = fields.Many2one(related='company_id.currency_id')
    min_gap_days = fields.Integer(
        "Minimum gap (days)",
        default=5,
        required=True,
        help="A client never receives two relances it reads (e-mail, letter, registered letter) "
        "less than this many days apart, preventive reminders included. \"Remind now\" may "
        "override it after a confirmation.",
    )
    note = fields.Text("Internal note")

    _category_unique = models.UniqueIndex(
        '(company_id, risk_category)', "A company has one relance scenario per risk category."
    )

    @api.constrains('min_gap_days')
    def _check_min_gap_days(self):
        for scenario in self:
            if scenario.min_gap_days < 0:
                raise ValidationError(self.env._("The minimum gap between two relances cannot be negative."))

    @api.depends('level_ids')
    def _compute_level_count(self):
        counts = dict(
            self.env['account.relance.level']._read_group(
                [('scenario_id', 'in', self.ids)], ['scenario_id'], ['__count']
            )
        )
        for scenario in self:
            scenario.level_count = counts.get(scenario, 0)

    @api.model
    def _for_partners(self, company, partners):
        """{commercial partner id: scenario} in ``company``, from each client's risk category.

        A category whose scenario was deleted falls back on the occasional one, then on any:
        a client is never left without reminders because of the configuration.
        """
        scenarios = {s.risk_category: s for s in self.search([('company_id', '=', company.id)])}
        fallback = scenarios.get('occasional') or next(iter(scenarios.values()), self)
        return {
            partner.id: scenarios.get(partner.relance_risk_category or 'punctual', fallback)
            for partner in partners.with_company(company)
        }

    def _suggested_credit_limit(self, guarantees_amount):
        """The credit limit this scenario suggests for a client whose valid guarantees total
        ``guarantees_amount``; 0 means no limit, as for Odoo's own credit limit, so "no credit"
        is one cent: any new invoice goes over it."""
        self.ensure_one()
        if self.credit_policy == 'none':
            return 0.0
        limit = guarantees_amount + (self.credit_amount if self.credit_policy == 'amount' else 0.0)
        return limit or self.currency_id.rounding

    def action_view_levels(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_level')
        action['domain'] = [('scenario_id', '=', self.id)]
        action['context'] = {'default_scenario_id': self.id}
        return action
