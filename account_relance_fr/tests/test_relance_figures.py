from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time(DUE + timedelta(days=15))
class TestRelanceFigures(RelanceCommon):
    """Figures that must reconcile with the ledger."""

    def test_the_client_totals_include_every_contact_at_any_depth(self):
        # Boulangerie Martin > Service comptable > Mme Durand: invoices made out to each of them.
        department = self.env['res.partner'].create({'name': "Service comptable", 'parent_id': self.client.id,
                                                     'type': 'invoice'})
        person = self.env['res.partner'].create({'name': "Mme Durand", 'parent_id': department.id})
        self.invoice(1000.0)                                    # overdue since 10 March
        self.invoice(300.0, partner=department)                 # overdue
        self.invoice(200.0, partner=person)                     # overdue
        self.invoice(50.0, partner=person, due=DUE + timedelta(days=30))  # not due yet
        for partner in (self.client, department, person):
            partner = partner.with_company(self.company)
            self.assertEqual(partner.relance_amount_due, 1550.0, partner.name)
            self.assertEqual(partner.relance_amount_overdue, 1500.0, partner.name)
