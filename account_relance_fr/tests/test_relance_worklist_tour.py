import os
import pathlib
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DUE, TourScreenshots


@tagged('post_install', '-at_install')
class TestRelanceWorklistTour(TourScreenshots, HttpCase):
    """The worklist in the browser, in French, at 1440 px (skipped without Chrome). With
    RELANCE_SCREENSHOTS set to a folder, the screen is saved there as a PNG."""

    browser_size = '1440x900'

    def invoice(self, company, client, amount, due=DUE):
        move = (
            self.env['account.move']
            .with_company(company)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': client.id,
                    'invoice_date': due - timedelta(days=30),
                    'invoice_date_due': due,
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [Command.create({'name': "Comté", 'price_unit': amount, 'tax_ids': False})],
                }
            )
        )
        move.action_post()

    def speak_french(self):
        """The administrator reads the back office of a French company in French; returns the company."""
        env = self.env
        env['res.lang']._activate_lang('fr_FR')
        env['ir.module.module']._load_module_terms(['account_relance_fr', 'account', 'web', 'mail', 'base'], ['fr_FR'])
        env.ref('base.user_admin').lang = 'fr_FR'
        company = env.ref('base.main_company')
        euro = env.ref('base.EUR')
        euro.active = True
        # A French company counting in euros, as its letters show (no entry yet in a fresh database).
        company.write(
            {
                'name': "Fromagerie Dupont",
                'currency_id': euro.id,
                'street': "3 quai Saint-Vincent",
                'zip': "69001",
                'city': "Lyon",
                'country_id': env.ref('base.fr').id,
                'company_registry': "81234567800015",
            }
        )
        return company

    def test_the_worklist_reads_in_french_most_urgent_first(self):
        env = self.env
        company = self.speak_french()
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

    def test_the_credit_managers_morning_keeps_the_worklist_true_after_each_action(self):
        """Five clients of the standard scenario (first reminder the day after the due date,
        second at 10 days, call at 20, severe reminder at 30; 3 days of grace after a promised
        day; the mise en demeure signed by a person), each met from the worklist: the tour checks
        each row right after the action, and that no title, badge or flag of the list is cut.
        With RELANCE_SCREENSHOTS set, the worklist before and after the morning and the letter
        of the mise en demeure (its penalties in two periods, before and after a payment) are
        saved there."""
        env = self.env
        company = self.speak_french()
        today = company._relance_today()

        def day(offset):
            return today + timedelta(days=offset)

        def client(name, email=None):
            return env['res.partner'].create(
                {
                    'name': name,
                    'email': email,
                    'lang': 'fr_FR',
                    'street': "3 place du Marché",
                    'zip': "69001",
                    'city': "Lyon",
                    'country_id': env.ref('base.fr').id,
                    'relance_risk_category': 'occasional',
                }
            )

        cheese = client("Fromagerie du Matin", "matin@example.com")
        garage = client("Garage sans courriel")
        butcher = client("Boucherie à appeler", "boucherie@example.com")
        joiner = client("Menuiserie Échelon", "menuiserie@example.com")
        self.invoice(company, cheese, 420.0, due=day(-1))
        self.invoice(company, garage, 980.0, due=day(-1))
        self.invoice(company, butcher, 1500.0, due=day(-20))
        self.invoice(company, joiner, 900.0, due=day(-5))
        run = env['account.relance.run']
        # The butcher had the first and the second reminder; the call is today.
        for offset in (-19, -10, 0):
            run._run(on_date=day(offset), companies=company, partners=butcher)
        # The joiner had the first reminder yesterday, then asked for three installments.
        run._run(on_date=day(-4), companies=company, partners=joiner)
        File = env['account.relance.file']
        joiner_file = File._open_files(company, joiner.ids)[joiner.id]
        env['account.relance.schedule.request']._make(joiner_file, 3, first_due_date=day(10))
        # This morning's first reminders wait for validation.
        env['account.relance.level'].search([('company_id', '=', company.id), ('delay', '<=', 1)]).write(
            {'auto_send': False}
        )
        run._run(on_date=today, companies=company, partners=cheese | garage)
        garage_relance = File._open_files(company, garage.ids)[garage.id].pending_relance_id
        garage_relance.action_send()
        self.assertEqual(garage_relance.state, 'failed')
        files = File._open_files(company, (cheese | garage | butcher | joiner).ids)
        self.assertEqual(files[butcher.id].with_context(lang='fr_FR').next_action_label, "Appeler")

        # The caterer paid 1 000 € of 3 000 € on the way: the mise en demeure waits for the
        # collector, who signs the company's letters as "Comptable" so far.
        collector = env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'function': "Comptable",
                'group_ids': [Command.set(env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        company.relance_collector_id = collector
        caterer = client("Traiteur en demeure", "traiteur@example.com")
        # A company (its SIRET): it owes late-payment penalties, not the consumer's legal interest.
        caterer.write({'is_company': True, 'company_registry': "48512345600021"})
        self.invoice(company, caterer, 3000.0, due=day(-60))
        self.pay(caterer, 1000.0, day(-35))
        scenario = env['account.relance.scenario'].search(
            [('company_id', '=', company.id), ('risk_category', '=', 'occasional')]
        )
        level = {lv.delay: lv for lv in scenario.level_ids}
        rows = run._select_installments(company, today, partner_ids=caterer.ids, force=True)
        notice = run._prepare_relances(company, today, rows, target_level=level[60])
        self.assertRecordValues(notice, [{'state': 'to_validate', 'signatory_id': collector.id}])
        self.assertGreaterEqual(len(notice.invoice_line_ids.penalty_periods), 2, "3 000 €, then 2 000 €")

        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist",
            'account_relance_fr_morning_start',
            'morning_before',
        )
        self.start_tour_and_shoot(
            "/odoo/action-account_relance_fr.action_relance_file_worklist",
            'account_relance_fr_morning',
            'morning_after',
        )

        # What the rows showed is what the files hold, without any run.
        File.invalidate_model()
        self.assertRecordValues(
            File.browse([files[p.id].id for p in (cheese, garage, butcher, joiner)] + [notice.file_id.id]),
            [
                {'next_level_id': level[10].id, 'next_date': day(9), 'next_action': 'email'},
                {'next_level_id': level[10].id, 'next_date': day(9), 'next_action': 'email'},
                {'next_level_id': level[30].id, 'next_date': day(14), 'next_action': 'letter'},
                {'next_level_id': False, 'next_date': False, 'next_action': 'wait'},
                {'next_level_id': False, 'next_date': False, 'next_action': 'litigation'},
            ],
        )
        # Signed by the collector in the function typed in the dialog, which is proposed again.
        env.invalidate_all()
        self.assertRecordValues(
            notice,
            [{'state': 'sent', 'signatory_id': collector.id, 'signatory_function': "Responsable du recouvrement"}],
        )
        proposed = (
            env['account.relance.sign.wizard']
            .with_context(active_model='account.relance', active_ids=notice.ids)
            .create({})
        )
        self.assertEqual(
            (proposed.signatory_id, proposed.signatory_function), (collector, "Responsable du recouvrement")
        )
        self.keep_letter(notice)

    def pay(self, client, amount, on):
        invoice = self.env['account.move'].search([('partner_id', '=', client.id), ('move_type', '=', 'out_invoice')])
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=invoice.ids).create(
            {'amount': amount, 'payment_date': on, 'group_payment': True}
        )._create_payments()

    def keep_letter(self, relance):
        """With RELANCE_SCREENSHOTS set, the letter of ``relance`` as the client receives it, a
        PDF made by wkhtmltopdf, saved there as letter.pdf."""
        folder = os.environ.get('RELANCE_SCREENSHOTS')
        if not folder:
            return
        pdf, kind = (
            self.env['ir.actions.report']
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(relance.level_id.letter_report_id.report_name, relance.ids)
        )
        self.assertEqual(kind, 'pdf')
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        (pathlib.Path(folder) / "letter.pdf").write_bytes(pdf)
