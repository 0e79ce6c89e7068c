"""Structured logs: one JSON object per line on stdout, each tagged with its request's id.

Settings wire these into LOGGING; ``RequestLogMiddleware`` (dianova_training/middleware.py) sets the
request id and writes one line per request. Nothing here touches models: logging is configured
before the apps are loaded.
"""

import logging
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# The id of the request being served by this thread or task; None outside requests.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def forget_request_id(**kwargs) -> None:
    """request_finished receiver: lines logged between requests carry no id."""
    current_request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` to every record, so every line of one request can be found together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter, minus the objects Django attaches to its own records.

    ``django.request`` and ``django.server`` pass the request (or a socket) in ``extra``; as JSON
    they would only be a noisy ``repr``, and the line already has the request id, method and path.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)
