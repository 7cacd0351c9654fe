"""Maileva (Docaposte, La Poste group): letters printed and posted by Maileva.

Contract followed: Maileva's OpenAPI description "Envoi et Suivi de Lettres Recommandées En
Ligne distribuées par le facteur", **registered_mail/v2, document version 2.5**
(servers ``https://api.maileva.com/registered_mail/v2`` and
``https://api.sandbox.maileva.net/registered_mail/v2``), and "Maileva / Authentification"
version 1.4 (OAuth2 token from ``https://connexion.maileva.com/auth/realms/services/protocol/
openid-connect/token``, sandbox ``https://connexion.sandbox.maileva.net/…``; the access token
is sent as ``Authorization: Bearer``). Simple letters go through the sister API "Envoi et Suivi
de Courriers simples" **mail/v2, document version 2.6** (same resources under ``/mail/v2``,
no acknowledgement option, a ``postage_type``). The flow both describe:

1. ``POST /sendings`` (name, custom_id, options, sender address) → 201, the sending in DRAFT;
2. ``POST /sendings/{id}/documents`` (multipart: ``document`` and ``metadata``) → 201;
3. ``POST /sendings/{id}/recipients`` (address lines 1 to 6, country code) → 201;
4. ``POST /sendings/{id}/submit`` → 200: production is requested; a submitted sending cannot
   be cancelled. Maileva then checks it (PENDING → ACCEPTED or REJECTED, then PROCESSED).

Errors come as ``{"errors": [{"code": ..., "message": ...}]}`` (400) or ``{"code", "message"}``.
Follow-up: ``GET /sendings/{id}`` (status, ``status_detail``, ``deposit_proof_url``),
``GET /sendings/{id}/recipients`` (``registered_number``, ``postage_price`` in euros,
``last_delivery_status``, ``acknowledgement_of_receipt_url``),
``GET …/recipients/{rid}/delivery_statuses`` (La Poste's codes A01…P06, D01 distributed, N01
acknowledgement signed, N02…N10 not delivered), proofs downloaded as zip archives.

Idempotency: the API has no idempotency header. Nothing is produced before ``submit``, so the
key is the sending's ``custom_id`` and the sending id is kept as soon as Maileva gives it: a
retry resumes that sending (completing the draft, or reading its status when it was already
submitted) and ``submit`` is never called twice for one letter. An attempt interrupted before
the sending id was recorded is found again by ``GET /sendings?custom_id=…`` ("Liste des
envois": the description says an attribute of the sending may be added as a filter; the
answer is also matched on ``custom_id`` here, in case the filter were ignored).

Not checked without a real account: the exact JSON of a 401 from the token endpoint, whether
``postage_price`` is filled at ACCEPTED or only at PROCESSED, the content of the proof archives
(one PDF each is assumed), and the notification_center webhook payload (only its sending id is
read here, and the status is then fetched from the API, never taken from the notification).
"""

import functools
import io
import json
import logging
import time
import zipfile
from datetime import UTC, datetime

import requests

from .base import PostalProvider, PostalStatus, Proof, ProviderRefused, ProviderUnavailable, SendResult

_logger = logging.getLogger(__name__)

SANDBOX = {
    'api_url': 'https://api.sandbox.maileva.net/registered_mail/v2',
    'mail_api_url': 'https://api.sandbox.maileva.net/mail/v2',
    'auth_url': 'https://connexion.sandbox.maileva.net/auth/realms/services/protocol/openid-connect/token',
}
PRODUCTION = {
    'api_url': 'https://api.maileva.com/registered_mail/v2',
    'mail_api_url': 'https://api.maileva.com/mail/v2',
    'auth_url': 'https://connexion.maileva.com/auth/realms/services/protocol/openid-connect/token',
}

LINE_LENGTH = 38  # "Chaque ligne d'adresse doit contenir au plus 38 caractères"

#: La Poste's and Maileva's delivery codes that end the journey without the letter delivered.
RETURNED_CODES = frozenset(
    ['A14', 'A16', 'A17', 'A18', 'A19', 'A21', 'A22', 'A23', 'A24', 'A25', 'A26']
    + ['P03', 'P04', 'P05', 'P06', 'N02', 'N03', 'N04', 'N05', 'N07', 'N08', 'N10']
)
DISTRIBUTED = 'D01'
ACKNOWLEDGED = 'N01'


def _parse_datetime(value):
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        return None
    # Stored as naive UTC, as Odoo keeps datetimes.
    if parsed.tzinfo:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _unzip(content, kind, default_name):
    """The PDFs of a proof archive (Maileva serves proofs as application/zip)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return [Proof(kind, default_name, content)]
    return [
        Proof(kind, name.rpartition('/')[2] or default_name, archive.read(name))
        for name in archive.namelist()
        if not name.endswith('/')
    ]


def _refused(resource):
    """The status of a sending or a recipient the provider rejected."""
    return PostalStatus(
        'refused', code='REJECTED', label='REJECTED', refused_reason=resource.get('status_detail') or 'REJECTED'
    )


def _delivery_events(call, reference, recipient_id, recipient):
    """The delivery statuses of the recipient (dicts), read only once it has some."""
    if not (recipient_id and recipient.get('last_delivery_status')):
        return []
    listed = call('GET', f'/sendings/{reference}/recipients/{recipient_id}/delivery_statuses')
    return [event for event in listed.get('delivery_statuses') or [] if isinstance(event, dict)]


def _apply_delivery(status, last, events):
    """What the delivery statuses say, on ``status``: the last one's code and label, and
    returned, acknowledged or distributed."""
    codes = {event.get('status'): event for event in events}
    if last:
        status.code = last
        status.label = next((e.get('label') for e in events if e.get('status') == last), '') or last
    if last in RETURNED_CODES:
        status.state = 'returned'
    elif ACKNOWLEDGED in codes or DISTRIBUTED in codes:
        status.state = 'acknowledged' if ACKNOWLEDGED in codes else 'distributed'
        if status.state == 'acknowledged':
            # The receipt is dated the day the postman delivered it (D01), the scan comes later.
            delivered = codes.get(DISTRIBUTED) or codes.get(ACKNOWLEDGED)
            status.acknowledged_at = _parse_datetime(delivered.get('date'))


def _new_proofs(call, reference, recipient_id, sending, recipient, known_proofs):
    """The proofs available that were not downloaded yet: deposit, acknowledgement."""
    proofs = []
    if 'deposit' not in known_proofs and sending.get('deposit_proof_url'):
        content = call('GET', f'/sendings/{reference}/download_deposit_proof', raw=True)
        proofs += _unzip(content, 'deposit', 'preuve_de_depot.pdf')
    if 'acknowledgement' not in known_proofs and recipient_id and recipient.get('acknowledgement_of_receipt_url'):
        content = call(
            'GET',
            f'/sendings/{reference}/recipients/{recipient_id}/download_acknowledgement_of_receipt',
            raw=True,
        )
        proofs += _unzip(content, 'acknowledgement', 'avis_de_reception.pdf')
    return proofs


class MailevaRegisteredMail(PostalProvider):
    code = 'maileva'
    label = "Maileva – lettre recommandée en ligne"
    electronic = False
    environments = {'sandbox': SANDBOX, 'production': PRODUCTION}

    def __init__(self, settings):
        super().__init__(settings)
        self._token = None
        self._token_expiry = 0

    # ------------------------------------------------------------------ HTTP

    def _timeout(self):
        return self.settings.get('timeout') or 30

    def _access_token(self):
        if self._token and time.monotonic() < self._token_expiry:
            return self._token
        try:
            response = requests.post(
                self.settings['auth_url'],
                data={
                    'grant_type': 'password',
                    'username': self.settings.get('username') or '',
                    'password': self.settings.get('password') or '',
                },
                auth=(self.settings.get('client_id') or '', self.settings.get('client_secret') or ''),
                timeout=self._timeout(),
            )
        except requests.RequestException as error:
            raise ProviderUnavailable(f"Maileva authentication unreachable: {type(error).__name__}") from None
        if response.status_code in (400, 401, 403):
            raise ProviderRefused("Maileva refused the credentials of the account.", code='AUTHENTICATION')
        payload = self._json(response)
        token = payload.get('access_token')
        if not isinstance(token, str) or not token:
            raise ProviderUnavailable("Maileva authentication answered without an access token.")
        expires_in = payload.get('expires_in')
        lifetime = expires_in if isinstance(expires_in, int) and expires_in > 0 else 60
        self._token, self._token_expiry = token, time.monotonic() + max(lifetime - 30, 1)
        return token

    @staticmethod
    def _json(response):
        if response.status_code >= 500:
            raise ProviderUnavailable(f"Maileva answered HTTP {response.status_code}.")
        try:
            payload = response.json()
        except ValueError:
            raise ProviderUnavailable(
                f"Maileva answered HTTP {response.status_code} with a malformed body (not JSON)."
            ) from None
        if not isinstance(payload, dict):
            raise ProviderUnavailable(f"Maileva answered HTTP {response.status_code} with a malformed body.")
        return payload

    @staticmethod
    def _refusal(payload, status):
        errors = payload.get('errors')
        if not isinstance(errors, list) or not errors:
            errors = [payload]
        parts = [
            f"{error.get('code') or status}: {error.get('message') or ''}".strip(' :')
            for error in errors
            if isinstance(error, dict)
        ]
        first = errors[0] if isinstance(errors[0], dict) else {}
        return ProviderRefused("; ".join(parts) or f"HTTP {status}", code=first.get('code'))

    def _base_url(self, registered):
        if registered:
            return self.settings['api_url']
        # Another address (a stand-in, a proxy): the simple-mail API beside the registered one.
        return self.settings.get('mail_api_url') or self.settings['api_url'].replace('/registered_mail/', '/mail/')

    def _call(self, method, path, expect=(200,), raw=False, registered=True, **kwargs):
        url = self._base_url(registered).rstrip('/') + path
        headers = {'Authorization': f"Bearer {self._access_token()}", 'Accept': 'application/json'}
        try:
            response = requests.request(method, url, headers=headers, timeout=self._timeout(), **kwargs)
        except requests.RequestException as error:
            raise ProviderUnavailable(f"Maileva unreachable ({method} {path}): {type(error).__name__}") from None
        if response.status_code in expect:
            if raw:
                return response.content
            if response.status_code == 204 or not response.content:
                return {}
            return self._json(response)
        if 400 <= response.status_code < 500:
            try:
                payload = response.json()
            except ValueError:
                payload = {}
            raise self._refusal(payload if isinstance(payload, dict) else {}, response.status_code)
        self._json(response)  # raises for a server error
        raise ProviderUnavailable(f"Maileva answered HTTP {response.status_code} to {method} {path}.")

    # ------------------------------------------------------------------ sending

    @staticmethod
    def _lines(address, prefix=''):
        lines = list(address.lines)[:6] + [''] * (6 - len(address.lines[:6]))
        values = {f'{prefix}address_line_{i}': (line or '')[:LINE_LENGTH] for i, line in enumerate(lines, 1) if line}
        values[f'{prefix}country_code'] = address.country_code
        return values

    def _create_sending(self, filename, options, idempotency_key):
        values = {
            'name': options.name[:256],
            'custom_id': idempotency_key[:38],
            'color_printing': options.color,
            'duplex_printing': options.duplex,
            'optional_address_sheet': False,
            'notification_email': options.notification_email,
            'archiving_duration': 6,
        }
        if options.registered:
            values['acknowledgement_of_receipt'] = options.acknowledgement
        else:
            values['postage_type'] = 'FAST'
        if options.sender:
            values.update(self._lines(options.sender, prefix='sender_'))
        sending = self._call('POST', '/sendings', expect=(201,), json=values, registered=options.registered)
        reference = sending.get('id')
        if not isinstance(reference, str) or not reference:
            raise ProviderUnavailable("Maileva created a sending without telling its id (malformed answer).")
        return sending

    def send(self, document, filename, address, options, idempotency_key, reference=None):
        if options.electronic:
            raise ProviderRefused("Maileva's registered-mail API posts paper letters only.", code='NO_ELECTRONIC')
        call = functools.partial(self._call, registered=options.registered)
        sending = None
        if reference:
            sending = call('GET', f'/sendings/{reference}')
            if sending.get('status') not in (None, 'DRAFT'):
                # Submitted by an earlier call whose answer was lost: never submit it again.
                return self._result(call, reference)
        if not sending:
            sending = self._create_sending(filename, options, idempotency_key)
            reference = sending['id']
        try:
            if not sending.get('documents_count'):
                call(
                    'POST',
                    f'/sendings/{reference}/documents',
                    expect=(201,),
                    files={
                        'document': (filename, document, 'application/pdf'),
                        'metadata': (None, json.dumps({'priority': 1, 'name': filename}), 'application/json'),
                    },
                )
            if not (sending.get('recipients_counts') or {}).get('total'):
                call(
                    'POST',
                    f'/sendings/{reference}/recipients',
                    expect=(201,),
                    json={'custom_id': idempotency_key[:32], **self._lines(address)},
                )
            call('POST', f'/sendings/{reference}/submit', expect=(200,))
        except ProviderUnavailable as error:
            error.reference = reference
            raise
        except ProviderRefused as error:
            # A draft is never produced: delete it so that the corrected letter starts afresh.
            try:
                call('DELETE', f'/sendings/{reference}', expect=(204,))
            except (ProviderRefused, ProviderUnavailable) as cleanup:
                _logger.info("Maileva draft %s left in place: %s", reference, cleanup)
            raise error from None
        return self._result(call, reference)

    def _result(self, call, reference):
        recipient = self._recipient(call, reference)
        return SendResult(
            reference=reference,
            recipient_reference=recipient.get('id') or '',
            tracking_number=recipient.get('registered_number') or '',
            cost=self._cost(recipient),
        )

    def _recipient(self, call, reference):
        recipients = call('GET', f'/sendings/{reference}/recipients').get('recipients')
        if not isinstance(recipients, list):
            raise ProviderUnavailable("Maileva listed the recipients of a sending in a malformed answer.")
        return recipients[0] if recipients and isinstance(recipients[0], dict) else {}

    @staticmethod
    def _cost(recipient):
        price = recipient.get('postage_price')
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
            return None
        return float(price)

    def find(self, idempotency_key, registered=True):
        listed = self._call(
            'GET',
            '/sendings',
            params={'custom_id': idempotency_key[:38], 'start_index': 1, 'count': 50},
            registered=registered,
        )
        sendings = listed.get('sendings')
        if not isinstance(sendings, list):
            raise ProviderUnavailable("Maileva listed the sendings in a malformed answer.")
        found = [
            sending
            for sending in sendings
            if isinstance(sending, dict)
            and sending.get('custom_id') == idempotency_key[:38]
            and isinstance(sending.get('id'), str)
            and sending['id']
        ]
        # A submitted one first: a draft beside it is an attempt that stopped before submitting.
        found.sort(key=lambda sending: sending.get('status') == 'DRAFT')
        return found[0]['id'] if found else None

    # ------------------------------------------------------------------ follow-up

    def fetch_status(self, reference, recipient_reference='', known_proofs=(), registered=True):
        call = functools.partial(self._call, registered=registered)
        sending = call('GET', f'/sendings/{reference}')
        if sending.get('status') == 'REJECTED':
            return _refused(sending)
        recipient = self._recipient(call, reference)
        if recipient.get('status') == 'REJECTED':
            return _refused(recipient)
        status = self._accepted_status(sending, recipient)
        recipient_id = recipient.get('id') or recipient_reference
        _apply_delivery(
            status,
            recipient.get('last_delivery_status') or '',
            _delivery_events(call, reference, recipient_id, recipient),
        )
        status.proofs += _new_proofs(call, reference, recipient_id, sending, recipient, known_proofs)
        return status

    def _accepted_status(self, sending, recipient):
        """The status of a sending the provider took: deposited once it has a deposit proof or
        its processing is over."""
        sending_status = sending.get('status')
        status = PostalStatus(
            'accepted',
            code=sending_status or '',
            label=sending_status or '',
            tracking_number=recipient.get('registered_number') or '',
            cost=self._cost(recipient),
        )
        if sending.get('deposit_proof_date') or sending_status in ('PROCESSED', 'PROCESSED_WITH_ERRORS'):
            status.state = 'deposited'
            status.deposited_at = _parse_datetime(sending.get('deposit_proof_date'))
        return status

    @staticmethod
    def reference_from_notification(payload):
        """The sending a notification is about (notification_center's ``resource_id``)."""
        if not isinstance(payload, dict):
            return None
        for key in ('resource_id', 'sending_id'):
            value = payload.get(key)
            if isinstance(value, str) and 0 < len(value) <= 64:
                return value
        return None
