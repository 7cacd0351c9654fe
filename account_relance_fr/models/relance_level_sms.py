from odoo import fields, models


class AccountRelanceLevel(models.Model):
    _inherit = 'account.relance.level'  # pylint: disable=consider-merging-classes-inherited

    sms_enabled = fields.Boolean(
        "Also by text message",
        help="The relance also sends a short text (SMS) to the contact's mobile number with the amount "
        "due and the link to the client page; never at night, on Sundays nor public holidays.",
    )
