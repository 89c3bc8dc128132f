"""pytest plugin loaded by tools/test (``-p gcq_strict``): a skipped test fails the run.

Why: Odoo turns environment problems into *skips* (no Chromium, no
websocket-client, browser that would not start...). A green run with skipped
tours would hide that the UI was never tested, so tools/test (and CI) treat any
skip as a failure. The verdict is printed before pytest's closing summary line,
which stays the last line of the run.
"""

import pytest

# Odoo gives Chromium 10 s (100 × 0.1 s) to open its DevTools port, then skips the
# tour. A cold start on a busy 2-core machine (CI) sometimes needs more: since a
# skip fails the run here, wait up to 60 s for the browser before giving up.
BROWSER_START_SECONDS = 60


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    try:
        from odoo.tests import common
    except ImportError:  # pytest run without Odoo (tools/tests alone)
        return
    common.CHECK_BROWSER_ITERATIONS = max(
        common.CHECK_BROWSER_ITERATIONS, int(BROWSER_START_SECONDS / common.CHECK_BROWSER_SLEEP))
    common.BROWSER_WAIT = common.CHECK_BROWSER_SLEEP * common.CHECK_BROWSER_ITERATIONS


def _skipped(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _skipped(session.config) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped(config)
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} test(s) skipped: tools/test fails on any skip (see SKIPPED in the short test summary)",
            red=True,
            bold=True,
        )
