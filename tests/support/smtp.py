"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import email
import threading
import time
from email.message import Message

from aiosmtpd.controller import Controller


class Inbox:
    """The aiosmtpd handler: messages as parsed emails, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def since(self, n: int) -> list[Message]:
        with self._lock:
            return list(self.messages[n:])

    def wait_for(self, n: int, guard: float = 120) -> list[Message]:
        """Block until at least ``n`` messages came (a guard against a hang, not a
        speed limit), then return them all."""
        end = time.monotonic() + guard
        while len(self.messages) < n:
            if time.monotonic() > end:
                raise AssertionError(f"{len(self.messages)} messages came, waited for {n}")
            time.sleep(0.1)
        return self.since(0)


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    """Started on 127.0.0.1:``port``; the caller stops the controller."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox
