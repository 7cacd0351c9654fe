import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..core.postal import DELIVERY_STATES, ProviderRefused, ProviderUnavailable

_logger = logging.getLogger(__name__)

#: Keys of a scheduled action's context that must not follow the letters into their own cursor.
CRON_CONTEXT = ('ir_cron_progress_id', 'cron_id', 'lastcall')

SENDING_STATES = [
    ('submitting', "Being handed over"),
    ('unknown', "No answer"),
    ('refused', "Refused"),
    ('accepted', "Accepted"),
    ('deposited', "Deposited"),
    ('distributed', "Distributed"),
    ('acknowledged', "Acknowledged"),
    ('returned', "Returned"),
]
#: Where the letter went out: the relance was sent and the status is followed until it ends.
WENT_OUT = DELIVERY_STATES
FOLLOWED = ('accepted', 'deposited', 'distributed')
#: An attempt still 'submitting' this long after it was recorded was interrupted (the worker
#: stopped between the commit and the provider's answer): the scheduled action resumes it.
INTERRUPTED_AFTER = timedelta(minutes=15)


class AccountRelancePostalSending(models.Model):
    """One letter handed to a postal provider for a relance, and what became of it.

    A relance has one sending per attempt that reached a definite answer: a refused letter may be
    corrected and sent again (a new attempt, a new key); a letter without an answer keeps its key
    and the provider's reference, so that the retry resumes it and nothing is posted twice.

    The provider is never called inside the transaction that validates the relance: the sending
    is first recorded as 'submitting' and committed, then handed over in a transaction of its
    own (``_submit_after_commit``). A sending resumed (``attempts`` > 1) without the provider's
    reference is first looked up at the provider by its key, which the provider stores as the
    letter's own reference: a crash after the provider accepted it cannot post it twice.
    """

    _name = 'account.relance.postal.sending'
    _description = "Letter sent through a postal provider"
    _order = 'id desc'
    _check_company_auto = True

    relance_id = fields.Many2one('account.relance', required=True, index=True, ondelete='restrict', readonly=True)
    company_id = fields.Many2one(related='relance_id.company_id', store=True, index=True)
    partner_id = fields.Many2one(related='relance_id.partner_id', string="Client")
    account_id = fields.Many2one(
        'account.relance.postal.account', "Provider account", required=True, readonly=True, check_company=True
    )
    provider = fields.Char(readonly=True)
    registered = fields.Boolean("Registered letter", readonly=True)
    electronic = fields.Boolean("Electronic registered letter", readonly=True)
    idempotency_key = fields.Char(required=True, readonly=True, copy=False)
    state = fields.Selection(SENDING_STATES, required=True, default='submitting', readonly=True, index=True)
    attempts = fields.Integer(readonly=True, default=1, help="Times the letter was handed to the provider.")
    reason = fields.Char("Provider's answer", readonly=True)
    provider_reference = fields.Char(readonly=True, copy=False, index='btree_not_null')
    recipient_reference = fields.Char(readonly=True, copy=False)
    tracking_number = fields.Char(readonly=True, copy=False)
    status_code = fields.Char("Last status", readonly=True)
    status_label = fields.Char("Last status label", readonly=True)
    deposited_on = fields.Datetime(readonly=True)
    acknowledged_on = fields.Date("Acknowledged on", readonly=True)
    checked_on = fields.Datetime("Last checked", readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id')
    cost = fields.Monetary(readonly=True, currency_field='currency_id')
    fee_id = fields.Many2one('account.relance.fee', "Cost recorded", readonly=True)
    deposit_proof_id = fields.Many2one('ir.attachment', "Proof of deposit", readonly=True)
    acknowledgement_proof_id = fields.Many2one('ir.attachment', "Acknowledgement of receipt", readonly=True)

    _idempotency_key_uniq = models.UniqueIndex('(idempotency_key)', "A letter is sent once per key.")

    # ------------------------------------------------------------------ sending

    def _submit_after_commit(self):
        """Hand these letters to their provider once the current transaction is committed, each
        in a transaction of its own (a post-commit hook: the validation's transaction never waits
        for the provider, and what it recorded survives whatever happens to the call). A hook
        that does not run (the worker stopped) leaves them 'submitting': the scheduled action
        resumes them."""
        if not self:
            return
        ids, uid, registry = self.ids, self.env.uid, self.env.registry
        context = {key: value for key, value in self.env.context.items() if key not in CRON_CONTEXT}

        def submit():
            try:
                with registry.cursor() as cr:
                    api.Environment(cr, uid, context)[self._name].browse(ids).exists()._submit_pending()
            except Exception:  # noqa: BLE001 - after the commit nothing may fail the request; resumed later
                _logger.warning("Letters %s not handed to the postal provider", ids, exc_info=True)

        self.env.cr.postcommit.add(submit)

    def _submit_pending(self):
        """Hand each letter still 'submitting' to its provider, committing after each one: a
        letter another worker is handing over (locked) is left to it."""
        for sending in self:
            if not sending.try_lock_for_update():
                continue
            sending.invalidate_recordset(['state'])
            if sending.state != 'submitting':
                continue
            try:
                sending._submit_now()
            except Exception:  # noqa: BLE001 - one letter's surprise must not hold the others back
                # Its attempt stays 'submitting' (looked up at the provider when resumed).
                self.env.cr.rollback()
                self.env.invalidate_all()
                _logger.warning("Postal letter %s not handed over", sending.idempotency_key, exc_info=True)
                continue
            # Each letter's answer is kept as soon as it is known (a cursor of its own, see above).
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _submit_now(self):
        """Hand the letter to the provider and apply the answer to the relance."""
        self.ensure_one()
        relance = self.relance_id
        letter = relance.letter_attachment_id
        accepted = self._submit(
            letter.raw, letter.name, relance._postal_recipient_address(), relance._postal_send_options(self)
        )
        relance._postal_handed(self, accepted)

    def _find_at_provider(self):
        """Look a letter without the provider's reference up at the provider by its key (an
        attempt interrupted before its answer was recorded). Returns the reference, or ''."""
        self.ensure_one()
        if self.provider_reference:
            return self.provider_reference
        try:
            reference = self.account_id._provider().find(self.idempotency_key, registered=self.registered)
        except (ProviderRefused, ProviderUnavailable) as error:
            _logger.info("Postal letter %s not looked up: %s", self.idempotency_key, error)
            return ''
        if reference:
            self.provider_reference = reference
        return reference or ''

    def _submit(self, document, filename, address, options):
        """Hand the letter to the provider. Returns True when it was accepted; otherwise the
        sending records the answer (refused, or none) and False is returned. Never raises for
        what the provider says: a provider that fails must not take the other relances down."""
        self.ensure_one()
        provider = self.account_id._provider()
        try:
            if self.attempts > 1 and not self.provider_reference:
                # Resumed: the earlier attempt may have reached the provider before it stopped.
                self.provider_reference = provider.find(self.idempotency_key, registered=options.registered) or False
            result = provider.send(
                document, filename, address, options, self.idempotency_key, reference=self.provider_reference
            )
        except ProviderRefused as error:
            self.write({'state': 'refused', 'reason': str(error)[:500]})
            return False
        except ProviderUnavailable as error:
            values = {'state': 'unknown', 'reason': str(error)[:500]}
            if getattr(error, 'reference', None):
                values['provider_reference'] = error.reference
            self.write(values)
            return False
        self.write(
            {
                'state': 'accepted',
                'reason': False,
                'provider_reference': result.reference,
                'recipient_reference': result.recipient_reference,
                'tracking_number': result.tracking_number or False,
            }
        )
        self._record_cost(result.cost)
        return True

    def _record_cost(self, cost):
        """The cost the provider told, once, as a collection fee of the client (counted in the
        KPIs' cost of collection instead of the company's flat cost per letter)."""
        for sending in self:
            if cost is None or sending.fee_id:
                continue
            relance = sending.relance_id
            fee = self.env['account.relance.fee'].create(
                {
                    'partner_id': relance.partner_id.id,
                    'company_id': relance.company_id.id,
                    'date': relance.date,
                    'kind': 'postal',
                    'amount': cost,
                    'note': self.env._(
                        "%(provider)s, %(relance)s (%(reference)s)",
                        provider=sending.account_id.name,
                        relance=relance.name,
                        reference=sending.provider_reference,
                    )[:200],
                }
            )
            sending.write({'cost': cost, 'fee_id': fee.id})

    # ------------------------------------------------------------------ follow-up

    @api.model
    def _cron_refresh_status(self, batch=20):
        """Scheduled action: ask the providers where the letters stand, a batch at a time with a
        commit after each batch, the oldest checked first. One provider or letter that fails is
        logged and skipped; the next run tries it again."""
        self._resume_interrupted()
        domain = [('state', 'in', FOLLOWED), ('provider_reference', '!=', False)]
        cron = self.env['ir.cron']
        remaining = self.search_count(domain)
        cron._commit_progress(remaining=remaining)
        while remaining:
            sendings = self.search(domain, order='checked_on asc nulls first, id', limit=batch)
            sendings = sendings.try_lock_for_update()
            if not sendings:
                break
            sendings._refresh_status()
            remaining = max(remaining - len(sendings), 0)
            if not cron._commit_progress(len(sendings)):
                break

    @api.model
    def _resume_interrupted(self):
        """Letters left 'submitting' by a worker that stopped before the provider's answer was
        recorded: handed over again, looked up first at the provider by their key."""
        interrupted = self.search(
            [
                ('state', '=', 'submitting'),
                ('write_date', '<', fields.Datetime.now() - INTERRUPTED_AFTER),
                ('relance_id.state', '!=', 'cancelled'),
            ]
        )
        for sending in interrupted:
            sending.attempts += 1
        interrupted._submit_pending()

    def _refresh_status(self):
        """Ask the provider where each letter stands and record it; returns the sendings whose
        provider could not answer."""
        unanswered = self.browse()
        for sending in self:
            try:
                with self.env.cr.savepoint():
                    known = [
                        kind
                        for kind, proof in (
                            ('deposit', sending.deposit_proof_id),
                            ('acknowledgement', sending.acknowledgement_proof_id),
                        )
                        if proof
                    ]
                    status = sending.account_id._provider().fetch_status(
                        sending.provider_reference,
                        sending.recipient_reference,
                        known_proofs=known,
                        registered=sending.registered,
                    )
                    sending._apply_status(status)
            except (ProviderRefused, ProviderUnavailable) as error:
                _logger.info("Postal status of %s not available: %s", sending.idempotency_key, error)
                sending.checked_on = fields.Datetime.now()
                unanswered |= sending
            except Exception:  # noqa: BLE001 - one letter's surprise must not stop the others
                _logger.warning("Postal status of %s not recorded", sending.idempotency_key, exc_info=True)
                sending.checked_on = fields.Datetime.now()
                unanswered |= sending
        return unanswered

    def _apply_status(self, status):
        """Record what the provider says: the state only moves forward (or to returned), the
        acknowledgement date and tracking number go to the relance, proofs are attached to it."""
        self.ensure_one()
        if status.state == 'refused':
            self._apply_refusal(status)
            return
        values = self._status_values(status)
        self.write(values)
        self._record_cost(status.cost)
        self._update_relance()
        attachments = self._attach_proofs(status.proofs)
        if 'state' in values or attachments:
            self._post_status(status, values, attachments)

    def _apply_refusal(self, status):
        if self.state != 'refused':
            self.write(
                {
                    'checked_on': fields.Datetime.now(),
                    'status_code': status.code,
                    'status_label': status.label,
                    'state': 'refused',
                    'reason': status.refused_reason[:500],
                }
            )
            self.relance_id._postal_refused_after_acceptance(self)

    def _status_values(self, status):
        """The values of the letter after ``status``: a later state (or returned, final), the
        tracking number, the deposit and acknowledgement dates it did not have."""
        values = {'checked_on': fields.Datetime.now(), 'status_code': status.code, 'status_label': status.label}
        order = {state: index for index, state in enumerate(WENT_OUT)}
        later = status.state in order and (
            status.state == 'returned' or order[status.state] > order.get(self.state, -1)
        )
        if later and self.state != 'returned':
            values['state'] = status.state
        if status.tracking_number and status.tracking_number != self.tracking_number:
            values['tracking_number'] = status.tracking_number
        if status.deposited_at and not self.deposited_on:
            values['deposited_on'] = status.deposited_at
        if status.acknowledged_at and not self.acknowledged_on:
            values['acknowledged_on'] = status.acknowledged_at.date()
        return values

    def _update_relance(self):
        """The tracking number and the acknowledgement date of the letter, on its relance."""
        relance, relance_values = self.relance_id, {}
        if self.tracking_number and relance.registered_number != self.tracking_number:
            relance_values['registered_number'] = self.tracking_number
        if self.acknowledged_on and not relance.acknowledged_on:
            relance_values['acknowledged_on'] = self.acknowledged_on
        if relance_values:
            relance.write(relance_values)

    def _post_status(self, status, values, attachments):
        """A note on the relance: the new state of the letter (``values``, what was written),
        with the proofs received."""
        states = dict(self._fields['state']._description_selection(self.env))
        label = status.label or status.code
        body = self.env._(
            "%(provider)s: %(state)s%(detail)s.",
            provider=self.account_id.name,
            state=states[values['state']] if 'state' in values else states[self.state],
            detail=f" ({label})" if label else "",
        )
        if self.acknowledged_on and 'acknowledged_on' in values:
            body += " " + self.env._("Received by the client on %s.", self.acknowledged_on)
        self.relance_id.message_post(body=Markup("<p>%s</p>") % body, attachment_ids=attachments.ids)

    def _attach_proofs(self, proofs):
        Attachment = self.env['ir.attachment']
        created = Attachment
        field_of = {'deposit': 'deposit_proof_id', 'acknowledgement': 'acknowledgement_proof_id'}
        for proof in proofs:
            fname = field_of.get(proof.kind)
            if not fname or self[fname]:
                continue
            prefix = {'deposit': "Preuve_de_depot", 'acknowledgement': "Avis_de_reception"}[proof.kind]
            attachment = Attachment.create(
                {
                    'name': f"{prefix}_{self.relance_id.name.replace('/', '-')}_{proof.filename}",
                    'raw': proof.content,
                    'mimetype': proof.mimetype,
                    'res_model': 'account.relance',
                    'res_id': self.relance_id.id,
                }
            )
            self[fname] = attachment
            created |= attachment
        return created

    def _proof_attachments(self):
        """The proof documents of these letters, in their order: each one's proof of deposit,
        then its acknowledgement of receipt."""
        proofs = self.env['ir.attachment']
        for sending in self:
            proofs |= sending.deposit_proof_id | sending.acknowledgement_proof_id
        return proofs

    def action_refresh_status(self):
        self.relance_id._check_relance_group()
        self._refresh_status()
        return True
