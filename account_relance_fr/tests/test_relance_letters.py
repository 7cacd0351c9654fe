import html
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace
from unittest.mock import patch

import requests
from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from odoo.addons.base.models.ir_actions_report import _wkhtml

from .common import DUE, RelanceCommon

SEVERE, LAST_NOTICE, FORMAL_NOTICE = 30, 45, 60


def text_of(markup):
    """The words a reader sees: tags stripped, entities decoded, spaces normalised."""
    if isinstance(markup, bytes):
        markup = markup.decode()
    words = html.unescape(re.sub(r"<[^>]+>", " ", str(markup or "")))
    return re.sub(r" ([,.)])", r"\1", " ".join(words.replace("\xa0", " ").replace("\u202f", " ").split()))


@tagged('post_install', '-at_install')
class TestRelanceLetters(RelanceCommon):
    """What the e-mails and letters say, as the client and a judge read them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consumer = cls.env['res.partner'].create(
            {
                'name': "Jeanne Petit",
                'relance_civility': 'madame',
                'email': "jeanne.petit@example.com",
                'lang': 'fr_FR',
                'street': "5 rue des Lilas",
                'zip': "75011",
                'city': "Paris",
                'country_id': cls.env.ref('base.fr').id,
            }
        )

    def at_level(self, partner, on, delay, **context):
        """The relance of ``partner`` at the level of the standard scenario ``delay`` days after
        the due date, prepared and sent on ``on`` (as a mise en demeure is)."""
        run = self.env['account.relance.run'].with_context(**context)
        rows = run._select_installments(self.company, on, partner_ids=partner.ids, force=True)
        return run._prepare_relances(self.company, on, rows, force=True, target_level=self.level[delay])

    def letter(self, relance):
        return text_of(relance.letter_attachment_id.raw)

    # ------------------------------------------------------------------ consumers

    def test_a_consumer_is_never_told_of_l441_10_or_the_40_euros(self):
        # 800 € due 10 March 2026, severe reminder on 9 April: a consumer owes no penalties and no
        # indemnity before a mise en demeure; legal interest will run from it.
        self.assertTrue(self.consumer.relance_is_consumer)
        self.invoice(800.0, partner=self.consumer)
        severe = self.at_level(self.consumer, date(2026, 4, 9), SEVERE)
        self.assertRecordValues(
            severe, [{'amount_penalties': 0.0, 'amount_indemnities': 0.0, 'amount_total_due': 800.0}]
        )
        for text in (text_of(severe.body_html), self.letter(severe)):
            for forbidden in ("L441-10", "D441-5", "40 euros", "pénalités de retard"):
                self.assertNotIn(forbidden, text)
            self.assertIn("1231-6", text)
            self.assertIn("800,00 €", text)
        self.assertTrue(text_of(severe.body_html).startswith("Bonjour Madame Jeanne Petit,"))
        self.assertIn("Madame Jeanne Petit", self.letter(severe))
        self.assertIn("Madame, Malgré nos relances", self.letter(severe))
        self.assertNotIn("Madame, Monsieur", self.letter(severe))
        notice = self.at_level(self.consumer, date(2026, 5, 9), FORMAL_NOTICE)
        letter = self.letter(notice)
        for forbidden in ("L441-10", "D441-5", "Indemnité", "Madame, Monsieur"):
            self.assertNotIn(forbidden, letter)
        for expected in (
            "1231-6 et 1344-1 du Code civil",
            "fait courir les intérêts au taux légal",
            "Madame Jeanne Petit",
            "Madame,",
            "800,00 €",
            "huit cents euros",
            "17 mai 2026",
        ):
            self.assertIn(expected, letter)

    def test_an_individual_with_a_siret_or_a_vat_number_is_a_professional(self):
        artisan = self.env['res.partner'].create({'name': "Marc Lefèvre", 'company_registry': "49012345600018"})
        trader = self.env['res.partner'].create({'name': "Lucie Roux", 'vat': "FR25812345678"})
        self.assertFalse(artisan.relance_is_consumer, "a sole trader with a SIRET is a professional")
        self.assertFalse(trader.relance_is_consumer, "an individual with a VAT number is a professional")
        self.assertTrue(self.consumer.relance_is_consumer)
        self.consumer.relance_is_consumer = False
        self.assertFalse(self.consumer.relance_is_consumer, "the default can be changed on the client")

    # ------------------------------------------------------------------ figures of the severe reminder

    def test_the_severe_reminder_prints_the_penalties_their_rate_and_the_indemnity(self):
        # 1 000 € due 10 March 2026, severe reminder on 9 April 2026: 30 days at 2.15 + 10 =
        # 12.15 % (2026 H1): 1 000 x 0.1215 x 30 / 365 = 9.986... -> 9.99 €; indemnity 40 €;
        # total 1 049.99 €.
        invoice = self.invoice(1000.0)
        relance = self.at_level(self.client, date(2026, 4, 9), SEVERE)
        self.assertRecordValues(
            relance, [{'amount_penalties': 9.99, 'amount_indemnities': 40.0, 'amount_total_due': 1049.99}]
        )
        self.assertRecordValues(
            relance.invoice_line_ids, [{'penalty_amount': 9.99, 'indemnity_amount': 40.0, 'penalty_kind': 'penalty'}]
        )
        self.assertEqual(
            relance.invoice_line_ids.penalty_detail,
            (
                "Pénalités de retard (article L441-10 du Code de commerce), du 11 mars 2026 au 9 avril 2026, au taux "
                "annuel de 12,15 % (taux BCE + 10 points du 1er semestre 2026).\n"
                "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : 40 €."
            ),
        )
        for text in (text_of(relance.body_html), self.letter(relance)):
            for expected in (
                invoice.name,
                "9,99 €",
                "40,00 €",
                "12,15 %",
                "1er semestre 2026",
                "du 11 mars 2026 au 9 avril 2026",
                "1 049,99 €",
                "L441-10",
                "D441-5",
            ):
                self.assertIn(expected, text)
        body = text_of(relance.body_html)
        self.assertTrue(body.startswith("Bonjour, "), "a company is not greeted by its name")
        self.assertNotIn("Bonjour Boulangerie Martin", body)

    def test_the_indemnity_is_claimed_even_when_a_rate_is_missing(self):
        # Due 20 December 2026, severe reminder on 10 January 2027: no ECB rate for 2027 H1 yet.
        self.invoice(1000.0, due=date(2026, 12, 20))
        relance = self.run_relance(date(2027, 1, 10))
        self.assertRecordValues(relance, [{'amount_penalties': 0.0, 'amount_indemnities': 40.0}])
        self.assertIn("1st half of 2027", relance.penalty_warning)
        self.assertIn(
            "le taux BCE du 1er semestre 2027 n'est pas encore connu", relance.invoice_line_ids.penalty_detail
        )

    def test_a_rate_still_to_verify_is_said_on_screen_not_in_the_letter(self):
        # 2026 H2 is shipped "to verify" (12.40 %). Due 30 June 2026, severe on 30 July:
        # 30 days at 12.40 %: 1 000 x 0.124 x 30 / 365 = 10.19 €.
        self.invoice(1000.0, due=date(2026, 6, 30))
        relance = self.at_level(self.client, date(2026, 7, 30), SEVERE)
        self.assertEqual(relance.amount_penalties, 10.19)
        self.assertEqual(relance.rates_to_verify, "Rate to verify: ECB rate of 2nd half of 2026")
        self.assertNotIn("verify", self.letter(relance))
        self.assertNotIn("vérifier", self.letter(relance))

    # ------------------------------------------------------------------ currencies

    def usd(self):
        return self.setup_other_currency('USD', rates=[('2026-01-01', 1.10)])

    def test_a_usd_client_is_claimed_in_dollars(self):
        # 1 000 $ due 10 March 2026, at 1.10 $ per euro. Mise en demeure on 9 May 2026: penalties
        # in dollars, 1 000 x 0.1215 x 60 / 365 = 19.97 $; the 40 € indemnity converted at the rate
        # of the due date, 44.00 $; total 1 063.97 $ (967.25 € for information only).
        usd = self.usd()
        invoice = self.invoice(1000.0, currency_id=usd.id)
        relance = self.at_level(self.client, date(2026, 5, 9), FORMAL_NOTICE)
        [group] = relance._amounts_by_currency()
        self.assertEqual(group['currency'], usd)
        self.assertEqual(
            (group['claimed'], group['penalties'], group['indemnity'], group['total']), (1000.0, 19.97, 44.0, 1063.97)
        )
        self.assertRecordValues(
            relance.invoice_line_ids, [{'currency_id': usd.id, 'penalty_amount': 19.97, 'indemnity_amount': 44.0}]
        )
        self.assertIn(
            "40 €, soit $ 44,00 au cours du 10 mars 2026, date d'échéance",
            text_of(relance.invoice_line_ids.penalty_detail),
        )
        letter = self.letter(relance)
        for expected in (
            invoice.name,
            "$ 1 000,00",
            "$ 19,97",
            "$ 44,00",
            "$ 1 063,97",
            "mille soixante-trois dollars et quatre-vingt-dix-sept cents",
            "Contre-valeur pour information seulement (cours du 9 mai 2026) 967,25 €",
        ):
            self.assertIn(expected, letter)
        self.assertRegex(letter, r"mettons en demeure.* de nous régler la somme de \$ 1 063,97 au plus tard")
        self.assertNotIn("mille cinquante", letter)

    def test_a_client_owing_euros_and_dollars_gets_a_total_per_currency(self):
        # 1 000 € and 1 000 $ due 10 March 2026, severe reminder on 9 April (30 days, 12.15 %):
        #   EUR: 1 000 + 9.99 + 40.00 = 1 049.99 €
        #   USD: 1 000 + 9.99 + 44.00 = 1 053.99 $ (40 € at 1.10)
        usd = self.usd()
        self.invoice(1000.0)
        self.invoice(1000.0, currency_id=usd.id)
        relance = self.at_level(self.client, date(2026, 4, 9), SEVERE)
        totals = {
            g['currency'].name: (g['claimed'], g['penalties'], g['indemnity'], g['total'])
            for g in relance._amounts_by_currency()
        }
        self.assertEqual(totals, {'EUR': (1000.0, 9.99, 40.0, 1049.99), 'USD': (1000.0, 9.99, 44.0, 1053.99)})
        body = text_of(relance.body_html)
        self.assertIn("la somme de 1 049,99 € et $ 1 053,99, pénalités et indemnités comprises", body)
        self.assertIn("Total échu restant dû en EUR 1 000,00 €", body)
        self.assertIn("Total échu restant dû en USD $ 1 000,00", body)

    # ------------------------------------------------------------------ contract rate and floor

    def test_a_contract_rate_below_the_floor_of_a_later_half_year_gives_way_to_the_statutory_rate(self):
        # 12 % agreed, valid in January 2025 (floor 2025 H1: 3 x 3.71 = 11.13 %), but below the
        # floor of 2024 H2 (3 x 4.92 = 14.76 %): there the statutory 4.25 + 10 = 14.25 % applies.
        # 10 000 € due 30 November 2024, severe reminder on 31 January 2025:
        #   December 2024, 31 days at 14.25 %: 10 000 x 0.1425 x 31 / 365 = 121.027397
        #   January 2025, 31 days at 12.00 %:  10 000 x 0.12 x 31 / 365   = 101.917808
        #   total 222.945205 -> 222.95 €
        with freeze_time(date(2025, 1, 15)):
            self.client.relance_contract_rate = 12.0
        self.invoice(10000.0, due=date(2024, 11, 30))
        relance = self.at_level(self.client, date(2025, 1, 31), SEVERE)
        self.assertEqual(relance.amount_penalties, 222.95)
        detail = relance.invoice_line_ids.penalty_detail
        self.assertIn(
            "14,25 % (taux BCE + 10 points du 2e semestre 2024 : le taux contractuel de 12,00 % est "
            "inférieur à trois fois le taux de l'intérêt légal de ce semestre",
            detail,
        )
        self.assertIn("12,00 % (taux contractuel) du 1er janvier 2025 au 31 janvier 2025", detail)
        self.assertIn("le taux contractuel de 12,00 % est inférieur", self.letter(relance))
        self.assertEqual(relance.rates_to_verify, "Rate to verify: legal interest rate of 2nd half of 2024")

    # ------------------------------------------------------------------ credit notes

    def refund(self, invoice, amount, on):
        refund = self.env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': invoice.partner_id.id,
                'invoice_date': on,
                'currency_id': invoice.currency_id.id,
                'invoice_line_ids': [
                    Command.create({'name': "Avoir", 'quantity': 1, 'price_unit': amount, 'tax_ids': False})
                ],
            }
        )
        refund.action_post()
        (invoice + refund).line_ids.filtered(lambda aml: aml.account_type == 'asset_receivable').reconcile()
        return refund

    def test_an_invoice_fully_reversed_after_its_due_date_bears_nothing(self):
        invoice = self.invoice(1000.0)
        self.refund(invoice, 1000.0, date(2026, 4, 1))
        claim = invoice.with_context(relance_date=date(2026, 4, 15))
        self.assertRecordValues(
            claim, [{'payment_state': 'reversed', 'relance_penalty_amount': 0.0, 'relance_indemnity_amount': 0.0}]
        )

    def test_a_partial_credit_note_reduces_the_principal_from_the_due_date(self):
        # 1 000 € due 10 March 2026, 400 € credited on 1 April, claimed on 9 April (30 days): the
        # debt was 600 € from the start: 600 x 0.1215 x 30 / 365 = 5.99 € (as a payment it would be
        # 1 000 x 0.1215 x 22 / 365 + 600 x 0.1215 x 8 / 365 = 8.92 €), and the 40 € indemnity.
        invoice = self.invoice(1000.0)
        self.refund(invoice, 400.0, date(2026, 4, 1))
        claim = invoice.with_context(relance_date=date(2026, 4, 9))
        self.assertRecordValues(
            claim, [{'relance_penalty_amount': 5.99, 'relance_indemnity_amount': 40.0, 'relance_total_claimed': 645.99}]
        )

    # ------------------------------------------------------------------ never claimed twice

    def test_penalties_invoiced_are_listed_as_an_invoice_and_not_claimed_again(self):
        # 10 000 € due 15 February 2024. Penalties invoiced on 16 March: 119.18 € + 40 € = 159.18 €.
        # Severe reminder on 15 April (60 days): 238.36 € accrued, 119.18 € of them invoiced, so
        # 119.18 € more and no second indemnity; the penalty invoice is listed as an open item.
        # Total: 10 000 + 159.18 + 119.18 = 10 278.36 €.
        late = self.invoice(10000.0, due=date(2024, 2, 15), invoice_date=date(2024, 1, 16))
        wizard = Form(
            self.env['account.relance.penalty.invoice.wizard'].with_context(
                active_model='account.move', active_ids=late.ids
            )
        )
        wizard.date = date(2024, 3, 16)
        penalty_invoice = self.env['account.move'].search(wizard.save().action_create_invoices()['domain'])
        penalty_invoice.action_post()
        self.assertEqual(late.with_context(relance_date=date(2024, 4, 15)).relance_penalty_invoiced_amount, 159.18)
        relance = self.at_level(self.client, date(2024, 4, 15), SEVERE)
        self.assertEqual(relance.invoice_line_ids.move_id, late | penalty_invoice)
        by_move = {line.move_id: line for line in relance.invoice_line_ids}
        self.assertRecordValues(by_move[late], [{'penalty_amount': 119.18, 'indemnity_amount': 0.0}])
        self.assertRecordValues(
            by_move[penalty_invoice],
            [{'amount_residual_currency': 159.18, 'penalty_amount': 0.0, 'indemnity_amount': 0.0}],
        )
        self.assertRecordValues(
            relance, [{'amount_penalties': 119.18, 'amount_indemnities': 0.0, 'amount_total_due': 10278.36}]
        )
        self.assertIn(f"Déjà facturé par {penalty_invoice.name}", by_move[late].penalty_detail)

    # ------------------------------------------------------------------ penalty invoice wizard

    def test_a_consumers_interest_is_invoiced_as_legal_interest(self):
        # Mise en demeure on 9 May 2026; on 8 June, 30 days at the legal rate of 2026 H1 for other
        # cases (2.62 %): 800 x 0.0262 x 30 / 365 = 1.72 €, labelled under the Code civil.
        late = self.invoice(800.0, partner=self.consumer)
        self.at_level(self.consumer, date(2026, 5, 9), FORMAL_NOTICE)
        wizard = Form(
            self.env['account.relance.penalty.invoice.wizard'].with_context(
                active_model='account.move', active_ids=late.ids
            )
        )
        wizard.date = date(2026, 6, 8)
        interest = self.env['account.move'].search(wizard.save().action_create_invoices()['domain'])
        self.assertRecordValues(interest.invoice_line_ids, [{'price_unit': 1.72, 'relance_penalty_kind': 'penalty'}])
        self.assertIn(
            "Intérêts au taux légal (articles 1231-6 et 1344-1 du Code civil)", interest.invoice_line_ids.name
        )
        self.assertNotIn("L441-10", interest.invoice_line_ids.name)

    def test_the_penalty_wizard_refuses_invoices_of_several_companies(self):
        other = self.setup_other_company()['company']
        mine = self.invoice(1000.0)
        theirs = (
            self.env['account.move']
            .with_company(other)
            .create(
                {
                    'move_type': 'out_invoice',
                    'partner_id': self.client.id,
                    'company_id': other.id,
                    'invoice_date': date(2026, 2, 8),
                    'invoice_date_due': DUE,
                    'invoice_line_ids': [
                        Command.create({'name': "Four", 'quantity': 1, 'price_unit': 500.0, 'tax_ids': False})
                    ],
                }
            )
        )
        theirs.action_post()
        wizard = self.env['account.relance.penalty.invoice.wizard'].create(
            {'move_ids': [Command.set((mine | theirs).ids)], 'date': date(2026, 4, 9)}
        )
        with self.assertRaisesRegex(UserError, "several companies"):
            wizard.action_create_invoices()

    # ------------------------------------------------------------------ e-mails

    def test_the_second_courteous_reminder_does_not_repeat_simple_oubli(self):
        # Punctual payers get two courteous reminders (J+5 and J+20): only the first one
        # supposes a simple oversight.
        self.invoice(1000.0)
        punctual = self.env['account.relance.scenario'].search(
            [('company_id', '=', self.company.id), ('risk_category', '=', 'punctual')]
        )
        first_level, second_level = punctual.level_ids.filtered(lambda lv: lv.tone == 'cordial').sorted('delay')
        run = self.env['account.relance.run']
        relances = []
        for level, day in ((first_level, date(2026, 3, 15)), (second_level, date(2026, 3, 30))):
            rows = run._select_installments(self.company, day, partner_ids=self.client.ids, force=True)
            relances.append(run._prepare_relances(self.company, day, rows, force=True, target_level=level))
        first, second = (text_of(relance.body_html) for relance in relances)
        self.assertIn("simple oubli", first)
        self.assertNotIn("simple oubli", second)
        self.assertIn("Nous revenons vers vous", second)
        self.assertTrue(first.startswith("Bonjour, ") and second.startswith("Bonjour, "))

    def test_in_a_batch_only_the_client_reminded_before_is_not_told_simple_oubli(self):
        # The e-mails of a day's run are rendered together, and whether each is a repeat is
        # looked up once for all of them: each client still reads its own history.
        bakery_invoice = self.invoice(1000.0)
        florist = self.client.copy({'name': "Fleurs Dubois", 'email': "compta@fleurs-dubois.example"})
        self.invoice(800.0, partner=florist)
        punctual = self.env['account.relance.scenario'].search(
            [('company_id', '=', self.company.id), ('risk_category', '=', 'punctual')]
        )
        first_level, second_level = punctual.level_ids.filtered(lambda lv: lv.tone == 'cordial').sorted('delay')
        run = self.env['account.relance.run']
        rows = run._select_installments(self.company, date(2026, 3, 15), partner_ids=self.client.ids, force=True)
        run._prepare_relances(self.company, date(2026, 3, 15), rows, force=True, target_level=first_level)
        day = date(2026, 3, 30)
        rows = run._select_installments(self.company, day, partner_ids=(self.client | florist).ids, force=True)
        relances = run._prepare_relances(self.company, day, rows, force=True, target_level=second_level)
        self.assertEqual(len(relances), 2)
        bakery = relances.filtered(lambda r: r.partner_id == self.client)
        flowers = relances - bakery
        self.assertEqual(bakery.invoice_line_ids.move_id, bakery_invoice)
        self.assertNotIn("simple oubli", text_of(bakery.body_html))
        self.assertIn("Nous revenons vers vous", text_of(bakery.body_html))
        self.assertIn("simple oubli", text_of(flowers.body_html))
        self.assertEqual(relances._repeat_reminder_ids(), frozenset(bakery.ids))
        self.assertTrue(bakery._is_repeat_reminder())
        self.assertFalse(flowers._is_repeat_reminder())

    def test_amounts_are_written_as_the_language_formats_them(self):
        # The tables group the digits themselves (the language's grouping parsed once): the same
        # text as res.lang.format, for the French letters and for the user's language.
        relance = self.env['account.relance'].new({'company_id': self.company.id})
        usd = self.env.ref('base.USD')
        eur = self.env.ref('base.EUR')
        values = (0.0, -0.001, 0.004, 0.005, 1.0, 12.5, 999.995, 1234.5, -1234.56, 1234567.891, -98765432.1)
        for code in ('fr_FR', 'en_US'):
            lang = self.env['res.lang']._lang_get(code)
            data = self.env['res.lang']._get_data(code=code)
            for currency in (eur, usd):
                for value in values:
                    rounded = currency.round(value)
                    expected = (
                        lang.format(
                            f"%.{currency.decimal_places}f", 0.0 if currency.is_zero(value) else rounded, grouping=True
                        )
                        .replace(' ', '\N{NO-BREAK SPACE}')
                        .replace('\N{ZERO WIDTH NO-BREAK SPACE}', '')
                    )
                    expected = (
                        f"{currency.symbol}\N{NO-BREAK SPACE}{expected}"
                        if currency.position == 'before'
                        else f"{expected}\N{NO-BREAK SPACE}{currency.symbol}"
                    )
                    self.assertEqual(relance._format_amount(value, currency, lang=data), expected, (code, value))
        french = self.env['res.lang']._get_data(code='fr_FR')
        self.assertEqual(
            relance._money(-1234.56, eur, french),
            "-1\N{NARROW NO-BREAK SPACE}234,56\N{NO-BREAK SPACE}€"
            if french.thousands_sep == '\N{NARROW NO-BREAK SPACE}'
            else "-1\N{NO-BREAK SPACE}234,56\N{NO-BREAK SPACE}€",
        )
        self.assertEqual(relance._money(0.001, eur), "0,00\N{NO-BREAK SPACE}€")
        self.assertEqual(relance._day(date(2026, 3, 5)), "05/03/2026")
        self.assertEqual(relance._day(date(2026, 3, 5), self.env['res.lang']._get_data(code='en_US')), "03/05/2026")

    # ------------------------------------------------------------------ the signatory

    def test_the_collector_signs_the_mise_en_demeure_with_their_function(self):
        collector = self.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'function': "Responsable du recouvrement",
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        self.company.relance_collector_id = collector
        self.invoice(1000.0)
        relance = self.at_level(self.client, date(2026, 5, 9), FORMAL_NOTICE)
        self.assertRecordValues(
            relance, [{'signatory_id': collector.id, 'signatory_function': "Responsable du recouvrement"}]
        )
        self.assertIn("Claire Recouvrement Responsable du recouvrement Signature", self.letter(relance))

    def test_a_mise_en_demeure_prepared_by_the_scheduled_action_is_signed_by_who_validates_it(self):
        # No collector, no salesperson, prepared as the scheduled action (OdooBot): nobody to sign
        # yet. The user who validates signs; OdooBot cannot.
        self.client.user_id = False
        self.invoice(1000.0, invoice_user_id=False)
        run = self.env['account.relance.run'].sudo()
        rows = run._select_installments(self.company, date(2026, 5, 9), partner_ids=self.client.ids, force=True)
        relance = run._prepare_relances(self.company, date(2026, 5, 9), rows, target_level=self.level[FORMAL_NOTICE])
        relance = relance.sudo(False)
        self.assertRecordValues(relance, [{'state': 'to_validate', 'signatory_id': False}])
        with self.assertRaisesRegex(UserError, "Choose who signs"):
            relance.with_user(self.env.ref('base.user_root')).action_send()
        relance.action_send()
        self.assertEqual(relance.signatory_id, self.env.user)
        letter = self.letter(relance)
        self.assertIn(self.env.user.name, letter)
        self.assertNotIn("OdooBot", letter)

    # ------------------------------------------------------------------ PDF rendering

    def test_the_letters_of_a_batch_go_through_one_wkhtmltopdf_call_when_it_renders_several(self):
        """With a wkhtmltopdf built with patched Qt, the letters of a batch are one call that
        Odoo splits per letter; when it cannot split them (or with Debian's wkhtmltopdf, the
        one here, which renders one document per call), each letter is rendered alone."""
        self.invoice(1000.0)
        self.invoice(500.0, partner=self.consumer)
        relances = self.at_level(self.client, DUE + timedelta(days=SEVERE), SEVERE) | self.at_level(
            self.consumer, DUE + timedelta(days=SEVERE), SEVERE
        )
        Relance, Report = self.env['account.relance'], type(self.env['ir.actions.report'])
        report = 'account_relance_fr.report_relance_letter'
        split = {relance.id: {'stream': io.BytesIO(b'%PDF ' + relance.name.encode())} for relance in relances}
        patched = SimpleNamespace(is_patched_qt=True)
        with (
            patch('odoo.addons.account_relance_fr.models.relance._wkhtml', return_value=patched),
            patch.object(Report, '_render_qweb_pdf_prepare_streams', return_value=split) as batch,
            patch.object(Report, '_render_qweb_pdf', autospec=True, side_effect=Report._render_qweb_pdf) as alone,
        ):
            rendered = Relance.with_context(force_report_rendering=True)._render_each(report, relances)
            self.assertEqual(batch.call_count, 1)
            self.assertEqual(alone.call_count, 0)
            self.assertEqual(rendered, {r.id: (b'%PDF ' + r.name.encode(), 'pdf') for r in relances})
            # The PDF could not be split per letter: Odoo returns it whole; each is rendered alone.
            batch.return_value = {False: {'stream': io.BytesIO(b'%PDF both')}}
            rendered = Relance._render_each(report, relances)
            self.assertEqual(alone.call_count, 2)
            self.assertEqual(set(rendered), set(relances.ids))
        self.assertFalse(_wkhtml().is_patched_qt, "Debian's wkhtmltopdf: one document per call")

    def test_each_letter_of_a_batch_opens_the_pdf_outline_once_so_odoo_can_split_it(self):
        """A batch rendered in one call (patched Qt) is split by Odoo at the top-level headings
        of the PDF outline (``_render_qweb_pdf_prepare_streams``) when its letters are not one
        page each: every letter, the mise en demeure too, opens with exactly one heading of the
        top level, invisible on paper, with its reference. Checked on the HTML that wkhtmltopdf
        receives, one body per letter, as ``ir.actions.report`` prepares it."""
        self.invoice(1000.0)
        self.invoice(500.0, partner=self.consumer)
        severe = self.at_level(self.client, DUE + timedelta(days=SEVERE), SEVERE) | self.at_level(
            self.consumer, DUE + timedelta(days=SEVERE), SEVERE
        )
        notices = self.at_level(self.client, date(2026, 5, 9), FORMAL_NOTICE) | self.at_level(
            self.consumer, date(2026, 5, 9), FORMAL_NOTICE
        )
        Report = self.env['ir.actions.report']
        for report, relances in [
            ('account_relance_fr.report_relance_letter', severe),
            ('account_relance_fr.report_mise_en_demeure', notices),
        ]:
            rendered = Report._render_qweb_html(report, relances.ids, data={'report_type': 'pdf'})[0]
            bodies, ids, *_rest = Report._prepare_html(rendered, report_model='account.relance')
            self.assertEqual(ids, relances.ids, report)
            for relance, body in zip(relances, bodies):
                headings = lxml_html.fromstring(body).xpath('//h1|//h2|//h3|//h4|//h5|//h6')
                top = min(int(heading.tag[1]) for heading in headings)
                tops = [heading for heading in headings if int(heading.tag[1]) == top]
                self.assertEqual(len(tops), 1, f"{report}: one top-level heading per letter")
                self.assertIs(tops[0], headings[0], f"{report}: the letter opens with it")
                self.assertEqual(tops[0].text_content().strip(), relance.name)
                self.assertIn('opacity-0', tops[0].get('class'), "invisible on paper")
            # On screen (HTML report) the letter has no such heading.
            on_screen = Report._render_qweb_html(report, relances.ids)[0].decode()
            self.assertNotIn('opacity-0', on_screen)


@tagged('post_install', '-at_install')
class TestRelanceRateUpdates(RelanceCommon):
    """Rates kept current without a developer: the ECB fetch and the legal-rate reminder."""

    def recorded(self):
        from odoo.tools.misc import file_open

        with file_open('account_relance_fr/tests/data/ecb_mro_rates_recorded.csv') as answer:
            return answer.read()

    def fetch(self, today, text=None, error=None):
        response = type(
            'Response',
            (),
            {'text': text if text is not None else self.recorded(), 'raise_for_status': lambda self: None},
        )()
        with (
            patch(
                'odoo.addons.account_relance_fr.models.relance_ecb_rate.requests.get',
                side_effect=error,
                return_value=response,
            ) as get,
            freeze_time(today),
        ):
            written = self.env['account.relance.ecb.rate']._cron_fetch_ecb_rate()
        get.assert_called_once()
        self.assertIn("FM/D.U2.EUR.4F.KR.MRR_FR.LEV", get.call_args.args[0])
        return written

    def test_the_ecb_fetch_confirms_what_was_to_verify_adds_what_is_missing_and_spares_what_a_person_entered(self):
        Rate = self.env['account.relance.ecb.rate']
        h2_2026 = Rate.search([('date_start', '=', date(2026, 7, 1))])
        self.assertTrue(h2_2026.to_verify)
        Rate.search([('date_start', '=', date(2025, 7, 1))]).unlink()
        corrected = Rate.search([('date_start', '=', date(2026, 1, 1))])
        corrected.ecb_rate = 2.20  # a person corrects it: theirs from now on
        self.assertEqual(corrected.origin, 'manual')
        written = self.fetch(date(2027, 1, 5))
        self.assertEqual(set(written.mapped('date_start')), {date(2025, 7, 1), date(2026, 7, 1), date(2027, 1, 1)})
        self.assertRecordValues(
            written.sorted('date_start'),
            [
                {
                    'date_start': date(2025, 7, 1),
                    'ecb_rate': 2.15,
                    'penalty_rate': 12.15,
                    'origin': 'fetched',
                    'to_verify': False,
                },
                {
                    'date_start': date(2026, 7, 1),
                    'ecb_rate': 2.40,
                    'penalty_rate': 12.40,
                    'origin': 'fetched',
                    'to_verify': False,
                },
                {
                    'date_start': date(2027, 1, 1),
                    'ecb_rate': 2.40,
                    'penalty_rate': 12.40,
                    'origin': 'fetched',
                    'to_verify': False,
                },
            ],
        )
        self.assertIn("ECB Data Portal", written[0].note)
        self.assertEqual(written[0].fetched_on, date(2027, 1, 5))
        self.assertRecordValues(corrected, [{'ecb_rate': 2.20, 'origin': 'manual'}])
        self.assertFalse(self.fetch(date(2027, 1, 6)), "run again: nothing to write")

    def test_updating_the_addon_never_overwrites_a_fetched_or_corrected_line(self):
        Rate = self.env['account.relance.ecb.rate']
        fetched, corrected, shipped = (
            Rate.search([('date_start', '=', day)]) for day in (date(2026, 7, 1), date(2026, 1, 1), date(2025, 7, 1))
        )
        self.fetch(date(2026, 7, 5))
        self.assertEqual(fetched.origin, 'fetched')
        corrected.ecb_rate = 2.20
        for line, shipped_value in ((fetched, 2.40), (corrected, 2.15), (shipped, 2.15)):
            line._load_records_write({'ecb_rate': shipped_value, 'to_verify': line == fetched})
        self.assertRecordValues(
            fetched | corrected | shipped,
            [
                {'ecb_rate': 2.40, 'origin': 'fetched', 'to_verify': False},
                {'ecb_rate': 2.20, 'origin': 'manual', 'to_verify': False},
                {'ecb_rate': 2.15, 'origin': 'shipped', 'to_verify': False},
            ],
        )

    def test_a_failed_fetch_is_logged_and_changes_nothing(self):
        before = self.env['account.relance.ecb.rate'].search([]).read(['date_start', 'ecb_rate', 'to_verify'])
        with self.assertLogs('odoo.addons.account_relance_fr.models.relance_ecb_rate', 'WARNING') as logs:
            self.assertFalse(self.fetch(date(2027, 1, 5), error=requests.ConnectionError("no route to host")))
            self.assertFalse(self.fetch(date(2027, 1, 5), text="<html>Service unavailable</html>"))
        self.assertIn("the next run tries again", logs.output[0])
        self.assertEqual(
            self.env['account.relance.ecb.rate'].search([]).read(['date_start', 'ecb_rate', 'to_verify']), before
        )

    def test_managers_are_asked_for_the_coming_legal_rate_from_20_december(self):
        LegalRate = self.env['account.relance.legal.rate']
        manager = self.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_manager').ids)],
            }
        )
        self.assertFalse(LegalRate._cron_check_next_legal_rate(date(2026, 12, 19)), "not before 20 December")
        activities = LegalRate._cron_check_next_legal_rate(date(2026, 12, 20))
        mine = activities.filtered(lambda a: a.user_id == manager)
        self.assertEqual(mine.summary, "Add the legal interest rate of 1st half of 2027")
        self.assertEqual(mine.date_deadline, date(2027, 1, 1))
        self.assertNotIn(self.env.ref('base.user_root'), activities.user_id, "never OdooBot")
        self.assertFalse(LegalRate._cron_check_next_legal_rate(date(2026, 12, 21)), "once")
        LegalRate.create({'date_start': date(2027, 1, 1), 'rate_private': 6.5, 'rate_other': 2.6})
        activities = LegalRate._cron_check_next_legal_rate(date(2027, 6, 20))
        self.assertEqual(
            activities.filtered(lambda a: a.user_id == manager).summary,
            "Add the legal interest rate of 2nd half of 2027",
        )
