import logging
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import DUE, RelanceCommon

_logger = logging.getLogger(__name__)


@tagged('post_install', '-at_install')
class TestRelanceQueries(RelanceCommon):
    """The daily run costs a bounded number of queries, whatever the number of invoices."""

    def _queries_of_a_run(self, invoices_per_client):
        clients = self.env['res.partner'].create(
            [
                {
                    'name': f"Client {invoices_per_client}-{i}",
                    'email': f"c{invoices_per_client}-{i}@example.com",
                    'relance_risk_category': 'occasional',
                }
                for i in range(5)
            ]
        )
        for client in clients:
            for _n in range(invoices_per_client):
                self.invoice(100.0, partner=client)
        # The severe level: e-mail, letter and a relance line per invoice for each client.
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        relances = self.run_relance(DUE + timedelta(days=1))
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        self.assertEqual(len(relances), 5)
        self.assertEqual(len(relances.line_ids), 5 * invoices_per_client)
        self.env['account.relance'].search([]).sudo().write({'state': 'cancelled'})
        return count

    def test_queries_do_not_grow_with_the_number_of_invoices(self):
        self.company.relance_attach_invoices = False  # rendering each invoice PDF is per invoice by nature
        self._queries_of_a_run(1)  # warm the caches: the comparison is between warm runs
        small = self._queries_of_a_run(1)  # 5 overdue invoices
        large = self._queries_of_a_run(10)  # 50 overdue invoices
        _logger.info("Relance run: %s queries for 5 overdue invoices, %s for 50", small, large)
        self.assertLessEqual(large - small, 10, f"5 invoices: {small} queries, 50 invoices: {large} queries")

    def _overdue_clients(self, prefix, clients, invoices_per_client, **invoice_values):
        """``clients`` new clients, each with ``invoices_per_client`` posted invoices of 100 € and
        more, due on DUE and the days before."""
        partners = self.env['res.partner'].create(
            [
                {
                    'name': f"{prefix} {clients}-{i}",
                    'email': f"{prefix.lower()}{clients}-{i}@example.com",
                    'is_company': True,
                    'relance_risk_category': 'occasional',
                }
                for i in range(clients)
            ]
        )
        invoices = self.env['account.move'].create(
            [
                {
                    'move_type': 'out_invoice',
                    'partner_id': partner.id,
                    'invoice_date': DUE - timedelta(days=30 + n),
                    'invoice_date_due': DUE - timedelta(days=n),
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [
                        Command.create({'name': "Prestation", 'price_unit': 100.0 + n, 'tax_ids': False})
                    ],
                    **invoice_values,
                }
                for partner in partners
                for n in range(invoices_per_client)
            ]
        )
        invoices.action_post()
        return partners, invoices

    def _queries_of_a_preparation(self, clients, invoices_per_client, day):
        partners, invoices = self._overdue_clients(
            "Client", clients, invoices_per_client, invoice_user_id=self.salesperson.id
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        relances = self.run_relance(day)
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        mine = relances.filtered(lambda r: r.partner_id in partners)
        self.assertEqual(len(mine), clients)
        self.assertEqual(len(mine.line_ids), clients * invoices_per_client)
        # Out of the next measure: one batch of clients each time.
        mine.sudo().write({'state': 'cancelled'})
        invoices.write({'relance_excluded': True})
        return count

    def test_the_preparation_costs_queries_per_batch_not_per_client(self):
        """Preparing the relances of 200 clients costs the same queries as for 10: sequence
        numbers, relances, lines, files and penalties are read and written for the batch."""
        self.scenario.level_ids.auto_send = False  # the preparation alone: sending is the mail queue's
        self._queries_of_a_preparation(3, 2, DUE + timedelta(days=1))  # warm the caches
        small = self._queries_of_a_preparation(10, 3, DUE + timedelta(days=2))
        large = self._queries_of_a_preparation(200, 3, DUE + timedelta(days=3))
        _logger.info("Relance preparation: %s queries for 10 clients, %s for 200", small, large)
        self.assertLess(large - small, 30, f"10 clients: {small} queries, 200 clients: {large} queries")

    def _queries_of_bringing_up_to_date(self, clients, day):
        """Prepare a relance (to validate) for each of ``clients`` new clients with three
        overdue invoices on ``day``, then count the queries of bringing them up to date two
        days later, as the bulk "Send" does before they go out."""
        partners, invoices = self._overdue_clients("Waiting", clients, 3)
        waiting = self.run_relance(day).filtered(lambda r: r.partner_id in partners)
        self.assertEqual(waiting.mapped('state'), ['to_validate'] * clients)
        later = day + timedelta(days=2)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        current = waiting.with_context(relance_today=later)._bring_up_to_date()
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        self.assertEqual(current, waiting, "every relance still claims its invoices")
        self.assertEqual(set(current.mapped('date')), {later})
        self.assertEqual(len(current.line_ids), clients * 3)
        # Out of the next measure.
        current.sudo().write({'state': 'cancelled'})
        invoices.write({'relance_excluded': True})
        return count

    def test_bringing_relances_up_to_date_costs_queries_per_batch_not_per_relance(self):
        """The bulk "Send" of 200 relances waiting for validation brings them up to date with
        the same queries as 10: one selection, one credit read, one penalty computation, one
        insert of the lines, for the batch."""
        self.scenario.level_ids.auto_send = False  # they wait for validation
        self._queries_of_bringing_up_to_date(3, DUE + timedelta(days=1))  # warm the caches
        small = self._queries_of_bringing_up_to_date(10, DUE + timedelta(days=5))
        large = self._queries_of_bringing_up_to_date(200, DUE + timedelta(days=9))
        _logger.info("Bringing relances up to date: %s queries for 10, %s for 200", small, large)
        # What remains grows with Odoo's own chunks of 100 rows (the INSERT of the lines, the
        # UPDATE of the flush): 54 queries for 10 relances, 76 for 200 when measured.
        self.assertLess(large - small, 30, f"10 relances: {small} queries, 200 relances: {large} queries")

    def _queries_of_a_risk_computation(self, clients, on_date):
        partners = self.env['res.partner'].create(
            [
                {
                    'name': f"Risk client {clients}-{i}",
                    'is_company': True,
                    'child_ids': [Command.create({'name': f"Comptable {clients}-{i}"})],
                }
                for i in range(clients)
            ]
        )
        invoices = self.env['account.move'].create(
            [
                {
                    'move_type': 'out_invoice',
                    'partner_id': partner.id,
                    'invoice_date': on_date - timedelta(days=110),
                    'invoice_date_due': on_date - timedelta(days=80),
                    'invoice_payment_term_id': False,
                    'invoice_line_ids': [Command.create({'name': "Prestation", 'price_unit': 100.0, 'tax_ids': False})],
                }
                for partner in partners
            ]
        )
        invoices.action_post()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.env['account.relance.risk']._compute(self.company, on_date, partners)
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        partners = partners.with_company(self.company)
        # Every client changed (80 days overdue: chronic), each with its note.
        self.assertEqual(set(partners.mapped('relance_risk_category')), {'chronic'})
        self.assertTrue(
            all(
                partner.message_ids.filtered(lambda m: "Chronic late payer (computed)" in m.body)
                for partner in partners
            )
        )
        invoices.button_draft()
        return count

    def test_the_risk_computation_costs_queries_per_batch_not_per_client(self):
        """Recording the category of 60 clients that all changed, a note on each, costs the
        same queries as for 10 (the category is no commercial field: no walk through the
        contacts of each client)."""
        on_date = DUE + timedelta(days=200)
        self._queries_of_a_risk_computation(3, on_date)  # warm the caches
        small = self._queries_of_a_risk_computation(10, on_date)
        large = self._queries_of_a_risk_computation(60, on_date)
        _logger.info("Risk computation: %s queries for 10 clients, %s for 60", small, large)
        self.assertLess(large - small, 10, f"10 clients: {small} queries, 60 clients: {large} queries")

    def test_a_payment_of_clients_without_a_file_costs_one_query(self):
        """A bank statement matches payments with the invoices of 20 clients the relance never
        chased: looking for their open files is all it costs, one query, whatever the number
        of clients (no file to close, nothing to plan)."""
        clients = self.env['res.partner'].create([{'name': f"Client à l'heure {i}"} for i in range(20)])
        invoices = self.env['account.move'].concat(*(self.invoice(100.0, partner=client) for client in clients))
        receivable = invoices.line_ids.filtered(lambda line: line.account_type == 'asset_receivable')
        self.assertEqual(len(receivable), 20)
        with self.assertQueryCount(1):
            self.env['account.relance.file']._refresh_after_payment(receivable)
