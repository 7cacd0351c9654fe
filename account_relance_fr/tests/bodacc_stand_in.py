"""A local stand-in for the BODACC open data (Opendatasoft Explore API v2.1, dataset
``annonces-commerciales``, records endpoint), answering from the announcements kept in
``data/bodacc_annonces_collectives.json``.

It reads the ODSQL ``where`` the addon sends the way the API would for the clauses used:
``familleavis="collective"``, ``dateparution>=date'YYYY-MM-DD'`` and ``registre="SIREN"``
joined by OR (a multivalued field matches when one of its values does); ``limit`` and
``offset`` page the answer, ``{"total_count": n, "results": [...]}``. Started by the tests on
127.0.0.1 with a port chosen by the system; nothing reaches the internet. ``scenario`` makes
it fail with HTTP 500 or answer a body that is not JSON.
"""

import json
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .local_server import LocalServer

RECORDS = Path(__file__).parent / 'data' / 'bodacc_annonces_collectives.json'
PATH = '/api/explore/v2.1/catalog/datasets/annonces-commerciales/records'


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type='application/json; charset=utf-8'):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        stand_in = self.server.stand_in
        url = urlparse(self.path)
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        stand_in.requests.append(params)
        if url.path != PATH:
            return self._send(404, b'{"error_code": "NotFound", "message": "Unknown dataset"}')
        if stand_in.scenario == 'error':
            return self._send(500, b'{"error_code": "InternalServerError", "message": "Internal error"}')
        if stand_in.scenario == 'malformed':
            return self._send(200, b'<html><body>Maintenance en cours</body></html>', 'text/html')
        where = params.get('where', '')
        sirens = set(re.findall(r'registre="(\d{9})"', where))
        since = re.search(r"dateparution>=date'(\d{4}-\d{2}-\d{2})'", where)
        matched = [
            record
            for record in stand_in.records
            if ('familleavis="collective"' not in where or record['familleavis'] == 'collective')
            and (not sirens or sirens & set(record['registre']))
            and (not since or record['dateparution'] >= since.group(1))
        ]
        matched.sort(key=lambda record: record['dateparution'])
        limit, offset = int(params.get('limit', 10)), int(params.get('offset', 0))
        if limit > 100 or offset + limit > 10000:
            return self._send(400, b'{"error_code": "InvalidRESTParameterError", "message": "Invalid limit"}')
        page = {'total_count': len(matched), 'results': matched[offset : offset + limit]}
        return self._send(200, json.dumps(page, ensure_ascii=False).encode())


class BodaccStandIn(LocalServer):
    def __init__(self):
        super().__init__(Handler)
        self.records = json.loads(RECORDS.read_text())
        self.requests = []
        self.scenario = 'ok'

    @property
    def base_url(self):
        return f'{self.url}/api/explore/v2.1'
