import base64
import os
import pathlib
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import DUE


@tagged('post_install', '-at_install')
class TestRelanceWorklistTour(HttpCase):
    """The worklist in the browser, in French, at 1440 px (skipped without Chrome). With
    RELANCE_SCREENSHOTS set to a folder, the screen is saved there as a PNG."""

    browser_size = '1440x900'

    def invoice(self, company, client, amount):
        move = (
            self.env['account.move']
            .with_company(company)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': client.id,
                    'invoice_date': DUE - timedelta(days=30),
                    'invoice_date_due': DUE,
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [Command.create({'name': "Comté", 'price_unit': amount, 'tax_ids': False})],
                }
            )
        )
        move.action_post()

    def start_tour_and_shoot(self, url, tour, name):
        """The tour, then (with RELANCE_SCREENSHOTS set) the screen it ends on, as a PNG."""
        folder = os.environ.get('RELANCE_SCREENSHOTS')
        if not folder:
            return self.start_tour(url, tour, login='admin')
        original = ChromeBrowser._wait_code_ok

        def wait_then_shoot(browser, *args, **kwargs):
            result = original(browser, *args, **kwargs)
            shot = browser._websocket_send('Page.captureScreenshot', with_future=True).result(timeout=20)
            pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
            (pathlib.Path(folder) / f"{name}.png").write_bytes(base64.b64decode(shot['data']))
            return result

        with patch.object(ChromeBrowser, '_wait_code_ok', wait_then_shoot):
            return self.start_tour(url, tour, login='admin')

    def test_the_worklist_reads_in_french_most_urgent_first(self):
        env = self.env
        env['res.lang']._activate_lang('fr_FR')
        env['ir.module.module']._load_module_terms(['account_relance_fr', 'web', 'mail', 'base'], ['fr_FR'])
        env.ref('base.user_admin').lang = 'fr_FR'
        company = env.ref('base.main_company')
        cheese = env['res.partner'].create(
            {'name': "Fromagerie du Tour", 'email': "tour@example.com", 'relance_risk_category': 'occasional'}
        )
        garage = env['res.partner'].create({'name': "Garage sans e-mail", 'relance_risk_category': 'occasional'})
        self.invoice(company, cheese, 420.0)
        self.invoice(company, garage, 980.0)
        env['account.relance.level'].search([('company_id', '=', company.id), ('delay', '<=', 1)]).write(
            {'auto_send': False}
        )
        run = env['account.relance.run']
        run._run(on_date=DUE + timedelta(days=1), companies=company, partners=cheese)
        garage_relance = run._run(on_date=DUE + timedelta(days=1), companies=company, partners=garage)
        garage_relance.action_send()
        self.assertEqual(garage_relance.state, 'failed')
        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist", 'account_relance_fr_worklist', 'worklist'
        )
