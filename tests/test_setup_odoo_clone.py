"""The set-up scripts fetch Odoo themselves on a machine that has none.

A small bare repository stands in for Odoo's: no network is used.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT = ['git', '-c', 'user.email=test@relance.local', '-c', 'user.name=test', '-c', 'init.defaultBranch=main']


def _git(*args, cwd=None):
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def _fake_odoo(tmp_path, major=19, branch='19.0'):
    """A bare repository holding the least the scripts check: odoo-bin, addons/account, release.py."""
    work = tmp_path / 'odoo-work'
    (work / 'addons' / 'account').mkdir(parents=True)
    (work / 'odoo').mkdir()
    (work / 'odoo-bin').write_text("#!/usr/bin/env python3\n")
    (work / 'addons' / 'account' / '__manifest__.py').write_text("{'name': 'Invoicing'}\n")
    (work / 'odoo' / 'release.py').write_text(f"version_info = ({major}, 0, 0, 'final', 0, '')\n")
    (work / 'requirements.txt').write_text("")
    _git('init', '-q', str(work))
    _git('add', '-A', cwd=work)
    _git('commit', '-qm', 'odoo', cwd=work)
    _git('commit', '-q', '--allow-empty', '-m', 'second commit, absent from a shallow clone', cwd=work)
    _git('branch', '-M', branch, cwd=work)
    bare = tmp_path / 'odoo.git'
    _git('clone', '-q', '--bare', str(work), str(bare))
    return bare


def _ensure_odoo(tmp_path, **env):
    """Run ensure_odoo of setup/common.sh in a clean environment; print the tree it chose."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(('ODOO_', 'RELANCE_'))}
    base.update(RELANCE_CACHE=str(tmp_path / 'cache'), RELANCE_SYSTEM_ODOO=str(tmp_path / 'no-odoo'))
    base.update(env)
    script = f'source {ROOT}/setup/common.sh; ensure_odoo; echo "ODOO_PATH=$ODOO_PATH"'
    return subprocess.run(['bash', '-c', script], env=base, capture_output=True, text=True, timeout=60)


def test_a_machine_without_odoo_gets_a_shallow_clone_of_the_19_branch(tmp_path):
    bare = _fake_odoo(tmp_path)
    result = _ensure_odoo(tmp_path, ODOO_GIT_URL=str(bare))
    assert result.returncode == 0, result.stderr
    tree = tmp_path / 'cache' / 'odoo-19.0'
    assert result.stdout.strip() == f"ODOO_PATH={tree}"
    assert "cloning" in result.stderr and str(bare) in result.stderr, "the user is told"
    assert (tree / 'odoo-bin').is_file()
    log = subprocess.run(
        ['git', '-C', str(tree), 'rev-list', '--count', 'HEAD'], capture_output=True, text=True, check=True
    )
    assert log.stdout.strip() == '1', "shallow: only the last commit"

    again = _ensure_odoo(tmp_path, ODOO_GIT_URL=str(bare))
    assert again.returncode == 0 and "cloning" not in again.stderr, "the clone is made once"


def test_another_branch_can_be_named(tmp_path):
    bare = _fake_odoo(tmp_path, branch='saas-19.1')
    result = _ensure_odoo(tmp_path, ODOO_GIT_URL=str(bare), ODOO_GIT_REF='saas-19.1')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith('/cache/odoo-saas-19.1')


@pytest.mark.parametrize('url', ['missing.git', 'https://127.0.0.1:9/odoo.git'])
def test_an_unreachable_repository_stops_with_what_to_do(tmp_path, url):
    result = _ensure_odoo(
        tmp_path, ODOO_GIT_URL=str(tmp_path / url) if '//' not in url else url, GIT_TERMINAL_PROMPT='0'
    )
    assert result.returncode != 0
    assert "could not clone Odoo" in result.stderr
    assert "ODOO_GIT_URL" in result.stderr and "ODOO_PATH" in result.stderr
    assert not (tmp_path / 'cache' / 'odoo-19.0').exists()
    assert not (tmp_path / 'cache' / 'odoo-19.0.partial').exists()


def test_a_clone_that_is_not_odoo_19_is_refused(tmp_path):
    bare = _fake_odoo(tmp_path, major=18)
    result = _ensure_odoo(tmp_path, ODOO_GIT_URL=str(bare))
    assert result.returncode != 0
    assert "not Odoo 19" in result.stderr
    assert not (tmp_path / 'cache' / 'odoo-19.0').exists()


def test_an_odoo_path_set_by_the_user_is_never_replaced_by_a_clone(tmp_path):
    bare = _fake_odoo(tmp_path)
    result = _ensure_odoo(tmp_path, ODOO_PATH=str(tmp_path / 'mine'), ODOO_GIT_URL=str(bare))
    assert result.returncode != 0
    assert "ODOO_PATH" in result.stderr and "cloning" not in result.stderr
    assert not (tmp_path / 'cache' / 'odoo-19.0').exists()


def test_a_system_wide_tree_is_used_without_cloning(tmp_path):
    bare = _fake_odoo(tmp_path)
    system = tmp_path / 'system-odoo'
    subprocess.run(['git', 'clone', '-q', str(bare), str(system)], check=True)
    result = _ensure_odoo(tmp_path, RELANCE_SYSTEM_ODOO=str(system), ODOO_GIT_URL='/nowhere')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ODOO_PATH={system}"
