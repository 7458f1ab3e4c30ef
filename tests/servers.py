"""Real local servers that stand in for the channels' far ends: an HTTP server for the group robots and
JSON webhooks (answering as told: ok, 500, an errcode, or never), and an SMTP server (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict | None  # the JSON posted (None for a file upload: see raw)
    raw: bytes = b""


@dataclass
class HttpChannel:
    """Records every POST; answers ``status`` with ``answer`` (JSON; ``answers`` by path first), or, with
    ``hang``, not at all until the server stops."""
    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    answers: dict[str, dict] = field(default_factory=dict)
    hang: bool = False
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def http_channel() -> tuple[HttpChannel, ThreadingHTTPServer]:
    channel = HttpChannel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except ValueError:
                body = None
            channel.requests.append(Request(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                                            dict(self.headers), body, raw))
            if channel.hang:
                channel.released.wait()  # until the test ends: the client's timeout must fire first
                return
            data = json.dumps(channel.answers.get(parts.path, channel.answer)).encode()
            self.send_response(channel.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    channel.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return channel, server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailBox:
    """What the SMTP server received: each message parsed (subject decoded, attachments by name)."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    @staticmethod
    def attachments(message) -> dict[str, bytes]:
        return {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}

    @staticmethod
    def text(message) -> str:
        body = message.get_body(preferencelist=("plain", "html"))
        return body.get_content() if body is not None else ""
