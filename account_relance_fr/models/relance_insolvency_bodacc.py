"""The procédures collectives of the clients found in the BODACC every day.

The clients watched are those with something owed or invoiced in the last 12 months; they are
looked up by SIREN, a batch at a time, in the DILA's open data (``core/bodacc.py`` says which
fields are read). What a person entered is never overwritten: a judgment already recorded by
hand only gets the BODACC's reference and what was left empty.
"""

import logging
from collections import defaultdict

import requests
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..core.bodacc import (
    BATCH_SIZE,
    DEFAULT_BASE_URL,
    OPENINGS,
    BodaccFormatError,
    batches,
    next_offset,
    parse_page,
    query_params,
    records_url,
)
from .relance_insolvency import EVENT_KINDS, siren_of

_logger = logging.getLogger(__name__)

BASE_URL_PARAMETER = 'account_relance_fr.bodacc_base_url'
WATCH_MONTHS = 12  # clients invoiced in this many months, announcements published in them


class AccountRelanceInsolvency(models.Model):
    _inherit = 'account.relance.insolvency'  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_fetch_bodacc(self, batch_size=BATCH_SIZE):
        """Scheduled daily: read the BODACC for the watched clients and record what it says.

        A batch the BODACC does not answer (network, HTTP error, an answer not in the dataset's
        format) is logged and skipped: tomorrow's run asks again, since every day reads the
        last 12 months and an announcement already recorded is recognised by its id."""
        today = fields.Date.context_today(self)
        watched = self._bodacc_watched(today)
        base_url = self.env['ir.config_parameter'].sudo().get_param(BASE_URL_PARAMETER) or DEFAULT_BASE_URL
        url = records_url(base_url)  # sudo above: a system parameter
        since = today - relativedelta(months=WATCH_MONTHS)
        cron = self.env['ir.cron']
        cron._commit_progress(remaining=len(watched))
        for sirens in batches(watched, batch_size):
            try:
                notices = self._bodacc_fetch(url, sirens, since)
            except (requests.RequestException, BodaccFormatError, ValueError) as error:
                _logger.warning(
                    "BODACC: %s SIREN(s) not read from %s (%s); the next run asks again.", len(sirens), url, error
                )
            else:
                try:
                    with self.env.cr.savepoint():
                        self._bodacc_record(notices, watched)
                except Exception:  # noqa: BLE001 - one batch's surprise must not stop the others
                    _logger.exception("BODACC: announcements of %s SIREN(s) not recorded", len(sirens))
            if not cron._commit_progress(len(sirens)):
                break

    @api.model
    def _bodacc_watched(self, today):
        """{SIREN: [(company, client)]} of the clients with something owed or invoiced in the
        last 12 months, in every company; the clients without a SIREN are counted in the log
        (the list "Clients without SIREN" shows them)."""
        since = today - relativedelta(months=WATCH_MONTHS)
        # sudo: the scheduled action watches the clients of every company.
        groups = (
            self.env['account.move']
            .sudo()
            ._read_group(
                [
                    ('move_type', 'in', ('out_invoice', 'out_refund')),
                    ('state', '=', 'posted'),
                    '|',
                    ('invoice_date', '>=', since),
                    ('relance_open', '=', True),  # the rule of account.relance.installment
                ],
                groupby=['company_id', 'commercial_partner_id'],
            )
        )
        watched = defaultdict(list)
        without = set()
        for company, client in groups:
            siren = siren_of(client.company_registry, client.vat)
            if siren:
                watched[siren].append((company, client))
            elif client.is_company:
                without.add(client.id)
        if without:
            _logger.info("BODACC: %s client(s) without SIREN cannot be looked up.", len(without))
        return dict(watched)

    @api.model
    def _bodacc_fetch(self, url, sirens, since):
        """The Notices of the procédures collectives of ``sirens`` published since ``since``,
        every page of the answer read."""
        notices, offset = [], 0
        while offset is not None:
            response = requests.get(url, params=query_params(sirens, since, offset), timeout=30)
            response.raise_for_status()
            payload = response.json()
            page, skipped = parse_page(payload)
            if skipped:
                _logger.warning("BODACC: announcement(s) %s not readable, skipped.", ", ".join(map(str, skipped)))
            notices += page
            offset = next_offset(payload, offset)
        return notices

    @api.model
    def _bodacc_record(self, notices, watched):
        """Record the announcements for the clients they name, the oldest judgment first (an
        opening before its conversion)."""
        for notice in sorted(notices, key=lambda n: (n.judgment_date, n.published, n.reference)):
            clients = {pair for siren in notice.sirens for pair in watched.get(siren, ())}
            for company, client in sorted(clients, key=lambda pair: (pair[0].id, pair[1].id)):
                self.with_company(company)._bodacc_apply(notice, company, client)

    @api.model
    def _bodacc_apply(self, notice, company, client):
        """One announcement for one client in one company: a new procedure for an opening
        judgment, an event of the procedure for what follows; nothing when already known."""
        Event = self.env['account.relance.insolvency.event']
        domain = [('company_id', '=', company.id), ('bodacc_reference', '=', notice.reference)]
        if self.search_count(domain) or Event.search_count(domain):
            return
        procedures = self.search([('company_id', '=', company.id), ('partner_id', '=', client.id)])
        same = procedures.filtered(lambda p: p.kind == notice.kind and p.judgment_date == notice.judgment_date)[:1]
        if same:
            self._bodacc_complete(same, self._prepare_bodacc_completion(notice), notice)
            return
        ongoing = procedures.filtered(lambda p: p.stage != 'closed')[:1]
        if notice.kind in OPENINGS and not ongoing:
            self.create(self._prepare_bodacc_procedure(notice, company, client))
            return
        procedure = ongoing or procedures[:1]
        if not procedure:
            if notice.kind == 'conversion':
                # The opening was published before the client was watched: a liquidation,
                # to be completed by hand with the opening judgment.
                self.create(self._prepare_bodacc_procedure(notice, company, client, kind='liquidation'))
            else:
                _logger.info("BODACC: %s of %s matches no procedure, ignored.", notice.reference, client.display_name)
            return
        kind = notice.kind if notice.kind in dict(EVENT_KINDS) else 'other'
        event = procedure.event_ids.filtered(lambda e: e.kind == kind and e.date == notice.judgment_date)[:1]
        if event:
            self._bodacc_complete(event, self._prepare_bodacc_completion(notice), notice)
            return
        procedure.event_ids = [Command.create(self._prepare_bodacc_event(notice, kind))]
        procedure.message_post(
            body=self.env._(
                "BODACC %(reference)s of %(published)s: %(nature)s (judgment of %(date)s).",
                reference=notice.reference,
                published=notice.published,
                nature=notice.nature,
                date=notice.judgment_date,
            )
        )

    @api.model
    def _prepare_bodacc_procedure(self, notice, company, client, kind=None):
        note = notice.complement
        if kind and kind != notice.kind:
            note = self.env._(
                "The BODACC gave only this judgment (%(nature)s): complete the opening judgment by hand.\n%(text)s",
                nature=notice.nature,
                text=notice.complement,
            )
        return {
            'company_id': company.id,
            'partner_id': client.id,
            'kind': kind or notice.kind,
            'judgment_date': notice.judgment_date,
            'publication_date': notice.published,
            'court': notice.court,
            'source': 'bodacc',
            'bodacc_reference': notice.reference,
            'note': note,
        }

    @api.model
    def _prepare_bodacc_event(self, notice, kind):
        return {
            'kind': kind,
            'date': notice.judgment_date,
            'publication_date': notice.published,
            'court': notice.court,
            'description': notice.nature[:250],
            'source': 'bodacc',
            'bodacc_reference': notice.reference,
        }

    @api.model
    def _prepare_bodacc_completion(self, notice):
        return {'publication_date': notice.published, 'court': notice.court, 'bodacc_reference': notice.reference}

    @api.model
    def _bodacc_complete(self, record, values, notice):
        """Fill what a person left empty on a judgment recorded by hand; never replace a value."""
        missing = {name: value for name, value in values.items() if value and not record[name]}
        if not missing:
            return
        record.write(missing)
        procedure = record if record._name == self._name else record.insolvency_id
        procedure.message_post(
            body=self.env._(
                "Found in the BODACC (%(reference)s of %(published)s); what was entered by hand is kept.",
                reference=notice.reference,
                published=notice.published,
            )
        )
