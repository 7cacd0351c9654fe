import base64
import io
import zipfile
from datetime import date, timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-05-20')
class TestRelanceLitigationFile(RelanceCommon):
    """Boulangerie Martin did not answer the mise en demeure of 9 May 2026: on 20 May the
    credit manager downloads the file for the commissaire de justice.

    Open: 1 000 € due 10 March (71 days late) and 500 € due 10 April (40 days); a 300 € invoice
    was paid. Penalties at 2.15 + 10 = 12.15 % (2026 H1): 1 000 x 0.1215 x 71 / 365 = 23.63 € and
    500 x 0.1215 x 40 / 365 = 6.66 €, plus 40 € of indemnity per invoice: 1 610.29 € in all.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['ir.module.module']._load_module_terms(['account_relance_fr'], ['fr_FR'], overwrite=True)
        cls.inv_a = cls.invoice(1000.0)
        cls.inv_b = cls.invoice(500.0, due=date(2026, 4, 10))
        paid = cls.invoice(300.0, due=date(2026, 4, 1))
        cls._register_payment(paid, payment_date=date(2026, 4, 1))
        cls.first = cls.env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=cls.company)
        wizard = Form(
            cls.env['account.relance.formal.notice.wizard'].with_context(
                active_model='res.partner', active_ids=cls.client.ids
            )
        )
        wizard.date = date(2026, 5, 9)
        action = wizard.save().action_prepare()
        cls.notice = cls.env['account.relance'].browse(action['res_id'])

    def download(self, partner=None):
        action = (partner or self.client).action_relance_litigation_file()
        self.assertEqual(action['type'], 'ir.actions.act_url')
        dossier = self.env['account.relance.litigation.file'].search([], order='id desc', limit=1)
        self.assertIn(f"/{dossier.id}/zip_file/", action['url'])
        return dossier, zipfile.ZipFile(io.BytesIO(base64.b64decode(dossier.with_context(bin_size=False).zip_file)))

    def test_the_zip_holds_statement_invoices_and_mise_en_demeure(self):
        self.assertEqual(self.notice.state, 'sent')
        dossier, archive = self.download()
        self.assertEqual(dossier.zip_filename, "Dossier_contentieux_Boulangerie_Martin_2026-05-20.zip")
        # Tests render reports as HTML: in production the invoices and the letter are PDFs.
        self.assertEqual(
            sorted(archive.namelist()),
            sorted(
                [
                    "Releve_de_compte.xlsx",
                    f"Factures/{self.inv_a.name.replace('/', '_')}.html",
                    f"Factures/{self.inv_b.name.replace('/', '_')}.html",
                    f"Mise_en_demeure_{self.notice.name.replace('/', '_')}.html",
                ]
            ),
        )
        letter = archive.read(f"Mise_en_demeure_{self.notice.name.replace('/', '_')}.html").decode()
        self.assertEqual(letter, self.notice.letter_attachment_id.raw.decode(), "the letter as it was sent")
        self.assertIn("MISE EN DEMEURE", letter)
        self.assertIn(self.inv_a.name, archive.read(f"Factures/{self.inv_a.name.replace('/', '_')}.html").decode())
        self.assertIn("Litigation file prepared", self.client.message_ids[0].body)

    def test_the_statement_of_account_states_what_is_owed_with_penalties(self):
        _dossier, archive = self.download()
        book = openpyxl.load_workbook(io.BytesIO(archive.read("Releve_de_compte.xlsx")))
        self.assertEqual(book.sheetnames, ["Relevé de compte", "Historique des relances"])
        statement = book["Relevé de compte"]
        self.assertEqual(statement["A1"].value, "Relevé de compte de Boulangerie Martin au 20/05/2026")
        self.assertEqual(
            [c.value for c in statement[6]],
            [
                "Pièce",
                "Type",
                "Date",
                "Échéance",
                "Retard (j)",
                "Montant initial",
                "Reste dû",
                "Pénalités de retard",
                "Indemnité forfaitaire",
                "Total dû",
            ],
        )
        self.assertEqual(statement.freeze_panes, "B7")
        row_a = [c.value for c in statement[7]]
        self.assertEqual(row_a[0:2], [self.inv_a.name, "Facture"])
        self.assertEqual(row_a[3].date(), DUE)
        self.assertEqual(row_a[4:], [71, 1000, 1000, 23.63, 40, 1063.63])
        self.assertEqual([c.value for c in statement[8]][4:], [40, 500, 500, 6.66, 40, 546.66])
        self.assertEqual(statement["A9"].value, "Total")
        values = openpyxl.load_workbook(io.BytesIO(archive.read("Releve_de_compte.xlsx")), data_only=True)
        self.assertEqual([c.value for c in values["Relevé de compte"][9]][6:], [1500, 30.29, 80, 1610.29])

    def test_the_relance_history_gives_dates_and_channels(self):
        _dossier, archive = self.download()
        history = openpyxl.load_workbook(io.BytesIO(archive.read("Releve_de_compte.xlsx")))["Historique des relances"]
        self.assertEqual([c.value for c in history[4]][:5], ["Date", "Référence", "Niveau", "Canaux", "État"])
        rows = [[c.value for c in row] for row in history.iter_rows(min_row=5, max_row=history.max_row - 1)]
        self.assertEqual(
            [(row[0].date(), row[1]) for row in rows],
            [(DUE + timedelta(days=1), self.first.name), (date(2026, 5, 9), self.notice.name)],
        )
        self.assertEqual(rows[0][3], "e-mail")
        self.assertEqual(rows[1][3], "lettre recommandée avec AR")
        self.assertEqual(rows[1][9].date(), self.notice.deadline)

    def test_nothing_owed_and_never_reminded_means_no_file(self):
        stranger = self.env['res.partner'].create({'name': "Fromagerie Petit", 'is_company': True})
        with self.assertRaisesRegex(UserError, "owes nothing and was never reminded"):
            stranger.action_relance_litigation_file()

    def test_only_relance_users_prepare_a_litigation_file(self):
        seller = self.env['res.users'].create(
            {
                'name': "Luc Commercial",
                'login': "luc.commercial",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'group_ids': [Command.set(self.env.ref('account.group_account_invoice').ids)],
            }
        )
        with self.assertRaises(AccessError):
            self.client.with_user(seller).action_relance_litigation_file()
