"""The page's Content-Security-Policy forbids eval: Playwright polls a string predicate of `wait_for_function`
that is a bare expression ("x === 1") through eval, so it fails only when the condition is not already true on the
first try, a failure that depends on timing (it broke CI once). Every predicate must be written as a function."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _bare_predicates(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "wait_for_function" and node.args):
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue  # built at run time: cannot be checked here
            text = first.value.strip()
            if not (text.startswith(("(", "function", "async")) or "=>" in text.split("\n", 1)[0]):
                lines.append(node.lineno)
    return lines


def test_the_check_finds_a_bare_expression_and_passes_a_function():
    assert _bare_predicates('page.wait_for_function("document.title === \'x\'")') == [1]
    assert _bare_predicates('page.wait_for_function("() => document.title === \'x\'")') == []
    assert _bare_predicates('page.wait_for_function("x => x.ready", arg=1)') == []


def test_every_wait_for_function_in_the_tests_is_a_function():
    offenders = {path.name: lines for path in sorted(TESTS.glob("*.py"))
                 if (lines := _bare_predicates(path.read_text(encoding="utf-8")))}
    assert not offenders, f"wait_for_function with a bare expression (write it as '() => …'): {offenders}"
