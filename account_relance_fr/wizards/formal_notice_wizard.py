from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.relance_letter import is_technical_user


class AccountRelanceFormalNoticeWizard(models.TransientModel):
    """Prepare a mise en demeure for a client, on all its overdue invoices or on a selection."""

    _name = 'account.relance.formal.notice.wizard'
    _description = "Prepare a mise en demeure"

    partner_id = fields.Many2one('res.partner', "Client", required=True)
    move_ids = fields.Many2many(
        'account.move',
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('relance_open', '=', True)]",
        help="Empty: every overdue invoice of the client.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    signatory_id = fields.Many2one(
        'res.users',
        default=lambda self: self._default_signatory(),
        domain="[('share', '=', False)]",
        help="Who signs the letter: the collector by default, never a technical user.",
    )
    signatory_function = fields.Char(
        "Signatory's function", compute='_compute_signatory_function', store=True, readonly=False
    )

    @api.model
    def _default_signatory(self):
        for user in (self.env.company.relance_collector_id, self.env.user):
            if not is_technical_user(user):
                return user
        return False

    @api.depends('signatory_id')
    def _compute_signatory_function(self):
        for wizard in self:
            wizard.signatory_function = wizard.signatory_id.partner_id.function or False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get('active_model'), self.env.context.get('active_ids') or []
        if model == 'res.partner' and ids:
            values['partner_id'] = self.env['res.partner'].browse(ids[0]).commercial_partner_id.id
        elif model == 'account.move' and ids:
            moves = self.env['account.move'].browse(ids)
            if len(moves.commercial_partner_id) > 1:
                raise UserError(
                    self.env._("A mise en demeure is addressed to one client: select the invoices of one client.")
                )
            values.update(partner_id=moves.commercial_partner_id.id, move_ids=[fields.Command.set(moves.ids)])
        return values

    def action_prepare(self):
        self.ensure_one()
        company = self.move_ids.company_id[:1] or self.env.company
        partner = self.partner_id.commercial_partner_id
        scenario = self.env['account.relance.scenario']._for_partners(company, partner)[partner.id]
        levels = self.env['account.relance.level'].search(
            [('company_id', '=', company.id), ('tone', '=', 'formal_notice')]
        )
        # The client's own scenario first, any other one of the company otherwise.
        level = levels.sorted(lambda lv: lv.scenario_id != scenario)[:1]
        if not level:
            raise UserError(
                self.env._(
                    "No relance level has the “Formal notice” tone: add one under Configuration > Relance scenarios."
                )
            )
        recipient = self.partner_id._relance_recipient()
        if missing := self.partner_id._relance_missing_address_parts(recipient):
            raise UserError(
                self.env._(
                    "A mise en demeure needs the postal address of %(client)s: %(missing)s missing.",
                    client=recipient.display_name,
                    missing=", ".join(missing),
                )
            )
        if is_technical_user(self.signatory_id):
            raise UserError(self.env._("Choose who signs the mise en demeure."))
        run = self.env['account.relance.run'].with_context(
            relance_signatory_id=self.signatory_id.id, relance_signatory_function=self.signatory_function
        )
        rows = self.env['account.relance.installment']._select_installments(
            company, self.date, partner_ids=self.partner_id.ids, move_ids=self.move_ids.ids or None, force=True
        )
        relance = run._prepare_relances(company, self.date, rows, force=True, target_level=level)
        if not relance:
            raise UserError(
                self.env._(
                    "%s has no overdue invoice to claim (or its credits cover them): no mise en demeure.",
                    self.partner_id.display_name,
                )
            )
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance',
            'res_id': relance.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }
