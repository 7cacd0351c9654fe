"""The addon ships as OCA ships addons: a wheel built by whool, and a README generated from
its readme/ fragments."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / 'account_relance_fr'
PREFIX = 'odoo/addons/account_relance_fr/'


def test_the_readme_and_the_apps_page_are_generated_from_the_fragments():
    result = subprocess.run(
        [sys.executable, str(ROOT / 'setup' / 'addon_readme.py'), '--check'], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp('wheel')
    # whool reads the version from the manifest and the git history: build from the checkout.
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q', '-w', str(out), str(ADDON)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [path] = out.glob('*.whl')
    return path


def test_the_wheel_is_an_odoo_addon_of_the_manifest_version(wheel):
    manifest = ast.literal_eval((ADDON / '__manifest__.py').read_text())
    name, version = wheel.name.split('-')[:2]
    assert name == 'odoo_addon_account_relance_fr'
    assert version.startswith(manifest['version'])
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith('.dist-info/METADATA'))
    assert "Name: odoo-addon-account_relance_fr" in metadata
    assert "Requires-Dist: odoo==19.0.*" in metadata
    for library in manifest['external_dependencies']['python']:
        assert f"Requires-Dist: {library}" in metadata


def test_the_wheel_holds_everything_odoo_loads(wheel):
    manifest = ast.literal_eval((ADDON / '__manifest__.py').read_text())
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = [
        '__init__.py',
        '__manifest__.py',
        'demo/relance_demo.py',
        'report/aged_balance.py',
        'i18n/fr.po',
        'i18n/account_relance_fr.pot',
        'README.rst',
        'static/description/icon.png',
        'static/description/index.html',
        *manifest['data'],
        *manifest['demo'],
    ]
    missing = [path for path in expected if PREFIX + path not in names]
    assert not missing, f"not in the wheel: {missing}"
    tours = [n for n in names if n.startswith(PREFIX + 'static/tests/tours/') and n.endswith('.js')]
    assert tours, "the test tours (web.assets_tests) are shipped"
    assert not [n for n in names if n.startswith('odoo/addons/') and not n.startswith(PREFIX)]
    # The addon's namespace is Odoo's: no __init__.py in odoo/ or odoo/addons/.
    assert 'odoo/__init__.py' not in names and 'odoo/addons/__init__.py' not in names
