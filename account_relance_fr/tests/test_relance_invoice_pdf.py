from datetime import timedelta

from odoo.tests import tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceInvoicePdf(RelanceCommon):
    """The invoice attached to relances and litigation files is the invoice's own PDF: rendered
    once when Odoo has none, then the same document everywhere."""

    def invoice_attachments(self, invoice):
        return self.env['ir.attachment'].search(
            [
                ('res_model', '=', 'account.move'),
                ('res_id', '=', invoice.id),
                ('res_field', 'in', (False, 'invoice_pdf_report_file')),
            ]
        )

    def test_successive_relances_attach_one_and_the_same_invoice_pdf(self):
        invoice = self.invoice(1000.0)
        self.assertFalse(invoice.invoice_pdf_report_id)
        relances = self.run_days(DUE + timedelta(days=1), DUE + timedelta(days=10))
        self.assertEqual(len(relances.filtered(lambda r: r.channel_email and r.state == 'sent')), 2)
        pdf = invoice.invoice_pdf_report_id
        self.assertTrue(pdf, "the PDF rendered for the first relance became the invoice's own")
        self.assertEqual(self.invoice_attachments(invoice), pdf, "one document on the invoice, not one per relance")
        for relance in relances:
            self.assertEqual(self.sent_emails(relance).attachment_ids, pdf)
        self.assertEqual(invoice.message_main_attachment_id, pdf)
