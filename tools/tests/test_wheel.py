"""The add-on as a wheel: tools/wheel-check builds it with whool, installs it into a new virtualenv
where Odoo is a package, and installs it into a new database with only Odoo's add-ons on the addons
path. Run by the suite so that a change that breaks the package (a file git does not know, a
manifest the build backend refuses, a module Odoo cannot find in site-packages) fails here.
"""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_installs_the_addon_without_the_repository():
    result = subprocess.run(
        [str(ROOT / 'tools/wheel-check')], cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "wheel check passed" in result.stderr
    # Odoo found the add-on in the wheel's files, in the new virtualenv's site-packages.
    venv_addon = ROOT / '.local/wheel-check/venv/lib'
    found = [line for line in result.stderr.splitlines() if line.startswith('wheel check quote:')]
    assert found, result.stderr[-4000:]
    assert f' accepted 45.0 from {venv_addon}/' in found[0]
    assert found[0].endswith('/site-packages/odoo/addons/gestion_clientele_quotes')
