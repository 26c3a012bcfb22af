"""Running the isolation matrix: each actor's batch of calls on every URL of the classes it must be
refused, checked against what a refusal must look like, then the database and the stored files compared
with before the batch; and the controls, where the owners are served with the same ids."""

import json
from dataclasses import dataclass, field

from tests.security.isolation import (
    API,
    OPERATOR,
    PUBLIC,
    Call,
    DatabaseSnapshot,
    database_changes,
    media_changes,
    media_snapshot,
    path_for,
    send,
    succeeded,
)


def rule_for(pattern, table, prefixes=None):
    if pattern.key in table:
        return table[pattern.key]
    for prefix, rule in (prefixes or {}).items():
        if pattern.route.startswith(prefix):
            return rule
    return None


def no_server_error(call: Call) -> str | None:
    return None if call.status < 500 else "error del servidor"


SAME_AS_ANONYMOUS = "same as anonymous"


@dataclass
class Plan:
    """What an actor must get on one class of URLs, and with whose ids."""

    expect: object  # an expectation of tests.security.isolation, or SAME_AS_ANONYMOUS
    ids: tuple = ()  # sources of ids: lists of Seed dicts (kind -> [kwargs])
    only_with_ids: bool = False  # the actor may use the class's other URLs (not a refusal)


@dataclass
class Actor:
    name: str
    host: str
    plans: dict  # class -> Plan
    cookies: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


class Matrix:
    def __init__(self, schemas):
        self.snapshot = DatabaseSnapshot(schemas)
        self.failures: list[str] = []
        self.calls = 0
        self.per_class: dict[str, int] = {}

    def request(self, actor, method, path, key, rule, anonymous_host=None):
        data = None
        body = content_type = None
        if rule.cls == API and method == "POST":
            body, content_type = json.dumps({"items": []}).encode(), "application/json"
        elif rule.cls == API and method == "PUT":
            body, content_type = b"%PDF-1.4 intruso", "application/pdf"
        elif rule.data and method in ("GET", "POST"):
            data = rule.data
        call = send(actor=actor.name, host=actor.host, method=method, path=path, key=key, cookies=actor.cookies,
                    headers=actor.headers, data=data, body=body, content_type=content_type)
        self.calls += 1
        if (rule.cls == OPERATOR and call.status in (301, 302) and call.location.startswith("/admin/")
                and not call.location.startswith("/admin/login/")):  # the admin's own redirects (.../<id>/)
            call = send(actor=actor.name, host=actor.host, method="GET", path=call.location, key=key,
                        cookies=actor.cookies, headers=actor.headers)
            self.calls += 1
        return call

    def run(self, actor: Actor, patterns, table, prefixes=None, anonymous: Actor | None = None):
        """One actor's batch: every URL of the classes in its plans, then the no-change check."""
        db_before, media_before = self.snapshot.take(), media_snapshot()
        done = []
        for pattern in patterns:
            rule = rule_for(pattern, table, prefixes)
            plan = actor.plans.get(rule.cls)
            if plan is None:
                continue
            if rule.ids is None and plan.only_with_ids:
                continue
            for kwargs in self.fillings(rule, plan):
                path = path_for(pattern.route, {**rule.args, **kwargs})
                for method in rule.methods:
                    call = self.request(actor, method, path, pattern.key, rule)
                    done.append(call)
                    self.per_class[rule.cls] = self.per_class.get(rule.cls, 0) + 1
                    if plan.expect is SAME_AS_ANONYMOUS:
                        reference = self.request(anonymous, method, path, pattern.key, rule)
                        same = (call.status, call.location) == (reference.status, reference.location)
                        problem = None if same else (
                            f"la sesión ajena no es anónima: anónimo recibe {reference.status} {reference.location}")
                    elif rule.cls == PUBLIC and rule.refusal is not None:
                        problem = rule.refusal(call)
                    else:
                        problem = plan.expect(call)
                    if problem:
                        self.failures.append(f"{call}: {problem}")
        changes = database_changes(db_before, self.snapshot.take()) + media_changes(media_before, media_snapshot())
        if changes:
            calls = "\n      ".join(f"{c.method} {c.path} → {c.status}" for c in done)
            self.failures.append(f"[{actor.name}] sus llamadas cambiaron datos: {'; '.join(changes)}\n"
                                 f"    llamadas del lote:\n      {calls}")

    @staticmethod
    def fillings(rule, plan):
        if rule.ids is None:
            return [{}]
        filled = [kwargs for source in plan.ids for kwargs in source.get(rule.ids, [])]
        assert filled, f"nadie llena {rule.ids!r} para este actor"
        return filled

    def control(self, actor, patterns, table, cls, ids, prefixes=None, first_only=False):
        """The owner with its own ids (GET): must be served. Outside the no-change batches."""
        for pattern in patterns:
            rule = rule_for(pattern, table, prefixes)
            if rule.cls != cls or rule.ids is None or "GET" not in rule.methods or not rule.control:
                continue
            fillings = ids.get(rule.ids, [])[:1] if first_only else ids.get(rule.ids, [])
            for kwargs in fillings:
                call = self.request(actor, "GET", path_for(pattern.route, {**rule.args, **kwargs}), pattern.key, rule)
                if problem := succeeded(call):
                    self.failures.append(f"{call}: {problem}")

    def verdict(self):
        assert not self.failures, f"{len(self.failures)} problema(s) en la matriz de aislamiento:\n" + "\n".join(
            self.failures)
