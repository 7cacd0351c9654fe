"""A claim taken before a judge or a commissaire de justice after an unanswered mise en demeure.

- Injonction de payer (Code de procédure civile 1405 to 1425): the requête states both parties,
  the exact amount with its breakdown and the basis of the claim, with the documents (1407);
  the order lapses if it is not served within 6 months (1411); the debtor may oppose it within
  one month of the service (1416).
- Procédure simplifiée de recouvrement des petites créances (Code des procédures civiles
  d'exécution L125-1, R125-1 and following): a commissaire de justice obtains the debtor's
  agreement for a contractual claim within a ceiling (a company setting).

The amounts are the addon's penalty assessment of each invoice on the day the claim is
prepared (``account.move._relance_penalties_in``), never computed again here.
"""

import io
import zipfile

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

from ..core.words import amount_in_words, date_in_words
from .relance_court import COURT_TYPES

CLAIM_KINDS = [
    ('injonction', "Injonction de payer"),
    ('petites_creances', "Small-claims procedure"),
]
CLAIM_STATES = [
    ('draft', "Prepared"),
    ('filed', "Filed"),
    ('order', "Order made"),
    ('served', "Order served"),
    ('closed', "Closed"),
]
OUTCOMES = [
    ('paid', "Paid"),
    ('agreement', "Agreement signed"),
    ('refused', "Agreement refused"),
    ('enforceable', "Order made enforceable"),
    ('opposed', "Opposition filed"),
    ('rejected', "Requête rejected"),
    ('lapsed', "Order lapsed"),
]
SMALL_CLAIM_OUTCOMES = ('paid', 'agreement', 'refused')
ORDER_LAPSES_MONTHS = 6  # art. 1411 CPC
OPPOSITION_MONTHS = 1  # art. 1416 CPC


class AccountRelanceCourtClaim(models.Model):
    _name = 'account.relance.court.claim'
    _description = "Court claim (injonction de payer, small claims)"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'date desc, id desc'
    _check_company_auto = True

    name = fields.Char(compute='_compute_name', store=True)
    company_id = fields.Many2one('res.company', required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id')
    file_id = fields.Many2one('account.relance.file', "Relance file", readonly=True, index=True, check_company=True)
    partner_id = fields.Many2one('res.partner', "Client", required=True, index=True, readonly=True)
    kind = fields.Selection(CLAIM_KINDS, required=True, readonly=True, tracking=True)
    state = fields.Selection(CLAIM_STATES, compute='_compute_state', store=True, tracking=True)
    date = fields.Date("Prepared on", required=True, readonly=True, help="The day the amounts are counted to.")
    court_type = fields.Selection(COURT_TYPES, "Kind of court")
    court_id = fields.Many2one('account.relance.court', check_company=True)
    commissaire = fields.Char("Commissaire de justice", help="The étude the small-claims pack is sent to.")
    # The parties as the requête names them (art. 1407 CPC), taken from the records when the
    # claim was prepared and corrected by hand if needed.
    creditor_legal_form = fields.Char("Creditor's legal form")
    creditor_name = fields.Char("Creditor")
    creditor_address = fields.Text("Creditor's registered office")
    creditor_siren = fields.Char("Creditor's SIREN")
    creditor_representative = fields.Char("Creditor's representative")
    debtor_is_company = fields.Boolean("Debtor is a company or a trader")
    debtor_legal_form = fields.Char("Debtor's legal form")
    debtor_name = fields.Char("Debtor")
    debtor_address = fields.Text("Debtor's registered office or address")
    debtor_siren = fields.Char("Debtor's SIREN")
    debtor_representative = fields.Char("Debtor's representative")
    line_ids = fields.One2many('account.relance.court.claim.line', 'claim_id', "Breakdown", readonly=True)
    amount_principal = fields.Monetary("Principal", readonly=True)
    amount_credits = fields.Monetary("Credits deducted", readonly=True)
    amount_penalties = fields.Monetary("Penalties and interest", readonly=True)
    amount_indemnity = fields.Monetary("Recovery indemnities", readonly=True)
    amount_total = fields.Monetary("Total claimed", readonly=True)
    amount_costs = fields.Monetary("Costs claimed separately", help="Court fees and costs, asked on top (dépens).")
    basis = fields.Text("Basis of the claim")
    filing_date = fields.Date("Filed on", tracking=True)
    order_date = fields.Date("Order made on", tracking=True)
    service_date = fields.Date("Order served on", tracking=True)
    lapse_date = fields.Date("Order lapses on", compute='_compute_deadlines', store=True)
    opposition_deadline = fields.Date("Opposition possible until", compute='_compute_deadlines', store=True)
    outcome = fields.Selection(OUTCOMES, tracking=True)
    outcome_date = fields.Date(tracking=True)
    document_attachment_id = fields.Many2one('ir.attachment', "Document to sign", readonly=True)
    pack_attachment_id = fields.Many2one('ir.attachment', "Documents (zip)", readonly=True)

    @api.depends('kind', 'partner_id', 'date')
    def _compute_name(self):
        kinds = dict(self._fields['kind']._description_selection(self.env))
        for claim in self:
            claim.name = " – ".join(filter(None, [kinds.get(claim.kind), claim.partner_id.name, str(claim.date or '')]))

    @api.depends('filing_date', 'order_date', 'service_date', 'outcome')
    def _compute_state(self):
        for claim in self:
            if claim.outcome:
                claim.state = 'closed'
            elif claim.service_date:
                claim.state = 'served'
            elif claim.order_date:
                claim.state = 'order'
            elif claim.filing_date:
                claim.state = 'filed'
            else:
                claim.state = 'draft'

    @api.depends('order_date', 'service_date')
    def _compute_deadlines(self):
        for claim in self:
            claim.lapse_date = claim.order_date and claim.order_date + relativedelta(months=ORDER_LAPSES_MONTHS)
            claim.opposition_deadline = claim.service_date and claim.service_date + relativedelta(
                months=OPPOSITION_MONTHS
            )

    @api.constrains('kind', 'outcome', 'order_date', 'service_date', 'filing_date')
    def _check_steps(self):
        for claim in self:
            if claim.kind == 'petites_creances' and (claim.order_date or claim.service_date):
                raise ValidationError(self.env._("A small-claims procedure has no court order to record."))
            if claim.outcome and claim.kind == 'petites_creances' and claim.outcome not in SMALL_CLAIM_OUTCOMES:
                raise ValidationError(
                    self.env._("A small-claims procedure ends paid, with an agreement signed or refused.")
                )
            if claim.outcome in ('agreement', 'refused') and claim.kind != 'petites_creances':
                raise ValidationError(self.env._("Only a small-claims procedure ends with an agreement."))
            dates = [claim.filing_date, claim.order_date, claim.service_date]
            known = [day for day in dates if day]
            if known != sorted(known) or (claim.service_date and not claim.order_date):
                raise ValidationError(
                    self.env._("The requête is filed, then the order made, then served: check the dates.")
                )

    # ------------------------------------------------------------------ the amounts

    @api.model
    def _assess(self, company, partner, on_date):
        """What may be claimed from ``partner`` in ``company`` on ``on_date``: the due, undisputed
        invoices with their principal still open and the penalties and indemnity the addon
        assessed, and the credits to deduct. {'lines': [line values], 'credits': [...],
        'principal', 'credit', 'penalties', 'indemnity', 'total'} in company currency."""
        items = self.env['account.relance.aged.balance']._select_open_items(
            company, on_date, partner_ids=[partner.commercial_partner_id.id]
        )
        Move = self.env['account.move']
        invoices, credits = {}, {}
        for item in items:
            if item['amount'] > 0 and item['document_kind'] == 'invoice':
                if item['date_maturity'] and item['date_maturity'] < on_date:
                    invoices.setdefault(item['move_id'], []).append(item)
            elif item['amount'] < 0:
                credits.setdefault(item['move_id'], []).append(item)
        moves = Move.browse(list(invoices)).filtered(lambda m: not m.relance_dispute)
        penalties = self.env['account.move'].browse(moves.ids)._relance_penalties_in(company, on_date)
        round_ = company.currency_id.round
        lines = []
        for move in moves.sorted(lambda m: (m.invoice_date or m.date, m.name)):
            rows = invoices[move.id]
            owed = penalties.get(move.id, {})
            principal = round_(sum(row['amount'] for row in rows))
            lines.append(
                self._prepare_claim_line(
                    move,
                    principal=principal,
                    due_date=min(row['date_maturity'] for row in rows),
                    penalties=owed.get('penalties_company', 0.0),
                    indemnity=owed.get('indemnity_company', 0.0),
                    detail=owed.get('detail') or '',
                )
            )
        credit_lines = [
            self._prepare_credit_line(Move.browse(move_id), round_(sum(row['amount'] for row in rows)))
            for move_id, rows in credits.items()
        ]
        total = {
            'principal': round_(sum(line['principal'] for line in lines)),
            'credit': round_(sum(line['principal'] for line in credit_lines)),
            'penalties': round_(sum(line['penalties'] for line in lines)),
            'indemnity': round_(sum(line['indemnity'] for line in lines)),
        }
        return {
            'lines': lines,
            'credits': credit_lines,
            **total,
            # Credits reduce the principal; a claim never becomes negative.
            'total': max(round_(sum(total.values())), 0.0) if lines else 0.0,
        }

    @api.model
    def _prepare_claim_line(self, move, principal, due_date, penalties, indemnity, detail):
        return {
            'move_id': move.id,
            'kind': 'invoice',
            'invoice_date': move.invoice_date,
            'due_date': due_date,
            'principal': principal,
            'penalties': penalties,
            'indemnity': indemnity,
            'detail': detail,
        }

    @api.model
    def _prepare_credit_line(self, move, amount):
        return {
            'move_id': move.id,
            'kind': 'credit',
            'invoice_date': move.invoice_date or move.date,
            'due_date': False,
            'principal': amount,
            'penalties': 0.0,
            'indemnity': 0.0,
            'detail': '',
        }

    # ------------------------------------------------------------------ the documents

    def _documents(self):
        """The documents listed in the requête and put in the zip, in their order:
        [(title, attachment or None, records)] — the invoices, the relances that went out, the
        mise en demeure and the proofs of its registered letter."""
        self.ensure_one()
        docs = [("Conditions générales de vente de " + (self.creditor_name or self.company_id.name), None, None)]
        for line in self.line_ids.filtered(lambda line: line.kind == 'invoice'):
            docs.append((f"Facture {line.move_id.name}", None, line.move_id))
        relances = self._relances_sent()
        for relance in relances.filtered(lambda r: r.tone != 'formal_notice'):
            docs.append((f"Relance {relance.name} du {relance.date.strftime('%d/%m/%Y')}", None, relance))
        for notice in relances.filtered(lambda r: r.tone == 'formal_notice'):
            label = f"Mise en demeure {notice.name} du {notice.date.strftime('%d/%m/%Y')}"
            if notice.registered_number:
                label += f" (lettre recommandée n° {notice.registered_number})"
            docs.append((label, None, notice))
            proofs = notice._postal_proof_attachments()
            for proof in proofs:
                docs.append((f"Preuve postale : {proof.name}", proof, None))
            if notice.acknowledged_on and not proofs:
                docs.append((f"Avis de réception signé le {notice.acknowledged_on.strftime('%d/%m/%Y')}", None, None))
        return docs

    def _relances_sent(self):
        """The written relances of the claim's invoices that went out (e-mail or letter)."""
        self.ensure_one()
        relances = self.env['account.relance'].search(
            [
                ('company_id', '=', self.company_id.id),
                ('partner_id', '=', self.partner_id.id),
                ('state', 'in', ('sent', 'done')),
            ],
            order='date, id',
        )
        moves = self.line_ids.move_id
        return relances.filtered(lambda r: r._is_written() and r.line_ids.move_id & moves)

    def _report_ref(self):
        self.ensure_one()
        return 'account_relance_fr.action_report_court_claim'

    def _document_filename(self):
        self.ensure_one()
        prefix = 'Requete_injonction_de_payer' if self.kind == 'injonction' else 'Petites_creances'
        return self._safe_name(f"{prefix}_{self.partner_id.name}_{self.date}")

    @api.model
    def _safe_name(self, text):
        return self.env['account.relance.litigation.file']._safe_file_name(text)

    def _render_document(self):
        """(content, extension) of the requête or of the pack's letter."""
        self.ensure_one()
        return self.env['ir.actions.report']._render_qweb_pdf(self._report_ref(), self.ids)

    def _build_pack(self):
        """Render the document to sign and the zip with it and every document listed; both are
        kept on the claim (the document is the one filed: render it again after a correction)."""
        Litigation = self.env['account.relance.litigation.file']
        for claim in self:
            content, extension = claim._render_document()
            name = claim._document_filename()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(f"{name}.{extension}", content)
                invoices = claim.line_ids.filtered(lambda line: line.kind == 'invoice').move_id
                for invoice, attachment in invoices._relance_invoice_pdfs().items():
                    suffix = 'pdf' if attachment.mimetype == 'application/pdf' else 'html'
                    archive.writestr(f"Factures/{self._safe_name(invoice.name)}.{suffix}", attachment.raw)
                relances = claim._relances_sent()
                for relance in relances:
                    document, suffix = Litigation._relance_document(relance)
                    folder = 'Mise_en_demeure' if relance.tone == 'formal_notice' else 'Relances'
                    archive.writestr(f"{folder}/{self._safe_name(relance.name)}.{suffix}", document)
                for proof in relances._postal_proof_attachments():
                    archive.writestr(f"Preuves/{self._safe_name(proof.name)}", proof.raw)
            Attachment = self.env['ir.attachment']
            old = claim.document_attachment_id | claim.pack_attachment_id
            document = Attachment.create(
                {
                    'name': f"{name}.{extension}",
                    'raw': content,
                    'res_model': claim._name,
                    'res_id': claim.id,
                    'mimetype': 'application/pdf' if extension == 'pdf' else 'text/html',
                }
            )
            pack = Attachment.create(
                {
                    'name': f"{name}.zip",
                    'raw': buffer.getvalue(),
                    'res_model': claim._name,
                    'res_id': claim.id,
                    'mimetype': 'application/zip',
                }
            )
            claim.write({'document_attachment_id': document.id, 'pack_attachment_id': pack.id})
            old.unlink()

    # ------------------------------------------------------------------ the steps

    @api.model_create_multi
    def create(self, vals_list):
        claims = super().create(vals_list)
        for claim in claims:
            claim.partner_id.message_post(
                body=self.env._(
                    "%(kind)s prepared for %(amount)s (%(company)s).",
                    kind=dict(self._fields['kind']._description_selection(self.env))[claim.kind],
                    amount=claim._money(claim.amount_total),
                    company=claim.company_id.name,
                )
            )
        return claims

    def write(self, vals):
        result = super().write(vals)
        if {'order_date', 'service_date', 'outcome'} & set(vals):
            self._schedule_court_activities()
        return result

    def _money(self, amount):
        self.ensure_one()
        return self._format_money(self.company_id, amount)

    @api.model
    def _format_money(self, company, amount):
        return formatLang(self.env, amount, currency_obj=company.currency_id)

    # What the document prints, in French whatever the user's language.

    @api.model
    def _date_words(self, day):
        return date_in_words(day) if day else ''

    def _total_words(self):
        self.ensure_one()
        return amount_in_words(self.amount_total, self.currency_id.name)

    def _letter_lang(self):
        return 'fr_FR' if self.env['res.lang']._lang_get('fr_FR') else self.env.lang

    def _court_address_lines(self):
        self.ensure_one()
        return self.court_id._address_lines() if self.court_id else []

    def _collector(self):
        self.ensure_one()
        return self.file_id.user_id or self.company_id.relance_collector_id or self.env.user

    def _court_activities_wanted(self):
        """{summary: deadline} of the activities the claim's step calls for: serve the order
        before it lapses (art. 1411 CPC), then watch the month of opposition (art. 1416 CPC)."""
        self.ensure_one()
        _ = self.env._
        if self.outcome or self.kind != 'injonction':
            return {}
        if self.service_date:
            return {
                _(
                    "Opposition possible until %s (art. 1416 CPC): then ask for the formule exécutoire",
                    self.opposition_deadline,
                ): self.opposition_deadline
            }
        if self.order_date:
            ahead = max(self.company_id.relance_court_reminder_days, 0)
            return {
                _("Serve the order before %s or it lapses (art. 1411 CPC)", self.lapse_date): max(
                    self.lapse_date - relativedelta(days=ahead), self.order_date
                )
            }
        return {}

    def _schedule_court_activities(self):
        """The activities of ``_court_activities_wanted``, each once: one no longer wanted (the
        order was served, the claim closed) goes, one whose date moved follows."""
        todo = self.env.ref('mail.mail_activity_data_todo')
        for claim in self:
            wanted = claim._court_activities_wanted()
            existing = claim.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            for activity in existing:
                if activity.summary not in wanted:
                    activity.unlink()
                elif activity.date_deadline != wanted[activity.summary]:
                    activity.date_deadline = wanted[activity.summary]
            have = set(existing.exists().mapped('summary'))
            for summary, due in wanted.items():
                if summary not in have:
                    claim.activity_schedule(
                        'mail.mail_activity_data_todo',
                        date_deadline=due,
                        summary=summary,
                        user_id=claim._collector().id,
                    )

    def action_file(self):
        for claim in self:
            if not claim.filing_date:
                claim.filing_date = fields.Date.context_today(claim)

    def action_rebuild(self):
        self._build_pack()

    def action_download_document(self):
        self.ensure_one()
        if not self.document_attachment_id:
            self._build_pack()
        return self._download(self.document_attachment_id)

    def action_download_pack(self):
        self.ensure_one()
        if not self.pack_attachment_id:
            self._build_pack()
        return self._download(self.pack_attachment_id)

    @api.model
    def _download(self, attachment):
        url = f"/web/content/{attachment.id}?download=true"
        return {'type': 'ir.actions.act_url', 'url': url, 'target': 'download'}

    def action_propose_injonction(self):
        """After a refused small-claims agreement, the injonction de payer."""
        self.ensure_one()
        if self.kind != 'petites_creances' or self.outcome != 'refused':
            raise UserError(self.env._("The injonction de payer follows a small-claims agreement refused."))
        return self.env['account.relance.court.claim.wizard']._action_open(self.file_id, kind='injonction')


class AccountRelanceCourtClaimLine(models.Model):
    """One invoice of a court claim, or one credit deducted from it."""

    _name = 'account.relance.court.claim.line'
    _description = "Invoice of a court claim"
    _order = 'claim_id, kind desc, invoice_date, id'

    claim_id = fields.Many2one('account.relance.court.claim', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='claim_id.company_id', store=True, index=True)
    currency_id = fields.Many2one(related='claim_id.currency_id')
    move_id = fields.Many2one('account.move', "Invoice", required=True)
    kind = fields.Selection([('invoice', "Invoice"), ('credit', "Credit to deduct")], required=True)
    invoice_date = fields.Date()
    due_date = fields.Date()
    principal = fields.Monetary()
    penalties = fields.Monetary("Penalties or interest")
    indemnity = fields.Monetary()
    total = fields.Monetary(compute='_compute_total', store=True)
    detail = fields.Text("How penalties were computed")

    @api.depends('principal', 'penalties', 'indemnity')
    def _compute_total(self):
        for line in self:
            line.total = line.principal + line.penalties + line.indemnity
