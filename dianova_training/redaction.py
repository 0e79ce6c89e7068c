"""Secrets that travel in URLs, kept out of every log: password-reset links lose their token.

Used by the logging configuration (``SecretsFilter`` on the console handler) and by gunicorn's
access log (``RedactingLogger``, should someone turn it on). Imports nothing of the project,
since gunicorn loads it before Django.
"""

import logging
import re

from gunicorn.glogging import Logger

# Django's password-reset confirmation route: accounts/reset/<uidb64>/<token>/
RESET_LINK = re.compile(r"(/accounts/reset/)[^/?#\s\"]+/[^/?#\s\"]+")
# The atoms of gunicorn's access-log line that carry a URL (request line, path, referer…).
URL_ATOMS = ("r", "U", "f", "{referer}i", "{raw_uri}e", "{path_info}e", "{http_referer}e")


def redact(text: str) -> str:
    """``text`` with every password-reset link's uid and token replaced by their names."""
    return RESET_LINK.sub(r"\1<uidb64>/<token>", text)


class SecretsFilter(logging.Filter):
    """Redact the message of every record (Django's "Not Found: <path>" names the path, token
    included) and the request line's ``path``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if isinstance(getattr(record, "path", None), str):  # the request line's own field
            record.path = redact(record.path)
        return True


class RedactingLogger(Logger):
    """gunicorn's logger with reset links redacted from its access-log line."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
