"""ASGI middleware for the web app: failed sign-ins slow down per client; no file route when uploads are
off; a full queue answers "busy, try again in a moment".

Gradio's own `/gradio_api/upload` route stores any file posted to it, whether or not the
page shows an upload panel; with `QA_ALLOW_UPLOADS=false` `UploadGuard` refuses it (403).
`LoginThrottle` counts failed `/login` posts per client address: after `free_tries`
failures each further try must wait twice as long as the one before (1 s, 2 s, 4 s ... up
to `max_wait` seconds), answered 429 with a Retry-After header; a sign-in that succeeds
clears the count. Failures are logged with the client address, which is the connecting one:
a client's own X-Forwarded-For header is believed only from the proxies QA_TRUSTED_PROXIES
names (`trust_forwarded_headers`). `BusyAnswer` words Gradio's "Queue is full" (HTTP 503).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time

logger = logging.getLogger("qa.web")


async def _refuse(send, status: int, message: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


BUSY_MESSAGE = "the assistant is busy answering other questions; try again in a moment"


def trust_forwarded_headers(trusted_proxies: str | None) -> None:
    """Believe X-Forwarded-For only from `trusted_proxies` (addresses or networks, comma-separated).

    uvicorn, which Gradio starts, reads FORWARDED_ALLOW_IPS when the server starts, and by default
    believes the header from 127.0.0.1: a client on the machine (or behind a local proxy that passes
    the header on) could name a new address for every sign-in and never be slowed down.
    """
    os.environ["FORWARDED_ALLOW_IPS"] = (trusted_proxies or "").strip()


class BusyAnswer:
    """Gives a full queue's 503 answer the words "busy, try again in a moment" (JSON `detail`)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        refused = {}

        async def reword(message):
            if message["type"] == "http.response.start" and message["status"] == 503:
                refused["start"] = message
                return
            if "start" in refused and message["type"] == "http.response.body":
                if b"Queue is full" in message.get("body", b""):
                    await _refuse(send, 503, BUSY_MESSAGE, [(b"retry-after", b"5")])
                else:
                    await send(refused.pop("start"))
                    await send(message)
                return
            await send(message)

        await self.app(scope, receive, reword)


class UploadGuard:
    """Refuses every upload route (Gradio's `/upload`, `/gradio_api/upload`) when uploads are off."""

    def __init__(self, app, allow_uploads: bool = True):
        self.app = app
        self.allow_uploads = allow_uploads

    async def __call__(self, scope, receive, send):
        if (not self.allow_uploads and scope["type"] == "http"
                and scope["path"].rstrip("/").endswith("/upload")):
            await _refuse(send, 403, "uploads are turned off on this server (QA_ALLOW_UPLOADS=false)")
            return
        await self.app(scope, receive, send)


class LoginThrottle:
    """Slows down repeated failed sign-ins from one client address."""

    def __init__(self, app, free_tries: int = 5, max_wait: float = 300.0, clock=time.monotonic):
        self.app = app
        self.free_tries = free_tries
        self.max_wait = max_wait
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # client -> (failures, time of the last)
        self._lock = threading.Lock()

    def wait_left(self, client: str) -> float:
        """Seconds this client must still wait before its next sign-in attempt."""
        with self._lock:
            failures, last = self._failures.get(client, (0, 0.0))
        if failures < self.free_tries:
            return 0.0
        wait = min(self.max_wait, 2.0 ** (failures - self.free_tries))
        return max(0.0, last + wait - self.clock())

    def record(self, client: str, succeeded: bool) -> None:
        with self._lock:
            if succeeded:
                self._failures.pop(client, None)
                return
            failures = self._failures.get(client, (0, 0.0))[0] + 1
            self._failures[client] = (failures, self.clock())
        logger.warning("failed sign-in %d from %s", failures, client)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != "/login":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown",))[0]
        wait = self.wait_left(client)
        if wait > 0:
            await _refuse(send, 429, f"too many failed sign-ins; try again in {wait:.0f} s",
                          [(b"retry-after", str(int(wait) + 1).encode())])
            return
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if "code" in status:
            self.record(client, succeeded=status["code"] < 400)
