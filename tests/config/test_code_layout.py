"""The house stays in order: short modules and functions in the apps, and selectors that never
take the request (the viewer is resolved once, in portal_core.web.viewer)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "tenants", "provisioning", "portal_core", "billing_views")
MODULE_LINES, FUNCTION_LINES = 300, 40


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for path in _modules():
        source = path.read_text()
        if source.count("\n") > MODULE_LINES:
            long_modules.append(str(path.relative_to(ROOT)))
        long_functions += [f"{path.relative_to(ROOT)}:{node.name}" for node in ast.walk(ast.parse(source))
                           if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                           and node.end_lineno - node.lineno + 1 > FUNCTION_LINES]

    assert long_modules == []
    assert long_functions == []


def test_no_selector_takes_the_request():
    takers = []
    for path in _modules():
        if path.name != "selectors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and "request" in [arg.arg for arg in
                                                                    node.args.args + node.args.kwonlyargs]:
                takers.append(f"{path.relative_to(ROOT)}:{node.name}")

    assert takers == []
