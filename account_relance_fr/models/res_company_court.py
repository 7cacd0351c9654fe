from odoo import fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'  # pylint: disable=consider-merging-classes-inherited

    # R125-1 of the Code des procédures civiles d'exécution sets the ceiling of the
    # small-claims procedure (5 000 € principal and interest when written): a setting, since
    # the decree may change it.
    relance_small_claims_threshold = fields.Monetary(
        "Small-claims ceiling",
        currency_field='currency_id',
        default=5000.0,
        help="A claim up to this amount (principal and interest) is proposed for the procédure "
        "simplifiée de recouvrement des petites créances, through a commissaire de justice.",
    )
    relance_court_reminder_days = fields.Integer(
        "Court deadlines: remind ahead (days)",
        default=30,
        help="How many days before the order of an injonction de payer lapses unserved the collector gets an activity.",
    )
