import secrets
import uuid

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..core.calendar import PENALTY_TONE, tone_rank

# A short code for the letters: typed by hand from paper, so no 0/O or 1/l/I.
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_LENGTH = 10  # 31^10: about 50 bits, the code is the secret of the short URL


def _new_code():
    return "".join(secrets.choice(SHORT_ALPHABET) for _i in range(SHORT_LENGTH))


class AccountRelanceFile(models.Model):
    """The client's side of the relance file: its page on the portal, opened with a signed
    access token (Odoo's portal mechanism), the promises to pay and the requests made there.

    The token opens one file of one client in one company; it is dropped when the file closes,
    so that the next relance of the client carries a new one.
    """

    _name = 'account.relance.file'
    _inherit = ['account.relance.file', 'portal.mixin', 'mail.activity.mixin']

    promise_ids = fields.One2many('account.relance.promise', 'file_id', "Promises to pay", readonly=True)
    open_promise_id = fields.Many2one(
        'account.relance.promise',
        "Promise to pay",
        compute='_compute_open_promise_id',
        help="The client promised to pay: relances pause until the promised date plus the grace days.",
    )
    broken_promise_count = fields.Integer("Broken promises", compute='_compute_open_promise_id')
    schedule_request_ids = fields.One2many(
        'account.relance.schedule.request', 'file_id', "Payment schedule requests", readonly=True
    )
    open_schedule_request_id = fields.Many2one('account.relance.schedule.request', compute='_compute_open_promise_id')
    access_code = fields.Char("Short code", copy=False, readonly=True)
    client_answer_day = fields.Date(readonly=True, copy=False)
    client_answer_count = fields.Integer(readonly=True, copy=False)

    _access_code_uniq = models.UniqueIndex(
        "(access_code) WHERE access_code IS NOT NULL", "The short code of a client page is unique."
    )

    @api.depends('promise_ids.state', 'schedule_request_ids.state')
    def _compute_open_promise_id(self):
        for file in self:
            file.open_promise_id = file.promise_ids.filtered(lambda p: p.state == 'open')[:1]
            file.broken_promise_count = len(file.promise_ids.filtered(lambda p: p.state == 'broken'))
            file.open_schedule_request_id = file.schedule_request_ids.filtered(lambda r: r.state == 'new')[:1]

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(self._with_links(vals_list))

    @api.model
    def _with_links(self, vals_list):
        """The link is made with the file: rendering an e-mail (a preview is read-only) never writes."""
        for vals in vals_list:
            vals.setdefault('access_token', str(uuid.uuid4()))
            vals.setdefault('access_code', _new_code())
        return vals_list

    def write(self, vals):
        result = super().write(vals)
        if vals.get('state') == 'open':
            # A file reopened (after a hold) gets a new link: the old one died with the closing.
            for file in self.filtered(lambda f: not f.access_token):
                file.sudo().write({'access_token': str(uuid.uuid4()), 'access_code': _new_code()})
        return result

    def _compute_access_url(self):
        for file in self:
            file.access_url = f'/my/relances/{file.id}'

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Relevé de compte {self.partner_id.name}"

    # ------------------------------------------------------------------ links

    def _relance_portal_url(self):
        """The page of the file, for the client, with its token (absolute URL)."""
        self.ensure_one()
        return f"{self.get_base_url()}{self.access_url}?access_token={self._portal_ensure_token()}"

    def _relance_short_url(self):
        """A short URL to type from a letter: it leads to the same page."""
        self.ensure_one()
        self._portal_ensure_token()
        if not self.access_code:
            self.sudo().access_code = _new_code()
        return f"{self.get_base_url()}/rl/{self.access_code}"

    def _close(self, on_date, reason):
        promises = self.promise_ids.filtered(lambda p: p.state == 'open')
        result = super()._close(on_date, reason)
        # A closed file opens no more: the next relance of the client carries a new token.
        self.sudo().write({'access_token': False, 'access_code': False})
        for promise in promises:
            kept = promise._owed_now() <= promise.company_id.currency_id.rounding / 2
            promise.write({'state': 'kept' if kept else 'cancelled', 'settled_on': on_date})
            if kept:
                promise.file_id._relance_post_client_action(
                    self.env._(
                        "Promise to pay by %s kept: the payment came in.", format_date(self.env, promise.promise_date)
                    )
                )
        return result

    def _relance_statement_attachment_ids(self, relance):
        """The statement PDF to attach to ``relance``'s e-mail: from the tone the company set."""
        company = relance.company_id
        setting = company.relance_statement_from_tone
        if not self or setting == 'never' or tone_rank(relance.tone) < tone_rank(setting):
            return []
        self.ensure_one()
        content, kind = (
            self.env['ir.actions.report']
            .sudo()
            .with_company(company)
            ._render_qweb_pdf('account_relance_fr.action_report_relance_statement', self.ids)
        )
        attachment = (
            self.env['ir.attachment']
            .sudo()
            .create(
                {
                    'name': f"Relevé de compte {relance.name.replace('/', '-')}.{kind}",
                    'raw': content,
                    'res_model': relance._name,
                    'res_id': relance.id,
                    'mimetype': 'application/pdf' if kind == 'pdf' else 'text/html',
                }
            )
        )
        return attachment.ids

    # ------------------------------------------------------------------ history

    def _relance_post_client_action(self, body, notify=None, author=None):
        """What the client did (or said on the phone), in the chatter of the file and of the
        client, with its date; ``notify`` (partners) get the message in their inbox.

        Recorded as the file's company would record it (``_relance_recorder``): written by the
        collector's user in the file's company, signed by ``author`` (the client's partner when
        the client answered on its page), never by the public user of the website."""
        self.ensure_one()
        today = self.company_id._relance_today()
        stamped = Markup("<p>%s</p><p>%s</p>") % (body, self.env._("Date: %s", format_date(self.env, today)))
        partner_ids = notify.ids if notify else []
        values = {'author_id': author.id} if author else {}
        file = self._relance_recorder()
        file.message_post(
            body=stamped, message_type='comment', subtype_xmlid='mail.mt_note', partner_ids=partner_ids, **values
        )
        file.partner_id.message_post(body=stamped, message_type='comment', subtype_xmlid='mail.mt_note', **values)
        # A promise, a dispute, a call: the worklist says at once what comes next.
        file._refresh_next_step()

    def _relance_collector(self):
        self.ensure_one()
        return self.user_id or self.env.ref('base.user_admin', raise_if_not_found=False) or self.env.user

    def _relance_recorder(self):
        """The file as its collector writes on it, in its company. Answers of the client's page
        arrive as the website's public user, in the website's company: records created so would
        carry that user (unreadable to the relance users of another company) and company.
        sudo: the client (public or portal user) has no right on the file; what it may do was
        checked by the page (token) before."""
        self.ensure_one()
        return self.with_user(self._relance_collector()).with_company(self.company_id).sudo()

    def _relance_schedule_activity(self, summary, note=''):
        """The collector's activity on the file, created as the collector (no assignment e-mail:
        the message of the answer already told them)."""
        self.ensure_one()
        today = self.company_id._relance_today()
        return self._relance_recorder().activity_schedule(
            'mail.mail_activity_data_todo',
            date_deadline=today,
            summary=summary,
            note=Markup("<p>%s</p>") % (note or ""),
            user_id=self._relance_collector().id,
        )

    def _relance_count_client_answer(self):
        """One more answer of the client's page today; refused beyond the company's daily
        limit (a page posted in a loop fills neither the chatter nor the collector's inbox)."""
        self.ensure_one()
        today = self.company_id._relance_today()
        count = self.client_answer_count if self.client_answer_day == today else 0
        limit = self.company_id.relance_portal_answer_limit
        if limit and count >= limit:
            raise UserError(
                self.env._(
                    "You already sent %s answers today: our team will contact you. You may answer again tomorrow.",
                    count,
                )
            )
        self.sudo().write({'client_answer_day': today, 'client_answer_count': count + 1})

    def _relance_claims_penalties(self):
        """Whether the client's page and statement show penalties and the indemnity: only once
        the file's relances claim them (the severe tone and above, as the letters do), or when
        the company chose to show them from the start."""
        self.ensure_one()
        if self.company_id.relance_portal_penalties_always:
            return True
        return bool(self.tone) and tone_rank(self.tone) >= tone_rank(PENALTY_TONE)

    # ------------------------------------------------------------------ what the client does

    def _relance_open_invoices(self):
        """The client's open customer invoices in the company of the file."""
        self.ensure_one()
        return (
            self.env['account.move']
            .sudo()
            .search(
                [
                    ('commercial_partner_id', '=', self.partner_id.id),
                    ('company_id', '=', self.company_id.id),
                    ('relance_open', '=', True),
                ],
                order='invoice_date_due, id',
            )
        )

    def _relance_dispute(self, move, reason, source='portal', author=None):
        """The client contests an invoice: it goes in dispute as the collector's "Mark in
        dispute" does (the run leaves it), and the collector gets an activity. An invoice
        already in dispute is left as it is: posting again changes nothing."""
        self.ensure_one()
        if move not in self._relance_open_invoices():
            raise UserError(self.env._("This invoice is not one of the open invoices of the file."))
        if move.relance_dispute:
            return False
        if source == 'portal':
            self._relance_count_client_answer()
        today = self.company_id._relance_today()
        self.env['account.relance.dispute.wizard'].with_company(self.company_id).sudo().create(
            {
                'move_ids': [Command.set(move.ids)],
                'reason': reason,
                'date': today,
            }
        ).action_apply()
        who = self.env._("on the client page") if source == 'portal' else self.env._("on the phone")
        body = self.env._(
            "The client contests invoice %(invoice)s (%(who)s): %(reason)s", invoice=move.name, who=who, reason=reason
        )
        self._relance_post_client_action(body, author=author)
        values = {'author_id': author.id} if author else {}
        move.with_user(self._relance_collector()).with_company(self.company_id).sudo().message_post(
            body=body, subtype_xmlid='mail.mt_note', **values
        )
        self._relance_schedule_activity(self.env._("Invoice %s contested by the client", move.name), reason)
        return True

    # ------------------------------------------------------------------ buttons

    def action_print_statement(self):
        self.ensure_one()
        return self.env.ref('account_relance_fr.action_report_relance_statement').report_action(self)

    def action_send_statement(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_relance_send_statement()

    def action_open_schedule_request(self):
        self.ensure_one()
        return self.open_schedule_request_id.action_open_wizard()

    def action_record_call_outcome(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance.call.outcome.wizard',
            'name': self.env._("Call outcome"),
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_file_id': self.id},
        }

    def action_share_portal_link(self):
        """Open the client's page as the client sees it (for the collector on the phone)."""
        self.ensure_one()
        return {'type': 'ir.actions.act_url', 'url': self._relance_portal_url(), 'target': 'new'}
