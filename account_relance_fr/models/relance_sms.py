import pytz

from odoo import fields, models

from ..core.text_message import is_mobile_number, quiet_reason


class AccountRelance(models.Model):
    """The text message (SMS) a level may add to its relance, sent through Odoo's sms module."""

    _inherit = 'account.relance'  # pylint: disable=consider-merging-classes-inherited

    sms_sent = fields.Boolean("Text message sent", readonly=True, copy=False)

    def _sms_body(self):
        """Short, in French: who, how much, where to pay or answer."""
        self.ensure_one()
        portal = self.file_id and self.file_id._relance_short_url()
        amount = self.with_context(lang=self._letter_lang())._format_amount(
            self.amount_total_due or self.amount_claimed
        )
        body = f"{self.company_id.name} : {amount} restent dus sur vos factures (réf. {self.name})."
        if portal:
            body += f" Détail et paiement : {portal}"
        return body

    def _sms_quiet_reason(self):
        """Why no text may go out now in the company's timezone, as a sentence, or ''."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id.partner_id.tz or 'Europe/Paris')
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).replace(tzinfo=None)
        reason = quiet_reason(now)
        return {
            'night': self.env._("no text message at night (8:00 to 20:00 only)"),
            'sunday': self.env._("no text message on Sundays"),
            'holiday': self.env._("no text message on public holidays"),
        }.get(reason, '')

    def _send_sms(self):
        """Send the text of each relance to its contact's mobile number, logged on the relance
        (Odoo's SMS notification, visible in the chatter as the e-mail is). What cannot go out
        is noted on the relance with the reason; the relance itself is not failed for it."""
        for relance in self:
            contact = relance.contact_id
            number = contact._phone_format(fname='phone') if contact.phone else False
            reason = relance._sms_quiet_reason()
            if not reason and not is_mobile_number(number):
                reason = self.env._("%s has no mobile number", contact.display_name)
            if reason:
                relance.message_post(body=self.env._("Text message not sent: %s.", reason))
                continue
            relance._message_sms(relance._sms_body(), partner_ids=contact.ids, sms_pid_to_number={contact.id: number})
            relance.sms_sent = True
