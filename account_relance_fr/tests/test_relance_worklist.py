"""The worklist as the collector reads it in the morning: the most urgent first, what to do in
words, the calls due including those already late."""

from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


def on(n):
    return DUE + timedelta(days=n)


@tagged('post_install', '-at_install')
class TestRelanceWorklist(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice(1200.0)
        cls.florist = cls.env['res.partner'].create(
            {'name': "Fleurs Dubois", 'is_company': True, 'email': "fleurs@dubois.example", 'lang': 'fr_FR'}
        )
        cls.invoice(300.0, due=on(40), partner=cls.florist)
        cls.garage = cls.env['res.partner'].create({'name': "Garage sans e-mail", 'is_company': True})
        cls.invoice(450.0, due=on(40), partner=cls.garage)

    def file(self, partner):
        return self.env['account.relance.file'].search(
            [('partner_id', '=', partner.id), ('company_id', '=', self.company.id), ('state', '=', 'open')]
        )

    def test_the_most_urgent_comes_first_and_each_row_says_what_to_do(self):
        self.run_days(on(1), on(45))
        with freeze_time(on(45)):
            files = self.env['account.relance.file'].search([('state', '=', 'open')])
            groups = self.env['account.relance.file']._read_group(
                [('id', 'in', files.ids)], ['worklist_group'], ['partner_id:array_agg']
            )
            self.assertEqual(
                [(group, sorted(ids)) for group, ids in groups],
                [
                    ('1_validate', [self.client.id]),
                    ('2_failed', [self.garage.id]),
                    ('4_later', [self.florist.id]),
                ],
                "to validate, failed, due today, later: in that order",
            )
            bakery, florist, garage = self.file(self.client), self.file(self.florist), self.file(self.garage)
            self.assertEqual(bakery.next_action_label, "Validate the relance")
            self.assertEqual(garage.next_action_label, "Failed: send again or by letter")
            self.assertEqual(florist.next_date, on(60))
            self.assertEqual(florist.next_action_label, "Nothing before 9 May")
            self.assertEqual(self.env['account.relance.file'].search([('worklist_group', '=', '1_validate')]), bakery)
            fr = florist.with_context(lang='fr_FR')
            fr.invalidate_recordset(['next_action_label'])
            self.env['ir.module.module']._load_module_terms(['account_relance_fr'], ['fr_FR'], overwrite=True)
            self.assertEqual(fr.next_action_label, "Rien avant le 9 mai")

    def test_a_call_left_open_is_due_today_until_it_is_made(self):
        self.run_days(on(1), on(20))
        bakery = self.file(self.client)
        [call] = bakery.relance_ids.activity_ids
        self.assertEqual(call.date_deadline, on(20))
        with freeze_time(on(24)):
            bakery.invalidate_recordset()
            self.assertEqual(bakery.call_due_date, on(20))
            self.assertEqual(bakery.worklist_group, '3_today')
            self.assertEqual(bakery.next_action_label, "Call (due since 30 Mar)")
            calls = self.env['account.relance.file'].search(
                [
                    '|',
                    '&',
                    ('next_action', '=', 'call'),
                    ('next_date', '<=', on(24)),
                    ('call_due_date', '<=', on(24)),
                ]
            )
            self.assertIn(bakery, calls, "an overdue call activity is a call due today")
            [(group,)] = self.env['account.relance.file']._read_group([('id', '=', bakery.id)], ['worklist_group'])
            self.assertEqual(group, '3_today')
