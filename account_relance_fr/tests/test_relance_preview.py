"""Before a relance goes out, the collector reads it as the client will; after, a notice says
what was done; a mise en demeure asks who signs it."""

from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelancePreview(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({'email': "compta@atelier.example", 'relance_attach_invoices': True})
        cls.oven = cls.invoice(1200.0)
        cls.manager = cls.env.user

    def pending(self, days):
        self.run_days(DUE + timedelta(days=1), DUE + timedelta(days=days))
        return self.env['account.relance'].search(
            [('partner_id', '=', self.client.id), ('state', 'in', ('to_validate', 'failed'))], limit=1
        )

    def test_the_preview_shows_subject_sender_recipient_and_attachments(self):
        relance = self.pending(45)
        self.assertEqual(relance.state, 'to_validate')
        self.assertIn(self.company.name, relance.preview_subject)
        self.assertIn("compta@atelier.example", relance.preview_email_from)
        self.assertIn("compta@boulangerie-martin.example", relance.preview_email_to)
        self.assertIn(self.oven._get_invoice_report_filename(), relance.preview_attachments)

    def test_sending_says_what_was_done(self):
        relance = self.pending(45)
        action = relance.action_send_and_tell()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(action['tag'], 'display_notification')
        self.assertIn(relance.name, action['params']['message'])
        self.assertIn("e-mail queued to compta@boulangerie-martin.example", action['params']['message'])

    def test_the_letter_preview_opens_the_pdf_not_the_layout_configurator(self):
        relance = self.pending(45)
        relance.channel_letter = True
        self.company.external_report_layout_id = False
        action = relance.action_preview_letter()
        self.assertEqual(action['type'], 'ir.actions.report')

    def test_a_mise_en_demeure_asks_its_signatory_and_remembers_the_function(self):
        relance = self.pending(45)
        with freeze_time(DUE + timedelta(days=45)):
            relance.action_send()
        self.run_days(DUE + timedelta(days=46), DUE + timedelta(days=80))
        relance = self.env['account.relance'].search(
            [('partner_id', '=', self.client.id), ('state', '=', 'to_validate'), ('tone', '=', 'formal_notice')]
        )
        self.assertEqual(
            len(relance), 1, self.client.relance_file_ids.relance_ids.mapped(lambda r: (r.date, r.tone, r.state))
        )
        action = relance.action_open_sign_wizard()
        Wizard = self.env[action['res_model']].with_context(**action['context'])
        wizard = Wizard.create({})
        collector = relance.signatory_id
        self.assertTrue(collector, "the collector of the relance signs by default")
        self.assertEqual(wizard.signatory_id, collector)
        wizard.signatory_function = "Responsable du recouvrement"
        with freeze_time(DUE + timedelta(days=80)):
            result = wizard.action_sign_and_send()
        self.assertEqual(result['tag'], 'display_notification')
        self.assertEqual(relance.state, 'sent')
        self.assertEqual((relance.signatory_id, relance.signatory_function), (collector, "Responsable du recouvrement"))
        # the next mise en demeure comes with the function filled in
        self.assertEqual(Wizard.create({}).signatory_function, "Responsable du recouvrement")
