"""Write the addon's README.rst and static/description/index.html from its readme/ fragments.

OCA addons keep their documentation as fragments (readme/DESCRIPTION.md, USAGE.md, ...) and
generate the README shown on the package index and the page Odoo shows in the Apps screen.
Run with the project's Python (docutils comes with Odoo's requirements):

    python setup/addon_readme.py            # write both files
    python setup/addon_readme.py --check    # exit 1 if they are not up to date
"""

import ast
import re
import sys
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / 'account_relance_fr'
SECTIONS = [  # (fragment, title); DESCRIPTION comes first, without a title
    ('CONFIGURE', "Configuration"),
    ('USAGE', "Usage"),
    ('ROADMAP', "Known issues / Roadmap"),
    ('HISTORY', "Changelog"),
]
STATUS_BADGE = {'Alpha': 'red', 'Beta': 'yellow', 'Production/Stable': 'green', 'Mature': 'brightgreen'}


def md_to_rst(text):
    """The little Markdown the fragments use, as reStructuredText: ``## Heading`` lines,
    inline code; lists, emphasis and paragraphs read the same in both."""
    out = []
    for line in text.rstrip().splitlines():
        heading = re.match(r'^#{1,3}\s+(.*)$', line)
        if heading:
            title = heading.group(1).strip()
            out += [title, '-' * len(title)]
            continue
        out.append(re.sub(r'(?<!`)`([^`]+)`(?!`)', r'``\1``', line))
    return "\n".join(out) + "\n"


def title(text, char):
    return f"{text}\n{char * len(text)}\n"


def readme_rst():
    manifest = ast.literal_eval((ADDON / '__manifest__.py').read_text())
    fragment = {path.stem: path.read_text() for path in (ADDON / 'readme').glob('*.md')}
    name = manifest['name']
    status = manifest.get('development_status', 'Beta')
    badge = STATUS_BADGE.get(status, 'lightgrey')
    license_ = manifest['license']
    parts = [
        "=" * len(name),
        name,
        "=" * len(name),
        "",
        f".. |badge1| image:: https://img.shields.io/badge/maturity-{status.replace('/', '%2F')}-{badge}.png",
        f"    :alt: {status}",
        f".. |badge2| image:: https://img.shields.io/badge/license-{license_.replace('-', '--')}-blue.png",
        f"    :alt: License: {license_}",
        "",
        "|badge1| |badge2|",
        "",
        md_to_rst(fragment['DESCRIPTION']),
        "**Table of contents**",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for key, heading in SECTIONS:
        if fragment.get(key, '').strip():
            parts += [title(heading, '='), md_to_rst(fragment[key])]
    parts += [title("Credits", '='), title("Authors", '-')]
    parts += [f"* {author.strip()}" for author in manifest['author'].split(',')] + [""]
    if fragment.get('CONTRIBUTORS', '').strip():
        parts += [title("Contributors", '-'), md_to_rst(fragment['CONTRIBUTORS'])]
    parts += [title("Maintainers", '-')]
    maintainers = manifest.get('maintainers') or []
    parts += [
        ("Current maintainers: " + ", ".join(maintainers) + ".")
        if maintainers
        else "This module is maintained by its contributors.",
        "",
    ]
    return "\n".join(parts).rstrip() + "\n"


def index_html(rst):
    from docutils.core import publish_string

    html = publish_string(
        rst,
        writer_name='html5',
        settings_overrides={
            'embed_stylesheet': False,
            'stylesheet_path': '',
            'report_level': 2,
            'halt_level': 2,
            'output_encoding': 'unicode',
            'doctitle_xform': True,
            'initial_header_level': 2,
        },
    )
    return html.replace('\r\n', '\n')


def main(check=False):
    rst = readme_rst()
    targets = {ADDON / 'README.rst': rst, ADDON / 'static' / 'description' / 'index.html': index_html(rst)}
    stale = [path for path, text in targets.items() if not path.exists() or path.read_text() != text]
    if check:
        for path in stale:
            print(f"{path.relative_to(ADDON.parent)} is not up to date: run python setup/addon_readme.py")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(targets[path])
        print(f"wrote {path.relative_to(ADDON.parent)}")
    return 0


if __name__ == '__main__':
    sys.exit(main(check='--check' in sys.argv[1:]))
