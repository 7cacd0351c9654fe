import threading
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged('post_install', '-at_install')
class TestRelanceConcurrentRuns(TransactionCase):
    """Two daily runs at the same moment (the scheduled one, and a manager's "run now" or a
    second worker), each in its own database connection and transaction, as in production.

    The data must be committed for both connections to see it: the test commits its clients and
    invoices in the main company, and deletes everything it created afterwards.
    """

    CLIENTS = 6

    def setUp(self):
        super().setUp()
        self.partner_ids, self.move_ids = [], []
        self.addCleanup(self._delete_committed_data)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref('base.main_company')
            today = env['account.relance.run']._company_today(company)
            due = today - timedelta(days=5)  # the first overdue reminder of a punctual payer
            partners = env['res.partner'].create(
                [
                    {
                        'name': f"Client concurrent {n}",
                        'is_company': True,
                        'email': f"client{n}@concurrent.example",
                    }
                    for n in range(self.CLIENTS)
                ]
            )
            self.partner_ids = partners.ids
            moves = (
                env['account.move']
                .with_company(company)
                .create(
                    [
                        {
                            'move_type': 'out_invoice',
                            'partner_id': partner.id,
                            'company_id': company.id,
                            'invoice_date': due - timedelta(days=30),
                            'invoice_date_due': due,
                            'invoice_payment_term_id': False,
                            'invoice_line_ids': [
                                Command.create(
                                    {'name': "Prestation", 'quantity': 1, 'price_unit': 500.0, 'tax_ids': False}
                                )
                            ],
                        }
                        for partner in partners
                    ]
                )
            )
            moves._post(soft=False)
            self.move_ids = moves.ids
            self.today = today
            cr.commit()  # pylint: disable=invalid-commit

    def _delete_committed_data(self):
        if not self.partner_ids:
            return
        with self.registry.cursor() as cr:
            relance_ids = [
                r
                for [r] in self._fetch(
                    cr, SQL("SELECT id FROM account_relance WHERE partner_id = ANY(%s)", self.partner_ids)
                )
            ]
            owners = SQL(
                "(res_model = 'account.relance' AND res_id = ANY(%s)) OR (res_model = 'account.move' AND res_id = ANY(%s))"
                " OR (res_model = 'res.partner' AND res_id = ANY(%s))",
                relance_ids,
                self.move_ids,
                self.partner_ids,
            )
            messages = SQL(
                "(model = 'account.relance' AND res_id = ANY(%s)) OR (model = 'account.move' AND res_id = ANY(%s))"
                " OR (model = 'res.partner' AND res_id = ANY(%s))",
                relance_ids,
                self.move_ids,
                self.partner_ids,
            )
            for query in (
                SQL("DELETE FROM mail_message WHERE %s", messages),
                SQL("DELETE FROM mail_followers WHERE %s", owners),
                SQL("DELETE FROM mail_activity WHERE %s", owners),
                SQL("DELETE FROM ir_attachment WHERE %s", owners),
                SQL("DELETE FROM account_relance WHERE id = ANY(%s)", relance_ids),
                SQL("DELETE FROM account_relance_file WHERE partner_id = ANY(%s)", self.partner_ids),
                SQL("DELETE FROM account_relance_run_log WHERE partner_id = ANY(%s)", self.partner_ids),
                SQL("DELETE FROM account_move_line WHERE move_id = ANY(%s)", self.move_ids),
                SQL("DELETE FROM account_move WHERE id = ANY(%s)", self.move_ids),
                SQL("DELETE FROM res_partner WHERE id = ANY(%s)", self.partner_ids),
            ):
                cr.execute(query)
            cr.commit()  # pylint: disable=invalid-commit

    @staticmethod
    def _fetch(cr, query):
        cr.execute(query)
        return cr.fetchall()

    def test_two_daily_runs_at_the_same_moment_remind_each_client_once_without_error(self):
        start = threading.Barrier(2, timeout=60)
        errors = []

        def daily_run():
            try:
                with self.registry.cursor() as cr:
                    # The test runner holds the registry lock: hand the ready registry to the
                    # worker's transaction instead of looking it up by name.
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    start.wait()
                    env['account.relance.run']._cron_daily_relance()
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - the test reports any error of either run
                errors.append(error)

        workers = [threading.Thread(target=daily_run, name=f"relance-run-{n}") for n in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=240)
        self.assertFalse(any(worker.is_alive() for worker in workers), "a run is stuck")
        self.assertEqual(errors, [], "neither run ends on a database error")

        with self.registry.cursor() as cr:
            per_client = dict(
                self._fetch(
                    cr,
                    SQL(
                        "SELECT partner_id, COUNT(*) FROM account_relance WHERE partner_id = ANY(%s) AND date = %s"
                        " GROUP BY partner_id",
                        self.partner_ids,
                        self.today,
                    ),
                )
            )
            files = dict(
                self._fetch(
                    cr,
                    SQL(
                        "SELECT partner_id, COUNT(*) FROM account_relance_file WHERE partner_id = ANY(%s) AND state = 'open'"
                        " GROUP BY partner_id",
                        self.partner_ids,
                    ),
                )
            )
        self.assertEqual(per_client, dict.fromkeys(self.partner_ids, 1), "each client reminded once, by one run")
        self.assertEqual(files, dict.fromkeys(self.partner_ids, 1), "one open file per client")
