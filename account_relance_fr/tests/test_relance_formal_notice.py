from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceFormalNotice(RelanceCommon):
    """The mise en demeure: the letter a court would accept, and what follows it."""

    def prepare(self, partner=None, moves=None, on=date(2026, 5, 9)):
        context = (
            {'active_model': 'account.move', 'active_ids': moves.ids}
            if moves
            else {'active_model': 'res.partner', 'active_ids': (partner or self.client).ids}
        )
        wizard = Form(self.env['account.relance.formal.notice.wizard'].with_context(**context))
        wizard.date = on
        action = wizard.save().action_prepare()
        return self.env['account.relance'].browse(action['res_id'])

    def test_the_mise_en_demeure_states_everything_a_court_expects(self):
        # 1 000 € due 10 March 2026, mise en demeure on 9 May 2026 (60 days late, 2026 H1 at
        # 2.15 + 10 = 12.15 %): 1 000 x 0.1215 x 60 / 365 = 19.972... -> 19.97 €; indemnity 40 €;
        # total 1 000 + 19.97 + 40 = 1 059.97 €.
        self.client.company_registry = "48512345600021"
        self.company.company_registry = "81234567800015"
        invoice = self.invoice(1000.0)
        relance = self.prepare()
        self.assertRecordValues(
            relance,
            [
                {
                    'level_id': self.level[60].id,
                    'state': 'sent',
                    'channel_registered_letter': True,
                    'amount_claimed': 1000.0,
                    'amount_penalties': 19.97,
                    'amount_indemnities': 40.0,
                    'amount_total_due': 1059.97,
                    'deadline': date(2026, 5, 17),
                }
            ],
        )
        self.assertEqual(relance.amount_in_words(), "mille cinquante-neuf euros et quatre-vingt-dix-sept centimes")
        letter = " ".join(relance.letter_attachment_id.raw.decode().replace('\xa0', ' ').split())
        for text in (
            "MISE EN DEMEURE",
            "mettons en demeure",
            "Lettre recommandée avec accusé de réception",
            "Boulangerie Martin",
            "12 rue de la République",
            "69002",
            "SIRET : 48512345600021",
            "SIRET : 81234567800015",
            invoice.name,
            "19,97",
            "40,00",
            "1 059,97",
            "mille cinquante-neuf euros et quatre-vingt-dix-sept centimes",
            "L441-10",
            "D441-5",
            "1344 du Code civil",
            "17 mai 2026",
            "injonction de payer",
            "commissaire de justice",
            "L125-1",
        ):
            self.assertIn(text, letter)

    def test_the_mise_en_demeure_is_a_real_pdf(self):
        # Rendered once by wkhtmltopdf, as in production (tests otherwise get HTML).
        self.invoice(1000.0)
        relance = self.prepare()
        with self.allow_pdf_render():
            pdf, kind = (
                self.env['ir.actions.report']
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf('account_relance_fr.report_mise_en_demeure', relance.ids)
            )
        self.assertEqual(kind, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF'))

    def test_no_mise_en_demeure_while_a_penalty_rate_is_missing(self):
        # 2027 H1 has no ECB rate yet: the letter would state wrong amounts.
        self.invoice(1000.0)
        with self.assertRaisesRegex(UserError, "1st half of 2027"):
            self.prepare(on=date(2027, 1, 10))
        self.assertFalse(self.env['account.relance'].search([('partner_id', '=', self.client.id)]))
        ordinary = self.run_relance(date(2027, 1, 10))
        self.assertIn("1st half of 2027", ordinary.penalty_warning, "an ordinary relance goes, with the warning")
        self.assertEqual(ordinary.amount_indemnities, 40.0, "the indemnity is claimed even without a rate")

    def test_a_client_without_postal_address_gets_no_mise_en_demeure(self):
        self.client.write({'street': False, 'city': False})
        self.invoice(1000.0)
        with self.assertRaisesRegex(UserError, "street, city missing"):
            self.prepare()
        self.assertFalse(self.env['account.relance'].search([('partner_id', '=', self.client.id)]))

    def test_the_scenario_reaches_the_mise_en_demeure_at_sixty_days_and_waits_for_validation(self):
        self.invoice(1000.0)
        last_notice = self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=45)).filtered(
            lambda r: r.state == 'to_validate'
        )
        with freeze_time(DUE + timedelta(days=45)):
            last_notice.action_send()
        self.run_days(DUE + timedelta(days=46), DUE + timedelta(days=59))
        relance = self.run_relance(DUE + timedelta(days=60))
        self.assertRecordValues(
            relance, [{'level_id': self.level[60].id, 'state': 'to_validate', 'deadline': DUE + timedelta(days=68)}]
        )
        self.assertFalse(relance.letter_attachment_id, "nothing is printed before a person validates")
        # Validated two days later: dated the day it goes out, the deadline counted from then.
        with freeze_time(DUE + timedelta(days=62)):
            relance.action_send()
        self.assertRecordValues(
            relance, [{'state': 'sent', 'date': DUE + timedelta(days=62), 'deadline': DUE + timedelta(days=70)}]
        )
        self.assertTrue(relance.letter_attachment_id)
        self.assertIn("MISE EN DEMEURE", relance.letter_attachment_id.raw.decode())

    def test_a_consumer_is_claimed_legal_interest_not_penalties(self):
        consumer = self.env['res.partner'].create(
            {'name': "Jeanne Petit", 'street': "5 rue des Lilas", 'zip': "75011", 'city': "Paris"}
        )
        self.invoice(800.0, partner=consumer)
        relance = self.prepare(partner=consumer)
        self.assertRecordValues(
            relance, [{'amount_penalties': 0.0, 'amount_indemnities': 0.0, 'amount_total_due': 800.0}]
        )
        letter = relance.letter_attachment_id.raw.decode()
        self.assertIn("1231-6", letter)
        self.assertNotIn("D441-5", letter)

    def test_a_consumer_owes_legal_interest_from_the_acknowledged_mise_en_demeure(self):
        # Mise en demeure of 9 May 2026 received on 12 May; on 11 June, 30 days at the legal
        # rate of 2026 H1 for other cases, 2.62 %: 800 x 0.0262 x 30 / 365 = 1.7227 -> 1.72 €.
        consumer = self.env['res.partner'].create(
            {'name': "Jeanne Petit", 'street': "5 rue des Lilas", 'zip': "75011", 'city': "Paris"}
        )
        invoice = self.invoice(800.0, partner=consumer)
        self.assertEqual(
            invoice.with_context(relance_date=date(2026, 5, 8)).relance_penalty_amount,
            0.0,
            "no interest before the mise en demeure",
        )
        relance = self.prepare(partner=consumer)
        relance.acknowledged_on = date(2026, 5, 12)
        claim = invoice.with_context(relance_date=date(2026, 6, 11))
        self.assertRecordValues(
            claim, [{'relance_penalty_amount': 1.72, 'relance_indemnity_amount': 0.0, 'relance_total_claimed': 801.72}]
        )

    def test_a_selection_of_invoices_only(self):
        first = self.invoice(1000.0)
        self.invoice(500.0)
        relance = self.prepare(moves=first)
        self.assertEqual(relance.invoice_line_ids.move_id, first)

    def test_after_the_deadline_litigation_is_proposed_then_ordinary_relances_stop(self):
        self.invoice(1000.0)
        relance = self.prepare()
        self.assertFalse(self.run_relance(date(2026, 5, 17)).filtered(lambda r: r.partner_id == self.client))
        self.assertFalse(relance.activity_ids, "not before the deadline")
        self.run_relance(date(2026, 5, 18))
        self.assertFalse(relance.activity_ids, "deadline passed, but an occasional late payer is 69 days late, not 75")
        self.run_relance(date(2026, 5, 24))
        self.assertIn("litigation", relance.activity_ids.summary)
        relance.registered_number = "1A 234 567 8901 2"
        relance.acknowledged_on = date(2026, 5, 11)
        relance.action_hand_over_to_litigation()
        self.assertTrue(self.client.relance_litigation)
        self.assertFalse(self.run_days(date(2026, 5, 19), date(2026, 7, 30)), "no more ordinary relances")
