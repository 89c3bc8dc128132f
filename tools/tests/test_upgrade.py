"""The upgrade path: tools/upgrade-check installs the add-on as it was at the last commit of the
previous manifest version (a git worktree), adds quotes, templates, follow-ups and subscriptions,
upgrades the database to the working tree with `odoo-bin -u` and compares every stored value.
"""
import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDON = ROOT / 'gestion_clientele_quotes'


def test_upgrading_from_the_previous_version_loses_nothing():
    result = subprocess.run(
        [str(ROOT / 'tools/upgrade-check')], cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    version = ast.literal_eval((ADDON / '__manifest__.py').read_text())['version']
    summary = [line for line in result.stderr.splitlines() if line.startswith('upgrade check: nothing lost from')]
    assert summary and summary[0].split(' from ')[1].startswith('19.0.') and f' to {version}:' in summary[0], \
        result.stderr[-4000:]
    # The version's own migration scripts ran.
    for script in sorted((ADDON / 'migrations' / version).glob('*-migrate.py')):
        assert f"Running migration [{version}>] {script.stem}" in result.stderr, script.name
