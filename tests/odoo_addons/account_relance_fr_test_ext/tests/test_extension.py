from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.account_relance_fr.tests.common import DUE, RelanceCommon

from ..models.extension import SEEN


@tagged('post_install', '-at_install')
class TestAnotherModuleSeesTheRun(RelanceCommon):
    """A customer's module adds a field with a default and overrides ``create`` on the relances,
    their lines and the files: the daily run's records go through both, as a person's would."""

    def test_the_daily_run_creates_its_records_through_create_and_defaults(self):
        other = self.client.copy(
            {'name': "Pâtisserie Durand", 'email': "compta@durand.example", 'relance_risk_category': 'occasional'}
        )
        invoices = (
            self.invoice(1200.0) + self.invoice(300.0, due=DUE + timedelta(days=3)) + self.invoice(800.0, partner=other)
        )
        before = {model: set(ids) for model, ids in SEEN.items()}
        relances = self.run_relance(DUE + timedelta(days=11))
        files = relances.file_id
        lines = relances.line_ids

        self.assertEqual(len(relances), 2, "one relance per client")
        self.assertEqual(len(files), 2, "one file per client, opened by the run")
        self.assertEqual(lines.move_id, invoices, "the three invoices are listed")
        for records in (relances, lines, files):
            self.assertEqual(
                set(records.mapped('ext_origin')), {"set by the extension's default"}, f"{records._name}: default"
            )
            self.assertTrue(all(records.mapped('ext_seen_by_create')), f"{records._name}: create override")
            new = SEEN[records._name] - before.get(records._name, set())
            self.assertEqual(new, set(records.ids), f"{records._name}: every record seen by the override")
        # Each says in its chatter that it was created, once.
        for record in [*relances, *files]:
            created = record._creation_message()
            notes = record.message_ids.filtered(lambda m, created=created: created in (m.body or ""))
            self.assertEqual(len(notes), 1, f"{record.display_name}: one creation note")
