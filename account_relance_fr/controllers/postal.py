import base64
import binascii
import json
import logging

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from ..core.postal import PROVIDERS

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a status notification is a few hundred bytes


class RelancePostalWebhook(http.Controller):
    """Notifications of a postal provider: "something changed on letter X". The request must
    carry the account's secret (header ``X-Relance-Secret``, or the password of HTTP Basic
    authentication for providers that only offer that); the notification only names the letter,
    whose status is then asked from the provider's API, never taken from the request."""

    @staticmethod
    def _given_secret():
        header = request.httprequest.headers.get('X-Relance-Secret')
        if header:
            return header
        authorization = request.httprequest.headers.get('Authorization', '')
        if authorization.startswith('Basic '):
            try:
                decoded = base64.b64decode(authorization[6:], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return ''
            return decoded.partition(':')[2]
        return ''

    @http.route(
        '/account_relance_fr/postal/<int:account_id>/notify',
        type='http',
        auth='public',
        methods=['POST'],
        csrf=False,
        save_session=False,
    )
    def notify(self, account_id, **_kwargs):
        # sudo: the caller is the provider, not a user; it proves itself with the account's secret.
        account = request.env['account.relance.postal.account'].sudo().browse(account_id).exists()
        secret = self._given_secret()
        expected = account.webhook_secret if account else ''
        if not (account and expected and secret and consteq(expected, secret)):
            _logger.warning("Postal notification refused for account %s: wrong secret", account_id)
            return request.make_json_response({'error': 'forbidden'}, status=403)
        body = request.httprequest.get_data(cache=False)
        if len(body) > MAX_BODY:
            return request.make_json_response({'error': 'too large'}, status=413)
        try:
            payload = json.loads(body or b'null')
        except ValueError:
            return request.make_json_response({'error': 'malformed JSON'}, status=400)
        reference = PROVIDERS[account.provider].reference_from_notification(payload)
        if not reference:
            return request.make_json_response({'error': 'no letter named'}, status=400)
        sendings = (
            request.env['account.relance.postal.sending']
            .sudo()
            .with_company(account.company_id)
            .search([('account_id', '=', account.id), ('provider_reference', '=', reference)])
        )
        # Unknown letter: accepted all the same (the provider must not retry forever), nothing done.
        sendings._refresh_status()
        return request.make_json_response({'status': 'ok', 'updated': len(sendings)})
