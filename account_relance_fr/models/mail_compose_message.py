from odoo import Command, models


class MailComposeMessage(models.TransientModel):
    _inherit = 'mail.compose.message'

    def _prepare_mail_values(self, res_ids):
        """The e-mails of relances queued in mass-mail mode (``account.relance._queue_emails``,
        context key ``relance_mail_attachments``: {relance id: attachment ids}) are posted as
        ``message_post`` posts a comment: of subtype Discussions, to the relance's contact (shown
        in the chatter and on the client's page as what the client received), with the
        relance's own attachments (its invoices, its statement) besides the template's."""
        values = super()._prepare_mail_values(res_ids)
        attachments = self.env.context.get('relance_mail_attachments')
        if attachments is None or self.model != 'account.relance' or self.composition_mode != 'mass_mail':
            return values
        comment = self.env['ir.model.data']._xmlid_to_res_id('mail.mt_comment')
        for res_id, mail_values in values.items():
            recipients = [command[1] for command in mail_values.get('recipient_ids', [])]
            mail_values.update(
                message_type='comment',
                subtype_id=comment,
                partner_ids=[Command.link(partner_id) for partner_id in recipients],
                attachment_ids=[
                    *mail_values.get('attachment_ids', []),
                    *(Command.link(attachment_id) for attachment_id in attachments.get(res_id, [])),
                ],
            )
        return values
