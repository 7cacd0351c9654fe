"""Postal providers: send a letter (a PDF and an address) and follow it until its proofs come back.

Plain Python over HTTP, no ORM: the models give a provider its settings and record what it
answers. Another provider is one class registered in ``PROVIDERS``.
"""

from .base import (
    DELIVERY_STATES,
    PostalAddress,
    PostalProvider,
    PostalStatus,
    Proof,
    ProviderRefused,
    ProviderUnavailable,
    SendOptions,
    SendResult,
)
from .maileva import MailevaRegisteredMail

PROVIDERS = {provider.code: provider for provider in (MailevaRegisteredMail,)}

__all__ = [
    'DELIVERY_STATES',
    'PROVIDERS',
    'MailevaRegisteredMail',
    'PostalAddress',
    'PostalProvider',
    'PostalStatus',
    'Proof',
    'ProviderRefused',
    'ProviderUnavailable',
    'SendOptions',
    'SendResult',
]
