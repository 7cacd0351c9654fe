import base64
import io
import re
import tempfile
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.workbook import DATE, MONEY, NUMBER, STOCK, TEXT, Formats, Table, new_workbook


def _file_name(text):
    """A name every file system and archive tool accepts."""
    return re.sub(r'[^\w.-]+', '_', text or '', flags=re.UNICODE).strip('_') or 'document'


class AccountRelanceLitigationFile(models.TransientModel):
    """The dossier a collection agency or a commissaire de justice needs about a client, in
    one zip: the statement of account (XLSX, with the relance history), the PDF of every
    unpaid invoice, the mise en demeure sent, if any, and the proofs of the letters posted by the
    provider (deposit, acknowledgement of receipt).

    Documents already sent are taken as they were sent (the invoice PDF of the e-mail, the
    letter of the mise en demeure): the file must show what the client received.
    """

    _name = 'account.relance.litigation.file'
    _description = "Litigation file"

    partner_id = fields.Many2one('res.partner', "Client", required=True, readonly=True)
    company_id = fields.Many2one('res.company', required=True, readonly=True)
    date = fields.Date("Statement date", required=True, readonly=True)
    zip_file = fields.Binary("Litigation file", readonly=True, attachment=False)
    zip_filename = fields.Char("File name", readonly=True)

    @api.model
    def _action_download(self, partner):
        """Build the file of ``partner`` for the current company and download it."""
        company = self.env.company
        on_date = company._relance_today()
        dossier = self.create(
            {'partner_id': partner.commercial_partner_id.id, 'company_id': company.id, 'date': on_date}
        )
        invoice_count = dossier._build()
        partner.commercial_partner_id._message_log(
            body=self.env._(
                "Litigation file prepared (statement at %(date)s, %(count)s unpaid invoices).",
                date=on_date,
                count=invoice_count,
            )
        )
        return {
            'type': 'ir.actions.act_url',
            'url': f"/web/content/{self._name}/{dossier.id}/zip_file/{dossier.zip_filename}?download=true",
            'target': 'download',
        }

    def _build(self):
        """Write the zip; returns the number of unpaid invoices it holds."""
        self.ensure_one()
        items = self.env['account.relance.aged.balance']._select_open_items(
            self.company_id, self.date, partner_ids=[self.partner_id.id]
        )
        relances = self.env['account.relance'].search(
            [('partner_id', '=', self.partner_id.id), ('company_id', '=', self.company_id.id)], order='date, id'
        )
        invoices = self.env['account.move'].browse(
            dict.fromkeys(
                item['move_id'] for item in items if item['document_kind'] == 'invoice' and item['amount'] > 0
            )
        )
        declared = self.env['account.relance.insolvency'].search_count(
            [('partner_id', '=', self.partner_id.id), ('company_id', '=', self.company_id.id)]
        )
        if not items and not relances and not declared:
            raise UserError(
                self.env._(
                    "%s owes nothing and was never reminded: there is no litigation file to prepare.",
                    self.partner_id.display_name,
                )
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("Releve_de_compte.xlsx", self._statement_xlsx(items, relances, invoices))
            for invoice, attachment in invoices._relance_invoice_pdfs().items():
                extension = 'pdf' if attachment.mimetype == 'application/pdf' else 'html'
                archive.writestr(f"Factures/{_file_name(invoice.name)}.{extension}", attachment.raw)
            for notice in relances.filtered(lambda r: r.tone == 'formal_notice' and r.state in ('sent', 'done')):
                content, extension = self._formal_notice_document(notice)
                archive.writestr(f"Mise_en_demeure_{_file_name(notice.name)}.{extension}", content)
            # Proofs of the letters posted by the provider: deposit and acknowledgement of receipt.
            for proof in relances._postal_proof_attachments():
                archive.writestr(f"Preuves/{_file_name(proof.name)}", proof.raw)
            # The déclarations de créance of the client's procédures collectives, as sent.
            declared = self.env['account.relance.insolvency'].search(
                [
                    ('partner_id', '=', self.partner_id.id),
                    ('company_id', '=', self.company_id.id),
                    ('declaration_attachment_id', '!=', False),
                ]
            )
            for attachment in declared.declaration_attachment_id:
                archive.writestr(f"Procedure_collective/{_file_name(attachment.name)}", attachment.raw)
            for name, content in self._extra_documents():
                archive.writestr(name, content)
        self.write(
            {
                # A Binary field holds base64: /web/content decodes it for the browser.
                'zip_file': base64.b64encode(buffer.getvalue()),
                'zip_filename': f"Dossier_contentieux_{_file_name(self.partner_id.name)}_{self.date}.zip",
            }
        )
        return len(invoices)

    def _extra_documents(self):
        """[(name in the zip, content)] that other parts of the addon add to the file."""
        return []

    @api.model
    def _safe_file_name(self, text):
        return _file_name(text)

    @api.model
    def _relance_document(self, relance):
        """(content, extension) of a relance that went out, as the client received it: its
        letter when one was made, else its mise en demeure or letter rendered again."""
        if relance.tone == 'formal_notice':
            return self._formal_notice_document(relance)
        attachment = relance.letter_attachment_id
        if attachment:
            return attachment.raw, attachment.name.rpartition('.')[2] or 'pdf'
        return self.env['ir.actions.report']._render_qweb_pdf(
            'account_relance_fr.action_report_relance_letter', relance.ids
        )

    def _formal_notice_document(self, notice):
        attachment = notice.letter_attachment_id
        if attachment:
            return attachment.raw, attachment.name.rpartition('.')[2] or 'pdf'
        return self.env['ir.actions.report']._render_qweb_pdf(
            'account_relance_fr.action_report_mise_en_demeure', notice.ids
        )

    def _statement_xlsx(self, items, relances, invoices):
        """Relevé de compte (open items with the penalties owed) and relance history, in French."""
        lang = 'fr_FR' if self.env['res.lang']._lang_get('fr_FR') else self.env.lang
        self = self.with_context(lang=lang)
        partner, company = self.partner_id, self.company_id
        currency = company.currency_id
        kinds = dict(
            self.env['account.relance.aged.balance.line']._fields['document_kind']._description_selection(self.env)
        )
        states = dict(self.env['account.relance']._fields['state']._description_selection(self.env))
        penalties = invoices._relance_penalties_in(company, self.date)
        moves = {move.id: move for move in self.env['account.move'].browse([item['move_id'] for item in items])}
        address = ", ".join(
            filter(None, [partner.street, partner.street2, f"{partner.zip or ''} {partner.city or ''}".strip()])
        )
        titles = [
            f"Relevé de compte de {partner.name} au {self.date.strftime('%d/%m/%Y')}",
            f"Créancier : {company.name}"
            + (f" — SIRET {company.company_registry}" if company.company_registry else ""),
            f"Débiteur : {partner.name}"
            + (f" — SIRET {partner.company_registry}" if partner.company_registry else "")
            + (f" — {address}" if address else ""),
            f"Montants en {currency.name} ; pénalités de retard (art. L441-10 C. com.) et indemnité forfaitaire "
            f"de recouvrement (art. D441-5) calculées au {self.date.strftime('%d/%m/%Y')}",
        ]
        with tempfile.TemporaryFile() as stream:
            workbook = new_workbook(stream)
            formats = Formats(workbook, currency.symbol or currency.name)
            statement = Table(
                workbook,
                formats,
                "Relevé de compte",
                [
                    ("Pièce", 22, TEXT),
                    ("Type", 14, TEXT),
                    ("Date", 11, DATE),
                    ("Échéance", 11, DATE),
                    ("Retard (j)", 9, NUMBER),
                    ("Montant initial", 15, STOCK),
                    ("Reste dû", 15, MONEY),
                    ("Pénalités de retard", 14, MONEY),
                    ("Indemnité forfaitaire", 14, MONEY),
                    ("Total dû", 15, MONEY),
                ],
                titles=titles,
            )
            counted = set()
            for item in items:
                move_id = item['move_id']
                penalty = indemnity = 0.0
                if move_id in penalties and move_id not in counted:  # once per invoice, on its first line
                    counted.add(move_id)
                    penalty = penalties[move_id]['penalties_company']
                    indemnity = penalties[move_id]['indemnity_company']
                statement.add(
                    [
                        moves[move_id].name,
                        kinds.get(item['document_kind'], ""),
                        item['date'],
                        item['date_maturity'],
                        (self.date - item['date_maturity']).days,
                        item['original_amount'],
                        item['amount'],
                        penalty,
                        indemnity,
                        currency.round(item['amount'] + penalty + indemnity),
                    ]
                )
            statement.close()
            history = Table(
                workbook,
                formats,
                "Historique des relances",
                [
                    ("Date", 11, DATE),
                    ("Référence", 16, TEXT),
                    ("Niveau", 34, TEXT),
                    ("Canaux", 34, TEXT),
                    ("État", 12, TEXT),
                    ("Montant réclamé", 15, STOCK),
                    ("Pénalités", 12, STOCK),
                    ("Indemnités", 12, STOCK),
                    ("Total réclamé", 15, STOCK),
                    ("Délai de paiement", 11, DATE),
                    ("N° recommandé", 18, TEXT),
                    ("Accusé de réception", 11, DATE),
                ],
                titles=[f"Relances adressées à {partner.name}", f"Créancier : {company.name}"],
            )
            for relance in relances:
                channels = [
                    label
                    for flag, label in (
                        (relance.channel_email, "e-mail"),
                        (relance.channel_phone, "appel téléphonique"),
                        (relance.channel_letter, "courrier"),
                        (relance.channel_registered_letter, "lettre recommandée avec AR"),
                    )
                    if flag
                ]
                history.add(
                    [
                        relance.date,
                        relance.name,
                        relance.level_id.name,
                        ", ".join(channels),
                        states.get(relance.state, ""),
                        relance.amount_claimed,
                        relance.amount_penalties,
                        relance.amount_indemnities,
                        relance.amount_total_due,
                        relance.deadline,
                        relance.registered_number,
                        relance.acknowledged_on,
                    ]
                )
            history.close()
            workbook.close()
            stream.seek(0)
            return stream.read()
