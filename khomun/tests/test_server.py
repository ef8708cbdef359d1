"""gunicorn as `make demo` and production run it (gunicorn.conf.py): a client's
connection stays open between requests (keep-alive), which the load test showed to be
worth a fifth more requests a second on two cores."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_gunicorn_keeps_a_clients_connection_open_between_requests(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 50,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "KHOMUN_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "khomun.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        client.request("GET", "/healthz")
        first = client.getresponse()
        assert first.status == 200 and first.read() == b"ok"
        assert (first.getheader("Connection") or "").lower() != "close"
        opened = client.sock
        client.request("GET", "/healthz")
        second = client.getresponse()
        assert second.status == 200 and second.read() == b"ok"
        assert client.sock is opened  # the same connection answered both
    finally:
        server.terminate()
        server.wait(timeout=30)
