from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.relance_letter import is_technical_user


class AccountRelanceSignWizard(models.TransientModel):
    """Who signs a mise en demeure, and in which function, asked before it goes out. The
    function is remembered for the user in the company (``ir.default``, Odoo's own store of
    per-user defaults), so the collector types it once."""

    _name = 'account.relance.sign.wizard'
    _description = "Sign a mise en demeure"

    relance_ids = fields.Many2many('account.relance', string="Mises en demeure", required=True)
    signatory_id = fields.Many2one(
        'res.users', required=True, domain="[('share', '=', False)]", help="Never a technical user."
    )
    # Required in the form; checked when signing (a first signatory has no function yet).
    signatory_function = fields.Char("Function", help="Printed under the signatory's name.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'account.relance':
            relances = self.env['account.relance'].browse(self.env.context.get('active_ids') or [])
            values['relance_ids'] = [fields.Command.set(relances.ids)]
            signatory = relances[:1] and self.env['account.relance']._default_signatory(relances[:1])
            if signatory:
                values['signatory_id'] = signatory.id
                values['signatory_function'] = self._remembered_function(signatory) or relances[:1].signatory_function
        return values

    @api.model
    def _remembered_function(self, user):
        remembered = self.env['ir.default']._get(
            self._name, 'signatory_function', user_id=user.id, company_id=self.env.company.id
        )
        return remembered or user.partner_id.function or False

    @api.onchange('signatory_id')
    def _onchange_signatory_id(self):
        if self.signatory_id:
            self.signatory_function = self._remembered_function(self.signatory_id)

    def action_sign_and_send(self):
        self.ensure_one()
        relances = self.relance_ids
        if not all(relance.is_formal_notice and relance.state in ('to_validate', 'failed') for relance in relances):
            raise UserError(self.env._("Only a mise en demeure waiting to go out is signed here."))
        if is_technical_user(self.signatory_id):
            raise UserError(self.env._("Choose who signs the mise en demeure."))
        function = (self.signatory_function or '').strip()
        if not function:
            raise UserError(self.env._("Give the function of the signatory: it is printed under the signature."))
        relances.write({'signatory_id': self.signatory_id.id, 'signatory_function': function})
        # Remembered for this user in this company: next time the field comes filled in.
        self.env['ir.default'].set(
            self._name,
            'signatory_function',
            function,
            user_id=self.signatory_id.id,
            company_id=self.env.company.id,
        )
        return relances.action_send_and_tell()
