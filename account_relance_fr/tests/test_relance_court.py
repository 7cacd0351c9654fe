import io
import os
import zipfile
from datetime import date

from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-05-20')
class TestRelanceCourt(RelanceCommon):
    """Boulangerie Martin SARL left the mise en demeure of 9 May 2026 unanswered (deadline
    17 May). On 20 May its file proposes the hand-over and the credit manager prepares the
    requête en injonction de payer for the tribunal de commerce de Lyon.

    Open: 4 000 € due 10 March (71 days late on 20 May) and 1 500 € due 10 April (40 days).
    Penalties at 2.15 + 10 = 12.15 % (2026 H1):
      4 000 x 0.1215 x 71 / 365 = 94.5370 -> 94.54 €
      1 500 x 0.1215 x 40 / 365 = 19.9726 -> 19.97 €
    indemnity 2 x 40 € = 80 €; total 5 500 + 94.54 + 19.97 + 80 = 5 694.51 €.
    Principal and interest 5 614.51 € are over the 5 000 € ceiling: injonction de payer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_company_identity()
        cls.collector = cls.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'function': "responsable du recouvrement",
                'group_ids': [Command.set(cls.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        cls.company.relance_collector_id = cls.collector
        cls.client.write(
            {
                'company_registry': "48512345600021",
                'relance_legal_form': "SARL",
                'relance_representative': "M. Jean Martin, gérant",
            }
        )
        cls.commerce = cls.env['account.relance.court'].create(
            {
                'name': "Tribunal de commerce de Lyon",
                'court_type': 'commerce',
                'street': "44 rue de Bonnel",
                'zip': "69003",
                'city': "Lyon",
                'zip_prefixes': "69",
            }
        )
        cls.env['account.relance.court'].create(
            {'name': "Tribunal de commerce de Paris", 'court_type': 'commerce', 'zip_prefixes': "75"}
        )
        cls.judiciaire = cls.env['account.relance.court'].create(
            {'name': "Tribunal judiciaire de Paris", 'court_type': 'judiciaire', 'zip_prefixes': "75, 92"}
        )
        cls.inv_a = cls.invoice(4000.0)
        cls.inv_b = cls.invoice(1500.0, due=date(2026, 4, 10))
        cls.notice = cls.formal_notice(cls.client)

    @classmethod
    def formal_notice(cls, partner):
        wizard = Form(
            cls.env['account.relance.formal.notice.wizard'].with_context(
                active_model='res.partner', active_ids=partner.ids
            )
        )
        wizard.date = date(2026, 5, 9)
        notice = cls.env['account.relance'].browse(wizard.save().action_prepare()['res_id'])
        # Posted the same day, received on 12 May.
        notice.write({'registered_number': "1A 123 456 7890 1", 'acknowledged_on': date(2026, 5, 12)})
        notice.action_mark_done()
        cls.env['account.relance.run']._run(on_date=date(2026, 5, 20), companies=cls.company, partners=partner)
        return notice

    def file_of(self, partner):
        return self.env['account.relance.file'].search(
            [('partner_id', '=', partner.id), ('company_id', '=', self.company.id), ('state', '=', 'open')]
        )

    def prepare(self, partner, **values):
        action = self.file_of(partner).action_court_claim()
        wizard = Form(self.env[action['res_model']].with_context(**action['context']))
        for name, value in values.items():
            setattr(wizard, name, value)
        result = wizard.save().action_prepare()
        return self.env['account.relance.court.claim'].browse(result['res_id'])

    def pdf_text(self, claim):
        with self.allow_pdf_render():
            pdf, kind = (
                self.env['ir.actions.report']
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf('account_relance_fr.action_report_court_claim', claim.ids)
            )
        self.assertEqual(kind, 'pdf')
        if os.environ.get('RELANCE_KEEP_PDF'):
            with open(os.environ['RELANCE_KEEP_PDF'].replace('.pdf', f'-{claim.kind}.pdf'), 'wb') as kept:
                kept.write(pdf)
        return " ".join(
            " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            .replace("\xa0", " ")
            .replace("\u202f", " ")
            .split()
        )

    def test_an_unanswered_mise_en_demeure_proposes_the_injonction_de_payer(self):
        self.assertEqual(self.notice.state, 'done')
        self.assertEqual(self.notice.deadline, date(2026, 5, 17))
        file = self.file_of(self.client)
        self.assertEqual(file.next_action, 'litigation')
        self.assertEqual(file.handover_route, 'injunction')
        self.assertEqual(file.next_action_label, "Hand over: injonction de payer or agency")

    def test_before_the_deadline_nothing_is_proposed(self):
        file = self.file_of(self.client)
        with freeze_time('2026-05-15'):
            file.invalidate_recordset(['handover_route', 'next_action_label', 'court_hold'])
            self.assertFalse(file.handover_route)
            self.assertIn("Mise en demeure: payment expected by", file.next_action_label)
        # Asked all the same, the requête is refused until the deadline passed.
        early = self.env['account.relance.court.claim.wizard'].create(
            {'file_id': file.id, 'kind': 'injonction', 'date': date(2026, 5, 17)}
        )
        with self.assertRaisesRegex(UserError, r"until 17/05/2026 to pay"):
            early.action_prepare()
        self.assertFalse(self.env['account.relance.court.claim'].search([('file_id', '=', file.id)]))

    def test_the_requete_states_parties_court_breakdown_total_and_documents(self):
        claim = self.prepare(self.client, amount_costs=35.0)
        self.assertEqual(claim.kind, 'injonction')
        self.assertEqual(claim.court_type, 'commerce')
        self.assertEqual(claim.court_id, self.commerce, "the court of the debtor's seat (69002 Lyon)")
        self.assertRecordValues(
            claim.line_ids.sorted('due_date'),
            [
                {
                    'move_id': self.inv_a.id,
                    'principal': 4000.0,
                    'penalties': 94.54,
                    'indemnity': 40.0,
                    'total': 4134.54,
                },
                {
                    'move_id': self.inv_b.id,
                    'principal': 1500.0,
                    'penalties': 19.97,
                    'indemnity': 40.0,
                    'total': 1559.97,
                },
            ],
        )
        self.assertRecordValues(
            claim,
            [
                {
                    'amount_principal': 5500.0,
                    'amount_penalties': 114.51,
                    'amount_indemnity': 80.0,
                    'amount_total': 5694.51,
                    'amount_costs': 35.0,
                    'state': 'draft',
                    'debtor_siren': "485123456",
                    'creditor_siren': "812345678",
                }
            ],
        )
        text = self.pdf_text(claim)
        for expected in (
            "REQUÊTE EN INJONCTION DE PAYER",
            "Tribunal de commerce de Lyon",
            "44 rue de Bonnel",
            # the creditor
            "SARL Atelier Durand SARL",
            "3 quai Saint-Vincent, 69001 Lyon",
            "SIREN 812345678",
            "représentée par Claire Recouvrement, responsable du recouvrement",
            # the debtor
            "SARL Boulangerie Martin",
            "12 rue de la République, 69002 Lyon",
            "SIREN 485123456",
            "M. Jean Martin, gérant",
            # the breakdown per invoice
            f"{self.inv_a.name} 08/02/2026 10/03/2026 4 000,00 € 94,54 € 40,00 € 4 134,54 €",
            f"{self.inv_b.name} 11/03/2026 10/04/2026 1 500,00 € 19,97 € 40,00 € 1 559,97 €",
            "au taux annuel de 12,15 % (taux BCE + 10 points du 1er semestre 2026)",
            "Total réclamé 5 694,51 €",
            "Frais, réclamés en sus 35,00 €",
            "cinq mille six cent quatre-vingt-quatorze euros et cinquante et un centimes",
            # the basis and the documents
            "conditions générales de vente",
            "Mise en demeure du 09/05/2026",
            f"Facture {self.inv_a.name}",
            f"Facture {self.inv_b.name}",
            f"Mise en demeure {self.notice.name} du 09/05/2026 (lettre recommandée n° 1A 123 456 7890 1)",
            "Avis de réception signé le 12/05/2026",
        ):
            self.assertIn(expected, text)
        self.assertIn("Injonction de payer prepared for 5", self.client.message_ids[0].body)

    def test_the_zip_holds_the_requete_and_every_document(self):
        claim = self.prepare(self.client)
        archive = zipfile.ZipFile(io.BytesIO(claim.pack_attachment_id.raw))
        names = sorted(archive.namelist())
        self.assertEqual(
            names,
            sorted(
                [
                    f"{claim._document_filename()}.html",
                    f"Factures/{self.inv_a.name.replace('/', '_')}.html",
                    f"Factures/{self.inv_b.name.replace('/', '_')}.html",
                    f"Mise_en_demeure/{self.notice.name.replace('/', '_')}.html",
                ]
            ),
        )
        self.assertEqual(claim._document_filename(), "Requete_injonction_de_payer_Boulangerie_Martin_2026-05-20")

    def test_the_order_lapses_six_months_after_it_was_made_unless_served(self):
        claim = self.prepare(self.client)
        claim.action_file()
        self.assertEqual((claim.state, claim.filing_date), ('filed', date(2026, 5, 20)))
        claim.order_date = date(2026, 6, 15)
        # 15 June + 6 months = 15 December 2026 (art. 1411 CPC); reminded 30 days ahead.
        self.assertEqual(claim.lapse_date, date(2026, 12, 15))
        self.assertRecordValues(
            claim.activity_ids,
            [
                {
                    'date_deadline': date(2026, 11, 15),
                    'summary': "Serve the order before 2026-12-15 or it lapses (art. 1411 CPC)",
                }
            ],
        )
        claim.order_date = date(2026, 6, 15)  # written again: still one activity
        self.assertEqual(len(claim.activity_ids), 1)
        claim.service_date = date(2026, 7, 1)
        # Served on 1 July: the debtor may oppose until 1 August (art. 1416 CPC).
        self.assertEqual(claim.opposition_deadline, date(2026, 8, 1))
        self.assertRecordValues(
            claim.activity_ids,
            [
                {
                    'date_deadline': date(2026, 8, 1),
                    'summary': "Opposition possible until 2026-08-01 (art. 1416 CPC): then ask for the formule exécutoire",
                }
            ],
        )
        claim.write({'outcome': 'enforceable', 'outcome_date': date(2026, 8, 5)})
        self.assertEqual(claim.state, 'closed')
        self.assertFalse(claim.activity_ids)

    def test_a_consumers_small_claim_gets_the_pack_for_the_commissaire(self):
        # Jeanne Petit owes 800 € due 10 March; the mise en demeure of 9 May, received on 12 May,
        # makes legal interest run (consumer: no penalties, no indemnity), "autres cas" rate of
        # 2026 H1, 2.62 %: 800 x 0.0262 x 8 / 365 = 0.4593 -> 0.46 € from 13 to 20 May.
        # 800.46 € is within the 5 000 € ceiling: small-claims procedure.
        consumer = self.env['res.partner'].create(
            {
                'name': "Jeanne Petit",
                'street': "5 rue des Lilas",
                'zip': "75011",
                'city': "Paris",
                'country_id': self.env.ref('base.fr').id,
                'lang': 'fr_FR',
            }
        )
        self.invoice(800.0, partner=consumer)
        self.formal_notice(consumer)
        file = self.file_of(consumer)
        self.assertEqual(file.handover_route, 'small_claims')
        self.assertIn("Hand over: small-claims procedure (up to", file.next_action_label)
        claim = self.prepare(consumer, commissaire="Étude Leroy, Paris")
        self.assertRecordValues(
            claim,
            [
                {
                    'kind': 'petites_creances',
                    'court_type': 'judiciaire',
                    'court_id': self.judiciaire.id,
                    'debtor_is_company': False,
                    'amount_principal': 800.0,
                    'amount_penalties': 0.46,
                    'amount_indemnity': 0.0,
                    'amount_total': 800.46,
                }
            ],
        )
        text = self.pdf_text(claim)
        for expected in (
            "PROCÉDURE SIMPLIFIÉE DE RECOUVREMENT DES PETITES CRÉANCES",
            "Étude Leroy, Paris",
            "Jeanne Petit demeurant 5 rue des Lilas, 75011 Paris",
            "800,00 € 0,46 € 800,46 €",
            "Intérêts au taux légal",
            "Total réclamé 800,46 €",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("SIREN", text.split("LE DÉBITEUR")[1].split("MONTANT")[0])
        # The agreement refused: the injonction de payer is proposed.
        claim.write({'filing_date': date(2026, 5, 20), 'outcome': 'refused', 'outcome_date': date(2026, 6, 10)})
        action = claim.action_propose_injonction()
        self.assertEqual(action['context']['default_kind'], 'injonction')

    def test_holds_and_bad_input_are_refused_with_a_clear_message(self):
        file = self.file_of(self.client)
        # No court of the right kind for the debtor's seat, and more than one: choose it.
        self.commerce.zip_prefixes = "13"
        with self.assertRaisesRegex(UserError, "Choose the court"):
            self.prepare(self.client)
        self.commerce.zip_prefixes = "69"
        self.client.company_registry = False
        with self.assertRaisesRegex(UserError, "SIRET or SIREN of Boulangerie Martin"):
            self.prepare(self.client)
        self.client.company_registry = "48512345600021"
        self.client.street = False
        with self.assertRaisesRegex(UserError, "address of Boulangerie Martin"):
            self.prepare(self.client)
        self.client.street = "12 rue de la République"
        # A dispute holds the file: not proposed, refused.
        self.inv_b.relance_dispute = True
        file.invalidate_recordset(['handover_route', 'court_hold'])
        self.assertFalse(file.handover_route)
        self.assertIn("disputes invoices", file.court_hold)
        with self.assertRaisesRegex(UserError, "disputes invoices"):
            self.prepare(self.client)
        self.inv_b.relance_dispute = False
        # A procédure collective: individual actions stop.
        self.env['account.relance.insolvency'].create(
            {'partner_id': self.client.id, 'kind': 'redressement', 'judgment_date': date(2026, 5, 18)}
        )
        wizard = self.env['account.relance.court.claim.wizard'].create(
            {'file_id': file.id, 'kind': 'injonction', 'date': date(2026, 5, 20)}
        )
        with self.assertRaisesRegex(UserError, "procédure collective"):
            wizard.action_prepare()

    def test_nothing_owed_is_refused(self):
        self._register_payment(self.inv_a, payment_date=date(2026, 5, 19))
        self._register_payment(self.inv_b, payment_date=date(2026, 5, 19))
        file = self.env['account.relance.file'].search([('partner_id', '=', self.client.id)], limit=1)
        wizard = self.env['account.relance.court.claim.wizard'].create(
            {'file_id': file.id, 'kind': 'injonction', 'date': date(2026, 5, 20)}
        )
        with self.assertRaisesRegex(UserError, "owes nothing"):
            wizard.action_prepare()

    def test_a_user_of_another_company_does_not_see_the_claims(self):
        claim = self.prepare(self.client)
        other = self.setup_other_company()['company']
        user = self.env['res.users'].create(
            {
                'name': "Autre",
                'login': "autre.societe",
                'company_id': other.id,
                'company_ids': [Command.set(other.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_manager').ids)],
            }
        )
        self.assertFalse(self.env['account.relance.court.claim'].with_user(user).search([('id', '=', claim.id)]))
        self.assertFalse(self.env['account.relance.court'].with_user(user).search([]))
