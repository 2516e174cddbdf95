#!/usr/bin/env python3
"""A webhook receiver for trying alerts: prints every POST it gets (the message id and the JSON body) and answers 200.

Usage: python3 scripts/hook-receiver.py [port]   (default 9000; listens on 127.0.0.1, any path)
"""
import http.server
import json
import sys


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self._body()
        try:
            shown = json.dumps(json.loads(body), indent=2)
        except ValueError:
            shown = body.decode("utf-8", "replace")
        print(f"--- {self.path} Idempotency-Key: {self.headers.get('Idempotency-Key')}\n{shown}", flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def _body(self):
        # The app sends its JSON chunked; a receiver of another sender may give a Content-Length.
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def log_message(self, *args):
        pass


port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
print(f"listening on http://127.0.0.1:{port}/hook", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
