from datetime import timedelta

from odoo.tests import tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceResponsible(RelanceCommon):
    """Calls, prescriptions and litigation proposals reach a person, and only once per thing
    to do: nobody is e-mailed "you have been assigned" for every relance."""

    def run_as_cron(self, on_date):
        odoobot = self.env.ref('base.user_root')
        return self.env['account.relance.run'].with_user(odoobot)._run(on_date=on_date, companies=self.company)

    def test_without_collector_nor_salesperson_the_call_goes_to_a_relance_manager_not_odoobot(self):
        self.level[1].channel_phone = True
        self.invoice(1000.0, invoice_user_id=False)
        relance = self.run_as_cron(DUE + timedelta(days=1))
        responsible = relance.activity_ids.user_id
        self.assertTrue(responsible)
        self.assertNotEqual(responsible, self.env.ref('base.user_root'))
        self.assertTrue(responsible.active and not responsible.share)
        self.assertTrue(responsible.has_group('account_relance_fr.group_relance_manager'))

    def test_the_salesperson_comes_before_the_managers_and_the_collector_before_both(self):
        self.level[1].channel_phone = True
        self.invoice(1000.0)
        relance = self.run_as_cron(DUE + timedelta(days=1))
        self.assertEqual(relance.activity_ids.user_id, self.salesperson)
        collector = self.salesperson.copy({'login': "recouvrement2", 'name': "Sophie Recouvrement"})
        self.company.relance_collector_id = collector
        self.invoice(
            500.0,
            partner=self.env['res.partner'].create(
                {'name': "Garage", 'email': "g@example.com", 'relance_risk_category': 'occasional'}
            ),
        )
        other = self.run_as_cron(DUE + timedelta(days=2)).filtered(lambda r: r.partner_id.name == "Garage")
        self.assertEqual(other.activity_ids.user_id, collector)

    def test_the_collector_is_not_emailed_for_each_relance_assigned(self):
        self.company.relance_collector_id = self.salesperson
        for name in ("Garage", "Fleuriste", "Pharmacie"):
            self.invoice(
                300.0,
                partner=self.env['res.partner'].create(
                    {'name': name, 'email': f"{name}@example.com", 'relance_risk_category': 'occasional'}
                ),
            )
        run = self.env['account.relance.run'].with_context(tracking_disable=False, mail_notrack=False)
        relances = run._run(on_date=DUE + timedelta(days=1), companies=self.company)
        self.assertEqual(len(relances), 3)
        self.assertEqual(relances.user_id, self.salesperson)
        assigned = self.env['mail.message'].search(
            [
                ('model', '=', 'account.relance'),
                ('res_id', 'in', relances.ids),
                ('message_type', '=', 'user_notification'),
            ]
        )
        self.assertFalse(assigned, "no assignment notification per relance")
