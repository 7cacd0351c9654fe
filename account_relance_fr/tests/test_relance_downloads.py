import io
import zipfile
from datetime import date, timedelta

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-04-20')
class TestRelanceDownloads(RelanceCommon, HttpCase):
    """The credit manager clicks "Export to Excel" in the browser and opens what the browser
    saved: the button goes through the web client's call_button, the file comes from the URL it
    returns. Boulangerie Martin owes 1 000 € due 10 March, reminded on 11 March."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice(1000.0)
        cls.env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=cls.company)
        cls.manager = new_test_user(
            cls.env,
            login="credit.manager",
            groups="account_relance_fr.group_relance_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def click(self, record, method):
        """What the web client does on a button of type object, as the logged-in user."""
        self.authenticate("credit.manager", "credit.manager")
        action = self.make_jsonrpc_request(
            f'/web/dataset/call_button/{record._name}/{method}',
            {
                'model': record._name,
                'method': method,
                'args': [record.ids],
                'kwargs': {},
            },
        )
        self.assertEqual(action['type'], 'ir.actions.act_url')
        response = self.url_open(action['url'])
        self.assertEqual(response.status_code, 200)
        self.assertIn('attachment', response.headers.get('Content-Disposition', ''))
        return response.content

    def test_the_aged_balance_downloads_as_a_workbook(self):
        report = (
            self.env['account.relance.aged.balance']
            .with_user(self.manager)
            .create({'date': date(2026, 4, 20), 'company_id': self.company.id})
        )
        book = openpyxl.load_workbook(io.BytesIO(self.click(report, 'action_export_xlsx')))
        self.assertEqual(book.sheetnames[0], "Synthèse")
        self.assertEqual(book["Synthèse"]["A7"].value, "Boulangerie Martin")

    def test_the_aged_balance_rows_download_as_a_workbook(self):
        report = (
            self.env['account.relance.aged.balance']
            .with_user(self.manager)
            .create({'date': date(2026, 4, 20), 'company_id': self.company.id})
        )
        report.action_show()
        self.authenticate("credit.manager", "credit.manager")
        action = self.make_jsonrpc_request(
            '/web/dataset/call_button/account.relance.aged.balance.line/action_export_xlsx',
            {
                'model': 'account.relance.aged.balance.line',
                'method': 'action_export_xlsx',
                'args': [[]],
                'kwargs': {'context': {'relance_aged_balance_id': report.id}},
            },
        )
        book = openpyxl.load_workbook(io.BytesIO(self.url_open(action['url']).content))
        self.assertIn("Détail des factures", book.sheetnames)

    def test_the_kpis_download_as_a_workbook(self):
        report = (
            self.env['account.relance.kpi.report']
            .with_user(self.manager)
            .create({'date_from': date(2026, 3, 1), 'date_to': date(2026, 3, 31), 'company_id': self.company.id})
        )
        book = openpyxl.load_workbook(io.BytesIO(self.click(report, 'action_export_xlsx')))
        self.assertEqual(book.sheetnames[0], "Indicateurs")

    def test_the_litigation_file_downloads_as_a_zip(self):
        content = self.click(self.client, 'action_relance_litigation_file')
        archive = zipfile.ZipFile(io.BytesIO(content))
        self.assertIn("Releve_de_compte.xlsx", archive.namelist())
        book = openpyxl.load_workbook(io.BytesIO(archive.read("Releve_de_compte.xlsx")))
        self.assertTrue(book.sheetnames)

    def test_the_letter_of_a_relance_downloads_as_its_pdf(self):
        # The severe reminder goes out by e-mail and by letter; the collector clicks its letter.
        run = self.env['account.relance.run']
        on = DUE + timedelta(days=30)
        rows = run._select_installments(self.company, on, partner_ids=self.client.ids, force=True)
        relance = run._prepare_relances(self.company, on, rows, force=True, target_level=self.level[30])
        self.assertTrue(relance.letter_attachment_id)
        letter = self.click(relance.with_user(self.manager), 'action_download_letter')
        # The letter itself (a PDF, or its page where tests cannot run wkhtmltopdf), not a form.
        self.assertEqual(letter, relance.letter_attachment_id.raw)
