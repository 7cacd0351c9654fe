from . import controllers
from . import models
from . import report
from . import wizards


def _post_init_hook(env):
    # Companies that existed before the install get the default scenarios too.
    env['res.company'].search([])._relance_ensure_default_scenarios()
    if env['ir.module.module'].search([('name', '=', 'account_relance_fr')]).demo:
        # Demo only, hence imported here: the demo company's invoices and payments.
        from .demo import relance_demo

        relance_demo.build(env)
