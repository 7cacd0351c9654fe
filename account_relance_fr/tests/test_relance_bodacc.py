"""The procédures collectives of the clients read every morning in the BODACC.

The answers come from a local stand-in of the Opendatasoft Explore API v2.1 (records endpoint
of the dataset ``annonces-commerciales``) serving ``data/bodacc_annonces_collectives.json``.
Those announcements are not a capture (the tests never reach the internet): they were built
from the dataset's published schema, field by field (``registre`` as the list of the SIREN
formatted and not, ``jugement`` as a JSON text with ``famille``, ``nature``, ``date``,
``complementJugement``), for fictitious companies; one of them has a ``jugement`` cut short.
"""

import ast
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .bodacc_stand_in import BodaccStandIn
from .common import RelanceCommon

TODAY = '2024-07-01 05:00:00'
LOGGER = 'odoo.addons.account_relance_fr.models.relance_insolvency_bodacc'


@tagged('post_install', '-at_install')
class TestRelanceBodacc(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({'country_id': cls.env.ref('base.fr').id, 'zip': "69003", 'city': "Lyon"})
        # The baker is known by its SIRET, the carrier by its VAT number, the florist by nothing.
        cls.client.company_registry = "49876543200017"
        cls.carrier = cls.env['res.partner'].create(
            {'name': "Transports Rapides", 'is_company': True, 'vat': "FR27521000111", 'city': "Paris"}
        )
        cls.florist = cls.env['res.partner'].create({'name': "Fleurs de Saison", 'is_company': True})
        for partner in (cls.client, cls.carrier, cls.florist):
            cls.invoice(1200.0, due=date(2024, 2, 15), invoice_date=date(2024, 1, 16), partner=partner)

    def setUp(self):
        super().setUp()
        self.stand_in = BodaccStandIn().start()
        self.addCleanup(self.stand_in.stop)
        self.env['ir.config_parameter'].sudo().set_param('account_relance_fr.bodacc_base_url', self.stand_in.base_url)

    def read_the_bodacc(self):
        with freeze_time(TODAY), self.enter_registry_test_mode():
            self.env.ref('account_relance_fr.ir_cron_relance_fetch_bodacc').method_direct_trigger()
        self.env.invalidate_all()

    def procedures(self, partner):
        return self.env['account.relance.insolvency'].search([('partner_id', '=', partner.id)])

    def test_a_redressement_then_its_conversion_are_one_procedure(self):
        with self.assertLogs(LOGGER, 'WARNING') as logs:
            self.read_the_bodacc()
        # The announcement whose judgment is cut short is logged and skipped, not an error.
        self.assertIn("A202400985500", "\n".join(logs.output))
        procedure = self.procedures(self.client)
        self.assertRecordValues(
            procedure,
            [
                {
                    'kind': 'redressement',
                    'judgment_date': date(2024, 3, 16),
                    'publication_date': date(2024, 3, 26),
                    'court': "TRIBUNAL DES ACTIVITES ECONOMIQUES DE LYON",
                    'source': 'bodacc',
                    'bodacc_reference': "A202400581234",
                    # Published 26 March 2024 + 2 months.
                    'declaration_deadline': date(2024, 5, 26),
                    'stage': 'liquidation',
                }
            ],
        )
        self.assertIn("SELARL Mandataires Associés", procedure.note)
        # The conversion of 12 June 2024 (a date written in French) is an event of the same one.
        self.assertRecordValues(
            procedure.event_ids,
            [
                {
                    'kind': 'conversion',
                    'date': date(2024, 6, 12),
                    'publication_date': date(2024, 6, 22),
                    'source': 'bodacc',
                    'bodacc_reference': "A202400981877",
                }
            ],
        )
        self.assertEqual(self.procedures(self.carrier).kind, 'sauvegarde')
        # One request for the two SIRENs, the procédures collectives of the last 12 months; the
        # garage (no invoice here) and the florist (no SIREN) are not asked about.
        self.assertEqual(len(self.stand_in.requests), 1)
        where = self.stand_in.requests[0]['where']
        self.assertIn('familleavis="collective"', where)
        self.assertIn("dateparution>=date'2023-07-01'", where)
        self.assertIn('registre="498765432"', where)
        self.assertIn('registre="521000111"', where)
        self.assertNotIn("800100200", where)
        self.assertFalse(self.env['account.relance.insolvency'].search([('partner_id.name', '=', "GARAGE DU PORT")]))

        # The next morning the same announcements change nothing.
        self.read_the_bodacc()
        self.assertEqual(len(self.procedures(self.client)), 1)
        self.assertEqual(len(procedure.event_ids), 1)
        self.assertEqual(len(self.procedures(self.carrier)), 1)

    def test_what_a_person_entered_is_kept(self):
        # The collector heard of the sauvegarde from the carrier before it was published.
        procedure = self.env['account.relance.insolvency'].create(
            {
                'partner_id': self.carrier.id,
                'company_id': self.company.id,
                'kind': 'sauvegarde',
                'judgment_date': date(2024, 4, 2),
                'court': "Tribunal des activités économiques de Paris (appel du greffe)",
            }
        )
        self.read_the_bodacc()
        self.assertRecordValues(
            procedure,
            [
                {
                    'court': "Tribunal des activités économiques de Paris (appel du greffe)",
                    'source': 'manual',
                    'publication_date': date(2024, 4, 12),
                    'bodacc_reference': "A202400672210",
                    'declaration_deadline': date(2024, 6, 12),
                }
            ],
        )
        self.assertEqual(self.procedures(self.carrier), procedure)
        self.assertIn("A202400672210", " ".join(procedure.message_ids.mapped('body')))

    def test_a_failed_reading_logs_and_is_tried_again_the_next_day(self):
        for scenario in ('error', 'malformed'):
            self.stand_in.scenario = scenario
            with self.assertLogs(LOGGER, 'WARNING') as logs:
                self.read_the_bodacc()
            self.assertIn("the next run asks again", "\n".join(logs.output))
            self.assertFalse(self.procedures(self.client))
        self.stand_in.scenario = 'ok'
        self.read_the_bodacc()
        self.assertEqual(self.procedures(self.client).kind, 'redressement')

    def test_clients_without_siren_are_listed_apart(self):
        action = self.env.ref('account_relance_fr.action_relance_partner_without_siren')
        listed = self.env['res.partner'].search(ast.literal_eval(action.domain))
        self.assertIn(self.florist, listed)
        self.assertNotIn(self.client, listed)
        self.assertNotIn(self.carrier, listed)

    def test_a_conversion_found_alone_opens_a_liquidation_to_complete(self):
        # The carrier's file had no opening judgment in the last 12 months: only a conversion.
        conversion = next(r for r in self.stand_in.records if r['id'] == "A202400981877")
        self.stand_in.records = [dict(conversion, registre=["521 000 111", "521000111"])]
        self.read_the_bodacc()
        procedure = self.procedures(self.carrier)
        self.assertRecordValues(procedure, [{'kind': 'liquidation', 'judgment_date': date(2024, 6, 12)}])
        self.assertIn("complete the opening judgment by hand", procedure.note)
        self.assertEqual(procedure.stage, 'liquidation')
        self.assertFalse(procedure.event_ids.filtered(lambda e: e.kind == 'conversion'))
