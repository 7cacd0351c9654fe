import base64
import os
import pathlib
from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests.common import ChromeBrowser

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

DUE = date(2026, 3, 10)


class RelanceCommon(AccountTestInvoicingCommon):
    """A company with the default French scenarios and a baker who already paid late before.

    The baker is an occasional late payer, so the standard scenario applies: J-5 preventive
    e-mail, J+1 cordial e-mail, J+10 firm e-mail, J+20 phone call, J+30 severe e-mail and letter,
    J+45 last reminder (waits for validation), J+60 mise en demeure (waits for validation).
    """

    @classmethod
    def setup_independent_company(cls, **kwargs):
        # A French company keeps its books in euros.
        euro = cls.env.ref('base.EUR')
        euro.active = True
        return super().setup_independent_company(currency_id=euro.id, **kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data['company']
        cls.company.partner_id.tz = 'Europe/Paris'
        cls.env['res.lang']._activate_lang('fr_FR')
        cls.scenario = cls.env['account.relance.scenario'].search(
            [('company_id', '=', cls.company.id), ('risk_category', '=', 'occasional')]
        )
        cls.level = {level.delay: level for level in cls.scenario.level_ids}
        cls.client = cls.env['res.partner'].create(
            {
                'name': "Boulangerie Martin",
                'is_company': True,
                'email': "compta@boulangerie-martin.example",
                'lang': 'fr_FR',
                'street': "12 rue de la République",
                'zip': "69002",
                'city': "Lyon",
                'country_id': cls.env.ref('base.fr').id,
                'relance_risk_category': 'occasional',
            }
        )
        cls.salesperson = cls.env['res.users'].create(
            {
                'name': "Paul Vendeur",
                'login': "paul.vendeur",
                'email': "paul@example.com",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'group_ids': [Command.set(cls.env.ref('account.group_account_invoice').ids)],
            }
        )

    @classmethod
    def give_company_identity(cls, **values):
        """The company as a French letter names it: a SARL in Lyon with its registration,
        and whatever else ``values`` adds (capital, RCS city, VAT number...)."""
        cls.company.write(
            {
                'name': "Atelier Durand SARL",
                'street': "3 quai Saint-Vincent",
                'zip': "69001",
                'city': "Lyon",
                'country_id': cls.env.ref('base.fr').id,
                'company_registry': "81234567800015",
                'relance_legal_form': "SARL",
                **values,
            }
        )

    @classmethod
    def invoice(cls, amount, due=DUE, partner=None, post=True, **values):
        move = cls.env['account.move'].create(
            {
                'move_type': 'out_invoice',
                'partner_id': (partner or cls.client).id,
                'invoice_date': values.pop('invoice_date', due - timedelta(days=30)),
                'invoice_date_due': due,
                'invoice_payment_term_id': False,
                'invoice_user_id': values.pop('invoice_user_id', cls.salesperson.id),
                'invoice_line_ids': [
                    Command.create(
                        {
                            'name': "Maintenance du four",
                            'quantity': 1,
                            'price_unit': amount,
                            'tax_ids': False,
                        }
                    )
                ],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def run_relance(self, on_date, **kwargs):
        return self.env['account.relance.run']._run(on_date=on_date, companies=self.company, **kwargs)

    def run_days(self, first, last):
        """The daily run on every day from first to last, as the scheduled action would."""
        relances = self.env['account.relance']
        day = first
        while day <= last:
            relances |= self.run_relance(day)
            day += timedelta(days=1)
        return relances

    def sent_emails(self, relance):
        return relance.message_ids.filtered(lambda m: m.message_type == 'comment' and m.partner_ids)


class TourScreenshots:
    """For the browser tours (HttpCase): with RELANCE_SCREENSHOTS set to a folder, the screen
    a tour ends on is saved there as a PNG."""

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
