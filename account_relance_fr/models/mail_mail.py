from odoo import models


class MailMail(models.Model):
    _inherit = 'mail.mail'

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        """A relance's e-mail is sent by the mail queue, after the run: when it cannot be
        delivered, the relance did not reach the client and fails with the reason, as when the
        run itself could not send it (the relance holds its file until resent or cancelled)."""
        if failure_type:
            for mail in self.filtered(lambda mail: mail.model == 'account.relance' and mail.res_id):
                relance = self.env['account.relance'].sudo().browse(mail.res_id).exists()
                # Only the relance's own e-mail to its contact, not a note to a follower.
                if relance and relance.contact_id in mail.mail_message_id.partner_ids:
                    relance._mail_not_delivered(failure_reason or mail.failure_reason or failure_type)
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )
