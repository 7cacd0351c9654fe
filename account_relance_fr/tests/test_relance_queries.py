import logging
from datetime import timedelta

from odoo.tests import tagged

from .common import DUE, RelanceCommon

_logger = logging.getLogger(__name__)


@tagged('post_install', '-at_install')
class TestRelanceQueries(RelanceCommon):
    """The daily run costs a bounded number of queries, whatever the number of invoices."""

    def _queries_of_a_run(self, invoices_per_client):
        clients = self.env['res.partner'].create([
            {'name': f"Client {invoices_per_client}-{i}", 'email': f"c{invoices_per_client}-{i}@example.com",
             'relance_risk_category': 'occasional'}
            for i in range(5)])
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
        self._queries_of_a_run(1)            # warm the caches: the comparison is between warm runs
        small = self._queries_of_a_run(1)    # 5 overdue invoices
        large = self._queries_of_a_run(10)   # 50 overdue invoices
        _logger.info("Relance run: %s queries for 5 overdue invoices, %s for 50", small, large)
        self.assertLessEqual(large - small, 10, f"5 invoices: {small} queries, 50 invoices: {large} queries")
