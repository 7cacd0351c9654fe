"""120 days of daily runs on a French company, read client by client as the clients read them.

Each client's relances must read as one coherent, escalating conversation: relances at least
the minimum gap apart, a tone that never goes down while the file is open, one pending relance
at most, no step over a relance that did not go out, a mise en demeure only after a written
reminder, late validations sent as of their sending day, paid invoices gone, and a new file at
the first reminder after full payment.
"""

import logging
from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from ..models.relance_level import TONES
from .common import RelanceCommon

_logger = logging.getLogger(__name__)

START = date(2026, 1, 5)
DAYS = 120
RANK = {tone: rank for rank, (tone, _label) in enumerate(TONES)}


def day(n):
    return START + timedelta(days=n)


@tagged('post_install', '-at_install')
class TestRelanceFileSimulation(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env['res.partner']
        address = {
            'street': "1 place Bellecour",
            'zip': "69002",
            'city': "Lyon",
            'country_id': cls.env.ref('base.fr').id,
            'lang': 'fr_FR',
        }
        cls.punctual = Partner.create(
            {
                'name': "Horlogerie Exacte",
                'is_company': True,
                'email': "compta@exacte.example",
                'relance_risk_category': 'punctual',
                **address,
            }
        )
        cls.occasional = cls.client  # Boulangerie Martin
        cls.chronic = Partner.create(
            {
                'name': "Garage Lenteur",
                'is_company': True,
                'email': "garage@lenteur.example",
                'relance_risk_category': 'chronic',
                **address,
            }
        )
        cls.no_email = Partner.create(
            {'name': "Ferme Sans Courriel", 'is_company': True, 'relance_risk_category': 'occasional', **address}
        )
        cls.consumer = Partner.create(
            {
                'name': "Jeanne Dupont",
                'is_company': False,
                'email': "jeanne.dupont@example.com",
                'relance_risk_category': 'occasional',
                **address,
            }
        )
        cls.group = Partner.create(
            {
                'name': "Groupe Hôtelier Azur",
                'is_company': True,
                'email': "standard@azur.example",
                'relance_risk_category': 'occasional',
                **address,
            }
        )
        cls.invoicing_contact = Partner.create(
            {
                'name': "Service comptabilité Azur",
                'type': 'invoice',
                'parent_id': cls.group.id,
                'email': "factures@azur.example",
            }
        )
        cls.split_terms = cls.env['account.payment.term'].create(
            {
                'name': "Moitié à 30 jours, moitié à 60 jours",
                'line_ids': [
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 30}),
                    Command.create({'value': 'percent', 'value_amount': 50.0, 'nb_days': 60}),
                ],
            }
        )

    def pay(self, invoice, amount, on):
        with freeze_time(on):
            self.env['account.payment.register'].with_context(
                active_model='account.move',
                active_ids=invoice.ids,
            ).create({'amount': amount, 'payment_date': on, 'group_payment': True})._create_payments()

    def post(self, amount, due, partner, on=None, **values):
        with freeze_time(on or due - timedelta(days=30)):
            return self.invoice(
                amount, due=due, partner=partner, invoice_date=(on or due - timedelta(days=30)), **values
            )

    def test_four_months_of_daily_runs_read_as_one_conversation_per_client(self):
        Relance = self.env['account.relance']
        # Day 0 is 5 January. Old debts: 70 days late when the addon starts.
        old_occasional = self.post(1800.0, day(-70), self.occasional)
        self.post(2400.0, day(-66), self.chronic)
        self.post(950.0, day(3), self.chronic)
        self.post(600.0, day(-2), self.no_email)
        self.post(320.0, day(4), self.consumer)
        self.post(1500.0, day(12), self.punctual)
        self.post(2100.0, day(6), self.invoicing_contact)  # made out to the group's invoicing address
        split = self.post(3000.0, day(20), self.occasional, on=day(-40), invoice_payment_term_id=self.split_terms.id)
        # invoice_date_due is ignored with payment terms: installments at invoice date + 30 and + 60.
        split_dues = sorted(
            split.line_ids.filtered(lambda aml: aml.display_type == 'payment_term').mapped('date_maturity')
        )
        self.assertEqual(split_dues, [day(-10), day(20)])

        events = {
            # The punctual client pays its invoice a week late.
            19: lambda: self.pay(self.punctual_invoice(), 1500.0, day(19)),
            # The occasional client pays part of its old debt, then everything at day 95.
            30: lambda: self.pay(old_occasional, 800.0, day(30)),
            95: lambda: self.pay_all(self.occasional, day(95)),
            # The consumer pays after its second reminder.
            25: lambda: self.pay_all(self.consumer, day(25)),
        }
        # New invoices posted during the period join the open files.
        postings = {
            10: (700.0, day(40), self.occasional),
            50: (450.0, day(60), self.chronic),
            98: (1100.0, day(104), self.occasional),  # after full payment: a new file
        }
        pending_per_day, late_validation = self.simulate(postings, events)

        clients = [self.punctual, self.occasional, self.chronic, self.no_email, self.consumer, self.group]
        relances = Relance.search([('partner_id', 'in', [c.id for c in clients])], order='date, id')
        for client in clients:
            self.log_conversation(client, relances.filtered(lambda r, c=client: r.partner_id == c))
        for client in clients:
            self.assert_one_conversation(client, relances.filtered(lambda r, c=client: r.partner_id == c))
        for counts in pending_per_day:
            self.assertTrue(all(count <= 1 for count in counts.values()), f"more than one pending relance: {counts}")

        # Late validations went out as of their sending day, with a deadline after it.
        self.assertTrue(late_validation, "the scenario validated some relances late")
        for relance_id, (prepared, sent_on) in late_validation.items():
            relance = Relance.browse(relance_id)
            if relance.state == 'cancelled':
                continue
            self.assertEqual(relance.date, sent_on, f"{relance.name} prepared {prepared} sent {sent_on}")
            if relance.tone == 'formal_notice':
                self.assertGreater(relance.deadline, sent_on)

        # Paid invoices disappear from later relances.
        punctual_invoice = self.punctual_invoice()
        self.assertFalse(relances.filtered(lambda r: r.date > day(19) and punctual_invoice in r.line_ids.move_id))
        consumer_later = relances.filtered(lambda r: r.partner_id == self.consumer and r.date > day(25))
        self.assertFalse(consumer_later, "nothing after the consumer paid")

        # The occasional client: an old debt starts at the highest written reminder it passed, then one
        # step at a time up to the mise en demeure (never validated late beyond a week).
        occasional = relances.filtered(lambda r: r.partner_id == self.occasional)
        first_file = occasional[0].file_id
        self.assertEqual(occasional[0].tone, 'last_notice', "70 days late: the last reminder, no 'simple oubli'")
        self.assertEqual(first_file.state, 'closed')
        self.assertEqual(first_file.close_reason, 'paid')
        second = occasional.filtered(lambda r: r.file_id and r.file_id != first_file)
        self.assertTrue(second, "the invoice posted after full payment opened a new file")
        self.assertEqual(second[0].tone, 'cordial', "a new file starts at the first reminder")
        # The two installments of the split invoice are listed with their own due dates.
        split_lines = occasional.line_ids.filtered(lambda line: line.move_id == split)
        self.assertEqual(sorted(set(split_lines.mapped('date_maturity'))), split_dues)

        # The chronic client's last reminder was never validated: it waits, updated, alone.
        chronic = relances.filtered(lambda r: r.partner_id == self.chronic)
        self.assertFalse(
            chronic.filtered(lambda r: r.tone == 'formal_notice'),
            "no mise en demeure while the last reminder waits for validation",
        )
        self.assertEqual(len(chronic.filtered(lambda r: r.state == 'to_validate')), 1)

        # The client without e-mail: held while failed, continued by letter, never two failures piled up.
        no_email = relances.filtered(lambda r: r.partner_id == self.no_email)
        self.assertTrue(no_email.filtered(lambda r: r.state == 'sent' and r.channel_letter))
        self.assertEqual(
            no_email.file_id.level_id,
            no_email.filtered(lambda r: r.state in ('sent', 'done')).sorted(lambda r: (r.date, r.id))[-1:].level_id,
        )

        # The group is reminded at its invoicing address, and only there.
        group = relances.filtered(lambda r: r.partner_id == self.group)
        self.assertTrue(group)
        self.assertEqual(group.contact_id, self.invoicing_contact)

    def simulate(self, postings, events):
        """The daily runs of DAYS days, with the invoices of ``postings`` and the payments of
        ``events`` on their days, and people validating late: (the pending relances of each
        client each day, {relance id: (prepared on, sent on)} of the late validations)."""
        Relance = self.env['account.relance']
        pending_per_day, late_validation, first_seen = [], {}, {}
        for n in range(DAYS):
            today = day(n)
            if n in postings:
                amount, due, partner = postings[n]
                self.post(amount, due, partner, on=today)
            if n in events:
                events[n]()
            with freeze_time(datetime.combine(today, time(9, 0))):
                self.run_relance(today)
                late_validation.update(self.validate_late(today, first_seen))
                self.send_by_letter_after_ten_days(today)
            pending_per_day.append(
                {
                    partner: count
                    for [partner, count] in Relance._read_group(
                        [('company_id', '=', self.company.id), ('state', 'in', ('to_validate', 'failed'))],
                        ['partner_id'],
                        ['__count'],
                    )
                }
            )
        return pending_per_day, late_validation

    def validate_late(self, today, first_seen):
        """A person validates the occasional client's and the group's relances a week late,
        never the chronic client's: {relance id: (prepared on, sent on)} of those sent today."""
        validated = {}
        waiting = self.env['account.relance'].search(
            [('company_id', '=', self.company.id), ('state', '=', 'to_validate')]
        )
        for relance in waiting:
            first_seen.setdefault(relance.id, today)
            if relance.partner_id in (self.occasional, self.group) and (today - first_seen[relance.id]).days >= 7:
                validated[relance.id] = (relance.date, today)
                relance.action_send()
        return validated

    def send_by_letter_after_ten_days(self, today):
        failed = self.env['account.relance'].search(
            [('company_id', '=', self.company.id), ('state', '=', 'failed'), ('partner_id', '=', self.no_email.id)]
        )
        for relance in failed:
            if (today - relance.date).days >= 10:
                relance.action_send_letter_instead()

    def log_conversation(self, client, mine):
        _logger.info(
            "Relances of %s:\n%s",
            client.name,
            "\n".join(
                f"  {r.date} {r.level_id.name:<40} {r.state:<11} {r.contact_id.name} "
                f"{', '.join(r.invoice_line_ids.move_id.mapped('name'))} "
                f"{r.amount_total_due:.2f}{' file ' + str(r.file_id.id) if r.file_id else ''}"
                for r in mine
            ),
        )

    def assert_one_conversation(self, client, mine):
        """What the client read is one conversation: letters at least 5 days apart, each file one
        step at a time and never milder, a mise en demeure after a written reminder, preventive
        reminders only outside a file and without overdue invoices."""
        seen = mine.filtered(lambda r: r.state in ('sent', 'done') and r._is_written())
        for before, after in zip(seen, seen[1:]):
            self.assertGreaterEqual(
                (after.date - before.date).days, 5, f"{client.name}: {before.name} and {after.name} too close"
            )
        for file in mine.file_id:
            self.assert_file_escalates_step_by_step(client, file)
        for relance in mine.filtered(lambda r: r.file_id and r.tone == 'preventive'):
            self.fail(f"{client.name}: a preventive reminder inside a file ({relance.name})")
        for relance in mine.filtered(lambda r: r.tone == 'preventive'):
            self.assertFalse(relance.invoice_line_ids, "the preventive text never lists overdue invoices")

    def assert_file_escalates_step_by_step(self, client, file):
        went_out = file.relance_ids.filtered(lambda r: r.state in ('sent', 'done')).sorted(lambda r: (r.date, r.id))
        ranks = [RANK[r.tone] for r in went_out]
        self.assertEqual(ranks, sorted(ranks), f"{client.name}: the tone went down in {ranks}")
        scenario_levels = file.relance_ids.level_id.scenario_id.level_ids.filtered(
            lambda lv: lv.tone != 'preventive'
        ).sorted(lambda lv: (lv.sequence, lv.delay))
        order = list(scenario_levels)
        for before, after in zip(went_out, went_out[1:]):
            self.assertEqual(
                order.index(after.level_id),
                order.index(before.level_id) + 1,
                f"{client.name}: {after.level_id.name} after {before.level_id.name} skips a step",
            )
        for notice in went_out.filtered(lambda r: r.tone == 'formal_notice'):
            self.assertTrue(
                any(r._is_written() and r.tone != 'formal_notice' and r.date < notice.date for r in went_out),
                f"{client.name}: mise en demeure without written reminder",
            )

    def punctual_invoice(self):
        return self.env['account.move'].search(
            [('partner_id', '=', self.punctual.id), ('move_type', '=', 'out_invoice')]
        )

    def pay_all(self, partner, on):
        for invoice in self.env['account.move'].search(
            [
                ('commercial_partner_id', '=', partner.id),
                ('state', '=', 'posted'),
                ('move_type', '=', 'out_invoice'),
                ('payment_state', 'in', ('not_paid', 'partial')),
            ]
        ):
            self.pay(invoice, invoice.amount_residual, on)
