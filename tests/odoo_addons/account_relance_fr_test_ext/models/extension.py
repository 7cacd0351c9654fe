"""What a customer's own module may do to the records of the relances: add a field with a
default and override ``create``. The daily run must create its records so that both apply."""

from collections import defaultdict

from odoo import api, fields, models

# The ids each model's ``create`` saw in this process, for the tests to compare with what the
# run created.
SEEN = defaultdict(set)


class RelanceExtensionMixin(models.AbstractModel):
    _name = 'account.relance.test.extension'
    _description = "Another module's field and create override (tests only)"

    ext_origin = fields.Char("Origin (extension)", default="set by the extension's default")
    ext_seen_by_create = fields.Boolean("Seen by the extension's create")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals['ext_seen_by_create'] = True
        records = super().create(vals_list)
        SEEN[self._name].update(records.ids)
        return records


class AccountRelance(models.Model):
    _name = 'account.relance'
    _inherit = ['account.relance', 'account.relance.test.extension']


class AccountRelanceLine(models.Model):
    _name = 'account.relance.line'
    _inherit = ['account.relance.line', 'account.relance.test.extension']


class AccountRelanceFile(models.Model):
    _name = 'account.relance.file'
    _inherit = ['account.relance.file', 'account.relance.test.extension']
