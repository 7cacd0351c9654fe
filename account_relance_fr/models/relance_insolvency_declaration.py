"""The déclaration de créance of a procédure collective: what it states, how it is recorded.

Contents (Code de commerce L622-25, R622-23): the amount due at the date of the judgment, the
amounts still to fall due with their dates, the interest stopped at the judgment (L622-28),
the privileges and securities (a réserve de propriété, the guarantees of the client), the
supporting documents listed; signed by the creditor or its agent. Sent to the mandataire
judiciaire (liquidateur in liquidation), usually by registered letter.
"""

from dataclasses import dataclass, field
from datetime import date

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

# The guarantees as a French declaration names them (the letter is French whatever the UI).
GUARANTEES_IN_FRENCH = {
    'caution': "Cautionnement",
    'bank_guarantee': "Garantie bancaire",
    'letter_of_credit': "Lettre de crédit",
    'deposit': "Acompte",
}


@dataclass
class Claim:
    """One invoice declared: principal at the judgment, split between the installments already
    due and those still to fall due (with their dates), penalties up to the judgment and the
    recovery indemnity."""

    move: object
    due: float = 0.0
    to_fall_due: list = field(default_factory=list)  # [(date, amount)]
    penalties: float = 0.0
    indemnity: float = 0.0

    @property
    def principal(self):
        return self.due + sum(amount for _day, amount in self.to_fall_due)

    @property
    def total(self):
        return self.principal + self.penalties + self.indemnity


@dataclass
class Declaration:
    claims: list
    credits: list  # [(move, amount)] credit notes and payments not matched, negative
    securities: list  # sentences
    documents: list  # sentences
    relances: object  # account.relance sent for these claims

    @property
    def principal_due(self):
        return sum(claim.due for claim in self.claims) + sum(amount for _move, amount in self.credits)

    @property
    def to_fall_due(self):
        return sum(claim.principal - claim.due for claim in self.claims)

    @property
    def penalties(self):
        return sum(claim.penalties for claim in self.claims)

    @property
    def indemnities(self):
        return sum(claim.indemnity for claim in self.claims)

    @property
    def total(self):
        return self.principal_due + self.to_fall_due + self.penalties + self.indemnities


class AccountRelanceInsolvency(models.Model):
    _inherit = 'account.relance.insolvency'  # pylint: disable=consider-merging-classes-inherited

    declaration_signatory_id = fields.Many2one('res.users', "Signed by", readonly=True)
    declaration_signatory_function = fields.Char("Signatory's function", readonly=True)

    def _declaration(self):
        """The Declaration of the claims born before the judgment, figured at the judgment date."""
        self.ensure_one()
        company, judgment = self.company_id, self.judgment_date
        currency = company.currency_id
        items = self.env['account.relance.aged.balance']._select_open_items(
            company, judgment, partner_ids=[self.partner_id.id]
        )
        moves = self.env['account.move'].browse({item['move_id'] for item in items})
        born_before = {move.id for move in moves if self._covers(move)}
        claims, credits = {}, []
        for item in items:
            if item['move_id'] not in born_before:
                continue
            move = moves.browse(item['move_id'])
            if item['document_kind'] != 'invoice' or item['amount'] < 0:
                credits.append((move, currency.round(item['amount'])))
                continue
            claim = claims.setdefault(move.id, Claim(move))
            if item['date_maturity'] > judgment:
                claim.to_fall_due.append((item['date_maturity'], currency.round(item['amount'])))
            else:
                claim.due = currency.round(claim.due + item['amount'])
        # Penalties and interest stop at the judgment (L622-28): counted to that day.
        penalties = self.env['account.move'].browse(list(claims))._relance_penalties_in(company, judgment)
        for move_id, claim in claims.items():
            claim.penalties = penalties.get(move_id, {}).get('penalties_company', 0.0)
            claim.indemnity = penalties.get(move_id, {}).get('indemnity_company', 0.0)
        claims = sorted(claims.values(), key=lambda c: (c.move.invoice_date or c.move.date, c.move.name))
        relances = self._declaration_relances([claim.move for claim in claims])
        return Declaration(
            claims=claims,
            credits=credits,
            securities=self._declaration_securities(),
            documents=self._declaration_documents(claims, relances),
            relances=relances,
        )

    def _declaration_relances(self, moves):
        """The relances sent for these invoices, mise en demeure included, oldest first."""
        self.ensure_one()
        ids = [move.id for move in moves]
        return (
            self.env['account.relance']
            .search(
                [
                    ('company_id', '=', self.company_id.id),
                    ('partner_id', '=', self.partner_id.id),
                    ('state', 'in', ('sent', 'done')),
                ],
                order='date, id',
            )
            .filtered(lambda relance: set(relance.line_ids.move_id.ids) & set(ids))
        )

    def _declaration_securities(self):
        """The privileges and securities of the claim, one sentence each (in French: the
        declaration is a French legal document)."""
        self.ensure_one()
        securities = []
        if self.retention_of_title:
            securities.append(
                "Clause de réserve de propriété stipulée dans nos conditions générales de vente "
                "(art. 2367 du Code civil) : les marchandises impayées sont revendiquées "
                "(art. L624-9 et L624-16 du Code de commerce)."
            )
        guarantees = self.env['account.relance.guarantee'].search(
            [
                ('company_id', '=', self.company_id.id),
                ('partner_id', '=', self.partner_id.id),
                ('date_start', '<=', self.judgment_date),
                '|',
                ('date_end', '=', False),
                ('date_end', '>=', self.judgment_date),
            ]
        )
        kinds = GUARANTEES_IN_FRENCH
        for guarantee in guarantees:
            amount = format_amount(self.env, guarantee.amount, guarantee.currency_id, lang_code='fr_FR')
            sentence = f"{kinds.get(guarantee.guarantee_type, guarantee.guarantee_type)} de {amount}"
            if guarantee.guarantor:
                sentence += f", garant : {guarantee.guarantor}"
            sentence += f", valable à compter du {guarantee.date_start.strftime('%d/%m/%Y')}"
            if guarantee.date_end:
                sentence += f" jusqu'au {guarantee.date_end.strftime('%d/%m/%Y')}"
            securities.append(sentence + ".")
        return securities

    def _declaration_documents(self, claims, relances):
        """The supporting documents listed in the declaration (and attached to it)."""
        documents = [
            f"Facture n° {claim.move.name} du {(claim.move.invoice_date or claim.move.date).strftime('%d/%m/%Y')}"
            for claim in claims
        ]
        for relance in relances:
            what = "Mise en demeure" if relance.tone == 'formal_notice' else "Relance"
            sentence = f"{what} n° {relance.name} du {relance.date.strftime('%d/%m/%Y')}"
            if relance.registered_number:
                sentence += f" (lettre recommandée n° {relance.registered_number})"
            documents.append(sentence)
        if self.retention_of_title:
            documents.append("Conditions générales de vente (clause de réserve de propriété)")
        documents.append(f"Relevé de compte arrêté au {self.judgment_date.strftime('%d/%m/%Y')}")
        return documents

    def _declaration_attachments(self, declaration):
        """The supporting documents to send with the declaration: the invoice PDFs, the letters
        of the relances and of the mise en demeure, as they were sent."""
        self.ensure_one()
        invoices = self.env['account.move'].union(*(claim.move for claim in declaration.claims))
        attachments = self.env['ir.attachment'].union(*invoices._relance_invoice_pdfs().values())
        return attachments | declaration.relances.letter_attachment_id

    def _record_declaration(self, sent_on, registered_number, signatory, function):
        """Record the declaration sent on ``sent_on``: its PDF on the procedure with the
        supporting documents, the client's history told, the deadline activities done.
        Returns the PDF attachment."""
        self.ensure_one()
        if not isinstance(sent_on, date):
            sent_on = fields.Date.to_date(sent_on)
        if sent_on < self.judgment_date:
            raise UserError(self.env._("A claim is declared after the judgment, not on %s.", sent_on))
        declaration = self._declaration()
        if not declaration.claims:
            raise UserError(
                self.env._(
                    "%(client)s owed nothing at the judgment of %(date)s: there is no claim to declare.",
                    client=self.partner_id.display_name,
                    date=self.judgment_date,
                )
            )
        self.write(
            {
                'declared_on': sent_on,
                'declaration_registered_number': registered_number,
                'declaration_signatory_id': signatory.id,
                'declaration_signatory_function': function,
                'declared_amount': declaration.total,
            }
        )
        pdf, kind = self.env['ir.actions.report']._render_qweb_pdf(
            'account_relance_fr.action_report_declaration_creance', self.ids
        )
        name = f"Declaration_de_creance_{self.partner_id.name}_{sent_on}".replace(" ", "_")
        attachment = self.env['ir.attachment'].create(
            {
                'name': f"{name}.{kind}",
                'raw': pdf,
                'res_model': self._name,
                'res_id': self.id,
                'mimetype': 'application/pdf' if kind == 'pdf' else 'text/html',
            }
        )
        self.declaration_attachment_id = attachment
        supporting = self._declaration_attachments(declaration)
        amount = format_amount(self.env, declaration.total, self.currency_id)
        self.message_post(
            body=self.env._(
                "Claim declared to %(mandataire)s on %(date)s (registered letter %(number)s): %(amount)s.",
                mandataire=self.mandataire_id.display_name or self.env._("the mandataire judiciaire"),
                date=sent_on,
                number=registered_number or "-",
                amount=amount,
            ),
            attachment_ids=(attachment | supporting).ids,
        )
        # Logged as the litigation file is: a collector may not write on the client.
        self.partner_id._message_log(
            body=self.env._(
                "Déclaration de créance of %(amount)s sent on %(date)s for the %(kind)s of %(judgment)s.",
                amount=amount,
                date=sent_on,
                kind=dict(self._fields['kind']._description_selection(self.env))[self.kind],
                judgment=self.judgment_date,
            ),
            attachment_ids=attachment.ids,
        )
        # The declaration's activity and its reminder are done; the revendication's stays.
        summaries = {
            self.env._("Declare the claim to the mandataire judiciaire"),
            self.env._("Reminder: the claim must be declared by %s", self.declaration_deadline),
        }
        self.activity_ids.filtered(lambda a: a.summary in summaries).action_feedback(
            feedback=self.env._("Claim declared on %s.", sent_on)
        )
        return attachment
