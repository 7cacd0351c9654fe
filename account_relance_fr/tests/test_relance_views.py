from datetime import timedelta

from odoo.tests import Form, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceViews(RelanceCommon):
    """The screens a credit manager opens load and show the relance fields."""

    def test_partner_form_has_the_relance_tab_and_history(self):
        self.invoice(1000.0)
        self.run_relance(DUE + timedelta(days=1))
        arch = self.env['res.partner'].get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('name="relances"', arch)
        self.assertIn('relance_contact_id', arch)
        form = Form(self.client)
        self.assertEqual(len(form.relance_ids), 1)

    def test_invoice_form_shows_level_next_date_and_exclusion(self):
        arch = self.env['account.move'].get_views([(False, 'form')])['views']['form']['arch']
        for field in ('relance_level_id', 'relance_next_date', 'relance_excluded'):
            self.assertIn(field, arch)

    def test_every_relance_action_opens(self):
        for xmlid in (
            'action_relance',
            'action_relance_to_validate',
            'action_relance_overdue_invoices',
            'action_relance_level',
            'action_relance_run_wizard',
        ):
            action = self.env.ref(f'account_relance_fr.{xmlid}')
            model = self.env[action.res_model]
            for view_type in action.view_mode.split(','):
                model.get_views([(action.view_id.id if view_type == 'list' and action.view_id else False, view_type)])
            if action.view_mode.startswith('list'):
                model.search(action._get_eval_domain() if hasattr(action, '_get_eval_domain') else [], limit=5)

    def test_overdue_invoices_list_shows_late_installments_only(self):
        late = self.invoice(1000.0, due=DUE)
        not_yet = self.invoice(1000.0, due=DUE + timedelta(days=400))
        action = self.env.ref('account_relance_fr.action_relance_overdue_invoices')
        from odoo.tools.safe_eval import safe_eval

        found = self.env['account.move'].search(safe_eval(action.domain))
        self.assertIn(late, found)
        self.assertNotIn(not_yet, found)

    def test_the_relance_form_and_list_load_with_their_buttons(self):
        self.client.email = False
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        arch = self.env['account.relance'].get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('action_send_letter_instead', arch)
        form = Form(relance)
        self.assertEqual(form.state, 'failed')
        self.assertEqual(len(form.invoice_line_ids), 1)

    def test_settings_show_the_collector(self):
        settings = Form(self.env['res.config.settings'])
        settings.relance_collector_id = self.salesperson
        settings.save().execute()
        self.assertEqual(self.env.company.relance_collector_id, self.salesperson)

    def test_a_french_user_sees_the_relances_in_french(self):
        self.env['res.lang']._activate_lang('fr_FR')
        self.env['ir.module.module']._load_module_terms(['account_relance_fr'], ['fr_FR'], overwrite=True)
        fr = self.env(context=dict(self.env.context, lang='fr_FR'))
        self.assertEqual(fr.ref('account_relance_fr.menu_relance_to_validate').name, "À valider")
        self.assertEqual(fr.ref('account_relance_fr.server_action_move_remind_now').name, "Relancer maintenant")
        # sudo: the shipped level belongs to the main company, not to the test user's company
        self.assertEqual(fr.ref('account_relance_fr.relance_level_cordial').sudo().name, "Première relance")
        self.assertEqual(fr['account.relance']._fields['state'].get_description(fr)['string'], "État")
