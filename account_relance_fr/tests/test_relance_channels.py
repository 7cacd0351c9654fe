from datetime import timedelta
from unittest.mock import patch

from markupsafe import Markup

from odoo.tests import tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceChannels(RelanceCommon):
    def test_the_email_goes_to_the_client_in_french_with_the_invoice_attached(self):
        invoice = self.invoice(1234.56)
        relance = self.run_relance(DUE + timedelta(days=1))
        email = self.sent_emails(relance)
        self.assertEqual(len(email), 1)
        self.assertEqual(email.partner_ids, self.client)
        self.assertIn("Relance : factures en attente de règlement", email.subject)
        self.assertIn("Sauf erreur ou omission de notre part", str(email.body))
        self.assertIn(invoice.name, str(email.body))
        self.assertEqual(email.attachment_ids.res_model, 'account.move')
        self.assertEqual(email.attachment_ids.res_id, invoice.id)
        self.assertEqual(email.attachment_ids.name, invoice._get_invoice_report_filename(extension='html'))
        self.assertEqual(relance.subject, email.subject, "the rendered message is kept on the relance")
        self.assertIn("Sauf erreur", relance.body_html)

    def test_the_pdf_already_sent_with_the_invoice_is_reused(self):
        invoice = self.invoice(1000.0)
        pdf = self.env['ir.attachment'].create(
            {
                'name': "INV.pdf",
                'raw': b"%PDF-1.4 sent",
                'res_model': 'account.move',
                'res_id': invoice.id,
                'res_field': 'invoice_pdf_report_file',
                'mimetype': 'application/pdf',
            }
        )
        invoice.invalidate_recordset(['invoice_pdf_report_id'])
        self.assertEqual(invoice.invoice_pdf_report_id, pdf)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(self.sent_emails(relance).attachment_ids.raw, b"%PDF-1.4 sent")

    def test_invoices_are_not_attached_when_the_company_says_so(self):
        self.company.relance_attach_invoices = False
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertFalse(self.sent_emails(relance).attachment_ids)

    def test_a_client_without_email_gets_a_failed_relance_and_a_letter_is_proposed(self):
        self.client.email = False
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.state, 'failed')
        self.assertIn("No e-mail address", relance.failure_reason)
        self.assertFalse(self.sent_emails(relance))
        self.assertFalse(relance.letter_attachment_id)

        relance.action_send_letter_instead()
        self.assertRecordValues(
            relance,
            [
                {
                    'state': 'sent',
                    'channel_email': False,
                    'channel_letter': True,
                    'failure_reason': False,
                    'validated_by_id': self.env.uid,
                }
            ],
        )
        self.assertTrue(relance.letter_attachment_id)
        self.assertIn("Madame, Monsieur", relance.letter_attachment_id.raw.decode())

    def test_the_phone_level_asks_the_salesperson_to_call(self):
        self.invoice(1000.0)
        relance = self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=20)).filtered(
            lambda r: r.level_id == self.level[20]
        )
        self.assertEqual(relance.state, 'sent')
        self.assertFalse(self.sent_emails(relance), "a phone level sends no e-mail")
        activity = relance.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref('mail.mail_activity_data_call'))
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.date_deadline, DUE + timedelta(days=20))

    def test_the_collector_of_the_company_receives_the_calls(self):
        collector = self.salesperson.copy({'login': "recouvrement", 'name': "Sophie Recouvrement"})
        self.company.relance_collector_id = collector
        self.invoice(1000.0)
        relance = self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=20))[-1:]
        relance = self.env['account.relance'].search(
            [('partner_id', '=', self.client.id), ('level_id', '=', self.level[20].id)]
        )
        self.assertEqual(relance.activity_ids.user_id, collector)
        self.assertEqual(relance.salesperson_id, self.salesperson)

    def test_the_severe_level_sends_an_email_and_prepares_a_letter_to_print(self):
        invoice = self.invoice(1000.0)
        self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=29))
        relance = self.run_relance(DUE + timedelta(days=30))
        self.assertEqual(relance.level_id, self.level[30])
        self.assertEqual(len(self.sent_emails(relance)), 1)
        letter = relance.letter_attachment_id.raw.decode()
        for text in ("Madame, Monsieur", "L441-10", "40 euros", invoice.name, "Boulangerie Martin"):
            self.assertIn(text, letter)
        self.assertIn("pénalités de retard", str(self.sent_emails(relance).body))

    def test_the_last_reminder_waits_for_validation_then_is_sent_in_bulk(self):
        other = self.env['res.partner'].create(
            {'name': "Garage du Centre", 'email': "garage@example.com", 'relance_risk_category': 'occasional'}
        )
        self.invoice(1000.0)
        self.invoice(800.0, partner=other)
        self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=44))
        pending = self.run_relance(DUE + timedelta(days=45))
        self.assertEqual(pending.mapped('state'), ['to_validate', 'to_validate'])
        self.assertFalse(pending.message_ids.filtered(lambda m: m.message_type == 'comment'))
        pending.action_send()
        self.assertEqual(pending.mapped('state'), ['sent', 'sent'])
        self.assertEqual(pending.validated_by_id, self.env.user)
        self.assertEqual(len(pending.message_ids.filtered(lambda m: m.message_type == 'comment')), 2)

    def test_retrying_a_failed_relance_sends_only_the_email_that_failed(self):
        self.level[1].channel_phone = True
        self.client.email = False
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.state, 'failed')
        self.assertEqual(len(relance.activity_ids), 1, "the call was scheduled all the same")
        self.client.email = "compta@boulangerie-martin.example"
        relance.action_send()
        self.assertRecordValues(relance, [{'state': 'sent', 'failure_reason': False}])
        self.assertEqual(len(self.sent_emails(relance)), 1)
        self.assertEqual(len(relance.activity_ids), 1, "no second call")

    def test_a_letter_level_still_goes_out_by_post_when_the_email_address_is_missing(self):
        self.client.email = False
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=30))  # an old debt starts at the severe letter
        self.assertEqual(relance.level_id, self.level[30])
        self.assertRecordValues(relance, [{'state': 'sent', 'failure_reason': False}])
        self.assertTrue(relance.letter_attachment_id)
        self.assertIn("no e-mail address", str(relance.message_ids.mapped('body')))

    def _queued_email(self, relance):
        return self.env['mail.mail'].sudo().search([('model', '=', 'account.relance'), ('res_id', '=', relance.id)])

    def test_the_email_is_queued_for_the_mail_cron_with_its_attachments(self):
        self.company.email = "relances@atelier-durand.example"
        invoice = self.invoice(1234.56)
        relance = self.run_relance(DUE + timedelta(days=1))
        mail = self._queued_email(relance)
        self.assertRecordValues(mail, [{'state': 'outgoing', 'message_type': 'comment', 'subject': relance.subject}])
        self.assertEqual(mail.recipient_ids, self.client)
        self.assertEqual(mail.attachment_ids.res_id, invoice.id)
        self.assertIn("Sauf erreur ou omission de notre part", mail.body_html)
        self.assertEqual(mail.mail_message_id, self.sent_emails(relance), "the chatter shows the e-mail")
        # From the company's address, as the template says (the composer left it empty); a
        # reply goes where Odoo routes the replies of the relance.
        self.assertIn("relances@atelier-durand.example", mail.email_from)
        self.assertEqual(mail.email_from, self.company.email_formatted)
        reply_to = relance._notify_get_reply_to(default=self.company.email_formatted)[relance.id]
        self.assertEqual(mail.reply_to, reply_to)
        self.assertIn("@", mail.reply_to)
        notification = mail.mail_message_id.notification_ids
        self.assertRecordValues(
            notification,
            [
                {
                    'res_partner_id': self.client.id,
                    'notification_type': 'email',
                    'notification_status': 'ready',
                    'mail_mail_id': mail.id,
                }
            ],
        )

    def test_an_email_the_mail_server_refuses_leaves_the_relance_failed_with_the_reason(self):
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.state, 'sent')
        mail = self._queued_email(relance)
        server = type(self.env['ir.mail_server'])
        with (
            patch.object(server, '_disable_send', lambda self: False),
            patch.object(server, '_connect__', side_effect=ConnectionRefusedError("relay refused")),
        ):
            mail.send(raise_exception=False)
        self.assertEqual(mail.state, 'exception')
        self.assertEqual(relance.state, 'failed')
        self.assertIn("relay refused", relance.failure_reason)
        self.assertIn("could not be delivered", str(relance.message_ids.mapped('body')))
        self.assertEqual(mail.mail_message_id.notification_ids.notification_status, 'exception')

    def test_a_bounced_email_leaves_the_relance_failed(self):
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        relance._message_receive_bounce(self.client.email, self.client)
        self.assertEqual(relance.state, 'failed')
        self.assertIn("bounced", relance.failure_reason)
        relance.action_send()
        self.assertEqual(relance.state, 'sent', "resent once the address is checked")

    def test_the_email_renders_without_a_template_error(self):
        """The portal-link block is called with the relance already set: QWeb never falls back
        through an error (a traceback formatted for each e-mail of the day)."""
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        with patch('odoo.addons.base.models.ir_qweb.traceback.format_exc') as formatted:
            body = relance.level_id.mail_template_id._render_field('body_html', relance.ids, compute_lang=True)
        formatted.assert_not_called()
        self.assertIn("Sauf erreur", body[relance.id])

    def test_a_batch_of_emails_renders_as_each_email_alone(self):
        """The run renders the e-mails of a batch in one pass (the template compiled once): each
        body is exactly what Odoo renders for that relance alone, and what one relance's
        rendering sets (a conditional t-set) never shows in the next one."""
        other = self.env['res.partner'].create(
            {
                'name': "Fromagerie Dubois",
                'is_company': True,
                'email': "compta@fromagerie-dubois.example",
                'lang': 'fr_FR',
                'relance_risk_category': 'occasional',
            }
        )
        self.invoice(1000.0)
        self.invoice(2500.0, partner=other)
        self.env['account.relance.level'].search([]).write({'auto_send': False})
        relances = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(len(relances), 2)
        template = relances.level_id.mail_template_id
        self.assertEqual(len(template), 1)
        template.body_html = (
            Markup(
                '<t t-if="object.partner_id.name == %r"><t t-set="seen" t-value="object.partner_id.name"/></t>'
                '<p class="seen" t-out="seen or \'nobody\'"/>'
            )
            % self.client.name
            + template.body_html
        )
        alone = {
            relance.id: template._render_field('body_html', relance.ids, compute_lang=True)[relance.id]
            for relance in relances
        }
        IrQweb = type(self.env['ir.qweb'])
        with (
            patch.object(IrQweb, '_render', autospec=True, side_effect=IrQweb._render) as render,
            patch('odoo.addons.base.models.ir_qweb.traceback.format_exc') as formatted,
        ):
            together = template.with_context(relance_render_batch=True)._render_field(
                'body_html', relances.ids, compute_lang=True
            )
        self.assertEqual(render.call_count, 1, "one pass for the batch")
        formatted.assert_not_called()
        self.assertEqual(together, alone)
        mine, theirs = relances.sorted(lambda r: r.partner_id != self.client)
        self.assertIn(f'<p class="seen">{self.client.name}</p>', together[mine.id])
        self.assertIn('<p class="seen">nobody</p>', together[theirs.id])
        self.assertIn("2\N{NO-BREAK SPACE}500,00", together[theirs.id])
