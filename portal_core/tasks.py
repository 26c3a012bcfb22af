"""Celery finds an app's tasks in `<app>.tasks`: the packages' task modules are loaded from here.
Each task keeps its registered name (`portal_core.<task>`), so messages queued before a deploy
still find it."""

from portal_core.access import tasks as access_tasks
from portal_core.mail import tasks as mail_tasks
from portal_core.notifications import tasks as notification_tasks
from portal_core.web import tasks as web_tasks

__all__ = ["access_tasks", "mail_tasks", "notification_tasks", "web_tasks"]
