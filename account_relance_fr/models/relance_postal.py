import re

from odoo import fields, models
from odoo.exceptions import UserError

from ..core.postal import SendOptions
from .relance import PENDING
from .relance_postal_account import address_of
from .relance_postal_sending import WENT_OUT


class AccountRelance(models.Model):
    """The relance's letters posted by a provider."""

    _inherit = 'account.relance'  # pylint: disable=consider-merging-classes-inherited

    postal_sending_ids = fields.One2many('account.relance.postal.sending', 'relance_id', "Letters posted")
    postal_state = fields.Selection(
        related='postal_sending_ids.state', string="Postal status", help="Where the last letter posted stands."
    )

    # ------------------------------------------------------------------ the hook of _dispatch

    def _dispatch_by_providers(self, letters):
        """What goes out through external services once the letters are rendered: the letters
        posted by the company's provider, and the text messages. Returns the relances that wait
        for the provider's answer: they are sent (or fail) once it is known, after this
        transaction is committed (``_postal_handed``)."""
        awaiting = letters._postal_prepare()
        (self - awaiting).filtered(lambda r: r.level_id.sms_enabled and not r.sms_sent)._send_sms()
        return awaiting

    # ------------------------------------------------------------------ letters

    def _postal_account(self):
        self.ensure_one()
        if self.env.context.get('relance_print_letters'):
            return self.env['account.relance.postal.account']
        account = self.env['account.relance.postal.account'].sudo()._for_company(self.company_id)  # sudo: see below
        # sudo: a relance user may validate a letter without the right to read the settings.
        if not account or not (self.channel_registered_letter or account.simple_letters):
            return self.env['account.relance.postal.account']
        return account.sudo(False)

    def _postal_may_send_electronically(self, account):
        """A qualified electronic registered letter only where it has the effect of a paper one
        (CPCE L100): to a professional, or to a consumer who agreed to receive them."""
        self.ensure_one()
        if not (account.prefer_electronic and type(account._provider()).electronic and self.channel_registered_letter):
            return False
        return not self.partner_is_consumer or self.partner_id._relance_lre_consented()

    def _postal_idempotency_key(self, attempt):
        """The key of one letter at the provider: this database, this relance, this attempt."""
        uuid = self.env['ir.config_parameter'].sudo().get_param('database.uuid', '')  # sudo: system parameter
        return f"{re.sub(r'[^0-9a-f]', '', uuid)[:8]}-{self.id}-{attempt}"

    def _postal_prepare(self):
        """Record the letter each relance hands to the company's provider account, in the state
        'submitting', with its key. The provider is called only once this transaction is
        committed (``account.relance.postal.sending._submit_after_commit``): whatever happens to
        the call, the attempt and its key are in the database, and a retry looks the letter up at
        the provider before sending it again.

        A relance already posted is not posted again; an attempt left without an answer (or
        interrupted) is resumed with the same key. Returns the relances whose state waits for the
        provider's answer (a simple letter doubling an e-mail that went out does not)."""
        Sending = self.env['account.relance.postal.sending']
        sendings, awaiting = Sending, self.browse()
        for relance in self:
            account = relance._postal_account()
            if not account or not relance.letter_attachment_id:
                continue
            previous = relance.postal_sending_ids
            if previous.filtered(lambda s: s.state not in ('submitting', 'unknown', 'refused')):
                continue  # posted already: the retry of another channel does not post it again
            sending = previous.filtered(lambda s: s.state in ('submitting', 'unknown'))[:1]
            if sending:
                sending.write({'state': 'submitting', 'attempts': sending.attempts + 1})
            else:
                sending = Sending.create(relance._prepare_postal_sending_values(account, len(previous) + 1))
            sendings |= sending
            if not relance._postal_reached_otherwise():
                awaiting |= relance
        sendings._submit_after_commit()
        return awaiting

    def _prepare_postal_sending_values(self, account, attempt):
        self.ensure_one()
        return {
            'relance_id': self.id,
            'account_id': account.id,
            'provider': account.provider,
            'registered': self.channel_registered_letter,
            'electronic': self._postal_may_send_electronically(account),
            'idempotency_key': self._postal_idempotency_key(attempt),
            'state': 'submitting',
            'attempts': 1,
        }

    def _postal_send_options(self, sending):
        """What the provider is asked for the letter of ``sending``."""
        self.ensure_one()
        account = sending.account_id
        return SendOptions(
            name=f"{self.company_id.name} – {self.name}",
            registered=sending.registered,
            acknowledgement=account.acknowledgement and sending.registered,
            electronic=sending.electronic,
            sender=account._sender_address(),
            notification_email=account.notification_email or self.company_id.email or '',
        )

    def _postal_recipient_address(self):
        self.ensure_one()
        contact = self.contact_id
        return address_of(contact, contact.commercial_partner_id.name)

    def _postal_handed(self, sending, accepted):
        """The provider's answer about the letter of ``sending``, on its relance: sent once the
        letter is accepted; failed with the provider's reason otherwise (Retry or print instead),
        unless the client was reached by e-mail already."""
        self.ensure_one()
        account = sending.account_id
        if accepted:
            self.registered_number = sending.tracking_number or self.registered_number
            self.message_post(
                body=self.env._(
                    "Letter handed to %(provider)s (reference %(reference)s%(tracking)s).",
                    provider=account.name,
                    reference=sending.provider_reference,
                    tracking=self.env._(", tracking number %s", sending.tracking_number)
                    if sending.tracking_number
                    else "",
                )
            )
            if self.state in PENDING:
                self.write({'state': 'sent', 'sent_on': fields.Datetime.now()})
                self.filtered(lambda r: r.level_id.sms_enabled and not r.sms_sent)._send_sms()
                # The letter went out after the validation's transaction: the row follows now.
                self.file_id._refresh_next_step()
            return
        if self._postal_reached_otherwise() or self.state not in PENDING:
            # A simple letter doubling an e-mail that went out: the client was reached; the
            # relance stays sent (a retry would e-mail it again) and the letter is printed.
            self.message_post(
                body=self.env._(
                    "%(provider)s did not post the letter (%(reason)s): print it and post it by hand.",
                    provider=account.name,
                    reason=sending.reason,
                )
            )
            return
        if sending.state == 'refused':
            reason = self.env._(
                "%(provider)s refused the letter: %(reason)s. Correct and retry, or print it instead.",
                provider=account.name,
                reason=sending.reason,
            )
        else:
            reason = self.env._(
                "No answer from %(provider)s (%(reason)s). Retry: the letter will not be posted twice.",
                provider=account.name,
                reason=sending.reason,
            )
        self._mark_failed(reason[:500])

    def _postal_proof_attachments(self):
        """The proofs of the letters these relances posted through a provider, as attachments:
        the proof of deposit (preuve de dépôt) and the acknowledgement of receipt (avis de
        réception) each letter returned, oldest letter first (an empty recordset when none came
        back). The one place every pack that files them reads them from: the litigation file,
        the déclaration de créance, the requête en injonction de payer."""
        return self.postal_sending_ids.sorted('id')._proof_attachments()

    def _postal_reached_otherwise(self):
        """A simple letter (not registered) whose relance also went out by e-mail: the client
        was reached without it, as when a letter makes up for a missing e-mail address."""
        self.ensure_one()
        return not self.channel_registered_letter and self.channel_email and bool(self.contact_id.email_normalized)

    def _postal_refused_after_acceptance(self, sending):
        """The provider accepted the letter, then rejected it when it checked it: the relance
        did not reach the client, it fails with the reason (as a bounced e-mail does)."""
        reason = self.env._(
            "%(provider)s rejected the letter after accepting it: %(reason)s",
            provider=sending.account_id.name,
            reason=sending.reason,
        )[:500]
        went_out = self.filtered(lambda r: r.state in ('sent', 'done'))
        # sudo: a sent relance is history; only a failure of its delivery may change its state.
        went_out.sudo()._mark_failed(reason)
        (self - went_out).message_post(body=reason)

    def _postal_resolve_unknown(self):
        """Before a letter is printed instead, ask the provider about an attempt left without an
        answer (or interrupted): if it went out after all, it must not be posted a second time.
        An attempt the provider does not know is closed, so that nothing resumes it later."""
        pending = self.postal_sending_ids.filtered(lambda s: s.state in ('submitting', 'unknown'))
        for sending in pending:
            sending._find_at_provider()
            if sending.provider_reference:
                sending._refresh_status()
        pending.filtered(lambda s: s.state == 'submitting').write({'state': 'unknown'})

    def action_print_letter_instead(self):
        """The provider refused the letter or does not answer: print it and post it by hand."""
        self._check_relance_group()
        for relance in self:
            if relance.state != 'failed':
                raise UserError(self.env._("Relance %s did not fail: nothing to print instead.", relance.name))
        self._postal_resolve_unknown()
        posted = self.filtered(lambda r: r.postal_sending_ids.filtered(lambda s: s.state in WENT_OUT))
        if posted:
            raise UserError(
                self.env._(
                    "The provider posted %s after all: it is not printed a second time.",
                    ", ".join(posted.mapped('name')),
                )
            )
        return self.with_context(relance_print_letters=True).action_send()
