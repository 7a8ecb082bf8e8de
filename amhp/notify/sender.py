"""The background sender: due emails from the outbox over real SMTP (``smtplib``),
each attempt in the audit log; a failure waits ``mail_retry_seconds`` doubling per
attempt, and after ``mail_max_attempts`` the email is marked failed. Nothing is sent
while no ``AMHP_SMTP_HOST`` is set: the emails wait in the outbox."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage

from amhp.core.settings import Settings, settings
from amhp.core.states import MailState
from amhp.notify.outbox import claim, due
from amhp.store.audit import SYSTEM, AuditAction, record
from amhp.store.db import transaction
from amhp.store.tables import MailRow, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)  # a claimed email is another process's again after this
SMTP_TIMEOUT = 20


def send(config: Settings, mail: MailRow) -> None:
    message = EmailMessage()
    message["From"] = config.mail_from
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            password = config.smtp_password.get_secret_value() if config.smtp_password else ""
            smtp.login(config.smtp_user, password)
        smtp.send_message(message)


def deliver_due(config: Settings | None = None) -> int:
    """Send what is due now; the number sent."""
    config = config or settings()
    if not config.smtp_host:
        return 0
    sent = 0
    with transaction() as session:
        ids = due(session, utcnow())
    for mail_id in ids:
        with transaction() as session:
            if not claim(session, mail_id, utcnow(), LEASE):
                continue
            mail = session.get(MailRow, mail_id)
        try:
            send(config, mail)
        except (OSError, smtplib.SMTPException) as exc:
            _failed(config, mail_id, f"{type(exc).__name__}: {exc}")
        else:
            _sent(mail_id)
            sent += 1
    return sent


def _sent(mail_id: int) -> None:
    with transaction() as session:
        mail = session.get(MailRow, mail_id)
        mail.attempts += 1
        mail.state, mail.sent_at, mail.last_error = MailState.SENT, utcnow(), None
        session.add(mail)
        record(
            session,
            SYSTEM,
            AuditAction.MAIL_SENT,
            mail.service_id,
            mail.subject,
            mail.person_id,
            {
                "mail_id": mail.id,
                "to": mail.to_address,
                "topic": mail.topic,
                "attempt": mail.attempts,
            },
        )


def _failed(config: Settings, mail_id: int, error: str) -> None:
    with transaction() as session:
        mail = session.get(MailRow, mail_id)
        mail.attempts += 1
        mail.last_error = error
        retry = None
        if mail.attempts >= config.mail_max_attempts:
            mail.state = MailState.FAILED
        else:
            wait = config.mail_retry_seconds * 2 ** (mail.attempts - 1)
            mail.next_attempt_at = utcnow() + timedelta(seconds=wait)
            retry = mail.next_attempt_at.isoformat()
        session.add(mail)
        record(
            session,
            SYSTEM,
            AuditAction.MAIL_FAILED,
            mail.service_id,
            mail.subject,
            mail.person_id,
            {
                "mail_id": mail.id,
                "to": mail.to_address,
                "attempt": mail.attempts,
                "error": error,
                "retry_at": retry,
            },
        )
    log.warning(
        "email %s to %s failed (attempt %s): %s", mail_id, mail.to_address, mail.attempts, error
    )


class MailSender:
    """A thread that delivers the outbox every ``mail_poll_seconds`` (and at once
    when woken after a commit that queued mail)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="mail-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=SMTP_TIMEOUT + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                deliver_due()
            except Exception:
                log.exception("the mail sender failed; trying again")
            self._wake.wait(settings().mail_poll_seconds)
            self._wake.clear()
