from odoo.tests import TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestRelanceDemo(TransactionCase):
    """The demo a newcomer opens shows every stage of the scenario."""

    def test_demo_company_and_two_months_of_history(self):
        Demo = self.env['account.relance.demo']
        Demo._load_demo()
        Demo._run_demo_history()
        company = self.env['res.company'].search([('name', '=', "Atelier Durand SARL")])
        relances = self.env['account.relance'].search([('company_id', '=', company.id)])
        by_client = relances.grouped(lambda r: r.partner_id.name)
        self.assertEqual(
            by_client["Transports Rapides SA"].sorted('date').mapped('level_id.delay'), [-5, 1, 10, 20])
        self.assertEqual(by_client["Transports Rapides SA"].contact_id.name, "Claire Dubois")
        # No e-mail address: the failed relance holds the file until someone sends it by letter.
        self.assertEqual(by_client["Menuiserie Lefèvre"].sorted('date')[-1:].state, 'failed')
        self.assertEqual(len(by_client["Menuiserie Lefèvre"].filtered(lambda r: r.state == 'failed')), 1)
        self.assertNotIn("Hôtel Les Tilleuls", by_client, "a suspended client is never reminded")

        today = self.env['account.relance.run']._run(companies=company)
        levels = {r.partner_id.name: (r.level_id.delay, r.state) for r in today}
        self.assertEqual(levels["Transports Rapides SA"], (30, 'sent'))
        self.assertEqual(levels["Agence Horizon SARL"], (45, 'to_validate'))
        # The baker's second invoice had its preventive reminder yesterday: its first invoice's
        # reminder waits for the minimum gap of 5 days.
        self.assertNotIn("Boulangerie Martin SARL", levels)
        by_client = today.grouped(lambda r: r.partner_id.name)
        self.assertEqual(by_client["Agence Horizon SARL"].amount_claimed, 2000.0, "3000 less 1000 paid")
        self.assertEqual(by_client["Garage du Centre SAS"].amount_credits, 300.0)
        self.assertEqual(by_client["Garage du Centre SAS"].amount_claimed, 2100.0)
        count = self.env['account.relance'].search_count([])
        Demo._run_demo_history()
        self.assertEqual(self.env['account.relance'].search_count([]), count, "history runs are idempotent")
