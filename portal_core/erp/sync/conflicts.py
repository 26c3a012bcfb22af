"""A batch that PostgreSQL chose as a deadlock's victim (or a serialization failure) is run
again from the start, a few times, before the ERP hears of it. Each batch is one transaction and
all or nothing, and a replayed row changes nothing (its content hash), so a second run is the
same batch: nothing of the first one was kept, not even the emails it queued. Another process
holding the same rows in the opposite order (the portal's own writes, an operator's SQL) is
then a short wait instead of an error the ERP must retry by hand."""

import functools
import logging
import random
import time

import psycopg
from django.db import OperationalError, connection
from psycopg import errors

log = logging.getLogger(__name__)

ATTEMPTS = 3
# SQLSTATE class 40 (transaction rollback), as psycopg names them.
ROLLED_BACK = (errors.DeadlockDetected, errors.SerializationFailure)


def is_conflict(error: BaseException) -> bool:
    """PostgreSQL rolled the transaction back to break a deadlock or keep it serializable: as
    Django raises it, or as psycopg does where the batch talks to it directly (COPY)."""
    return isinstance(error, ROLLED_BACK) or isinstance(error.__cause__, ROLLED_BACK)


def retried_on_conflict(function):
    """Run `function` (which opens its own transaction) again when it lost to a conflict. Inside
    an outer transaction there is nothing to run again: the conflict goes up as it came."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except (OperationalError, psycopg.OperationalError) as error:
                if not is_conflict(error) or connection.in_atomic_block or attempt == ATTEMPTS:
                    raise
                log.warning("sync batch lost a conflict, running it again", extra={
                    "attempt": attempt, "sqlstate": getattr(error.__cause__, "sqlstate", "")})
                time.sleep(random.uniform(0.05, 0.2) * attempt)  # apart, so the two do not meet again
        raise AssertionError("unreachable")

    return run
