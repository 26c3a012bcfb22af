"""Helpers of the observability tests: a /metrics server on a free port, scraped over HTTP,
and the JSON log lines of the root logger."""

import io
import json
import logging
import urllib.request
from contextlib import contextmanager

from prometheus_client.parser import text_string_to_metric_families

from config.observability.context import LogContextFilter
from config.observability.logs import JsonFormatter
from config.observability.server import metrics_server_start
from tests.mail import free_port


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    """Every sample on http://127.0.0.1:`port`/metrics, by name and labels."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def sample(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def label_values(samples) -> set[str]:
    return {value for _, labels in samples for _, value in labels}


@contextmanager
def metrics_server(*, db_gauges: bool = False):
    """The real server; yields a function that scrapes it."""
    port = free_port()
    server = metrics_server_start(port=port, addr="127.0.0.1", db_gauges=db_gauges)
    try:
        yield lambda: scrape(port)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def json_log_lines(level=logging.INFO):
    """Yields the list of the JSON objects logged to the root logger meanwhile, formatted and
    filtered as production does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(LogContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
