"""What every provider stand-in of the tests shares: an HTTP server on 127.0.0.1, on a port the
system chooses, serving in a thread of its own; nothing reaches the internet."""

import threading
from http.server import ThreadingHTTPServer


class LocalServer:
    """Serves ``handler`` (a ``BaseHTTPRequestHandler`` reading ``self.server.stand_in``)."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.server.stand_in = self
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
