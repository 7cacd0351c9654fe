"""Take the screenshots listed in setup/screenshots.json from a running demo, in Chromium.

Usage (setup/screenshots.sh does it all): python setup/screenshots.py URL DB OUTDIR [NAME...]
Chromium runs headless and is driven through its DevTools protocol (websocket-client): the
script logs in as admin, opens each URL, clicks what the entry says, waits for its
selector and saves the page as PNG. PDF entries are fetched with the session and their
first page is rasterised with pdftoppm.
"""

import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

TABLE = Path(__file__).resolve().parent / 'screenshots.json'
CHROMIUM_FLAGS = [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--hide-scrollbars',
    '--remote-debugging-port=0',
]


class Demo:
    """JSON-RPC to the demo server, with the admin's session."""

    def __init__(self, url, db):
        self.url = url.rstrip('/')
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.rpc('/web/session/authenticate', {'db': db, 'login': 'admin', 'password': 'admin'})
        self.session_id = next(c.value for c in self.jar if c.name == 'session_id')

    def rpc(self, path, params):
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': params}).encode()
        request = urllib.request.Request(self.url + path, body, {'Content-Type': 'application/json'})
        with self.opener.open(request, timeout=120) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise RuntimeError(f"{path}: {answer['error'].get('data', {}).get('message') or answer['error']}")
        return answer['result']

    def search(self, model, domain):
        ids = self.rpc(
            f'/web/dataset/call_kw/{model}/search',
            {'model': model, 'method': 'search', 'args': [domain], 'kwargs': {'limit': 1}},
        )
        if not ids:
            raise RuntimeError(f"no {model} matches {domain}")
        return ids[0]

    def resolve(self, url):
        def xmlid(match):
            module, name = match.group(1).split('.', 1)
            rows = self.rpc(
                '/web/dataset/call_kw/ir.model.data/search_read',
                {
                    'model': 'ir.model.data',
                    'method': 'search_read',
                    'args': [[['module', '=', module], ['name', '=', name]]],
                    'kwargs': {'fields': ['res_id'], 'limit': 1},
                },
            )
            if not rows:
                raise RuntimeError(f"no record {match.group(1)}")
            return str(rows[0]['res_id'])

        def search(match):
            model, domain = match.group(1), json.loads(match.group(2))
            return str(self.search(model, domain))

        url = re.sub(r'\{xmlid:([\w.]+)\}', xmlid, url)
        return re.sub(r'\{search:([\w.]+):(\[.*?\]\])\}', search, url)

    def download(self, path):
        with self.opener.open(self.url + path, timeout=300) as response:
            return response.read()


class Chromium:
    """One headless Chromium, one tab, driven over the DevTools protocol."""

    def __init__(self, width, height):
        binary = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
        if not binary:
            sys.exit("no chromium: apt-get install chromium")
        self.profile = tempfile.mkdtemp(prefix='relance-shots-')
        self.process = subprocess.Popen(
            [
                binary,
                *CHROMIUM_FLAGS,
                f'--user-data-dir={self.profile}',
                f'--window-size={width},{height}',
                'about:blank',
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / 'DevToolsActivePort'
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10) as response:
            page = next(t for t in json.load(response) if t['type'] == 'page')
        self.ws = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.call('Page.enable')
        self.call('Emulation.setDeviceMetricsOverride', width=width, height=height, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get('id') == self.next_id:
                if 'error' in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get('result', {})

    def evaluate(self, expression):
        return self.call('Runtime.evaluate', expression=expression, returnByValue=True)['result'].get('value')

    def wait_for(self, selector, timeout=90):
        deadline = time.time() + timeout
        check = (
            f"!!document.querySelector({json.dumps(selector)}) && "
            "!document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        while time.time() < deadline:
            if self.evaluate(check):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector} did not show within {timeout} s")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def take(demo, browser, screen, out):
    url = demo.resolve(screen['url'])
    path = out / f"{screen['name']}.png"
    if screen.get('kind') == 'pdf':
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / 'page.pdf'
            pdf.write_bytes(demo.download(url))
            subprocess.run(
                [
                    'pdftoppm',
                    '-png',
                    '-r',
                    '80',
                    '-f',
                    '1',
                    '-l',
                    '1',
                    '-singlefile',
                    str(pdf),
                    str(path.with_suffix('')),
                ],
                check=True,
            )
        return path
    browser.call('Page.navigate', url=demo.url + url)
    for selector in screen.get('click', []):
        browser.wait_for(selector)
        browser.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        time.sleep(1.0)
    browser.wait_for(screen['wait'])
    time.sleep(1.5)  # fonts, charts and the last rendering pass
    png = browser.call('Page.captureScreenshot', format='png')['data']
    path.write_bytes(base64.b64decode(png))
    return path


def main(url, db, out, *names):
    """``names``: only these screens (all by default)."""
    table = json.loads(TABLE.read_text())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    demo = Demo(url, db)
    browser = Chromium(*table['viewport'])
    browser.call('Network.enable')
    host = re.match(r'https?://([^:/]+)', url).group(1)
    browser.call('Network.setCookie', name='session_id', value=demo.session_id, domain=host, path='/')
    failed = []
    try:
        for screen in table['screens']:
            if names and screen['name'] not in names:
                continue
            try:
                print(f"[relance] {screen['name']}: {take(demo, browser, screen, out)}")
            except Exception as error:  # noqa: BLE001 - one screen failing must not stop the others
                failed.append(screen['name'])
                print(f"[relance] {screen['name']}: FAILED, {error}", file=sys.stderr)
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
