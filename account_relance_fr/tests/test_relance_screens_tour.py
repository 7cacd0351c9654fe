import json
import re
from datetime import date

import polib

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import file_path

from .common import TourScreenshots

#: Where the tours leave the visible text of each screen they went through (read back here).
TEXTS_PARAMETER = 'account_relance_fr.tour_screen_texts'


@tagged('post_install', '-at_install')
class TestRelanceScreensTour(TourScreenshots, HttpCase):
    """The aged balance, the KPIs, the worklist and the relances as a French credit manager
    sees them in Chromium at 1440 px (skipped without Chrome): the figures on the screen are
    those worked out by hand below, no column title is cut, and no English source text of the
    addon is left on screen. With RELANCE_SCREENSHOTS set to a folder, each tour's last screen
    is saved there as a PNG.

    The ledger, in euros, without taxes, all clients occasional late payers:

    ========================  =======  ==========  ==========  ==================================
    client                    amount   invoiced    due         paid
    ========================  =======  ==========  ==========  ==================================
    Boulangerie Alpha (A1)    1 000    05/01/2026  04/02/2026  400 on 12/03/2026 (partial)
    Boulangerie Alpha (A2)      300    02/03/2026  20/03/2026  -
    Charcuterie Beta (B1)       600    20/01/2026  19/02/2026  600 on 11/03/2026 (20 days late)
    Crèmerie Gamma (C1)         800    10/03/2026  09/04/2026  -
    Crèmerie Gamma (C2)         200    15/10/2025  14/11/2025  -
    Distillerie Delta (D1)      450    16/12/2025  15/01/2026  -
    ========================  =======  ==========  ==========  ==================================
    """

    browser_size = '1440x900'

    def setUp(self):
        super().setUp()
        env = self.env
        env['res.lang']._activate_lang('fr_FR')
        env['ir.module.module']._load_module_terms(['account', 'web', 'mail', 'base'], ['fr_FR'])
        env['ir.module.module']._load_module_terms(['account_relance_fr'], ['fr_FR'], overwrite=True)
        env.ref('base.user_admin').lang = 'fr_FR'
        self.company = env.ref('base.main_company')
        self.company.name = "Fromagerie Dupont"  # a name of data, not a text of the interface
        euro = env.ref('base.EUR')
        euro.active = True
        # A French back office counts in euros (a fresh database's company has no entry yet).
        self.company.currency_id = euro
        env['account.relance.level'].search([('company_id', '=', self.company.id)]).auto_send = False
        clients = env['res.partner'].create(
            [
                {'name': name, 'is_company': True, 'email': f"compta@{name.split()[-1].lower()}.example.com"}
                for name in ("Boulangerie Alpha", "Charcuterie Beta", "Crèmerie Gamma", "Distillerie Delta")
            ]
        )
        clients.with_company(self.company).relance_risk_category = 'occasional'
        self.alpha, beta, gamma, delta = clients
        a1 = self.invoice(self.alpha, 1000.0, date(2026, 1, 5), date(2026, 2, 4))
        self.invoice(self.alpha, 300.0, date(2026, 3, 2), date(2026, 3, 20))
        b1 = self.invoice(beta, 600.0, date(2026, 1, 20), date(2026, 2, 19))
        self.invoice(gamma, 800.0, date(2026, 3, 10), date(2026, 4, 9))
        self.invoice(gamma, 200.0, date(2025, 10, 15), date(2025, 11, 14))
        self.invoice(delta, 450.0, date(2025, 12, 16), date(2026, 1, 15))
        self.pay(a1, 400.0, date(2026, 3, 12))
        self.pay(b1, 600.0, date(2026, 3, 11))
        self.assertEqual((a1.amount_residual, b1.amount_residual), (600.0, 0.0))

    def invoice(self, client, amount, invoice_date, due):
        move = (
            self.env['account.move']
            .with_company(self.company)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': client.id,
                    'invoice_date': invoice_date,
                    'invoice_date_due': due,
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [Command.create({'name': "Livraison", 'price_unit': amount, 'tax_ids': False})],
                }
            )
        )
        move.action_post()
        return move

    def pay(self, invoice, amount, on):
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=invoice.ids).create(
            {'amount': amount, 'payment_date': on}
        )._create_payments()

    def assertNoEnglishOnScreen(self):
        """Every English source text of the addon that French translates differently, looked
        for as a whole phrase in the visible text of each screen the tour went through."""
        self.env.invalidate_all()
        screens = json.loads(self.env['ir.config_parameter'].sudo().get_param(TEXTS_PARAMETER) or '{}')
        self.assertTrue(screens, "the tour recorded the screens it went through")
        english = set()
        for entry in polib.pofile(file_path('account_relance_fr/i18n/fr.po')):
            source = entry.msgid
            # Sources with placeholders or markup are shown filled in, not as written.
            if not entry.msgstr or entry.msgstr == source or re.search(r'[%{<\n]', source):
                continue
            if len(source) > 3 and re.search('[A-Za-z]', source):
                english.add(source)
        found = {
            screen: sorted(source for source in english if re.search(rf'(?<!\w){re.escape(source)}(?!\w)', text))
            for screen, text in screens.items()
        }
        self.assertEqual({screen: sources for screen, sources in found.items() if sources}, {})

    def test_the_aged_balance_shows_the_hand_computed_figures(self):
        """Figures checked by the tour (relance_screens_tour.js), worked out from the ledger.

        Aged balance at 31/03/2026, buckets 30, 60, 90, 120 days:
        - A1: 1 000 - 400 paid = 600 open, due 04/02: 24 + 31 = 55 days late -> 31-60;
        - A2: 300, due 20/03: 11 days -> 1-30;
        - B1: paid in full -> no row;
        - C1: 800, due 09/04 -> not due;
        - C2: 200, due 14/11/2025: 16 + 31 + 31 + 28 + 31 = 137 days -> > 120;
        - D1: 450, due 15/01: 16 + 28 + 31 = 75 days -> 61-90.
        By bucket: not due 800, 1-30 300, 31-60 600, 61-90 450, 91-120 0, > 120 200;
        total 2 350. By client: Alpha 300 + 600 = 900, Gamma 800 + 200 = 1 000, Delta 450.
        """
        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist",
            'account_relance_fr_aged_balance',
            'screens_aged_balance',
        )
        self.assertNoEnglishOnScreen()

    def test_the_kpis_show_the_hand_computed_figures(self):
        """Figures checked by the tour (relance_screens_tour.js), worked out from the ledger.

        KPIs of March 2026 (one row: every client is an occasional late payer):
        - overdue at 01/03: invoices due before March and open then: A1 1 000 + B1 600 + C2 200
          + D1 450 = 2 250;
        - recovered in March on them: 400 (A1) + 600 (B1) = 1 000; rate 1 000 / 2 250 = 44.4 %;
        - paid late: B1, 600, settled 20 days after its due date: average delay 20.0 days;
        - receivables at 31/03: 3 350 invoiced - 1 000 paid = 2 350 (the aged balance's total);
        - DSO: the window starts at the first invoice, 15/10/2025 (less than a year before):
          17 + 30 + 31 + 31 + 28 + 31 = 168 days, sales 3 350: 2 350 / 3 350 x 168 = 117.9 days.
        """
        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist", 'account_relance_fr_kpis', 'screens_kpis'
        )
        self.assertNoEnglishOnScreen()

    def test_the_worklist_and_the_relances_read_in_french_uncut(self):
        """The run of 31/03/2026 prepares a relance for each late client, waiting for validation.
        It writes its chatter messages in the language of whoever runs it: French here, as the
        scheduled run of a database created in French (its OdooBot reads French)."""
        run = self.env['account.relance.run'].with_context(lang='fr_FR')
        run._run(on_date=date(2026, 3, 31), companies=self.company)
        self.assertTrue(self.env['account.relance'].search([('partner_id', '=', self.alpha.id)]))
        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist",
            'account_relance_fr_worklist_relances_in_french',
            'screens_relance_form',
        )
        self.assertNoEnglishOnScreen()
