import html
import io
import re
from datetime import date

from PyPDF2 import PdfReader

from odoo.tests import freeze_time, tagged

from .common import RelanceCommon

SEVERE = 30


def words(text):
    """The words a reader sees, spaces normalised (no-break spaces are spaces to a reader)."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def text_of(markup):
    return re.sub(r" ([,.)])", r"\1", words(html.unescape(re.sub(r"<[^>]+>", " ", str(markup or "")))))


@tagged('post_install', '-at_install')
class TestRelanceReaderFigures(RelanceCommon):
    """A client recomputes what a relance claims from what it reads: the penalties period by
    period, each with its base; the same total on the relance as in its letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.company_registry = "48512345600021"

    def at_level(self, on, delay):
        run = self.env['account.relance.run']
        rows = run._select_installments(self.company, on, partner_ids=self.client.ids, force=True)
        return run._prepare_relances(self.company, on, rows, force=True, target_level=self.level[delay])

    def pay(self, invoice, amount, on):
        with freeze_time(on):
            self.env['account.payment.register'].with_context(
                active_model='account.move', active_ids=invoice.ids
            ).create({'amount': amount, 'payment_date': on, 'group_payment': True})._create_payments()

    def letter_pdf_text(self, relance):
        with self.allow_pdf_render():
            pdf, kind = (
                self.env['ir.actions.report']
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf('account_relance_fr.report_relance_letter', relance.ids)
            )
        self.assertEqual(kind, 'pdf')
        return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))

    def test_a_letter_shows_each_penalty_period_with_its_base_so_the_client_finds_the_same_total(self):
        # 3 000 € due on 20 October 2026, 1 000 € paid on 14 November, severe reminder on
        # 4 December 2026 at the rate of 2026 H2, 2,40 + 10 = 12,40 %:
        #   21 Oct-14 Nov: 25 days on 3 000 € = 3000 x 0.124 x 25 / 365 = 25.479 -> 25,48 €
        #   15 Nov-4 Dec: 20 days on 2 000 € = 2000 x 0.124 x 20 / 365 = 13.589 -> 13,59 €
        #   total 39.068 -> 39,07 € = 25,48 + 13,59 (2 000 € x 12,40 % x 45 / 365 = 30,58 €
        #   is what a reader found when only the period and the rate were shown).
        invoice = self.invoice(3000.0, due=date(2026, 10, 20), invoice_date=date(2026, 9, 20))
        self.pay(invoice, 1000.0, date(2026, 11, 14))
        relance = self.at_level(date(2026, 12, 4), SEVERE)
        line = relance.invoice_line_ids
        self.assertEqual(line.penalty_amount, 39.07)
        self.assertEqual(
            line.penalty_periods,
            [
                {'start': '2026-10-21', 'end': '2026-11-14', 'days': 25, 'base': 3000.0, 'rate': 12.4, 'amount': 25.48},
                {'start': '2026-11-15', 'end': '2026-12-04', 'days': 20, 'base': 2000.0, 'rate': 12.4, 'amount': 13.59},
            ],
        )
        first = "du 21/10/2026 au 14/11/2026 25 3 000,00 € 12,40 % 25,48 €"
        second = "du 15/11/2026 au 04/12/2026 20 2 000,00 € 12,40 % 13,59 €"
        total = "Total (base × taux × jours / 365, période par période) 39,07 €"
        pdf = self.letter_pdf_text(relance)
        for expected in (first, second, total):
            self.assertIn(expected, pdf)
        # The same periods in the e-mail and on the relance form, a line each (no table inside
        # the table's cell), and on the client's page.
        lines = (
            "du 21/10/2026 au 14/11/2026 : 25 jours sur 3 000,00 € à 12,40 % = 25,48 €",
            "du 15/11/2026 au 04/12/2026 : 20 jours sur 2 000,00 € à 12,40 % = 13,59 €",
            "Total (base × taux × jours / 365, période par période) : 39,07 €",
        )
        for where, markup in (("e-mail", relance.body_html), ("relance form", relance.figures_html)):
            for expected in lines:
                self.assertIn(expected, text_of(markup), where)
            self.assertNotIn("Base restant due", text_of(markup), where)  # the table's heading
        statement = self.env['account.relance.statement']._statement(self.client, self.company, date(2026, 12, 4))
        page = text_of(
            self.env['ir.qweb']._render('account_relance_fr.relance_statement_table', {'statement': statement})
        )
        for expected in (first, second, total):
            self.assertIn(expected, page)

    def letter_html_text(self, relance):
        markup, _kind = self.env['ir.actions.report']._render_qweb_html(
            'account_relance_fr.report_relance_letter', relance.ids
        )
        return text_of(markup.decode())

    def test_a_cordial_relance_claims_on_its_form_what_its_letter_claims_without_the_indemnity(self):
        # 600 € due on 10 March 2026, a cordial reminder forced on 19 April (40 days late): the
        # penalties accrued (600 x 12,15 % x 40 / 365 = 7,99 €) and the 40 € indemnity are not
        # claimed by a cordial letter, so its form's total is the 600 € the letter asks for.
        self.invoice(600.0)
        relance = self.at_level(date(2026, 4, 19), 1)
        self.assertEqual(relance.tone, 'cordial')
        self.assertRecordValues(
            relance,
            [
                {
                    'amount_claimed': 600.0,
                    'amount_total_due': 647.99,
                    'claims_penalties': False,
                    'amount_letter_total': 600.0,
                    'amount_by_currency': "600,00\xa0€",
                }
            ],
        )
        letter = self.letter_html_text(relance)
        self.assertIn("procéder au règlement de la somme de 600,00 €", letter)
        self.assertNotIn("647,99", letter)
        self.assertIn("règlement de 600,00 €", text_of(relance.body_html))

    def test_a_severe_relance_claims_on_its_form_what_its_letter_claims_with_the_indemnity(self):
        # 600 € due on 10 March 2026, severe reminder on 9 April (30 days): penalties
        # 600 x 12,15 % x 30 / 365 = 5,99 €, indemnity 40 €: 645,99 € claimed everywhere.
        self.invoice(600.0)
        relance = self.at_level(date(2026, 4, 9), SEVERE)
        self.assertRecordValues(
            relance, [{'claims_penalties': True, 'amount_total_due': 645.99, 'amount_letter_total': 645.99}]
        )
        self.assertIn("procéder au règlement de la somme de 645,99 €", self.letter_html_text(relance))
        self.assertIn("la somme de 645,99 €, pénalités et indemnités comprises", text_of(relance.body_html))

    def test_a_credit_is_written_with_a_plain_minus_in_letters_e_mails_and_the_statement(self):
        # 1 000 € due on 10 March 2026 and a 300 € credit note not reconciled yet: the letter,
        # the e-mail, the mise en demeure and the client's statement print "-300,00 €" with
        # nothing between the minus and the digits (QWeb's widget and formatLang put a
        # zero-width no-break space there).
        self.invoice(1000.0)
        self.invoice(300.0, move_type='out_refund')
        relance = self.at_level(date(2026, 4, 9), SEVERE)
        statement = self.env['account.relance.statement']._statement(self.client, self.company, date(2026, 4, 9))
        formal_notice, _kind = self.env['ir.actions.report']._render_qweb_html(
            'account_relance_fr.report_mise_en_demeure', relance.ids
        )
        for where, markup in (
            (
                "letter",
                self.env['ir.actions.report']
                ._render_qweb_html('account_relance_fr.report_relance_letter', relance.ids)[0]
                .decode(),
            ),
            ("e-mail", relance.body_html),
            ("mise en demeure", formal_notice.decode()),
            (
                "statement",
                self.env['ir.qweb']._render('account_relance_fr.relance_statement_table', {'statement': statement}),
            ),
        ):
            self.assertNotIn("\ufeff", str(markup), where)
            self.assertIn("-300,00 €", text_of(markup), where)
