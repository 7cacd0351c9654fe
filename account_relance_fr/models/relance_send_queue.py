"""A large Send goes out in the background: the relances are queued for sending in the name of
the person who clicked, a scheduled action sends them in batches, one transaction a batch, and
tells that person what went out (an Odoo notification: in their inbox or by e-mail, as their
preferences say). Restartable: a relance leaves the queue in the transaction that sends it, so
a run that stops half-way sends the rest the next time and nothing twice."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .relance import PENDING

_logger = logging.getLogger(__name__)

#: Above this many relances at once, Send queues them for the scheduled action instead of
#: holding the request (a relance takes tens of milliseconds: 200 is a few seconds).
BACKGROUND_SEND_THRESHOLD = 200
#: The same, set by an administrator (Settings > Technical > System parameters).
BACKGROUND_SEND_THRESHOLD_PARAM = 'account_relance_fr.background_send_threshold'
#: Relances sent per transaction of the scheduled action.
SEND_BATCH_SIZE = 100

#: What only the Send button (for its user) and the scheduled action write.
QUEUE_WRITES = frozenset({'send_queue_state', 'send_requested_by_id', 'send_requested_on'})

QUEUE_STATES = [
    ('queued', "Queued"),
    ('processed', "Processed"),  # sent (or not) by the scheduled action; the requester not told yet
]


class AccountRelance(models.Model):
    _inherit = 'account.relance'  # pylint: disable=consider-merging-classes-inherited

    send_queue_state = fields.Selection(
        QUEUE_STATES,
        "Background sending",
        readonly=True,
        copy=False,
        index='btree_not_null',
        help="Queued: validated in a large Send, it goes out in the background shortly.",
    )
    send_requested_by_id = fields.Many2one(
        'res.users',
        "Send requested by",
        readonly=True,
        copy=False,
        help="Who sent it in a large Send: the relance is validated in their name.",
    )
    send_requested_on = fields.Datetime("Send requested on", readonly=True, copy=False)

    def write(self, vals):
        # Whoever queues a relance validates it: nobody queues one in another person's name, and
        # only the scheduled action (as superuser) moves it along the queue.
        if not self.env.su and QUEUE_WRITES & set(vals) and vals.get('send_requested_by_id') != self.env.uid:
            raise AccessError(self.env._("A relance is queued for sending in the name of the person who sends it."))
        return super().write(vals)

    @api.model
    def _background_send_threshold(self):
        # sudo: a system parameter, read for the collector who clicks Send.
        value = self.env['ir.config_parameter'].sudo().get_param(BACKGROUND_SEND_THRESHOLD_PARAM)
        try:
            return int(value) if value else BACKGROUND_SEND_THRESHOLD
        except ValueError:
            return BACKGROUND_SEND_THRESHOLD

    def _sends_in_background(self):
        """Whether sending self at once would hold the request too long (and the scheduled action
        that sends in the background is there to take it)."""
        if len(self) <= self._background_send_threshold():
            return False
        cron = self.env.ref('account_relance_fr.ir_cron_send_queued_relances', raise_if_not_found=False)
        # sudo: whether the scheduled action is active; a collector cannot read ir.cron.
        return bool(cron and cron.sudo().active)

    def _queue_for_sending(self):
        """Queue the pending relances of self for the scheduled action, in the name of the current
        user, and start it at once. Returns the notification telling the user so."""
        queued = self.filtered(lambda r: r.send_queue_state != 'queued')
        queued.write(
            {
                'send_queue_state': 'queued',
                'send_requested_by_id': self.env.uid,
                'send_requested_on': fields.Datetime.now(),
            }
        )
        self.env.ref('account_relance_fr.ir_cron_send_queued_relances')._trigger()
        _ = self.env._
        if queued:
            message = _(
                "%(count)s relances will be sent in the background. You will be notified when it is done.",
                count=len(queued),
            )
        else:
            message = _("These relances are already queued for sending.")
        if queued and len(queued) < len(self):
            message += " " + _("%(count)s were already queued for sending.", count=len(self) - len(queued))
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'title': _("Sending in the background"),
                'message': message,
                'type': 'info',
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    # ------------------------------------------------------------------ the scheduled action

    @api.model
    def _cron_send_queued(self):
        """Send the queued relances in batches, a transaction each, then tell each requester."""
        cron = self.env['ir.cron']
        queued = [('send_queue_state', '=', 'queued')]
        cron._commit_progress(remaining=self.search_count(queued))
        while batch := self.search(queued, order='id', limit=SEND_BATCH_SIZE):
            batch._send_queued_batch()
            if not cron._commit_progress(len(batch)):
                break  # out of time: the scheduler runs it again for the rest
            self.env.invalidate_all()  # memory stays that of one batch
        self._notify_requesters()

    def _send_queued_batch(self):
        """Send the queued relances of self in the name of whoever asked, one savepoint per
        requester and company; when one breaks, each of its relances is sent again on its own so
        that only the culprit fails. All of self leaves the queue."""
        for (requester, company), relances in self.grouped(lambda r: (r.send_requested_by_id, r.company_id)).items():
            relances._each_isolated(lambda some, user=requester, of=company: some._send_as(user, of), _logger)
        # sudo: the scheduled action's own bookkeeping, whichever user it runs as.
        self.sudo().write({'send_queue_state': 'processed'})

    def _send_as(self, requester, company):
        """Validate and send the relances of self still waiting, as ``requester`` would have at
        the click (their rights, their name as validator); cancelled or sent meanwhile are left."""
        pending = self.filtered(lambda r: r.state in PENDING)
        if not pending:
            return
        mine = pending.with_user(requester).with_company(company)
        mine._check_relance_group()
        mine._validate_and_send(validated_on=min(pending.mapped('send_requested_on')))

    @api.model
    def _notify_requesters(self):
        """Tell each person whose queued relances are all processed what went out (Odoo's
        notification, in their inbox or by e-mail as they chose), and take the relances out of the queue."""
        processed = self.search([('send_queue_state', '=', 'processed')])
        still_queued = {
            user for [user] in self._read_group([('send_queue_state', '=', 'queued')], ['send_requested_by_id'])
        }
        for requester, relances in processed.grouped('send_requested_by_id').items():
            if requester in still_queued:
                continue
            if requester:
                relances._notify_sent_in_background(requester)
            relances.sudo().write({'send_queue_state': False})  # sudo: as in _send_queued_batch

    def _notify_sent_in_background(self, requester):
        _ = self.with_context(lang=requester.lang).env._
        sent = self.filtered(lambda r: r.state in ('sent', 'done'))
        failed = self.filtered(lambda r: r.state == 'failed')
        cancelled = self.filtered(lambda r: r.state == 'cancelled')
        handed = self - sent - failed - cancelled  # letters in the hands of the postal provider
        lines = [
            _(
                "The %(count)s relances you sent in the background were processed: "
                "%(sent)s sent, %(failed)s failed, %(cancelled)s cancelled.",
                count=len(self),
                sent=len(sent),
                failed=len(failed),
                cancelled=len(cancelled),
            )
        ]
        if handed:
            lines.append(_("%s letters are being handed to the postal provider.", len(handed)))
        if failed:
            lines.append(_("Failed: %s.", ", ".join(failed.mapped('name'))))
        if cancelled:
            lines.append(_("Cancelled: %s.", ", ".join(cancelled.mapped('name'))))
        self.env['mail.thread'].message_notify(
            subject=_("Relances sent"),
            body=Markup("<br/>").join(lines),
            partner_ids=requester.partner_id.ids,
        )
