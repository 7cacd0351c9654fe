"""A local stand-in for Maileva's registered-mail API (registered_mail/v2, document version
2.5) and its OAuth2 token endpoint, answering as the published OpenAPI description says.

Started by the tests on 127.0.0.1 with a port chosen by the system; nothing reaches the
internet. ``scenario`` makes it refuse a recipient, stay silent or hang up on submit (while
taking the letter, as a provider whose answer is lost would), or answer garbage.
"""

import base64
import io
import json
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .local_server import LocalServer

CLIENT_ID, CLIENT_SECRET, TOKEN = 'relance-client', 'client-secret', 'stand-in-token'
#: Registered letters (registered_mail/v2) and simple letters (mail/v2, document version 2.6):
#: the same resources under two prefixes.
PREFIXES = ('/registered_mail/v2', '/mail/v2')


def _parts(path):
    path = path.split('?')[0]
    for prefix in PREFIXES:
        if path.startswith(prefix):
            return prefix, path[len(prefix) :].strip('/').split('/')
    return None, path.strip('/').split('/')


def _zip(name, content):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


class Handler(BaseHTTPRequestHandler):
    """Maileva's answers, from the state kept by the server's ``stand_in``."""

    def log_message(self, *args):
        pass

    def _send(self, status, payload=None, raw=None, content_type='application/json'):
        body = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else b'')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server.stand_in.requests.append(
            {'method': self.command, 'path': self.path, 'headers': dict(self.headers), 'body': body}
        )
        return body

    def do_POST(self):
        body = self._record()
        if self.path == '/token':
            expected = 'Basic ' + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.headers.get('Authorization') != expected:
                return self._send(401, {'error': 'invalid_client'})
            return self._send(200, {'access_token': TOKEN, 'expires_in': 3600, 'token_type': 'Bearer'})
        if self.headers.get('Authorization') != f'Bearer {TOKEN}':
            return self._send(401, {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'})
        api, parts = _parts(self.path)
        if parts == ['sendings']:
            if self.server.stand_in.scenario == 'malformed':
                return self._send(201, raw=b'<html>Service Unavailable</html>', content_type='text/html')
            values = json.loads(body)
            sending_id = str(uuid.uuid4())
            self.server.stand_in.sendings[sending_id] = {
                'id': sending_id,
                'name': values['name'],
                'custom_id': values.get('custom_id'),
                'status': 'DRAFT',
                'documents_count': 0,
                'recipients_counts': {'total': 0},
                'options': values,
                'recipient': None,
                'submitted': 0,
                'api': api,
            }
            return self._send(201, self.server.stand_in.sendings[sending_id])
        sending = self.server.stand_in.sendings.get(parts[1]) if len(parts) > 1 else None
        if not sending:
            return self._send(404, {'code': 'SENDING_NOT_FOUND', 'message': 'Ressource SENDING introuvable'})
        action = parts[2] if len(parts) > 2 else ''
        if sending['status'] != 'DRAFT':
            return self._send(
                400,
                {'errors': [{'code': 'SENDING_STATUS_IS_NOT_DRAFT', 'message': "L'envoi n'est pas en état draft"}]},
            )
        if action == 'documents':
            sending['documents_count'] += 1
            sending['document'] = body
            return self._send(201, {'id': str(uuid.uuid4()), 'priority': 1})
        if action == 'recipients':
            values = json.loads(body)
            if self.server.stand_in.scenario == 'refuse':
                return self._send(
                    400,
                    {
                        'errors': [
                            {
                                'code': 'ADDRESS_LINE_6_WRONG_FORMAT',
                                'message': "Le champ address_line_6 doit avoir le format [CODE_POSTAL] [VILLE]",
                            }
                        ]
                    },
                )
            sending['recipients_counts'] = {'total': 1}
            sending['recipient'] = {
                'id': str(uuid.uuid4()),
                'status': 'DRAFT',
                'values': values,
                'events': [],
            }
            return self._send(201, {'id': sending['recipient']['id'], 'status': 'DRAFT', **values})
        if action == 'submit':
            sending['submitted'] += 1
            sending['status'] = 'ACCEPTED'
            sending['recipient']['status'] = 'PENDING'
            sending['recipient']['registered_number'] = '1A' + sending['id'].replace('-', '')[:11].upper()
            sending['recipient']['postage_price'] = 7.35
            if self.server.stand_in.scenario == 'timeout':
                time.sleep(self.server.stand_in.silence)
            if self.server.stand_in.scenario == 'drop':
                self.close_connection = True
                return None
            return self._send(200, raw=b'')
        return self._send(404, {'code': 'NOT_FOUND', 'message': self.path})

    @staticmethod
    def _public(sending):
        return {k: v for k, v in sending.items() if k not in ('recipient', 'options', 'document', 'submitted', 'api')}

    def do_DELETE(self):
        self._record()
        _api, parts = _parts(self.path)
        sending = self.server.stand_in.sendings.get(parts[1]) if len(parts) > 1 else None
        if not sending or sending['status'] != 'DRAFT':
            return self._send(400, {'errors': [{'code': 'SENDING_STATUS_IS_NOT_DRAFT', 'message': ''}]})
        del self.server.stand_in.sendings[parts[1]]
        return self._send(204, raw=b'')

    def do_GET(self):
        self._record()
        if self.headers.get('Authorization') != f'Bearer {TOKEN}':
            return self._send(401, {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'})
        api, parts = _parts(self.path)
        if self.server.stand_in.scenario == 'down':
            return self._send(503, raw=b'<html>Maintenance</html>', content_type='text/html')
        if parts == ['sendings']:
            # "Liste des envois": an attribute of the sending given as a parameter filters the list.
            query = parse_qs(urlsplit(self.path).query)
            listed = [
                self._public(sending)
                for sending in self.server.stand_in.sendings.values()
                if sending['api'] == api
                and all(str(sending.get(key)) == values[0] for key, values in query.items() if key == 'custom_id')
            ]
            return self._send(200, {'sendings': listed, 'paging': {'total_results': len(listed)}})
        sending = self.server.stand_in.sendings.get(parts[1]) if len(parts) > 1 else None
        if not sending:
            return self._send(404, {'code': 'SENDING_NOT_FOUND', 'message': 'Ressource SENDING introuvable'})
        if len(parts) == 2:
            return self._send(200, self._public(sending))
        if parts[2] == 'download_deposit_proof':
            return self._send(
                200,
                raw=_zip('preuve_de_depot.pdf', b'%PDF-1.4 preuve de depot'),
                content_type='application/zip',
            )
        recipient = sending['recipient']
        if parts[2] == 'recipients' and len(parts) == 3:
            listed = []
            if recipient:
                events = recipient['events']
                listed.append(
                    {
                        'id': recipient['id'],
                        'status': recipient['status'],
                        'registered_number': recipient.get('registered_number'),
                        'postage_price': recipient.get('postage_price'),
                        'last_delivery_status': events[-1]['status'] if events else None,
                        'last_delivery_status_date': events[-1]['date'] if events else None,
                        'acknowledgement_of_receipt_url': recipient.get('acknowledgement_of_receipt_url'),
                        **recipient['values'],
                    }
                )
            return self._send(200, {'recipients': listed, 'paging': {'total_results': len(listed)}})
        if parts[-1] == 'delivery_statuses':
            return self._send(200, {'delivery_statuses': recipient['events'], 'paging': {}})
        if parts[-1] == 'download_acknowledgement_of_receipt':
            return self._send(
                200,
                raw=_zip('avis_de_reception.pdf', b'%PDF-1.4 avis de reception'),
                content_type='application/zip',
            )
        return self._send(404, {'code': 'NOT_FOUND', 'message': self.path})


class MailevaStandIn(LocalServer):
    def __init__(self):
        super().__init__(Handler)
        self.requests = []
        self.sendings = {}
        self.scenario = 'ok'
        # Seconds of silence of the 'timeout' scenario: Odoo's tests raise every HTTP timeout
        # below 10 s to 10 s, so the stand-in stays silent a little longer than that.
        self.silence = 10.5

    def calls(self, method, suffix=''):
        return [r for r in self.requests if r['method'] == method and r['path'].endswith(suffix)]

    def advance(self, sending_id, *, processed=False, delivered=None, acknowledged=None, returned=None):
        """What Maileva and La Poste do after the submission: produce, deposit, deliver."""
        sending = self.sendings[sending_id]
        if processed:
            sending['status'] = 'PROCESSED'
            sending['deposit_proof_date'] = '2026-05-11T09:12:00.000Z'
            sending['deposit_proof_url'] = f'/sendings/{sending_id}/download_deposit_proof'
        events = sending['recipient']['events']
        if delivered:
            events.append({'status': 'D01', 'label': 'Distribué', 'date': delivered})
        if acknowledged:
            events.append({'status': 'N01', 'label': 'AR Signé : RAR distribué', 'date': acknowledged})
            sending['recipient']['acknowledgement_of_receipt_url'] = (
                f"/sendings/{sending_id}/recipients/{sending['recipient']['id']}/download_acknowledgement_of_receipt"
            )
        if returned:
            events.append({'status': returned, 'label': 'Non réclamé', 'date': '2026-05-20T10:00:00.000Z'})
