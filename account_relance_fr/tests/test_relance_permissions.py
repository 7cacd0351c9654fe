from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelancePermissions(RelanceCommon):
    """Who may do what, tried the way a client of the API would (``with_user``: every call
    below is what an RPC ``call_kw`` or ``write`` of that user does).

    Boulangerie Martin was sent the cordial e-mail of 11 March for 1 000 € due 10 March: that
    relance is history.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls.invoice(1000.0)
        cls.sent = cls.env['account.relance.run']._run(on_date=DUE + timedelta(days=1), companies=cls.company)
        users = {}
        # All three may edit contacts: what stops them below is the relance rule, not the
        # contact access right.
        for login, groups in [
            ("plain.invoicing", "account.group_account_invoice,base.group_partner_manager"),
            ("relance.user", "account_relance_fr.group_relance_user,base.group_partner_manager"),
            ("relance.manager", "account_relance_fr.group_relance_manager,base.group_partner_manager"),
        ]:
            users[login] = new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
        cls.invoicing, cls.user, cls.manager = users.values()
        other = cls.setup_other_company()['company']
        cls.outsider = new_test_user(
            cls.env,
            login="other.manager",
            groups="account_relance_fr.group_relance_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )

    def test_the_relance_that_went_out_is_sent(self):
        self.assertEqual(self.sent.state, 'sent')
        self.assertTrue(self.sent.line_ids)

    def test_nobody_rewrites_a_relance_that_went_out(self):
        for user in (self.user, self.manager, self.env.user):
            relance = self.sent.with_user(user)
            for values in (
                {'state': 'cancelled'},
                {'amount_claimed': 1.0},
                {'state': 'to_validate'},
                {'deadline': date(2026, 4, 1)},
                {'contact_id': self.salesperson.partner_id.id},
            ):
                with self.subTest(user=user.login, values=values), self.assertRaises(UserError):
                    relance.write(values)
            line = relance.line_ids[:1]
            for values in ({'amount_residual': 1.0}, {'escalated': False}, {'penalty_amount': 99.0}):
                with self.subTest(user=user.login, values=values), self.assertRaises(UserError):
                    line.write(values)
            with self.assertRaises(UserError):  # AccessError is a UserError
                line.unlink()
            with self.assertRaises(UserError):  # AccessError is a UserError
                relance.unlink()
            with self.assertRaises(UserError):
                relance.action_cancel()
        other = self.invoice(50.0)
        with self.assertRaises(UserError):
            self.env['account.relance.line'].with_user(self.user).create(
                {
                    'relance_id': self.sent.id,
                    'move_id': other.id,
                    'move_line_id': other.line_ids.filtered(lambda aml: aml.display_type == 'payment_term').id,
                    'currency_id': other.currency_id.id,
                }
            )
        self.assertEqual(self.sent.state, 'sent')
        self.assertEqual(self.sent.amount_claimed, 1000.0)

    def test_what_a_person_fills_in_afterwards_stays_editable(self):
        relance = self.sent.with_user(self.user)
        relance.write(
            {
                'registered_number': "1A 234 567 8901 2",
                'acknowledged_on': date(2026, 3, 14),
                'note': "Le gérant promet un virement vendredi.",
            }
        )
        relance.action_mark_done()
        self.assertRecordValues(
            self.sent,
            [{'state': 'done', 'registered_number': "1A 234 567 8901 2", 'acknowledged_on': date(2026, 3, 14)}],
        )

    def test_a_relance_cannot_be_created_as_already_sent(self):
        with self.assertRaises(AccessError):
            self.env['account.relance'].with_user(self.manager).create(
                {
                    'partner_id': self.client.id,
                    'contact_id': self.client.id,
                    'date': date(2026, 3, 20),
                    'level_id': self.level[10].id,
                    'state': 'sent',
                }
            )

    def test_a_plain_invoicing_user_reads_but_changes_nothing_of_the_relances(self):
        self.assertEqual(self.sent.with_user(self.invoicing).name, self.sent.name)
        relance = self.sent.with_user(self.invoicing)
        for method in ('action_send', 'action_cancel', 'action_mark_done', 'action_hand_over_to_litigation'):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(relance, method)()
        with self.assertRaises(AccessError):
            relance.write({'note': "x"})
        move = self.move.with_user(self.invoicing)
        for method in ('action_relance_reinstate', 'action_relance_resolve_dispute'):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(move, method)()
        for values in ({'relance_excluded': True}, {'relance_dispute': True}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                move.write(values)
        client = self.client.with_user(self.invoicing)
        with self.assertRaises(AccessError):
            client.action_relance_resume()
        for values in ({'relance_litigation': True}, {'relance_suspended': True}, {'relance_contract_rate': 15.0}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                client.write(values)

    def test_a_plain_invoicing_user_still_edits_the_contacts_of_a_client_in_litigation(self):
        self.client.relance_litigation = True
        contact = (
            self.env['res.partner']
            .with_user(self.invoicing)
            .create({'name': "Mme Martin", 'parent_id': self.client.id, 'email': "mme@boulangerie-martin.example"})
        )
        contact.phone = "04 78 00 00 00"
        self.assertTrue(contact.relance_litigation, "the commercial flag follows the client")

    def test_a_relance_user_suspends_and_excludes_but_does_not_hand_over_to_litigation(self):
        client = self.client.with_user(self.user)
        client.write({'relance_suspended': True, 'relance_suspension_reason': "Redressement judiciaire"})
        client.action_relance_resume()
        self.assertFalse(self.client.relance_suspended)
        self.move.with_user(self.user).write({'relance_excluded': True, 'relance_exclusion_reason': "Geste"})
        self.move.with_user(self.user).action_relance_reinstate()
        self.assertFalse(self.move.relance_excluded)
        with self.assertRaises(AccessError):
            client.write({'relance_litigation': True})
        with self.assertRaises(AccessError):
            self.sent.with_user(self.user).action_hand_over_to_litigation()
        with self.assertRaises(AccessError):
            client._relance_force_risk('chronic', "Essai")

    def test_relance_buttons_work_without_the_right_to_edit_contacts(self):
        user = new_test_user(
            self.env,
            login="relance.nocontact",
            groups="account_relance_fr.group_relance_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        manager = new_test_user(
            self.env,
            login="manager.nocontact",
            groups="account_relance_fr.group_relance_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.client.relance_suspended = True
        self.client.with_user(user).action_relance_resume()
        self.assertFalse(self.client.relance_suspended)
        self.sent.with_user(manager).action_hand_over_to_litigation()
        self.assertTrue(self.client.relance_litigation)

    def test_a_relance_manager_hands_over_to_litigation(self):
        self.sent.with_user(self.manager).action_hand_over_to_litigation()
        self.assertTrue(self.client.relance_litigation)
        self.client.with_user(self.manager).write({'relance_litigation': False})
        self.assertFalse(self.client.relance_litigation)

    def test_a_user_of_another_company_touches_nothing_of_this_one(self):
        with self.assertRaises(AccessError):
            self.sent.with_user(self.outsider).write({'note': "x"})
        with self.assertRaises(AccessError):
            self.sent.with_user(self.outsider).action_mark_done()
        with self.assertRaises(AccessError):
            self.move.with_user(self.outsider).action_relance_reinstate()
        local = self.env['res.partner'].create({'name': "Client de la société A", 'company_id': self.company.id})
        with self.assertRaises(AccessError):
            local.with_user(self.outsider)._relance_force_risk('chronic', "Essai")
        self.assertFalse(local.with_company(self.company).relance_risk_forced)
