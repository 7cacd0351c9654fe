"""The interface every postal provider implements, and what it exchanges with the models."""

from dataclasses import dataclass, field
from datetime import datetime

#: Where a letter stands once the provider accepted it, in the order a letter goes through them.
DELIVERY_STATES = ('accepted', 'deposited', 'distributed', 'acknowledged', 'returned')


class ProviderRefused(Exception):
    """The provider answered and said no (bad address, insufficient credit, document refused):
    sending the same thing again gives the same answer. ``code`` is the provider's."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class ProviderUnavailable(Exception):
    """No usable answer (timeout, connection refused, server error, malformed answer): the
    provider may or may not have received the request; only its status can tell."""


@dataclass(frozen=True)
class PostalAddress:
    """A French postal address in the six lines of the postal standard (NF Z10-011), 38
    characters each: 1 company, 2 person, 3 building, 4 street, 5 locality or PO box, 6 postal
    code and town."""

    lines: tuple
    country_code: str = 'FR'


@dataclass(frozen=True)
class SendOptions:
    """What the sender chooses. ``registered``: a lettre recommandée (else simple post);
    ``acknowledgement``: with an avis de réception; ``electronic``: a lettre recommandée
    électronique instead of paper (only providers that offer it)."""

    name: str
    registered: bool = True
    acknowledgement: bool = True
    electronic: bool = False
    color: bool = False
    duplex: bool = False
    sender: PostalAddress = None
    notification_email: str = ''


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the letter: its references, and its cost when it tells it."""

    reference: str
    recipient_reference: str = ''
    tracking_number: str = ''
    cost: float = None


@dataclass(frozen=True)
class Proof:
    """A proof document returned by the provider: ``kind`` is 'deposit' (preuve de dépôt) or
    'acknowledgement' (avis de réception)."""

    kind: str
    filename: str
    content: bytes
    mimetype: str = 'application/pdf'


@dataclass
class PostalStatus:
    """Where the letter stands (one of DELIVERY_STATES), with what the provider said."""

    state: str
    code: str = ''
    label: str = ''
    tracking_number: str = ''
    deposited_at: datetime = None
    acknowledged_at: datetime = None
    cost: float = None
    refused_reason: str = ''
    proofs: list = field(default_factory=list)


class PostalProvider:
    """One provider's API. Subclasses set ``code`` and ``label`` and implement ``send`` and
    ``fetch_status``; ``electronic`` says whether it can send a qualified electronic registered
    letter. Instances hold the settings of one account; they keep no other state between
    calls except a cached access token.

    ``settings`` keys: ``api_url``, ``auth_url``, ``client_id``, ``client_secret``,
    ``username``, ``password``, ``timeout`` (seconds).
    """

    code = None
    label = None
    electronic = False

    def __init__(self, settings):
        self.settings = settings

    def send(self, document, filename, address, options, idempotency_key, reference=None):
        """Send ``document`` (PDF bytes) to ``address``; returns a SendResult once the provider
        accepted it, raises ProviderRefused or ProviderUnavailable otherwise.

        ``idempotency_key`` identifies this letter at the provider: a second call with the same
        key never produces a second letter. ``reference``: what an earlier call that did not
        finish left at the provider (its sending id), to resume from instead of starting over.
        """
        raise NotImplementedError

    def find(self, idempotency_key, registered=True):
        """The provider's reference of the letter sent earlier with ``idempotency_key`` (an
        attempt interrupted before its answer was recorded), or None when the provider has none.
        Providers whose contract offers no look-up by the sender's own reference return None;
        their ``send`` must then be idempotent on the key by itself."""
        return None

    def fetch_status(self, reference, recipient_reference='', known_proofs=(), registered=True):
        """The PostalStatus of a letter sent (``registered`` or simple, as it was sent), with
        the proofs available so far that are not in ``known_proofs`` (kinds already received)."""
        raise NotImplementedError

    @staticmethod
    def reference_from_notification(payload):
        """The provider's reference of the letter a webhook notification is about (None when
        the payload names none). The notification only says which letter to look at: its
        status is then asked from the API."""
        return None
