import base64
import io
import os
import subprocess
import zipfile
from datetime import date, timedelta

from PyPDF2 import PdfReader

from odoo import Command
from odoo.tests import Form, tagged

from .common import RelanceCommon

JUDGMENT = date(2024, 3, 16)
PUBLICATION = date(2024, 3, 26)
SENT = date(2024, 4, 2)


@tagged('post_install', '-at_install')
class TestRelanceDeclaration(RelanceCommon):
    """A baker placed in redressement judiciaire: its supplier declares the claim to the
    mandataire judiciaire, the PDF made by wkhtmltopdf and read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_company_identity(
            relance_share_capital=10000.0,
            relance_rcs_city="Lyon",
            relance_retention_of_title=True,
        )
        cls.client.write({'company_registry': "48512345600021", 'relance_legal_form': "SARL"})
        cls.mandataire = cls.env['res.partner'].create(
            {
                'name': "SELARL Mandataires Associés",
                'is_company': True,
                'street': "4 quai de Bondy",
                'zip': "69005",
                'city': "Lyon",
                'country_id': cls.env.ref('base.fr').id,
            }
        )
        cls.collector = cls.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement.declaration",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'function': "Responsable du recouvrement",
                'group_ids': [Command.set(cls.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        cls.env['account.relance.guarantee'].create(
            {
                'partner_id': cls.client.id,
                'company_id': cls.company.id,
                'guarantee_type': 'caution',
                'amount': 5000.0,
                'guarantor': "Jean Martin (gérant)",
                'date_start': date(2023, 9, 1),
            }
        )
        cls.half_now_half_30_days = cls.env['account.payment.term'].create(
            {
                'name': "Moitié à la commande, moitié à 30 jours",
                'company_id': cls.company.id,
                'line_ids': [
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 0}),
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 30}),
                ],
            }
        )

    def pdf_text(self, pdf):
        if os.environ.get('RELANCE_KEEP_PDF'):
            with open(os.environ['RELANCE_KEEP_PDF'].replace('.pdf', '-declaration.pdf'), 'wb') as kept:
                kept.write(pdf)
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())

    def test_the_declaration_states_every_claim_at_the_judgment_and_is_recorded(self):
        # 10 000 € issued 16 January 2024, due 15 February, reminded from 16 February.
        bread_oven = self.invoice(10000.0, due=date(2024, 2, 15), invoice_date=date(2024, 1, 16))
        # 3 000 € issued 1 March 2024: half due that day, half on 31 March, after the judgment.
        kneader = self.invoice(
            3000.0,
            invoice_date=date(2024, 3, 1),
            invoice_date_due=False,
            invoice_payment_term_id=self.half_now_half_30_days.id,
        )
        relances = self.run_days(date(2024, 2, 16), JUDGMENT - timedelta(days=1))
        sent = relances.filtered(lambda r: r.state in ('sent', 'done'))
        self.assertTrue(sent)
        # 800 € issued after the judgment: paid at its due date (L622-17), not declared.
        self.invoice(800.0, due=date(2024, 4, 19), invoice_date=date(2024, 3, 20))
        procedure = (
            self.env['account.relance.insolvency']
            .with_context(relance_date=date(2024, 3, 28))
            .create(
                {
                    'partner_id': self.client.id,
                    'company_id': self.company.id,
                    'kind': 'redressement',
                    'judgment_date': JUDGMENT,
                    'publication_date': PUBLICATION,
                    'court': "Tribunal des activités économiques de Lyon",
                    'mandataire_id': self.mandataire.id,
                }
            )
        )
        self.assertEqual(len(procedure.activity_ids), 3, "declaration, its reminder, revendication")

        action = procedure.with_user(self.collector).action_declare()
        wizard = Form(self.env[action['res_model']].with_user(self.collector).with_context(**action['context']))
        wizard.sent_on = SENT
        wizard.registered_number = "1A 234 567 8901 2"
        self.assertEqual(wizard.signatory_function, "Responsable du recouvrement")
        # Hand-checked, all at the judgment of 16 March 2024 (penalty rate 4.50 % + 10 = 14.50 %):
        # - bread oven: 10 000 € due 15 Feb, 30 days late: 10 000 x 0.145 x 30/365 = 119.18 €, + 40 €;
        # - kneader: 1 500 € due 1 Mar, 15 days late: 1 500 x 0.145 x 15/365 = 8.94 €, + 40 €,
        #   and 1 500 € still to fall due on 31 March 2024;
        # total 11 500 + 1 500 + 128.12 + 80 = 13 208.12 €.
        self.assertAlmostEqual(wizard.amount, 13208.12, places=2)
        wizard = wizard.save()
        with self.allow_pdf_render():
            download = wizard.with_context(force_report_rendering=True).action_declare()

        self.assertRecordValues(
            procedure,
            [
                {
                    'declared_on': SENT,
                    'declaration_registered_number': "1A 234 567 8901 2",
                    'declared_amount': 13208.12,
                    'declaration_signatory_id': self.collector.id,
                    'declaration_state': 'declared',
                }
            ],
        )
        attachment = procedure.declaration_attachment_id
        self.assertIn(str(attachment.id), download['url'])
        self.assertEqual(attachment.mimetype, 'application/pdf')
        text = self.pdf_text(attachment.raw)
        for expected in [
            "DÉCLARATION DE CRÉANCE",
            "Lettre recommandée avec accusé de réception n° 1A 234 567 8901 2",
            # The addressee, the creditor and the debtor.
            "SELARL Mandataires Associés",
            "4 quai de Bondy",
            "Mandataire judiciaire de Boulangerie Martin",
            "Atelier Durand SARL, SARL",
            "3 quai Saint-Vincent, 69001 Lyon",
            "SIREN 812345678",
            "Boulangerie Martin, SARL",
            "12 rue de la République, 69002 Lyon",
            "SIREN 485123456",
            # The procedure and the court.
            "Procédure de redressement judiciaire ouverte par jugement du 16 mars 2024 du Tribunal des activités "
            "économiques de Lyon",
            "Publié au BODACC le 26 mars 2024",
            "arrêtée au 16 mars 2024",
            # Each claim: principal due, to fall due, penalties to the judgment, indemnity, total.
            f"{bread_oven.name} 16/01/2024 10 000,00 € 0,00 € 119,18 € 40,00 € 10 159,18 €",
            f"{kneader.name} 01/03/2024 1 500,00 € 1 500,00 € 8,94 € 40,00 € 3 048,94 €",
            "Total déclaré 11 500,00 € 1 500,00 € 128,12 € 80,00 € 13 208,12 €",
            f"1 500,00 € le 31/03/2024 (facture {kneader.name})",
            "arrête le cours des intérêts (art. L622-28)",
            # Privileges and securities.
            "réserve de propriété",
            "Cautionnement de 5 000,00 €, garant : Jean Martin (gérant)",
            # The documents listed.
            f"Facture n° {bread_oven.name} du 16/01/2024",
            f"Facture n° {kneader.name} du 01/03/2024",
            f"Relance n° {sent[0].name} du {sent[0].date.strftime('%d/%m/%Y')}",
            "Conditions générales de vente (clause de réserve de propriété)",
            "Relevé de compte arrêté au 16/03/2024",
            # The signatory.
            "Fait à Lyon, le 2 avril 2024",
            "Claire Recouvrement",
            "Responsable du recouvrement",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn("800,00", text, "the invoice born after the judgment is not declared")
        if os.environ.get('RELANCE_KEEP_PDF'):
            subprocess.run(
                ['pdftoppm', '-png', '-r', '70', '-', os.environ['RELANCE_KEEP_PDF'].replace('.pdf', '-declaration')],
                input=attachment.raw,
                check=False,
            )

        # Recorded on the procedure with the supporting documents, told in the client's history.
        message = procedure.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertTrue(message)
        self.assertIn("1A 234 567 8901 2", message.body)
        self.assertEqual(
            len(message.attachment_ids.filtered(lambda a: a.res_model == 'account.move')), 2, "both invoice PDFs"
        )
        self.assertTrue(any("Déclaration de créance" in body for body in self.client.message_ids.mapped('body')))
        # The declaration's activity and reminder are done; the revendication's is still to do.
        self.assertEqual(len(procedure.activity_ids), 1)
        self.assertIn("L624-9", procedure.activity_ids.summary)

        # The litigation file holds the declaration as sent.
        dossier = self.env['account.relance.litigation.file'].create(
            {'partner_id': self.client.id, 'company_id': self.company.id, 'date': SENT}
        )
        dossier._build()
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(dossier.with_context(bin_size=False).zip_file)))
        declared = [name for name in archive.namelist() if name.startswith("Procedure_collective/")]
        self.assertEqual(len(declared), 1, archive.namelist())
        self.assertEqual(archive.read(declared[0]), attachment.raw)
