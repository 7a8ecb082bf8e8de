"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import email
import threading
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


def smtp_server(port: int) -> tuple[Controller, Inbox]:
    """Started on 127.0.0.1:``port``; the caller stops the controller."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox
