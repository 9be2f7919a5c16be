#!/usr/bin/env python3
"""A reverse proxy that serves an upstream under a path prefix, as a site's proxy puts MLflow at /mlflow/.

    scripts/prefix-proxy.py LISTEN_PORT PREFIX UPSTREAM      e.g. 5080 /mlflow http://127.0.0.1:5000

PREFIX/x is forwarded to UPSTREAM/x (method, headers, body); any other path is a 404 page, and an upstream that
does not answer is a 502, as nginx's `location /mlflow/ { proxy_pass http://upstream/; }` does. MLflow 2.x's own
--static-prefix moves only the UI, not the REST API, so this stands in for the proxy. Standard library only.
"""
import http.client
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, prefix, upstream = int(sys.argv[1]), sys.argv[2].rstrip("/"), urllib.parse.urlsplit(sys.argv[3])
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection",
              "content-length", "host"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        if not (self.path == prefix or self.path.startswith(prefix + "/") or self.path.startswith(prefix + "?")):
            return self.answer(404, b"<html><body><h1>404 Not Found</h1>proxy: no route</body></html>",
                               "text/html")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=300)
            conn.request(self.command, self.path[len(prefix):] or "/", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            conn.close()
        except OSError as e:
            return self.answer(502, ("<html><body><h1>502 Bad Gateway</h1>%s</body></html>" % e).encode(), "text/html")
        self.send_response(response.status)
        for k, v in out:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self, status, data, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = forward

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
