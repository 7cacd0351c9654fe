"""The screenshots of README.rst come from one table, setup/screenshots.json."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = json.loads((ROOT / 'setup' / 'screenshots.json').read_text())


def test_every_screen_of_the_table_has_its_image_in_the_readme():
    readme = (ROOT / 'README.rst').read_text()
    names = [screen['name'] for screen in TABLE['screens']]
    assert len(names) == len(set(names)), "one image per name"
    for screen in TABLE['screens']:
        assert re.fullmatch(r'[a-z0-9_]+', screen['name'])
        assert screen['url'].startswith('/'), "a path of the demo server"
        assert screen.get('kind') == 'pdf' or screen.get('wait'), "a browser screen says what to wait for"
        assert f"docs/screenshots/{screen['name']}.png" in readme
        assert (ROOT / 'docs' / 'screenshots' / f"{screen['name']}.png").is_file()


def test_the_readme_shows_no_image_the_table_does_not_take():
    readme = (ROOT / 'README.rst').read_text()
    shown = set(re.findall(r'docs/screenshots/([a-z0-9_]+)\.png', readme))
    assert shown == {screen['name'] for screen in TABLE['screens']}
