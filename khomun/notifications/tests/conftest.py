"""Real servers for the channel tests: an aiosmtpd SMTP server and a fake LINE
Messaging API that checks the documented request shape and answers like LINE."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from khomun.accounts.models import User
from khomun.orgunits.models import Office

TOKEN = "test-channel-access-token"
LAMPANG_GROUP = "C" + "0123456789abcdef" * 2
MUEANG_GROUP = "C" + "fedcba9876543210" * 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP handler that keeps what it receives, or refuses while `refuse` is set."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.refuse = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            return self.refuse
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.received]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


@dataclass
class FakeLine:
    """What the fake LINE saw, and what it is told to answer next."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer before accepting
    retry_after: str = ""
    accepted_keys: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts(self) -> list[str]:
        return [m["text"] for body in self.accepted for m in body["messages"]]


def _shape_error(handler: BaseHTTPRequestHandler, body: Any) -> str:
    if handler.path != "/v2/bot/message/push":
        return "Not found"
    if handler.headers.get("Content-Type", "").split(";")[0] != "application/json":
        return "The request body has 1 error(s): Content-Type must be application/json"
    if not handler.headers.get("X-Line-Retry-Key"):
        return "X-Line-Retry-Key missing (this fake requires it)"
    if not isinstance(body, dict) or not re.fullmatch(r"[UCR][0-9a-f]{32}", str(body.get("to"))):
        return "The property, 'to', in the request body is invalid"
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not 1 <= len(msgs) <= 5:
        return "Size must be between 1 and 5"
    for m in msgs:
        if m.get("type") != "text" or not isinstance(m.get("text"), str):
            return "messages[].type/text invalid"
        if not 1 <= len(m["text"]) <= 5000:
            return "Length must be between 0 and 5000"
    return ""


def _handler(state: FakeLine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, payload: dict[str, Any], **headers: str) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(405, {"message": "Method not allowed"})

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body = json.loads(raw.decode("utf-8"))
            except ValueError:
                body = None
            key = self.headers.get("X-Line-Retry-Key", "")
            with state.lock:
                state.requests.append({"body": body, "retry_key": key})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, {"message": "Authentication failed"})
                error = _shape_error(self, body)
                if error:
                    return self._answer(400, {"message": error})
                if key in state.accepted_keys:
                    return self._answer(
                        409,
                        {"message": "The retry key is already accepted"},
                        **{"x-line-accepted-request-id": "abc"},
                    )
                if state.script:
                    status = state.script.pop(0)
                    if status == 429:
                        extra = {"Retry-After": state.retry_after} if state.retry_after else {}
                        return self._answer(
                            429,
                            {"message": "The API rate limit has been exceeded. Try again later."},
                            **extra,
                        )
                    return self._answer(status, {"message": "An error occurred in the server"})
                state.accepted_keys.add(key)
                state.accepted.append(body)
            return self._answer(200, {})

    return Handler


@pytest.fixture
def line_server(settings: Any) -> Iterator[FakeLine]:
    state = FakeLine()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.LINE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def mueang_line(lampang_recorder: User) -> str:
    """Mueang Lampang's district office linked to its LINE group."""
    from khomun.notifications.services import link_line

    office = Office.objects.get(orgunit__code="5201")
    link_line(office, target_id=MUEANG_GROUP, display_name="สพอ.เมืองลำปาง", by=None)
    return MUEANG_GROUP


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run on-commit callbacks (the enqueued tasks) inside a test transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
