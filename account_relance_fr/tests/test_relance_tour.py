from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DUE


@tagged('post_install', '-at_install')
class TestRelanceTour(HttpCase):
    """In the browser: the to-validate list, a relance, the Send button (skipped without Chrome)."""

    def test_validate_and_send_a_relance_in_the_browser(self):
        env = self.env
        company = env.ref('base.main_company')
        client = env['res.partner'].create(
            {'name': "Fromagerie du Tour", 'email': "tour@example.com", 'relance_risk_category': 'occasional'}
        )
        invoice = (
            env['account.move']
            .with_company(company)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': client.id,
                    'invoice_date': DUE - timedelta(days=30),
                    'invoice_date_due': DUE,
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [Command.create({'name': "Comté", 'price_unit': 420.0, 'tax_ids': False})],
                }
            )
        )
        invoice.action_post()
        levels = env['account.relance.level'].search([('company_id', '=', company.id)])
        levels.write({'auto_send': False})
        relance = env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=company, partners=client)
        self.assertEqual(relance.state, 'to_validate')
        self.start_tour(
            "/odoo/action-account_relance_fr.action_relance_to_validate", 'account_relance_fr_validate', login='admin'
        )
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(relance.validated_by_id, env.ref('base.user_admin'))
