"""The client's page over HTTP: the link of a relance e-mail opens it without an account; the
token opens that file only, and no more once the file is closed; nothing is written without
the token and Odoo's CSRF token; a portal user reaches it from "My account"; in Chromium, the
client and the collector do what they came for."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import DUE


@tagged('post_install', '-at_install')
class TestRelancePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.ref('base.main_company')
        cls.company.write({'relance_promise_limit_days': 30, 'relance_promise_grace_days': 3})
        env['res.lang']._activate_lang('fr_FR')
        cls.client, cls.other = env['res.partner'].create(
            [
                {
                    'name': "Boulangerie du Portail",
                    'is_company': True,
                    'email': "compta@portail.example",
                    'relance_risk_category': 'occasional',
                    'lang': 'fr_FR',
                },
                {
                    'name': "Garage Voisin",
                    'is_company': True,
                    'email': "garage@voisin.example",
                    'relance_risk_category': 'occasional',
                    'lang': 'fr_FR',
                },
            ]
        )
        cls.oven = cls._invoice(cls.client, 1200.0)
        cls.flour = cls._invoice(cls.client, 300.0)
        cls.tyres = cls._invoice(cls.other, 800.0)
        cls.relances = env['account.relance.run']._run(
            on_date=DUE + timedelta(days=1), companies=cls.company, partners=cls.client | cls.other
        )
        File = env['account.relance.file']
        cls.file = File.search([('partner_id', '=', cls.client.id), ('state', '=', 'open')])
        cls.other_file = File.search([('partner_id', '=', cls.other.id), ('state', '=', 'open')])

    @classmethod
    def _invoice(cls, partner, amount):
        move = (
            cls.env['account.move']
            .with_company(cls.company)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': partner.id,
                    'invoice_date': DUE - timedelta(days=30),
                    'invoice_date_due': DUE,
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [
                        Command.create({'name': "Fournitures", 'price_unit': amount, 'tax_ids': False})
                    ],
                }
            )
        )
        move.action_post()
        return move

    def link_of_the_email(self):
        """The link the client received in the relance e-mail, as a path of this server."""
        relance = self.relances.filtered(lambda r: r.partner_id == self.client)
        message = relance.message_ids.filtered(lambda m: m.message_type == 'comment' and m.partner_ids)[:1]
        [url] = re.findall(r'href="([^"]*/my/relances/\d+\?access_token=[^"]+)"', str(message.body))
        return url[url.index('/my/relances/') :].replace('&amp;', '&')

    def get(self, path):
        return self.url_open(path, allow_redirects=False)

    def csrf(self, path):
        page = self.url_open(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def promise_date(self, days=10):
        today = self.env['account.relance.run']._company_today(self.company)
        return fields.Date.to_string(today + timedelta(days=days))

    # ------------------------------------------------------------------ the link

    def test_the_link_of_the_relance_email_opens_the_clients_page_without_an_account(self):
        link = self.link_of_the_email()
        self.assertIn(f"/my/relances/{self.file.id}?access_token={self.file.access_token}", link)
        page = self.get(link)
        self.assertEqual(page.status_code, 200)
        for text in (
            "Boulangerie du Portail",
            self.oven.name,
            self.flour.name,
            "Relevé de compte",
            "engager sur une date de paiement",
            "Contester cette facture",
        ):
            self.assertIn(text, page.text)
        self.assertNotIn(self.tyres.name, page.text)
        # The invoices link to Odoo's own portal page of the invoice (its Pay button, its PDF).
        self.assertIn(f"/my/invoices/{self.oven.id}?access_token=", page.text)
        # Odoo's own invoice page opens from there, for the client to pay or download it.
        invoice_url = re.findall(rf'href="(/my/invoices/{self.oven.id}\?access_token=[^"]+)"', page.text)[0]
        invoice_page = self.get(invoice_url.replace('&amp;', '&'))
        self.assertEqual(invoice_page.status_code, 200)
        self.assertIn(self.oven.name, invoice_page.text)
        statement = self.get(f"/my/relances/{self.file.id}/statement?access_token={self.file.access_token}")
        self.assertEqual(statement.status_code, 200)
        self.assertIn("Relevé de compte", statement.content.decode())
        self.assertIn("attachment", statement.headers.get('Content-Disposition', ''))

    def test_the_short_url_of_a_letter_leads_to_the_page(self):
        code = self.file._relance_short_url().rsplit('/', 1)[1]
        response = self.get(f"/rl/{code}")
        self.assertIn(
            f"/my/relances/{self.file.id}?access_token={self.file.access_token}", response.headers['Location']
        )
        self.assertNotIn(str(self.file.id), self.get("/rl/notacode00").headers['Location'])

    # ------------------------------------------------------------------ security

    def test_the_token_opens_no_other_clients_file(self):
        token = self.file._portal_ensure_token()
        self.other_file._portal_ensure_token()
        response = self.get(f"/my/relances/{self.other_file.id}?access_token={token}")
        self.assertEqual(response.status_code, 303)
        self.assertNotIn('/my/relances', response.headers['Location'])
        response = self.get(f"/my/relances/{self.other_file.id}/statement?access_token={token}")
        self.assertEqual(response.status_code, 303)

    def test_a_tampered_token_opens_nothing(self):
        token = self.file._portal_ensure_token()
        tampered = token[:-1] + ('0' if token[-1] != '0' else '1')
        for path in (
            f"/my/relances/{self.file.id}?access_token={tampered}",
            f"/my/relances/{self.file.id}",
            f"/my/relances/{self.file.id}/statement?access_token=",
        ):
            self.assertEqual(self.get(path).status_code, 303, path)

    def test_the_token_expires_when_the_file_closes(self):
        link = self.link_of_the_email()
        for move in (self.oven, self.flour):
            self.env['account.payment.register'].with_context(active_model='account.move', active_ids=move.ids).create(
                {}
            )._create_payments()
        self.env['account.relance.run']._close_files(self.company, DUE + timedelta(days=2))
        self.assertEqual(self.file.state, 'closed')
        self.assertEqual(self.get(link).status_code, 303)

    def test_no_answer_is_written_without_the_token_and_csrf(self):
        link = self.link_of_the_email()
        csrf = self.csrf(link)
        action = f"/my/relances/{self.file.id}/promise"
        # No CSRF token: refused by Odoo.
        response = self.url_open(
            action,
            data={'access_token': self.file.access_token, 'promise_date': self.promise_date()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        # No access token: sent away.
        response = self.url_open(
            action, data={'csrf_token': csrf, 'promise_date': self.promise_date()}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        # Another client's file with this client's token: sent away too.
        response = self.url_open(
            f"/my/relances/{self.other_file.id}/dispute",
            data={
                'csrf_token': csrf,
                'access_token': self.file.access_token,
                'move_id': self.tyres.id,
                'reason': "Pas à nous",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.tyres.relance_dispute)
        self.assertFalse(
            self.env['account.relance.promise'].search([('file_id', 'in', (self.file | self.other_file).ids)])
        )
        # With both, the promise is recorded.
        response = self.url_open(
            action,
            data={
                'csrf_token': csrf,
                'access_token': self.file.access_token,
                'promise_date': self.promise_date(),
                'amount': "1\u202f200,00",
            },
        )
        self.assertIn("o_relance_done_promise", response.text)
        promise = self.file.open_promise_id
        self.assertEqual((promise.amount, promise.source), (1200.0, 'portal'))

    def test_the_client_cannot_contest_an_invoice_of_another_client_from_its_own_file(self):
        link = self.link_of_the_email()
        response = self.url_open(
            f"/my/relances/{self.file.id}/dispute",
            data={
                'csrf_token': self.csrf(link),
                'access_token': self.file.access_token,
                'move_id': self.tyres.id,
                'reason': "Pas à nous",
            },
        )
        self.assertIn("o_relance_error", response.text)
        self.assertFalse(self.tyres.relance_dispute)

    def test_a_portal_user_reaches_the_page_from_my_account(self):
        contact = self.env['res.partner'].create(
            {'name': "Marie Martin", 'parent_id': self.client.id, 'email': "marie@portail.example"}
        )
        self.env['res.users'].create(
            {
                'login': 'marie.portail',
                'password': 'marie.portail',
                'partner_id': contact.id,
                'group_ids': [Command.set(self.env.ref('base.group_portal').ids)],
            }
        )
        self.authenticate('marie.portail', 'marie.portail')
        home = self.url_open('/my/home')
        self.assertIn('/my/relances', home.text)
        page = self.url_open('/my/relances')
        self.assertIn(f"/my/relances/{self.file.id}", page.url)
        self.assertIn(self.oven.name, page.text)
        self.assertEqual(self.get(f"/my/relances/{self.other_file.id}").status_code, 303)

    # ------------------------------------------------------------------ in Chromium

    def test_tour_the_client_opens_the_link_promises_and_contests(self):
        self.start_tour(self.link_of_the_email(), 'account_relance_fr_portal_client')
        promise = self.file.open_promise_id
        self.assertEqual((promise.amount, promise.source), (500.0, 'portal'))
        disputed = (self.oven | self.flour).filtered('relance_dispute')
        self.assertEqual(len(disputed), 1)
        self.assertEqual(disputed.relance_dispute_reason, "Farine livrée humide")
        self.assertTrue(self.file.activity_ids)
        self.assertTrue(
            self.client.message_ids.filtered(
                lambda m: 'Promise to pay' in (m.body or '') or 'Promesse de règlement' in (m.body or '')
            )
        )

    def test_tour_a_portal_user_does_the_same_from_my_account(self):
        contact = self.env['res.partner'].create(
            {'name': "Marie Martin", 'parent_id': self.client.id, 'email': "marie@portail.example"}
        )
        self.env['res.users'].create(
            {
                'login': 'marie.portail',
                'password': 'marie.portail',
                'partner_id': contact.id,
                'group_ids': [Command.set(self.env.ref('base.group_portal').ids)],
            }
        )
        self.start_tour('/my', 'account_relance_fr_portal_user', login='marie.portail')
        self.assertEqual(self.file.open_promise_id.amount, 500.0)
        self.assertEqual(len((self.oven | self.flour).filtered('relance_dispute')), 1)

    def test_tour_the_collector_records_each_call_outcome(self):
        run = self.env['account.relance.run']
        run._run(on_date=DUE + timedelta(days=10), companies=self.company, partners=self.client)
        [call] = run._run(on_date=DUE + timedelta(days=20), companies=self.company, partners=self.client)
        self.assertTrue(call.channel_phone and call.state == 'sent')
        call.user_id = self.env.ref('base.user_admin')
        accounting = self.env['res.partner'].create(
            {'name': "Comptabilité Portail", 'parent_id': self.client.id, 'email': "compta2@portail.example"}
        )
        self.start_tour(
            f"/odoo/action-account_relance_fr.action_relance/{call.id}",
            'account_relance_fr_call_outcome',
            login='admin',
        )
        self.assertEqual(self.client.relance_contact_id, accounting)
        self.assertEqual(len((self.oven | self.flour).filtered('relance_dispute')), 1)
        promise = self.file.open_promise_id
        self.assertEqual((promise.source, promise.amount), ('call', 300.0))
        history = " ".join(self.file.message_ids.mapped(lambda m: str(m.body)))
        for said in ("No answer", "Comptabilité Portail", "Prix non conforme au devis", "Promise to pay"):
            self.assertIn(said, history)
