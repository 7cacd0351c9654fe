from contextlib import suppress
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models import batch_sql
from .common import DUE, RelanceCommon

# What differs between two records by nature, not by the way they were created.
_OWN = ('id', 'relance_id', 'create_date', 'write_date', 'display_name')
# A module of the test suite extends the lines, as a customer's module would: with it
# installed, the lines go through ``create``.
EXTENSION = 'account_relance_fr_test_ext'


class _Undo(Exception):
    """Rolls back the savepoint of a daily run compared with another."""


@tagged('post_install', '-at_install')
class TestRelanceLineInsert(RelanceCommon):
    """The lines of the daily run are inserted in one statement (the run's one fast path): the
    rows are those ``create`` writes, value for value, and the ORM sees them as it sees
    created ones."""

    def two_pending_relances(self):
        other = self.client.copy(
            {'name': "Pâtisserie Durand", 'email': "compta@durand.example", 'relance_risk_category': 'occasional'}
        )
        self.invoice(1200.0)
        self.invoice(300.0, partner=other)
        relances = self.run_relance(DUE + timedelta(days=50))
        self.assertEqual(len(relances), 2)
        self.assertEqual(set(relances.mapped('state')), {'to_validate'})
        return relances.filtered(lambda r: r.partner_id == self.client), relances - relances.filtered(
            lambda r: r.partner_id == self.client
        )

    def line_values(self):
        """Lines of every kind: penalties with their periods and a rate to verify, a foreign
        currency with amounts to round, a credit without days, values left out or False."""
        invoice, bare = self.invoice(999.0), self.invoice(50.0)
        credit = self.invoice(120.0, move_type='out_refund')
        usd = self.env.ref('base.USD')
        periods = [
            {'start': '2026-03-11', 'end': '2026-04-29', 'days': 50, 'base': 999.0, 'rate': 12.15, 'amount': 16.63}
        ]
        return [
            {
                'kind': 'invoice',
                'move_id': invoice.id,
                'move_line_id': invoice.line_ids.filtered('date_maturity')[:1].id,
                'level_id': self.level[45].id,
                'escalated': True,
                'date_maturity': DUE,
                'days_overdue': 50,
                'currency_id': usd.id,
                'amount_residual_currency': 999.004999,
                'amount_residual': 1000.126,
                'penalty_amount': 16.6349,
                'indemnity_amount': 40.0,
                'penalty_kind': 'penalty',
                'penalty_detail': "du 11 mars au 29 avril 2026, au taux annuel de 12,15 %",
                'penalty_periods': periods,
                'penalty_to_verify': "2026-S1",
            },
            {
                'kind': 'credit',
                'move_id': credit.id,
                'move_line_id': credit.line_ids.filtered('date_maturity')[:1].id,
                'date_maturity': DUE,
                'currency_id': self.company.currency_id.id,
                'amount_residual_currency': -120.0,
                'amount_residual': -120.0,
                'escalated': False,
                'penalty_kind': False,
            },
            {
                'move_id': bare.id,
                'move_line_id': bare.line_ids.filtered('date_maturity')[:1].id,
                'currency_id': self.company.currency_id.id,
            },
        ]

    def stored_values(self, lines):
        """The values of the lines in the fields of this addon (another module's create may set
        its own fields its own way)."""
        names = [
            name
            for name, field in lines._fields.items()
            if field.store and name not in _OWN and field._module == 'account_relance_fr'
        ]
        return [{name: value for name, value in row.items() if name not in _OWN} for row in lines.read(names)]

    def test_lines_go_through_create_when_another_module_extends_them(self):
        extended = EXTENSION in self.env.registry._init_modules
        self.assertEqual(batch_sql.extended_elsewhere(self.env['account.relance.line']), extended)
        self.assertTrue(batch_sql.extended_elsewhere(self.env['account.relance']), "mail.thread overrides create")

    def test_inserted_lines_are_the_lines_create_writes(self):
        Line = self.env['account.relance.line']
        by_create, by_insert = self.two_pending_relances()
        values = self.line_values()
        created = Line.create([dict(vals, relance_id=by_create.id) for vals in values])
        inserted = batch_sql.insert_rows_sql(Line, [dict(vals, relance_id=by_insert.id) for vals in values])
        # The ORM sees the inserted lines as it sees created ones: on their relance, in the
        # fields that depend on them, and read back from the database.
        self.assertEqual(len(inserted), 3)
        self.assertLessEqual(inserted, by_insert.line_ids)
        self.assertEqual(by_insert.rates_to_verify, by_create.rates_to_verify)
        self.assertEqual(by_insert.rates_to_verify, "2026-S1")
        self.env.invalidate_all()
        expected = self.stored_values(created)
        for row in expected:
            row.pop('partner_id'), row.pop('relance_date')
        got = self.stored_values(inserted)
        for row in got:
            self.assertEqual(row.pop('partner_id')[0], by_insert.partner_id.id)
            self.assertEqual(row.pop('relance_date'), by_insert.date)
        self.assertEqual(got, expected)
        self.assertEqual(inserted.mapped('amount_residual_currency')[:1], [999.0], "rounded to the dollar's cents")
        self.assertEqual(inserted.mapped('create_uid'), created.mapped('create_uid'))
        self.assertEqual(inserted.mapped('kind'), ['invoice', 'credit', 'invoice'], "the default kind is given")

    def test_lines_of_a_relance_that_went_out_are_refused(self):
        relance, _other = self.two_pending_relances()
        relance.action_send()
        self.assertEqual(relance.state, 'sent')
        self.assertFalse(self.env.su)
        with self.assertRaisesRegex(Exception, "stay in the history"):
            self.env['account.relance.line']._insert_for(relance, [self.line_values()[:1]])

    def test_a_daily_run_writes_the_same_lines_either_way(self):
        """The daily run of a small ledger (penalties, a partial payment, a credit note, a
        foreign currency), once with its lines inserted, once through ``create``: the same
        lines, value for value."""
        other = self.client.copy(
            {'name': "Pâtisserie Durand", 'email': "compta@durand.example", 'relance_risk_category': 'occasional'}
        )
        self.invoice(1200.0)
        self.invoice(300.0, due=DUE + timedelta(days=20))
        self.invoice(80.0, move_type='out_refund')
        self.invoice(500.0, partner=other, currency_id=self.env.ref('base.USD').id)
        rows = {}
        for inserted in (True, False):
            # The savepoint rolls back on _Undo, which suppress then swallows.
            with suppress(_Undo), self.env.cr.savepoint():
                with patch.object(batch_sql, 'extended_elsewhere', return_value=not inserted):
                    relances = self.run_relance(DUE + timedelta(days=50))
                self.env.invalidate_all()
                lines = relances.line_ids.sorted(lambda line: (line.partner_id.name, line.move_line_id.id))
                rows[inserted] = self.stored_values(lines)
                raise _Undo
        self.assertEqual(len(rows[True]), 4)
        self.assertEqual(rows[True], rows[False])
