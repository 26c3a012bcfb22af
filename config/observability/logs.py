"""The LOGGING settings: one JSON object per line (production, for the log pipeline) or a
readable line (local runs), both carrying the request id, the schema and the account.

A formatter of our own rather than python-json-logger: the fields are a fixed few, and
json.dumps with a fallback to str() is all it takes."""

import json
import logging
from datetime import UTC, datetime

CONTEXT_FIELDS = ("request_id", "schema", "account_id")
# Every attribute a LogRecord has of its own; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({field: getattr(record, field, None) for field in CONTEXT_FIELDS})
        entry.update({key: value for key, value in vars(record).items()
                      if key not in _RECORD_ATTRIBUTES and key not in entry})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(schema)s %(request_id)s %(account_id)s] %(name)s: %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING: `log_format` is `json` or `text`."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.observability.context.LogContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                        "filters": ["context"], "formatter": "main"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"axes": {"level": "WARNING"}},
    }
