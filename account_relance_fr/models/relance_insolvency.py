"""A procédure collective of a client (sauvegarde, redressement, liquidation judiciaire).

From the judgment the debtor may not pay the claims born before it (Code de commerce L622-7,
applied to redressement by L631-14 and to liquidation by L641-3), individual actions stop
(L622-21) and interest stops running (L622-28). The creditor must declare those claims to the
mandataire judiciaire within 2 months of the publication in the BODACC, 4 months when it is
domiciled outside metropolitan France (R622-24); past it, only a relevé de forclusion asked
within 6 months of the publication saves the claim (L622-26). Goods sold with a réserve de
propriété are claimed back within 3 months of the publication (L624-9).

A procedure recorded by hand and one found in the BODACC (``relance_bodacc``) have the same
effects: ``create`` applies them.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .relance import PENDING

KINDS = [
    ('sauvegarde', "Sauvegarde"),
    ('redressement', "Redressement judiciaire"),
    ('liquidation', "Liquidation judiciaire"),
]
# What happens to a procedure after its opening judgment (the stage it is at).
STAGES = [
    ('observation', "Observation period"),
    ('plan', "Plan adopted"),
    ('liquidation', "Converted to liquidation"),
    ('closed', "Closed"),
]
EVENT_KINDS = KINDS + [
    ('plan', "Plan de sauvegarde / de redressement"),
    ('conversion', "Conversion to liquidation judiciaire"),
    ('closure', "Clôture"),
    ('other', "Other judgment"),
]
# Deadlines counted from the publication in the BODACC (months).
DECLARATION_MONTHS = 2  # R622-24
DECLARATION_MONTHS_ABROAD = 4  # R622-24, creditor outside metropolitan France
FORCLUSION_RELIEF_MONTHS = 6  # L622-26
REVENDICATION_MONTHS = 3  # L624-9
# The collector's activity comes this many days before the deadline; the reminder a week before.
DECLARATION_LEAD_DAYS = 21
DECLARATION_REMINDER_DAYS = 7


def outside_metropolitan_france(country_code, zip_code):
    """A French overseas department or territory (postcodes 97x, 98x) or another country."""
    if (country_code or 'FR') != 'FR':
        return True
    return (zip_code or '').strip().startswith(('97', '98'))


def siren_of(company_registry, vat):
    """The SIREN of a French company: the first 9 digits of its SIRET, else of its VAT number
    (FR + 2-digit key + SIREN); None when neither gives one."""
    digits = "".join(ch for ch in (company_registry or "") if ch.isdigit())
    if len(digits) >= 9:
        return digits[:9]
    vat = (vat or "").replace(" ", "").upper()
    if vat.startswith('FR') and len(vat) == 13 and vat[4:].isdigit():
        return vat[4:]
    return None


class AccountRelanceInsolvency(models.Model):
    _name = 'account.relance.insolvency'
    _description = "Procédure collective of a client"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'judgment_date desc, id desc'
    _check_company_auto = True

    name = fields.Char(compute='_compute_name', store=True)
    company_id = fields.Many2one(
        'res.company', required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related='company_id.currency_id')
    partner_id = fields.Many2one(
        'res.partner',
        "Client",
        required=True,
        index=True,
        tracking=True,
        domain=[('is_company', '=', True)],
    )
    kind = fields.Selection(KINDS, "Opening judgment", required=True, tracking=True)
    stage = fields.Selection(STAGES, compute='_compute_stage', store=True, tracking=True)
    judgment_date = fields.Date(required=True, tracking=True)
    publication_date = fields.Date(
        "BODACC publication", tracking=True, help="The deadlines run from the publication in the BODACC."
    )
    court = fields.Char(tracking=True)
    mandataire_id = fields.Many2one(
        'res.partner',
        "Mandataire judiciaire / liquidateur",
        tracking=True,
        help="Whom the claim is declared to.",
    )
    creditor_abroad = fields.Boolean(
        "Creditor outside metropolitan France",
        compute='_compute_creditor_abroad',
        store=True,
        readonly=False,
        help="Four months to declare instead of two (R622-24).",
    )
    declaration_deadline = fields.Date(compute='_compute_deadlines', store=True)
    forclusion_relief_deadline = fields.Date("Relevé de forclusion until", compute='_compute_deadlines', store=True)
    revendication_deadline = fields.Date("Revendication until", compute='_compute_deadlines', store=True)
    retention_of_title = fields.Boolean(
        "Goods sold with réserve de propriété",
        compute='_compute_retention_of_title',
        store=True,
        readonly=False,
    )
    source = fields.Selection([('manual', "Entered by hand"), ('bodacc', "BODACC")], default='manual', readonly=True)
    bodacc_reference = fields.Char("BODACC announcement", readonly=True, index=True)
    event_ids = fields.One2many('account.relance.insolvency.event', 'insolvency_id', "Judgments")
    declared_on = fields.Date("Claim declared on", readonly=True, tracking=True)
    declaration_registered_number = fields.Char("Registered letter number", readonly=True, tracking=True)
    declared_amount = fields.Monetary("Amount declared", readonly=True, currency_field='currency_id')
    declaration_attachment_id = fields.Many2one('ir.attachment', "Déclaration de créance", readonly=True)
    declaration_state = fields.Selection(
        [('to_declare', "To declare"), ('declared', "Declared"), ('forclosed', "Forclosed")],
        compute='_compute_declaration_state',
        search='_search_declaration_state',
    )
    declaration_warning = fields.Char(compute='_compute_declaration_state')
    amount_under_procedure = fields.Monetary(
        "Owed at the judgment", compute='_compute_amount_under_procedure', currency_field='currency_id'
    )
    amount_to_declare = fields.Monetary(
        "Still to declare",
        compute='_compute_amount_under_procedure',
        currency_field='currency_id',
        help="What the client owed at the judgment, while the claim is not declared.",
    )
    note = fields.Text()

    @api.depends('partner_id', 'kind', 'judgment_date')
    def _compute_name(self):
        labels = dict(KINDS)
        for procedure in self:
            procedure.name = " – ".join(
                filter(
                    None, [procedure.partner_id.name, labels.get(procedure.kind), str(procedure.judgment_date or '')]
                )
            )

    @api.depends('kind', 'event_ids.kind', 'event_ids.date')
    def _compute_stage(self):
        by_event = {'plan': 'plan', 'conversion': 'liquidation', 'liquidation': 'liquidation', 'closure': 'closed'}
        for procedure in self:
            stage = 'liquidation' if procedure.kind == 'liquidation' else 'observation'
            for event in procedure.event_ids.sorted(lambda e: (e.date or fields.Date.today(), e.id)):
                stage = by_event.get(event.kind, stage)
            procedure.stage = stage

    @api.depends('company_id.country_id', 'company_id.zip')
    def _compute_creditor_abroad(self):
        for procedure in self:
            company = procedure.company_id
            procedure.creditor_abroad = outside_metropolitan_france(company.country_id.code, company.zip)

    @api.depends('company_id.relance_retention_of_title')
    def _compute_retention_of_title(self):
        for procedure in self:
            procedure.retention_of_title = procedure.company_id.relance_retention_of_title

    @api.depends('publication_date', 'creditor_abroad', 'retention_of_title')
    def _compute_deadlines(self):
        for procedure in self:
            published = procedure.publication_date
            if not published:
                procedure.declaration_deadline = False
                procedure.forclusion_relief_deadline = False
                procedure.revendication_deadline = False
                continue
            months = DECLARATION_MONTHS_ABROAD if procedure.creditor_abroad else DECLARATION_MONTHS
            procedure.declaration_deadline = published + relativedelta(months=months)
            procedure.forclusion_relief_deadline = published + relativedelta(months=FORCLUSION_RELIEF_MONTHS)
            procedure.revendication_deadline = (
                published + relativedelta(months=REVENDICATION_MONTHS) if procedure.retention_of_title else False
            )

    @api.depends('declared_on', 'declaration_deadline')
    @api.depends_context('relance_date')
    def _compute_declaration_state(self):
        for procedure in self:
            today = procedure._today()
            procedure.declaration_warning = False
            if procedure.declared_on:
                procedure.declaration_state = 'declared'
            elif procedure.declaration_deadline and today > procedure.declaration_deadline:
                procedure.declaration_state = 'forclosed'
                procedure.declaration_warning = self.env._(
                    "The deadline to declare the claim passed on %(deadline)s: the claim is forclose. "
                    "Ask the juge-commissaire for a relevé de forclusion before %(relief)s "
                    "(6 months from the publication, L622-26).",
                    deadline=procedure.declaration_deadline,
                    relief=procedure.forclusion_relief_deadline,
                )
            else:
                procedure.declaration_state = 'to_declare'

    def _search_declaration_state(self, operator, value):
        if operator not in ('=', 'in'):
            raise UserError(self.env._("Unsupported search on the declaration state."))
        values = {value} if operator == '=' else set(value)
        today = fields.Date.context_today(self)
        domains = {
            'declared': [('declared_on', '!=', False)],
            'forclosed': [('declared_on', '=', False), ('declaration_deadline', '<', today)],
            'to_declare': [
                ('declared_on', '=', False),
                '|',
                ('declaration_deadline', '=', False),
                ('declaration_deadline', '>=', today),
            ],
        }
        return fields.Domain.OR(fields.Domain(domains[v]) for v in values if v in domains)

    def _compute_amount_under_procedure(self):
        for procedure in self:
            procedure.amount_under_procedure = sum(
                procedure._claims().mapped(lambda line: line.amount_residual)  # company currency
            )
            procedure.amount_to_declare = 0.0 if procedure.declared_on else procedure.amount_under_procedure

    @api.constrains('judgment_date', 'publication_date')
    def _check_dates(self):
        for procedure in self:
            if procedure.publication_date and procedure.publication_date < procedure.judgment_date:
                raise ValidationError(
                    self.env._(
                        "The BODACC publication of %s cannot come before the judgment.", procedure.partner_id.name
                    )
                )

    def _today(self):
        self.ensure_one()
        on_date = self.env.context.get('relance_date')
        if on_date:
            return fields.Date.to_date(on_date)
        return self.company_id._relance_today()

    # ------------------------------------------------------------------ effects

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get('partner_id'):
                # A procedure concerns the legal entity, never one of its contacts.
                vals['partner_id'] = self.env['res.partner'].browse(vals['partner_id']).commercial_partner_id.id
        procedures = super().create(vals_list)
        procedures._apply_judgment()
        return procedures

    def write(self, vals):
        result = super().write(vals)
        if {'publication_date', 'creditor_abroad', 'retention_of_title', 'judgment_date'} & set(vals):
            self._schedule_deadline_activities()
        if 'judgment_date' in vals:
            self._apply_judgment()
        return result

    def _apply_judgment(self):
        """What the opening judgment changes, the same for a procedure entered by hand and one
        found in the BODACC: relances of the claims born before it cancelled, the client's
        file closed, the deadlines scheduled, the client's history told."""
        self._hold_relances()
        self._schedule_deadline_activities()
        for procedure in self:
            procedure.partner_id.message_post(
                body=self.env._(
                    "%(kind)s opened on %(date)s (%(company)s): claims born before the judgment are no longer "
                    "chased; declare them to the mandataire judiciaire.",
                    kind=dict(KINDS)[procedure.kind],
                    date=procedure.judgment_date,
                    company=procedure.company_id.name,
                )
            )

    def _hold_relances(self):
        """Cancel the relances still to send that list an invoice born before the judgment, and
        close the client's file "procédure collective" (invoices born after the judgment are
        chased in a new file, L622-17)."""
        Relance = self.env['account.relance']
        for procedure in self:
            pending = Relance.search(
                [
                    ('company_id', '=', procedure.company_id.id),
                    ('partner_id', '=', procedure.partner_id.id),
                    ('state', 'in', PENDING),
                ]
            )
            pending = pending.filtered(lambda r, p=procedure: any(p._covers(move) for move in r.line_ids.move_id))
            if pending:
                pending._cancel_with_reason(
                    self.env._(
                        "Cancelled: %(client)s is in %(kind)s since %(date)s; the claims born before the "
                        "judgment may not be paid nor chased (L622-7, L622-21), they are declared.",
                        client=procedure.partner_id.name,
                        kind=dict(KINDS)[procedure.kind],
                        date=procedure.judgment_date,
                    )
                )
            files = self.env['account.relance.file'].search(
                [
                    ('company_id', '=', procedure.company_id.id),
                    ('partner_id', '=', procedure.partner_id.id),
                    ('state', '=', 'open'),
                ]
            )
            files._close(max(procedure.judgment_date, procedure._today()), 'insolvency')

    def _covers(self, move):
        """The invoice is a claim of the procedure: born (issued) before the judgment."""
        self.ensure_one()
        born = move.invoice_date or move.date
        return bool(born) and born < self.judgment_date

    def _claims(self):
        """The open installments of the client in the company born before the judgment."""
        self.ensure_one()
        lines = self.env['account.move.line'].search(
            [
                ('company_id', '=', self.company_id.id),
                ('move_id.commercial_partner_id', '=', self.partner_id.id),
                self.env['account.relance.installment']._line_domain(),
            ]
        )
        return lines.filtered(lambda line: self._covers(line.move_id))

    @api.model
    def _hold_sql(self):
        """SQL condition on ``move`` (an invoice): its client is under a procédure collective in
        the invoice's company, opened after the invoice was issued."""
        return SQL(
            """EXISTS (SELECT 1 FROM account_relance_insolvency procedure
                        WHERE procedure.partner_id = move.commercial_partner_id
                          AND procedure.company_id = move.company_id
                          AND COALESCE(move.invoice_date, move.date) < procedure.judgment_date)""",
            to_flush=[
                self._fields['partner_id'],
                self._fields['company_id'],
                self._fields['judgment_date'],
            ],
        )

    @api.model
    def _held_since_sql(self):
        """SQL: the judgment date of the procédure collective that holds the document ``move``
        (of its client, in its company, opened after it was issued), NULL when none: the
        reports put its amount apart from the ordinary overdue from that date.

        Most databases have no procedure at all: the first test, run once per query, spares
        the reports a look-up per document (100,000 in an aged balance of that size)."""
        return SQL(
            """(CASE WHEN EXISTS (SELECT FROM account_relance_insolvency) THEN
                (SELECT MIN(procedure.judgment_date) FROM account_relance_insolvency procedure
                  WHERE procedure.partner_id = move.commercial_partner_id
                    AND procedure.company_id = move.company_id
                    AND COALESCE(move.invoice_date, move.date) < procedure.judgment_date) END)""",
            to_flush=[
                self._fields['partner_id'],
                self._fields['company_id'],
                self._fields['judgment_date'],
            ],
        )

    @api.model
    def _holding(self, move):
        """The procedure that holds the invoice in memory (the rule of ``_hold_sql``)."""
        # Read through the client's one2many: the ORM reads it for every client in the prefetch
        # set at once, not invoice by invoice. sudo: the hold applies whoever reads the invoice.
        procedures = move.commercial_partner_id.sudo().relance_insolvency_ids
        return procedures.filtered(lambda p: p.company_id == move.company_id and p._covers(move))[:1]

    @api.model
    def _in_liquidation(self, company, partner):
        """The procedure by which the client is in liquidation judiciaire in ``company`` (opened
        as one or converted), empty otherwise."""
        return self.sudo().search(
            [
                ('company_id', '=', company.id),
                ('partner_id', '=', partner.commercial_partner_id.id),
                ('stage', '=', 'liquidation'),
            ],
            limit=1,
        )

    # ------------------------------------------------------------------ deadlines

    def _collector(self):
        self.ensure_one()
        file = self.env['account.relance.file'].search(
            [('company_id', '=', self.company_id.id), ('partner_id', '=', self.partner_id.id)], limit=1
        )
        return file.user_id or self.company_id.relance_collector_id or self.env.user

    def _schedule_deadline_activities(self):
        """The declaration to prepare well before the deadline, a reminder a week before it and,
        with a réserve de propriété, the revendication: Odoo activities on the procedure, each
        scheduled once (a new deadline moves the activity that is still open)."""
        todo = self.env.ref('mail.mail_activity_data_todo')
        for procedure in self.filtered(lambda p: p.declaration_deadline and not p.declared_on):
            deadline = procedure.declaration_deadline
            wanted = {
                self.env._("Declare the claim to the mandataire judiciaire"): deadline
                - timedelta(days=DECLARATION_LEAD_DAYS),
                self.env._("Reminder: the claim must be declared by %s", deadline): deadline
                - timedelta(days=DECLARATION_REMINDER_DAYS),
            }
            if procedure.revendication_deadline:
                wanted[
                    self.env._(
                        "Revendication of goods sold with réserve de propriété by %s (L624-9)",
                        procedure.revendication_deadline,
                    )
                ] = procedure.revendication_deadline - timedelta(days=DECLARATION_REMINDER_DAYS)
            existing = procedure.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            for activity in existing:
                if activity.summary not in wanted:
                    activity.unlink()  # a deadline that moved: its old activity goes
                elif activity.date_deadline != wanted[activity.summary]:
                    activity.date_deadline = wanted[activity.summary]
            have = set(existing.exists().mapped('summary'))
            user = procedure._collector()
            for summary, due in wanted.items():
                if summary not in have:
                    procedure.activity_schedule(
                        'mail.mail_activity_data_todo', date_deadline=due, summary=summary, user_id=user.id
                    )

    # ------------------------------------------------------------------ buttons

    def action_declare(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance.declaration.wizard',
            'name': self.env._("Déclaration de créance"),
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_insolvency_id': self.id},
        }


class AccountRelanceInsolvencyEvent(models.Model):
    """A judgment of the procedure: the opening one and those that follow it (plan, conversion
    to liquidation, clôture), entered by hand or read in the BODACC."""

    _name = 'account.relance.insolvency.event'
    _description = "Judgment of a procédure collective"
    _order = 'date, id'

    insolvency_id = fields.Many2one('account.relance.insolvency', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='insolvency_id.company_id', store=True, index=True)
    kind = fields.Selection(EVENT_KINDS, required=True)
    date = fields.Date("Judgment date", required=True)
    publication_date = fields.Date("BODACC publication")
    court = fields.Char()
    description = fields.Char()
    source = fields.Selection([('manual', "Entered by hand"), ('bodacc', "BODACC")], default='manual', readonly=True)
    bodacc_reference = fields.Char("BODACC announcement", readonly=True, index=True)
