from stdnum.fr import siren, siret, vat

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

from ..demo import relance_demo


@tagged('post_install', '-at_install')
class TestRelanceDemo(TransactionCase):
    """The demo a newcomer opens tells the truth: every category and its scenario shows, in
    the demo company only, with figures that match the thresholds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As an install with demo data does: the data file, then the post-init hook.
        convert_file(cls.env, 'account_relance_fr', 'demo/relance_demo.xml', {}, mode='init', noupdate=True)
        relance_demo.build(cls.env)
        cls.company = relance_demo.demo_company(cls.env)
        cls.history = relance_demo.run_history(cls.env)
        cls.today = relance_demo.run_today(cls.env)

    def client(self, key):
        return self.env.ref(f'account_relance_fr.{key}').with_company(self.company)

    def test_the_demo_company_has_a_siren_siret_and_vat_number_that_odoo_accepts(self):
        """The French localisation validates VAT numbers (base_vat, with python-stdnum): a demo
        company with a wrong check digit would not install beside it."""
        company = self.company
        self.assertTrue(vat.is_valid(company.vat), company.vat)
        self.assertTrue(siret.is_valid(company.company_registry), company.company_registry)
        self.assertTrue(siren.is_valid(company.company_registry[:9]))
        self.assertEqual(company.vat[4:], company.company_registry[:9], "the VAT number carries the SIREN")

    def test_each_client_is_in_the_category_its_history_gives(self):
        expected = {
            'demo_client_boulangerie': 'punctual',
            'demo_client_menuiserie': 'punctual',
            'demo_client_garage': 'occasional',
            'demo_client_transports': 'occasional',
            'demo_client_agence': 'occasional',
            'demo_client_imprimerie': 'chronic',
            'demo_client_hotel': 'occasional',
        }
        self.assertEqual({key: self.client(key).relance_risk_category for key in expected}, expected)
        # Garage: 2 late of 5 = 40 %, (12 x 1 000 + 10 x 2 400) / 6 400 = 5.6 days.
        figures = self.client('demo_client_garage').relance_risk_figures
        self.assertIn("5, paid late: 2 (40.0 %)", figures)
        self.assertIn("Average lateness weighted by amount: 5.6 days; longest: 12 days", figures)

    def test_todays_run_shows_one_stage_of_each_scenario(self):
        self.assertEqual(self.today.company_id, self.company, "the demo company only")
        levels = {r.partner_id.name: (r.level_id.delay, r.level_id.risk_category, r.state) for r in self.today}
        self.assertEqual(
            levels,
            {
                "Boulangerie Martin SARL": (5, 'punctual', 'sent'),
                "Garage du Centre SAS": (10, 'occasional', 'sent'),
                "Transports Rapides SA": (30, 'occasional', 'sent'),
                "Agence Horizon SARL": (45, 'occasional', 'to_validate'),
                "Imprimerie Moreau SARL": (30, 'chronic', 'to_validate'),
            },
        )
        by_client = self.today.grouped(lambda r: r.partner_id.name)
        self.assertEqual(by_client["Agence Horizon SARL"].amount_claimed, 2000.0, "3 000 less 1 000 paid")
        self.assertEqual(by_client["Garage du Centre SAS"].amount_credits, 300.0)
        self.assertEqual(by_client["Garage du Centre SAS"].amount_claimed, 2100.0)
        self.assertEqual(by_client["Transports Rapides SA"].contact_id.name, "Claire Dubois")

    def test_two_months_of_history_follow_each_scenario(self):
        self.assertEqual(self.history.company_id, self.company)
        by_client = self.history.grouped(lambda r: r.partner_id.name)
        self.assertEqual(by_client["Transports Rapides SA"].sorted('date').mapped('level_id.delay'), [-5, 1, 10, 20])
        chronic = by_client["Imprimerie Moreau SARL"].sorted('date')
        self.assertEqual(chronic.mapped('level_id.delay'), [-5, 1, 8, 15, 22])
        self.assertEqual(set(chronic.mapped('state')), {'sent'}, "the last reminder was validated the next morning")
        # No e-mail address: the failed first reminder holds the file, nothing piles up behind it.
        menuiserie = by_client["Menuiserie Lefèvre"].sorted('date')
        self.assertEqual(menuiserie.mapped('state'), ['cancelled', 'failed'])
        self.assertEqual(menuiserie[-1].level_id.delay, 5)
        self.assertEqual(menuiserie[-1].file_id.next_action, 'resend')
        self.assertNotIn("Hôtel Les Tilleuls", by_client, "a suspended client is never reminded")

    def test_the_mise_en_demeure_of_the_chronic_late_payer_waits_with_its_deadline(self):
        notice = self.today.filtered(lambda r: r.partner_id.name == "Imprimerie Moreau SARL")
        self.assertEqual(notice.level_id.tone, 'formal_notice')
        self.assertTrue(notice.deadline)
        # Its figures: 1 800 open; 5 of 6 paid late, (2 000 x 110 + 1 800 x 31) / 11 800 = 23.4 days.
        self.assertEqual(notice.amount_claimed, 1800.0)
        self.assertIn(
            "Average lateness weighted by amount: 23.4 days", self.client('demo_client_imprimerie').relance_risk_figures
        )

    def test_the_minimum_history_rule_says_so_in_the_chatter_once(self):
        messages = self.client('demo_client_menuiserie').message_ids.filtered(
            lambda m: "Too few installments to judge" in (m.body or "")
        )
        self.assertEqual(len(messages), 1)
        self.assertIn("(1, at least 3 needed)", messages.body)

    def test_running_it_again_creates_nothing(self):
        count = self.env['account.relance'].search_count([])
        self.assertFalse(relance_demo.run_history(self.env))
        self.assertFalse(relance_demo.run_today(self.env))
        self.assertEqual(self.env['account.relance'].search_count([]), count)
