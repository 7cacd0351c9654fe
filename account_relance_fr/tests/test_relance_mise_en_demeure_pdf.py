import io
import os
import re
from datetime import date

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceMiseEnDemeurePdf(RelanceCommon):
    """The mise en demeure as the client receives it: a PDF made by wkhtmltopdf, read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_company_identity(
            vat="FR25812345678",
            relance_share_capital=10000.0,
            relance_rcs_city="Lyon",
        )
        bank = cls.env['res.bank'].create({'name': "Banque Exemple", 'bic': "BEXAFRPPXXX"})
        cls.company_data['default_journal_bank'].bank_account_id = cls.env['res.partner.bank'].create(
            {
                'acc_number': "FR76 3000 6000 0112 3456 7890 189",
                'partner_id': cls.company.partner_id.id,
                'bank_id': bank.id,
            }
        )
        cls.collector = cls.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'function': "Responsable du recouvrement",
                'group_ids': [Command.set(cls.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        cls.company.relance_collector_id = cls.collector
        cls.client.company_registry = "48512345600021"
        cls.two_installments = cls.env['account.payment.term'].create(
            {
                'name': "Moitié à la commande, moitié à 30 jours",
                'company_id': cls.company.id,
                'line_ids': [
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 0}),
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 30}),
                ],
            }
        )

    def pdf_text(self, relance, keep=None):
        with self.allow_pdf_render():
            pdf, kind = (
                self.env['ir.actions.report']
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf('account_relance_fr.report_mise_en_demeure', relance.ids)
            )
        self.assertEqual(kind, 'pdf')
        if keep and os.environ.get('RELANCE_KEEP_PDF'):
            with open(os.environ['RELANCE_KEEP_PDF'].replace('.pdf', f'-{keep}.pdf'), 'wb') as kept:
                kept.write(pdf)
        return " ".join(
            " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            .replace("\xa0", " ")
            .replace("\u202f", " ")
            .split()
        )

    def test_a_consumers_mise_en_demeure_pdf_names_her_and_claims_legal_interest_only(self):
        consumer = self.env['res.partner'].create(
            {
                'name': "Jeanne Petit",
                'relance_civility': 'madame',
                'street': "5 rue des Lilas",
                'zip': "75011",
                'city': "Paris",
                'country_id': self.env.ref('base.fr').id,
                'lang': 'fr_FR',
            }
        )
        self.invoice(800.0, partner=consumer)
        run = self.env['account.relance.run']
        rows = run._select_installments(self.company, date(2026, 5, 9), partner_ids=consumer.ids, force=True)
        relance = run._prepare_relances(self.company, date(2026, 5, 9), rows, target_level=self.level[60])
        text = self.pdf_text(relance, keep='consumer')
        for expected in (
            "Madame Jeanne Petit",
            "5 rue des Lilas",
            "Madame,",
            "800,00 €",
            "huit cents euros",
            "1231-6 et 1344-1 du Code civil",
            "au plus tard le 17 mai 2026",
            "Claire Recouvrement",
        ):
            self.assertIn(expected, text)
        for forbidden in ("L441-10", "D441-5", "Indemnité", "Pénalités", "Madame, Monsieur"):
            self.assertNotIn(forbidden, text)

    def test_the_mise_en_demeure_pdf_states_every_element(self):
        # 1 200 € invoiced on 8 February 2026, in two installments of 600 €: 8 February and
        # 10 March 2026. Mise en demeure on 9 May 2026, at 2.15 + 10 = 12.15 % (2026 H1):
        #   600 x 0.1215 x 90 / 365 = 17.975342 (9 February - 9 May)
        #   600 x 0.1215 x 60 / 365 = 11.983562 (11 March - 9 May)
        #   penalties 29.958904 -> 29.96 €, indemnity 40 € (one invoice), total 1 269.96 €.
        invoice = self.env['account.move'].create(
            {
                'move_type': 'out_invoice',
                'partner_id': self.client.id,
                'invoice_date': date(2026, 2, 8),
                'invoice_payment_term_id': self.two_installments.id,
                'invoice_user_id': self.salesperson.id,
                'invoice_line_ids': [
                    Command.create({'name': "Four", 'quantity': 1, 'price_unit': 1200.0, 'tax_ids': False})
                ],
            }
        )
        invoice.action_post()
        self.assertEqual(
            sorted(invoice.line_ids.filtered('date_maturity').mapped('date_maturity')),
            [date(2026, 2, 8), date(2026, 3, 10)],
        )
        run = self.env['account.relance.run']
        rows = run._select_installments(self.company, date(2026, 5, 9), partner_ids=self.client.ids, force=True)
        relance = run._prepare_relances(self.company, date(2026, 5, 9), rows, target_level=self.level[60])
        self.assertRecordValues(
            relance,
            [
                {
                    'amount_penalties': 29.96,
                    'amount_indemnities': 40.0,
                    'amount_total_due': 1269.96,
                    'signatory_id': self.collector.id,
                }
            ],
        )
        relance.registered_number = "1A 234 567 8901 2"
        text = self.pdf_text(relance, keep='professional')
        expected = [
            # the creditor, identified as R123-237 requires
            "Atelier Durand SARL",
            "3 quai Saint-Vincent",
            "SARL au capital de 10 000,00 €",
            "RCS Lyon 812 345 678",
            "TVA intracommunautaire FR25812345678",
            "SIRET : 81234567800015",
            # the debtor
            "Boulangerie Martin",
            "12 rue de la République",
            "SIRET : 48512345600021",
            # the letter
            "Lyon, le 9 mai 2026",
            "Lettre recommandée avec accusé de réception n° 1A 234 567 8901 2",
            "MISE EN DEMEURE DE PAYER",
            "Référence : " + relance.name,
            "mettons en demeure",
            # the invoice, one row per installment with its own amount
            invoice.name,
            "8 février 2026",
            "10 mars 2026",
            # penalties, rate with its half-year and the period, indemnity
            "29,96 €",
            "40,00 €",
            "1 269,96 €",
            "12,15 %",
            "1er semestre 2026",
            "du 9 février 2026 au 9 mai 2026",
            "mille deux cent soixante-neuf euros et quatre-vingt-seize centimes",
            "au plus tard le 17 mai 2026",
            # how to pay
            "IBAN FR76 3000 6000 0112 3456 7890 189",
            "BIC BEXAFRPPXXX",
            "Banque Exemple",
            # legal basis and what follows
            "L441-10",
            "D441-5",
            "1344 du Code civil",
            "injonction de payer",
            "L125-1",
            "commissaire de justice",
            # signatory
            "Claire Recouvrement",
            "Responsable du recouvrement",
        ]
        missing = [piece for piece in expected if piece not in text]
        self.assertFalse(missing, f"missing from the PDF: {missing}\n{text}")
        self.assertEqual(
            len(re.findall(r"600,00 €", text)),
            6,
            "two rows: amount and residual of 600 € each; and the base of each installment's penalty period",
        )
        self.assertNotIn("1 200,00 € 600,00", text, "an installment row never shows the invoice total")
        self.assertNotIn("OdooBot", text)
        self.assertNotIn("/05/2026", text, "dates are written in words")
