"""What a person reads, in French: the chatter's first line, the heading of the e-mail, amounts
without stray characters, the run's result, a refusal with its date."""

from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceWording(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['ir.module.module']._load_module_terms(['account_relance_fr', 'mail'], ['fr_FR'], overwrite=True)
        cls.invoice(1200.0)

    def test_a_relance_is_prepared_not_created_and_the_email_heading_is_french(self):
        fr = self.env(context=dict(self.env.context, lang='fr_FR'))
        relance = self.run_relance(DUE + timedelta(days=1))[:1]
        self.assertEqual(relance.with_env(fr)._creation_message(), "Relance préparée")
        self.assertEqual(relance.with_env(fr)._get_model_description('account.relance'), "rappel de paiement")
        self.assertNotIn("Relance créé", " ".join(relance.message_ids.mapped('body')))

    def test_the_scheduled_run_writes_its_notes_in_the_company_language(self):
        """The cron runs as a technical user in English: the collectors of a French company
        read its notes and activities in French all the same."""
        self.company.partner_id.lang = 'fr_FR'
        self.invoice(1000.0)
        cron_user = self.env.ref('base.user_root')
        self.assertNotEqual(cron_user.lang, 'fr_FR')
        cron = self.env.ref('account_relance_fr.ir_cron_daily_relance')
        cron.user_id = cron_user
        with freeze_time(DUE + timedelta(days=20)), self.enter_registry_test_mode():
            cron.with_context(lang=cron_user.lang).method_direct_trigger()
        relance = self.env['account.relance'].search([('partner_id', '=', self.client.id)])
        self.assertEqual(len(relance), 1)
        bodies = " ".join(relance.message_ids.mapped('body'))
        self.assertIn("Relance préparée", bodies)
        self.assertNotIn("Relance prepared", bodies)
        self.assertNotIn("Relance call", " ".join(relance.activity_ids.mapped('summary')))

    def test_a_negative_amount_has_no_invisible_character(self):
        relance = self.env['account.relance'].new({'company_id': self.company.id})
        text = relance._money(-300.0, self.env.ref('base.EUR'))
        self.assertEqual(text, "-300,00\N{NO-BREAK SPACE}€")
        self.assertFalse({'\N{ZERO WIDTH NO-BREAK SPACE}', '\N{WORD JOINER}'} & set(text))

    def test_the_run_refuses_a_future_date_with_the_date_as_a_person_writes_it(self):
        self.env.user.lang = 'fr_FR'
        with freeze_time(DUE), self.assertRaisesRegex(ValidationError, r"\(11/03/2026\)"):
            self.env['account.relance.run.wizard'].with_context(lang='fr_FR').create(
                {'date': DUE + timedelta(days=1), 'company_ids': self.company.ids}
            )

    def test_the_run_result_says_what_the_run_did(self):
        early = DUE - timedelta(days=10)
        wizard = self.env['account.relance.run.wizard'].create({'date': early, 'company_ids': self.company.ids})
        with freeze_time(early):
            action = wizard.action_run()
        # nothing due yet: a notice, not an empty list over sample rows
        self.assertEqual(action['tag'], 'display_notification')
        self.assertIn("No relance prepared", action['params']['message'])
        with freeze_time(DUE + timedelta(days=1)):
            wizard.date = DUE + timedelta(days=1)
            action = wizard.action_run()
        self.assertEqual(action['res_model'], 'account.relance')
        self.assertIn("03/11/2026", action['name'])
        self.assertRegex(action['name'], r"1 (sent \(e-mails queued\)|to validate)")

    def test_the_activity_menu_opens_relances_with_their_activity_filters(self):
        # The systray opens the model's default search view with these filters on: without them
        # "Relance — 3 late" listed every relance.
        arch = self.env['account.relance'].get_views([(False, 'search')])['views']['search']['arch']
        for name in ('filter_activities_my', 'activities_overdue', 'activities_today'):
            self.assertIn(f'name="{name}"', arch)

    def test_an_open_promise_reads_in_progress(self):
        fr = self.env(context=dict(self.env.context, lang='fr_FR'))
        states = dict(fr['account.relance.promise']._fields['state']._description_selection(fr))
        self.assertEqual(states['open'], "En cours")

    def test_the_amounts_of_an_email_table_do_not_wrap(self):
        relance = self.run_relance(DUE + timedelta(days=1))[:1]
        html = relance.lines_table_html
        self.assertIn('nowrap', html)
        self.assertIn(
            "1\N{NARROW NO-BREAK SPACE}200,00\N{NO-BREAK SPACE}€",
            html.replace('\N{NO-BREAK SPACE}200', '\N{NARROW NO-BREAK SPACE}200'),
        )
