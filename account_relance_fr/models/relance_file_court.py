from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..core.promise import OPEN
from .relance_installment import SCHEDULE_COVERING_STATES

HANDOVER_ROUTES = [
    ('small_claims', "Small-claims procedure, injonction de payer or agency"),
    ('injunction', "Injonction de payer or agency"),
]


class AccountRelanceFile(models.Model):
    """What comes after a mise en demeure left unanswered: the hand-over, with the routes that
    fit the claim (computed for today, never stored: a deadline passes without any write)."""

    _inherit = 'account.relance.file'  # pylint: disable=consider-merging-classes-inherited

    handover_route = fields.Selection(
        HANDOVER_ROUTES,
        "Hand-over",
        compute='_compute_handover',
        help="Proposed once the deadline of the mise en demeure passed unpaid and nothing holds the file: "
        "the small-claims procedure when the claim is within the company's ceiling, the injonction de payer, "
        "or a collection agency or lawyer.",
    )
    court_hold = fields.Char("Held from court", compute='_compute_handover')
    court_claim_ids = fields.One2many('account.relance.court.claim', 'file_id', "Court claims")

    @api.depends_context('company')
    @api.depends('state', 'next_action', 'last_relance_id', 'amount_overdue')
    def _compute_handover(self):
        # Only a file whose mise en demeure went out with nothing after it is looked at: the
        # worklist reads this for every file it shows.
        others = self.filtered(lambda f: f.state != 'open' or f.next_action != 'litigation')
        others.court_hold = False
        others.handover_route = False
        for file in self - others:
            file.court_hold = file._court_hold_reason() or False
            file.handover_route = file._handover_route(file._worklist_today())

    def _last_formal_notice(self):
        """The last mise en demeure of the file that went out."""
        self.ensure_one()
        notices = self.relance_ids.filtered(lambda r: r.tone == 'formal_notice' and r.state in ('sent', 'done'))
        return notices.sorted(lambda r: (r.date, r.id))[-1:]

    def _court_hold_reason(self):
        """Why the client may not be taken to court now, in words, or None: a procédure
        collective (individual actions stop, L622-21), a dispute, a payment schedule being
        kept, a promise to pay still running."""
        self.ensure_one()
        _ = self.env._
        client, company = self.partner_id, self.company_id
        # sudo: a hold applies whoever looks at the file.
        procedures = client.sudo().relance_insolvency_ids.filtered(
            lambda p: p.company_id == company and p.stage != 'closed'
        )
        if procedures:
            return _(
                "%(client)s is under a procédure collective since %(date)s: individual actions stop "
                "(L622-21 Code de commerce); declare the claim instead.",
                client=client.display_name,
                date=procedures[0].judgment_date,
            )
        disputed = self.env['account.move'].search_count(
            [
                ('company_id', '=', company.id),
                ('commercial_partner_id', '=', client.id),
                ('relance_dispute', '=', True),
                ('relance_open', '=', True),
            ]
        )
        if disputed:
            return _("%s disputes invoices: settle the dispute before going to court.", client.display_name)
        schedules = self.env['account.relance.schedule'].search_count(
            [
                ('company_id', '=', company.id),
                ('partner_id', '=', client.id),
                ('state', 'in', SCHEDULE_COVERING_STATES),
            ]
        )
        if schedules:
            return _("%s keeps a payment schedule: no court while it is kept.", client.display_name)
        promises = self.env['account.relance.promise'].search_count([('file_id', 'in', self.ids), ('state', '=', OPEN)])
        if promises:
            return _("%s promised to pay: wait for the promised date.", client.display_name)
        return None

    def _handover_route(self, today):
        """The hand-over proposed for the file on ``today``, or False: only after a mise en
        demeure whose deadline passed with something still owed, and nothing holding the file."""
        self.ensure_one()
        notice = self._last_formal_notice()
        if (
            self.state != 'open'
            or self.next_action != 'litigation'
            or not notice
            or not notice.deadline
            or notice.deadline >= today
            or self.court_hold
        ):
            return False
        claim = self.env['account.relance.court.claim']._assess(self.company_id, self.partner_id, today)
        if not claim['lines']:
            return False
        within = self.company_id.currency_id.compare_amounts(
            claim['principal'] + claim['penalties'], self.company_id.relance_small_claims_threshold
        )
        return 'small_claims' if within <= 0 else 'injunction'

    def _handover_words(self, today):
        """What the worklist says of a file whose mise en demeure went out with no level after it."""
        self.ensure_one()
        _ = self.env._
        if self.court_hold:
            return _("Held: %s", self.court_hold)
        if self.handover_route == 'small_claims':
            return _(
                "Hand over: small-claims procedure (up to %s), injonction de payer or agency",
                formatLang(
                    self.env, self.company_id.relance_small_claims_threshold, currency_obj=self.company_id.currency_id
                ),
            )
        if self.handover_route == 'injunction':
            return _("Hand over: injonction de payer or agency")
        notice = self._last_formal_notice()
        if notice.deadline and notice.deadline >= today:
            return _("Mise en demeure: payment expected by %s", self._short_day(notice.deadline))
        return _("Decide on litigation")

    # ------------------------------------------------------------------ buttons

    def action_court_claim(self):
        """The file's button: prepare a requête en injonction de payer or a small-claims pack."""
        self.ensure_one()
        return self.env['account.relance.court.claim.wizard']._action_open(self)

    def action_view_court_claims(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_court_claim')
        action['domain'] = [('file_id', '=', self.id)]
        action['context'] = {'create': False}
        return action
