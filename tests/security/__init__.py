"""Suites that attack the whole platform from outside, across every app: another portal's or
another party's ids (the isolation matrix), hostile input to every form (no 5xx, empty posts),
and the headers that keep pages out of frames and caches (CSP, Cache-Control)."""
