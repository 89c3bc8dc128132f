"""How tools/env.sh gets Odoo when $ODOO_PATH holds none: a shallow clone into .local/odoo.

A small git repository shaped like Odoo's (odoo-bin, odoo/release.py, an add-on with the known
manifest flaw) stands in for Odoo's official one through ODOO_GIT_URL; the tools' own env.sh is
copied into a project folder of the test's, so nothing touches this checkout's .local.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent
RELEASE = "version_info = ({major}, 0, 0, FINAL, 0)\n"
# What a tool does once env.sh is sourced, up to the Odoo tree (no apt, no venv).
SCRIPT = 'set -euo pipefail; source tools/env.sh; gcq_check_odoo; gcq_fix_odoo_manifests; echo "ODOO_PATH=$ODOO_PATH"'


def git(*args, cwd):
    subprocess.run(['git', *args], cwd=cwd, check=True, capture_output=True)


def commit_all(repo, message):
    git('add', '-A', cwd=repo)
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', message, cwd=repo)


@pytest.fixture
def odoo_repo(tmp_path):
    """An Odoo-shaped repository with two commits on branch 19.0 (and a 'master' beside it)."""
    repo = tmp_path / 'odoo-repo'
    (repo / 'odoo').mkdir(parents=True)
    (repo / 'addons/iap/views').mkdir(parents=True)
    git('init', '-q', '-b', 'master', cwd=repo)
    (repo / 'odoo/release.py').write_text(RELEASE.format(major=18))
    commit_all(repo, "18.0")
    git('checkout', '-q', '-b', '19.0', cwd=repo)
    (repo / 'odoo-bin').write_text("#!/usr/bin/env python3\n")
    (repo / 'requirements.txt').write_text("psycopg2\n")
    (repo / 'odoo/release.py').write_text(RELEASE.format(major=19))
    (repo / 'addons/iap/__manifest__.py').write_text("{'data': ['views/res_config_settings_views.xml']}\n")
    (repo / 'addons/iap/views/res_config_settings.xml').write_text("<odoo/>\n")
    commit_all(repo, "first 19.0 commit")
    (repo / 'README.md').write_text("second commit\n")
    commit_all(repo, "second 19.0 commit")
    return repo


@pytest.fixture
def project(tmp_path):
    """A project folder with the tools' env.sh, as a fresh clone has it."""
    root = tmp_path / 'project'
    (root / 'tools').mkdir(parents=True)
    shutil.copy(TOOLS / 'env.sh', root / 'tools/env.sh')
    return root


def run_tools(project, **env):
    environ = {key: value for key, value in os.environ.items() if not key.startswith(('ODOO_', 'GCQ_'))}
    environ.update({'ODOO_PATH': str(project / 'no-odoo-here'), **env})
    return subprocess.run(['bash', '-c', SCRIPT], cwd=project, env=environ, capture_output=True, text=True)


def test_clones_the_branch_shallow_into_local_odoo_then_reuses_it(odoo_repo, project):
    url = f'file://{odoo_repo}'
    first = run_tools(project, ODOO_GIT_URL=url)
    assert first.returncode == 0, first.stderr
    target = project / '.local/odoo'
    assert first.stdout.strip() == f'ODOO_PATH={target}'
    # It says what it does, from where, and how large it is, before it starts.
    assert f"from {url} (branch 19.0, last commit only)" in first.stderr
    assert "about 250 MB to download, 1.5 GB on disk" in first.stderr
    assert (target / 'odoo-bin').is_file()
    log = subprocess.run(['git', 'log', '--format=%s'], cwd=target, capture_output=True, text=True, check=True)
    assert log.stdout.splitlines() == ["second 19.0 commit"], "only the branch's last commit is fetched"
    assert not (project / '.local/odoo.partial').exists()
    # The known manifest flaw is repaired in the fetched tree.
    manifest = (target / 'addons/iap/__manifest__.py').read_text()
    assert 'views/res_config_settings.xml' in manifest and '_views.xml' not in manifest

    # A second run reuses the tree, even with the repository gone.
    shutil.rmtree(odoo_repo)
    second = run_tools(project, ODOO_GIT_URL=url)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f'ODOO_PATH={target}'
    assert "using the one fetched earlier" in second.stderr
    assert "to download" not in second.stderr


def test_an_existing_odoo_path_is_used_as_it_is(odoo_repo, project):
    result = run_tools(project, ODOO_PATH=str(odoo_repo), ODOO_GIT_URL='file:///nowhere')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'ODOO_PATH={odoo_repo}'
    assert not (project / '.local/odoo').exists(), "nothing is cloned"


def test_an_unreachable_repository_fails_clearly_and_leaves_nothing(tmp_path, project):
    result = run_tools(project, ODOO_GIT_URL=f'file://{tmp_path}/missing-repo')
    assert result.returncode != 0
    assert "could not clone branch 19.0" in result.stderr
    assert "ODOO_GIT_URL" in result.stderr
    assert not (project / '.local/odoo').exists()
    assert not (project / '.local/odoo.partial').exists()


def test_a_branch_of_another_version_is_refused(odoo_repo, project):
    result = run_tools(project, ODOO_GIT_URL=f'file://{odoo_repo}', ODOO_GIT_BRANCH='master')
    assert result.returncode != 0
    assert "holds no odoo-bin" in result.stderr
    assert not (project / '.local/odoo').exists()


def test_a_tree_that_is_not_odoo_19_is_refused(odoo_repo, project):
    (odoo_repo / 'odoo/release.py').write_text(RELEASE.format(major=20))
    commit_all(odoo_repo, "20.0")
    result = run_tools(project, ODOO_GIT_URL=f'file://{odoo_repo}')
    assert result.returncode != 0
    assert "is not an Odoo 19 tree" in result.stderr
