from . import controllers
from . import models
from . import wizards


def _post_init_hook(env):
    # Companies that existed before the install get the default scenarios too.
    env['res.company'].search([])._relance_ensure_default_scenarios()
