from markupsafe import Markup

from odoo import api, fields, models

from ..core.calendar import tone_rank
from .relance_letter import is_technical_user


class AccountRelance(models.Model):
    """What the collector sees before and after a relance goes out: the e-mail as the client
    will receive it (subject, sender, recipient, attachments, body) and, once it is sent, a
    notice saying what was done."""

    _inherit = 'account.relance'  # pylint: disable=consider-merging-classes-inherited

    preview_subject = fields.Char("Subject", compute='_compute_preview_envelope')
    preview_email_from = fields.Char("From", compute='_compute_preview_envelope')
    preview_email_to = fields.Char("To", compute='_compute_preview_envelope')
    preview_attachments = fields.Char("Attachments", compute='_compute_preview_envelope')

    @api.depends('level_id.mail_template_id', 'contact_id.email', 'company_id.email', 'state', 'line_ids')
    @api.depends_context('lang')
    def _compute_preview_envelope(self):
        for relance in self:
            template = relance.level_id.mail_template_id
            pending = relance.state in ('to_validate', 'failed')
            if not (template and relance.channel_email and relance.id and pending):
                relance.preview_subject = relance.subject
                relance.preview_email_from = relance.preview_email_to = relance.preview_attachments = False
                continue
            relance.preview_subject = template._render_field('subject', relance.ids, compute_lang=True)[relance.id]
            # The sender the e-mail queue writes (the company's address), the contact it goes to.
            relance.preview_email_from = relance.company_id.email_formatted or False
            relance.preview_email_to = relance.contact_id.email_formatted or self.env._(
                "%s has no e-mail address", relance.contact_id.display_name
            )
            relance.preview_attachments = ", ".join(relance._preview_attachment_names()) or self.env._("None")

    def _preview_attachment_names(self):
        """The names of the files the e-mail will carry, without rendering them."""
        self.ensure_one()
        names = []
        if self.company_id.relance_attach_invoices:
            names += [move._get_invoice_report_filename() for move in self.invoice_line_ids.move_id]
        # the rule of relance.file._relance_statement_attachment_ids
        setting = self.company_id.relance_statement_from_tone
        if self.file_id and setting != 'never' and tone_rank(self.tone) >= tone_rank(setting):
            names.append(f"Relevé de compte {self.name.replace('/', '-')}.pdf")
        return names

    # ------------------------------------------------------------------ sending, told

    def _sending_notice(self):
        """A notification saying what the sending did to each relance, then the view reloads."""
        _ = self.env._
        lines = []
        for relance in self:
            if relance.state == 'sent':
                done = []
                if relance.channel_email:
                    done.append(_("e-mail queued to %s", relance.contact_id.email or relance.contact_id.display_name))
                if relance.channel_letter or relance.channel_registered_letter:
                    done.append(_("letter ready to print and post"))
                if relance.channel_phone:
                    done.append(_("call planned"))
                lines.append(_("%(name)s sent: %(done)s.", name=relance.name, done=", ".join(done)))
            elif handing := relance.postal_sending_ids.filtered(lambda s: s.state == 'submitting'):
                # Handed over once this transaction is committed: the view reloads with the answer.
                lines.append(
                    _(
                        "%(name)s: the letter is being handed to %(provider)s; sent once it accepts it.",
                        name=relance.name,
                        provider=handing[:1].account_id.name,
                    )
                )
            elif relance.state == 'cancelled':
                lines.append(_("%(name)s cancelled: %(reason)s", name=relance.name, reason=relance.cancel_reason or ""))
            elif relance.state == 'failed':
                lines.append(_("%(name)s failed: %(reason)s", name=relance.name, reason=relance.failure_reason or ""))
        failed = any(relance.state == 'failed' for relance in self)
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'title': _("Relance sent") if len(self) == 1 and not failed else _("Relances"),
                'message': Markup("<br/>").join(lines),
                'type': 'warning' if failed else 'success',
                'sticky': failed,
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def action_send_and_tell(self):
        """The Send button: send (``action_send``), then say what was done."""
        self.action_send()
        return self._sending_notice()

    def action_send_letter_instead_and_tell(self):
        self.action_send_letter_instead()
        return self._sending_notice()

    # ------------------------------------------------------------------ mise en demeure

    def action_open_sign_wizard(self):
        """A mise en demeure is signed by a person: ask who and in which function, then send."""
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Sign the mise en demeure"),
            'res_model': 'account.relance.sign.wizard',
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'active_model': self._name, 'active_ids': self.ids},
        }

    @api.model
    def _default_signatory(self, relance):
        for user in (relance.signatory_id, relance.company_id.relance_collector_id, self.env.user):
            if user and not is_technical_user(user):
                return user
        return self.env['res.users']
