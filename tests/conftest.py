"""pytest runs the pure rules of the addon without Odoo: the addon's `core` package is
imported on its own (the addon's __init__ would import odoo)."""

import pathlib
import sys

ADDON = pathlib.Path(__file__).resolve().parent.parent / "account_relance_fr"
sys.path.insert(0, str(ADDON))

# An Odoo addon for the Odoo tests (installed by setup/test.sh), not for pytest.
collect_ignore = ["odoo_addons"]
