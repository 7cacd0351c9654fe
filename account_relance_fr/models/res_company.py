from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    relance_level_ids = fields.One2many('account.relance.level', 'company_id', "Relance levels")
    relance_collector_id = fields.Many2one(
        'res.users', "Collector",
        help="Responsible for the relances and receives their phone-call activities. Empty: "
             "the salesperson of the invoice, else of the client, else the user running the relance.")
    relance_attach_invoices = fields.Boolean(
        "Attach invoices to relance e-mails", default=True)
    relance_contract_rate = fields.Float(
        "Contract penalty rate (%)", digits=(5, 2),
        help="Late-payment penalty rate of your terms of sale. Empty: the legal rate, ECB rate "
             "+ 10 points. It may not be below 3 times the legal interest rate (L441-10).")
    relance_formal_notice_days = fields.Integer(
        "Days to pay after a mise en demeure", default=8,
        help="Deadline given by the mise en demeure, counted from its date.")
    relance_invoice_mentions = fields.Boolean(
        "Late-payment mentions on invoices", default=True,
        help="Print on customer invoices the mentions of Code de commerce L441-9: due date, "
             "early-payment discount, penalty rate and, for professionals, the 40 € indemnity.")
    relance_discount_terms = fields.Char(
        "Early-payment discount", translate=True,
        default="Pas d'escompte pour paiement anticipé.",
        help="Conditions of early-payment discount printed on invoices.")
    relance_penalty_account_id = fields.Many2one(
        'account.account', "Penalty income account", check_company=True,
        help="Income account of the invoices of late-payment penalties and indemnities "
             "(PCG 763 or 758 for instance). Empty: the default income account of the sales journal.")
    relance_freeze_penalty_rate = fields.Boolean(
        "Freeze the penalty rate",
        help="Apply to the whole lateness the rate of the half-year in which it began, instead "
             "of each half-year's own rate.")
    relance_schedule_grace_days = fields.Integer(
        "Grace days of payment schedules", default=5,
        help="Days after the due date of an installment before it counts as missed and the "
             "payment schedule is broken.")
    relance_schedule_reminder_days = fields.Integer(
        "Reminder before an installment (days)", default=5,
        help="Days before the due date of each installment of a payment schedule when the "
             "client gets a reminder e-mail.")

    @api.constrains('relance_contract_rate')
    def _check_relance_contract_rate(self):
        self.env['res.partner']._relance_check_contract_rates(self.filtered('relance_contract_rate'), 'relance_contract_rate')

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._relance_ensure_default_levels()
        return companies

    def _relance_ensure_default_levels(self):
        """Give every company without levels a copy of the default French scenario."""
        # sudo: the default scenario is read from the main company, to which the user creating
        # a company may not belong, and copied into a company they may not be a member of yet.
        Level = self.env['account.relance.level'].sudo().with_context(active_test=False)
        defaults = Level.browse([
            data.res_id for data in self.env['ir.model.data'].sudo().search([
                ('module', '=', 'account_relance_fr'), ('model', '=', 'account.relance.level')])
        ]).exists().sorted(lambda lv: (lv.sequence, lv.delay))
        equipped = {company for [company] in Level._read_group(
            [('company_id', 'in', self.ids)], ['company_id'])}
        for company in self:
            if company not in equipped:
                defaults.copy({'company_id': company.id})
