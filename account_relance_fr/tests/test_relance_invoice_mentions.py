import html
from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceInvoiceMentions(RelanceCommon):
    """What a French customer invoice must say about late payment, and prescription."""

    def render(self, invoice):
        body, _kind = self.env['ir.actions.report']._render_qweb_html('account.account_invoices', invoice.ids)
        return " ".join(html.unescape(body.decode()).replace('\xa0', ' ').split())

    def test_a_professional_invoice_states_due_date_discount_rate_and_indemnity(self):
        invoice = self.invoice(1000.0, invoice_date=date(2026, 2, 8))
        text = self.render(invoice)
        for mention in (
            "Date d'échéance : 10/03/2026",
            "Pas d'escompte pour paiement anticipé.",
            "majoré de 10 points (soit 12,15 % au 1er semestre 2026)",
            "L441-10",
            "indemnité forfaitaire pour frais de recouvrement de 40 euros",
            "D441-5",
        ):
            self.assertIn(mention, text)

    def test_a_contract_rate_and_custom_discount_terms_are_printed(self):
        self.company.relance_discount_terms = "Escompte de 1 % pour paiement sous 8 jours."
        with freeze_time('2026-02-08'):
            self.client.relance_contract_rate = 15.0
        text = self.render(self.invoice(1000.0, invoice_date=date(2026, 2, 8)))
        self.assertIn("au taux de 15,00 %", text)
        self.assertIn("Escompte de 1 % pour paiement sous 8 jours.", text)

    def test_a_consumer_invoice_has_no_penalty_mention(self):
        consumer = self.env['res.partner'].create({'name': "Jeanne Petit"})
        text = self.render(self.invoice(100.0, partner=consumer))
        self.assertIn("Date d'échéance", text)
        self.assertNotIn("D441-5", text)

    def test_the_mentions_can_be_switched_off(self):
        self.company.relance_invoice_mentions = False
        self.assertNotIn("D441-5", self.render(self.invoice(100.0)))

    def test_prescription_five_years_between_merchants_two_for_consumers(self):
        invoice = self.invoice(1000.0)
        self.assertEqual(invoice.relance_prescription_date, date(2031, 3, 10))
        consumer = self.env['res.partner'].create({'name': "Jeanne Petit"})
        self.assertEqual(self.invoice(100.0, partner=consumer).relance_prescription_date, date(2028, 3, 10))

    def test_the_daily_run_warns_once_about_invoices_prescribed_within_90_days(self):
        consumer = self.env['res.partner'].create({'name': "Jeanne Petit"})
        invoice = self.invoice(100.0, partner=consumer)  # prescribed on 10 March 2028
        self.env['account.relance.run']._run(on_date=date(2027, 12, 10), companies=self.company)
        self.assertFalse(invoice.activity_ids, "91 days before: not yet")
        self.env['account.relance.run']._run(on_date=date(2027, 12, 11), companies=self.company)
        self.assertIn("Prescribed on", invoice.activity_ids.summary)
        self.env['account.relance.run']._run(on_date=date(2027, 12, 12), companies=self.company)
        self.assertEqual(len(invoice.activity_ids), 1, "warned once")
        found = self.env['account.move'].search(
            [('relance_prescription_date', '<=', date(2027, 12, 11) + timedelta(days=90))]
        )
        self.assertIn(invoice, found)
