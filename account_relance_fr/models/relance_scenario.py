from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.calendar import equivalent_level
from .res_partner import RISK_CATEGORIES


class ScenarioCalendar(NamedTuple):
    """The relance levels of a company as the calendar of each client's scenario sees them."""

    level_by_id: dict  # level id -> level record (archived ones included)
    scenario_of: dict  # commercial partner id -> scenario
    levels_of: dict  # scenario -> its active levels (core.calendar.Level)
    all_levels_of: dict  # scenario -> all its levels, archived ones included
    core_by_id: dict  # level id -> core.calendar.Level

    def levels(self, partner_id):
        return self.levels_of[self.scenario_of[partner_id]]

    def seen_from(self, partner_id, level_id):
        """The level an installment of the client reached, seen from the client's scenario: a
        level of another risk category's scenario (the client changed category) stands for its
        equivalent step, so the invoice continues from there instead of starting over."""
        reached = self.level_by_id.get(level_id)
        scenario = self.scenario_of[partner_id]
        if not reached or reached.scenario_id == scenario:
            return level_id
        equivalent = equivalent_level(
            self.core_by_id[level_id], self.all_levels_of[reached.scenario_id], self.levels_of[scenario]
        )
        return equivalent and equivalent.id


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

    @api.model
    def _calendar(self, company, partners):
        """What planning the installments of ``partners`` in their own scenario needs, read once:
        the company's levels by id (archived ones too: an installment may have reached one),
        their calendar view, the scenario of each client and the active levels of each scenario."""
        levels = (
            self.env['account.relance.level'].with_context(active_test=False).search([('company_id', '=', company.id)])
        )
        core_by_id = {core.id: core for core in levels._as_core()}
        scenario_of = self._for_partners(company, partners)
        return ScenarioCalendar(
            level_by_id={level.id: level for level in levels},
            scenario_of=scenario_of,
            levels_of={
                scenario: [core_by_id[level.id] for level in levels if level.scenario_id == scenario and level.active]
                for scenario in {*scenario_of.values(), *levels.scenario_id}
            },
            all_levels_of={
                scenario: [core_by_id[level.id] for level in levels if level.scenario_id == scenario]
                for scenario in levels.scenario_id
            },
            core_by_id=core_by_id,
        )

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
