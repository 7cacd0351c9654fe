"""The client's page of a second company attacked over HTTP, then read by its collector.

The creditor (Atelier Durand SARL) is not the company of the website (Société Hébergeuse):
the page shows the creditor and only it. Every value a form takes is posted in the forms a
hostile visitor tries (NaN, infinity, negative, huge, letters, decimals, dates out of range,
oversized text, HTML, a loop of identical posts, forged CSRF and tokens): each is refused in
French with nothing stored, and the page still answers. The answers that are taken are read
by the collector, a relance user of that company only, without an access error."""

import io
import os
import re
import shutil
import subprocess
from datetime import timedelta

import psycopg2
from PyPDF2 import PdfReader

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DUE, RelanceCommon

SCRIPT = "<script>alert('relance')</script><b>gras</b>"


@tagged('post_install', '-at_install')
class TestRelancePortalAttack(RelanceCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.ref('base.main_company').name = "Société Hébergeuse"
        cls.company.write(
            {
                'name': "Atelier Durand SARL",
                'street': "3 quai Saint-Vincent",
                'zip': "69001",
                'city': "Lyon",
                'country_id': env.ref('base.fr').id,
                'company_registry': "81234567800015",
                'vat': "FR25812345678",
                'relance_legal_form': "SARL",
                'relance_share_capital': 10000.0,
                'relance_rcs_city': "Lyon",
                'relance_promise_limit_days': 30,
            }
        )
        cls.collector = env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'password': "claire.recouvrement",
                'email': "claire@durand.example",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'group_ids': [Command.set(env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        cls.company.relance_collector_id = cls.collector
        cls.today = env['account.relance.run']._company_today(cls.company)
        cls.oven = cls.invoice(1200.0)
        cls.flour = cls.invoice(300.0)
        cls.upcoming = cls.invoice(500.0, due=cls.today + timedelta(days=20), invoice_date=cls.today)
        cls.refund = env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': cls.client.id,
                'invoice_date': DUE,
                'invoice_line_ids': [Command.create({'name': "Avoir", 'price_unit': 100.0, 'tax_ids': False})],
            }
        )
        cls.refund.action_post()
        env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=cls.company)
        cls.file = env['account.relance.file'].search([('partner_id', '=', cls.client.id), ('state', '=', 'open')])

    # ------------------------------------------------------------------ helpers

    def page_path(self):
        return f"/my/relances/{self.file.id}?access_token={self.file.access_token}"

    def page(self):
        response = self.url_open(self.page_path())
        self.assertEqual(response.status_code, 200)
        return response

    def post(self, answer, csrf=None, token=None, file=None, **data):
        file = file or self.file
        data = {
            'csrf_token': csrf or self.csrf_token,
            'access_token': token if token is not None else file.access_token,
            **data,
        }
        return self.url_open(f"/my/relances/{file.id}/{answer}", data=data)

    def setUp(self):
        super().setUp()
        page = self.page()
        self.csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def stored(self):
        """What the client's answers wrote: counted, to see that a refusal writes nothing."""
        self.env.invalidate_all()
        return {
            'promises': len(self.file.promise_ids),
            'requests': len(self.file.schedule_request_ids),
            'disputes': len((self.oven | self.flour | self.upcoming).filtered('relance_dispute')),
            'activities': len(self.file.activity_ids),
            'messages': len(self.file.message_ids),
        }

    def day(self, days):
        return fields.Date.to_string(self.today + timedelta(days=days))

    def assertRefused(self, response, before, text=None):
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_relance_error", response.text)
        if text:
            self.assertIn(text, response.text)
        self.assertEqual(self.stored(), before)
        self.page()

    # ------------------------------------------------------------------ strict values

    def test_amounts_that_are_not_amounts_are_refused_and_nothing_is_stored(self):
        before = self.stored()
        for typed, says in [
            ("NaN", "pas un nombre"),
            ("nan", "pas un nombre"),
            ("Infinity", "pas un nombre"),
            ("-Infinity", "pas un nombre"),
            ("inf", "pas un nombre"),
            ("1e9", "pas un nombre"),
            ("douze euros", "pas un nombre"),
            ("0x20", "pas un nombre"),
            ("-50", "supérieur à zéro"),
            ("0", "supérieur à zéro"),
            ("12,345", "deux décimales"),
            ("10.001", "deux décimales"),
            ("99999999999999999999", "plus que ce que vous devez"),
            ("2 000,00", "plus que ce que vous devez"),
            (SCRIPT, "pas un nombre"),
            ("9" * 5000, "pas un nombre"),
        ]:
            with self.subTest(amount=typed):
                response = self.post('promise', promise_date=self.day(10), amount=typed)
                self.assertRefused(response, before, says)
        self.assertNotIn("<script>alert", self.page().text)

    def test_the_forms_a_french_client_types_are_taken_once(self):
        response = self.post('promise', promise_date=self.day(10), amount="1\u202f200,50")
        self.assertIn("o_relance_done_promise", response.text)
        promise = self.file.open_promise_id
        self.assertEqual((promise.amount, promise.source), (1200.5, 'portal'))
        before = self.stored()
        for typed in ("1200.50", "1 200,50", "1.200,50"):
            self.post('promise', promise_date=self.day(10), amount=typed)
        self.assertEqual(self.stored(), before, "the same promise posted again is the same promise")
        self.assertEqual(self.file.open_promise_id, promise)
        # Owed: 1 200 + 300 overdue, 500 not yet due, less the 100 credit note.
        self.assertEqual(promise.owed_at_promise, 1500.0)

    def test_dates_out_of_the_window_are_refused(self):
        before = self.stored()
        for typed in (self.day(-1), self.day(31), "9999-12-31", "0001-01-01", "2026-02-30", "31/12/2026", "demain", ""):
            with self.subTest(date=typed):
                self.assertRefused(self.post('promise', promise_date=typed, amount="100"), before)
        for typed in (self.day(-1), self.day(31), "2026-13-01", "x" * 300):
            with self.subTest(first_due_date=typed):
                response = self.post('schedule', installment_count="3", first_due_date=typed)
                self.assertRefused(response, before)

    def test_installments_out_of_range_are_refused(self):
        before = self.stored()
        for typed in ("0", "1", "13", "-3", "2.5", "trois", "NaN", "99999999999999999999", "1e1"):
            with self.subTest(installments=typed):
                response = self.post('schedule', installment_count=typed, first_due_date=self.day(5))
                self.assertRefused(response, before, "versements")

    def test_oversized_text_is_refused_everywhere(self):
        before = self.stored()
        long_text = "x" * 2001
        self.assertRefused(self.post('promise', promise_date=self.day(5), note=long_text), before, "trop long")
        self.assertRefused(self.post('dispute', move_id=self.oven.id, reason=long_text), before, "trop long")
        self.assertRefused(self.post('schedule', installment_count="3", message=long_text), before, "trop long")
        self.assertRefused(self.post('dispute', move_id=self.oven.id, reason="   "), before)
        for move_id in ("abc", "-1", "99999999999999999999", str(self.refund.id), "1 OR 1=1"):
            with self.subTest(move_id=move_id):
                self.assertRefused(self.post('dispute', move_id=move_id, reason="Pas reçu"), before)

    def test_html_and_script_in_every_text_are_kept_as_text(self):
        self.post('promise', promise_date=self.day(5), note=SCRIPT)
        self.post('dispute', move_id=self.oven.id, reason=SCRIPT)
        self.post('schedule', installment_count="3", message=SCRIPT)
        self.assertEqual(self.file.open_promise_id.note, SCRIPT)
        self.assertEqual(self.oven.relance_dispute_reason, SCRIPT)
        self.assertEqual(self.file.open_schedule_request_id.message, SCRIPT)
        page = self.page().text
        self.assertNotIn("<script>alert", page)
        for message in self.file.message_ids:
            self.assertNotIn("<script>", str(message.body))
            self.assertNotIn("<b>gras", str(message.body))

    # ------------------------------------------------------------------ repeated posts

    def test_fifty_identical_posts_of_each_answer_record_one(self):
        self.post('schedule', installment_count="4", first_due_date=self.day(7), message="Trésorerie tendue")
        self.post('promise', promise_date=self.day(12), amount="300")
        self.post('dispute', move_id=self.oven.id, reason="Four livré en panne")
        once = self.stored()
        self.assertEqual((once['promises'], once['requests'], once['disputes'], once['activities']), (1, 1, 1, 2))
        outbox = self.env['mail.mail'].search_count([])
        for _i in range(50):
            self.post('schedule', installment_count="4", first_due_date=self.day(7), message="Trésorerie tendue")
            self.post('promise', promise_date=self.day(12), amount="300,00")
            self.post('dispute', move_id=self.oven.id, reason="Four livré en panne")
        self.assertEqual(self.stored(), once)
        self.assertEqual(self.env['mail.mail'].search_count([]), outbox, "no e-mail to the collector per post")
        self.page()

    def test_a_changed_request_updates_the_open_one_and_its_single_activity(self):
        self.post('schedule', installment_count="3")
        self.post('schedule', installment_count="6", first_due_date=self.day(10))
        self.assertEqual(len(self.file.schedule_request_ids), 1)
        request = self.file.open_schedule_request_id
        self.assertEqual((request.installment_count, request.first_due_date), (6, self.today + timedelta(days=10)))
        self.assertEqual(len(self.file.activity_ids), 1)

    def test_the_answers_of_a_day_are_limited_by_the_company(self):
        self.company.relance_portal_answer_limit = 3
        for days in (5, 6, 7):
            self.assertIn("o_relance_done_promise", self.post('promise', promise_date=self.day(days)).text)
        before = self.stored()
        self.assertRefused(self.post('promise', promise_date=self.day(8)), before, "demain")
        self.assertRefused(self.post('schedule', installment_count="3"), before, "demain")
        self.assertEqual(self.file.open_promise_id.promise_date, self.today + timedelta(days=7))

    # ------------------------------------------------------------------ forged requests

    @mute_logger('odoo.http')
    def test_forged_csrf_tokens_and_ids_write_nothing(self):
        before = self.stored()
        response = self.post('promise', csrf="forged", promise_date=self.day(5))
        self.assertEqual(response.status_code, 400)
        real = self.file.access_token
        one_off = real[:-1] + ("1" if real.endswith("0") else "0")  # the last character changed
        for token in ("", "forged", one_off, real.upper()):
            response = self.post('promise', token=token, promise_date=self.day(5))
            self.assertTrue(response.url.endswith('/my') or '/web/login' in response.url, response.url)
        other = self.client.copy({'name': "Garage Voisin"})
        tyres = self.invoice(800.0, partner=other)
        self.env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=self.company)
        other_file = self.env['account.relance.file'].search([('partner_id', '=', other.id)])
        response = self.post('dispute', file=other_file, token=self.file.access_token, move_id=tyres.id, reason="x")
        self.assertNotIn(str(tyres.name), response.text)
        self.assertIn("o_relance_error", self.post('dispute', move_id=tyres.id, reason="Pas à nous").text)
        self.assertFalse(tyres.relance_dispute)
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.url_open("/my/relances/99999999999?access_token=x").status_code, 200)
        self.assertEqual(self.url_open("/rl/forged").status_code, 200)
        self.assertNotIn("o_relance_error", self.page().text, "the page says only what it was told by a refusal")
        self.assertNotIn("Payez sur", self.url_open(self.page_path() + "&error=Payez+sur+FR76").text)

    # ------------------------------------------------------------------ the collector reads the answers

    def test_after_each_answer_the_collector_opens_the_file(self):
        self.post('promise', promise_date=self.day(10), note="Virement vendredi")
        self.post('dispute', move_id=self.flour.id, reason="Farine livrée humide")
        self.post('schedule', installment_count="3", message="En trois fois")
        self.authenticate('claire.recouvrement', 'claire.recouvrement')
        spec = {
            'display_name': {},
            'partner_id': {'fields': {'display_name': {}}},
            'company_id': {'fields': {'display_name': {}}},
            'activity_ids': {
                'fields': {'summary': {}, 'user_id': {'fields': {'display_name': {}}}, 'create_uid': {'fields': {}}}
            },
            'message_ids': {
                'fields': {
                    'body': {},
                    'author_id': {'fields': {'display_name': {}}},
                    'create_uid': {'fields': {'display_name': {}}},
                }
            },
            'promise_ids': {'fields': {'amount': {}, 'create_uid': {'fields': {'display_name': {}}}}},
            'schedule_request_ids': {'fields': {'create_uid': {'fields': {'display_name': {}}}}},
        }
        result = self.make_jsonrpc_request(
            '/web/dataset/call_kw/account.relance.file/web_read',
            {
                'model': 'account.relance.file',
                'method': 'web_read',
                'args': [self.file.ids],
                'kwargs': {'specification': spec, 'context': {'allowed_company_ids': self.company.ids}},
            },
        )
        [record] = result
        self.assertEqual(len(record['activity_ids']), 2)
        self.assertEqual({a['user_id']['id'] for a in record['activity_ids']}, {self.collector.id})
        answers = [m for m in record['message_ids'] if 'Virement vendredi' in m['body'] or 'humide' in m['body']]
        self.assertEqual(len(answers), 2)
        self.assertEqual({m['author_id']['id'] for m in answers}, {self.client.id}, "signed by the client")
        public = self.env.ref('base.public_user')
        self.assertNotIn(public.id, {m['create_uid']['id'] for m in record['message_ids'] if m['create_uid']})
        # The chatter as Odoo's web client loads it.
        thread = self.make_jsonrpc_request(
            '/mail/thread/messages', {'thread_model': 'account.relance.file', 'thread_id': self.file.id}
        )
        self.assertTrue(thread['messages'])
        self.assertNotIn("Public user", str(thread))
        self.assertNotIn("Société Hébergeuse", str(thread))
        # The activities are the collector's, in the file's company.
        activities = self.file.activity_ids.with_user(self.collector)
        self.assertEqual(activities.mapped('create_uid'), self.collector)

    # ------------------------------------------------------------------ the page is the creditor's

    def test_the_page_shows_the_creditor_and_figures_that_add_up(self):
        page = self.page().text
        for text in ("Atelier Durand SARL", "812 345 678", "3 quai Saint-Vincent", "Copyright"):
            self.assertIn(text, page)
        self.assertNotIn("Société Hébergeuse", page)
        self.assertNotIn("YourCompany", page)
        owed = re.sub(r'<[^>]+>', '', re.search(r'o_relance_amount_due[^>]*>(.*?)</div>', page, re.S).group(1))
        self.assertEqual(" ".join(owed.replace('\xa0', ' ').replace('\u202f', ' ').split()), "1 900,00 €")
        text = " ".join(re.sub(r'<[^>]+>', '', page).replace('\xa0', ' ').replace('\u202f', ' ').split())
        self.assertIn("dont échu : 1 500,00 €", text)
        self.assertIn("à échoir : 500,00 €", text)
        self.assertIn("moins avoirs et règlements à imputer : 100,00 €", text)
        self.assertIn("à échoir", page)
        # At the cordial stage the relances claim no penalty: the page shows none.
        self.assertEqual(self.file.tone, 'cordial')
        self.assertNotIn("Pénalités de retard (art. L441-10", page)
        self.company.relance_portal_penalties_always = True
        self.assertIn("Pénalités de retard (art. L441-10", self.page().text)

    def test_a_contested_invoice_carries_no_penalty(self):
        self.company.relance_portal_penalties_always = True
        statement = self.env['account.relance.statement']
        self.oven.relance_dispute = True
        lines = statement._statement(self.client, self.company)['currencies'][0]['lines']
        oven = [line for line in lines if line['move'] == self.oven]
        self.assertEqual(oven[0]['penalties'] + oven[0]['indemnity'], 0.0)
        flour = [line for line in lines if line['move'] == self.flour]
        self.assertGreater(flour[0]['penalties'] + flour[0]['indemnity'], 0.0)

    def test_a_nan_amount_cannot_be_stored(self):
        Promise = self.env['account.relance.promise']
        promise = Promise._make(self.file, self.today + timedelta(days=3), 0.0, 'call')
        for value in (float('nan'), float('inf'), -1.0):
            with self.subTest(amount=value):
                try:
                    with self.env.cr.savepoint(), mute_logger('odoo.sql_db'):
                        promise.write({'amount': value})
                        promise.flush_recordset()
                except (ValidationError, ValueError, OverflowError):
                    refused = True
                else:
                    refused = False
                promise.invalidate_recordset()
                self.assertTrue(refused, "stored through the ORM")
                for how in (Promise._make, Promise.sudo()._make):
                    with self.assertRaises(UserError):
                        how(self.file, self.today + timedelta(days=3), value, 'call')
        # Below the ORM too: PostgreSQL's numeric takes 'NaN', the table does not.
        with self.assertRaises(psycopg2.errors.CheckViolation), mute_logger('odoo.sql_db'):
            with self.env.cr.savepoint():
                self.env.cr.execute("UPDATE account_relance_promise SET amount = 'NaN' WHERE id = %s", [promise.id])

    def test_tour_a_logged_out_client_of_the_second_company_sees_its_creditor(self):
        self.start_tour(self.page_path(), 'account_relance_fr_portal_creditor')
        self.assertEqual(self.file.open_promise_id.amount, 250.5)

    # ------------------------------------------------------------------ the documents

    def pdf_text(self, report_ref, records):
        with self.allow_pdf_render():
            pdf, kind = (
                self.env['ir.actions.report']
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report_ref, records.ids)
            )
        self.assertEqual(kind, 'pdf')
        if os.environ.get('RELANCE_KEEP_PDF_TEXT'):
            with open(
                os.path.join(os.environ['RELANCE_KEEP_PDF_TEXT'], f"{records._name}-{records.id}.pdf"), 'wb'
            ) as kept:
                kept.write(pdf)
        if shutil.which('pdftotext'):
            text = subprocess.run(['pdftotext', '-layout', '-', '-'], input=pdf, capture_output=True, check=True)
            text = text.stdout.decode()
        else:  # the text layer read by PyPDF2 (Odoo's own requirement) where poppler is not installed
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        return " ".join(text.replace('\xa0', ' ').replace('\u202f', ' ').split())

    def test_every_pdf_the_client_receives_names_the_creditor_in_text(self):
        statement = self.pdf_text('account_relance_fr.action_report_relance_statement', self.file)
        invoice = self.pdf_text('account.account_invoices', self.oven)
        wizard = (
            self.env['account.relance.schedule.wizard']
            .with_context(active_model='account.move', active_ids=self.oven.ids)
            .create({'partner_id': self.client.id, 'installment_count': 3})
        )
        schedule = self.env['account.relance.schedule'].browse(wizard.action_propose()['res_id'])
        agreement = self.pdf_text('account_relance_fr.report_relance_schedule', schedule)
        run = self.env['account.relance.run']
        on_date = DUE + timedelta(days=31)
        rows = run._select_installments(self.company, on_date, partner_ids=self.client.ids, force=True)
        severe = run._prepare_relances(self.company, on_date, rows, target_level=self.level[30])
        letter = self.pdf_text('account_relance_fr.report_relance_letter', severe)
        for name, text, amounts in [
            ("statement", statement, ("1 900,00", "1 200,00", "500,00", "100,00")),
            ("invoice", invoice, ("1 200,00",)),
            ("schedule agreement", agreement, ("1 200,00", "400,00")),
            ("letter", letter, ("1 200,00", "300,00")),
        ]:
            if os.environ.get('RELANCE_KEEP_PDF_TEXT'):  # a folder where to read what the client reads
                with open(os.path.join(os.environ['RELANCE_KEEP_PDF_TEXT'], f"{name}.txt"), 'w') as kept:
                    kept.write(text)
            with self.subTest(document=name):
                for expected in ("Atelier Durand SARL", "812 345 678", *amounts):
                    self.assertIn(expected, text)
        for text in (statement, invoice, agreement, letter):
            self.assertNotIn("Société Hébergeuse", text)
        response = self.url_open(f"/my/relances/{self.file.id}/statement?access_token={self.file.access_token}")
        self.assertIn("Relev%C3%A9_de_compte", response.headers['Content-Disposition'])
