from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.calendar import TONE_ORDER, Level, is_written, level_problems, tone_rank

TONE_LABELS = {
    'preventive': "Preventive",
    'cordial': "Cordial",
    'firm': "Firm",
    'severe': "Severe (penalties)",
    'last_notice': "Last reminder before formal notice",
    'formal_notice': "Formal notice (mise en demeure)",
}
# The selection of the tones, in the order of escalation.
TONES = [(tone, TONE_LABELS[tone]) for tone in TONE_ORDER]


class AccountRelanceLevel(models.Model):
    """One step of the relance scenario of a company."""

    _name = 'account.relance.level'
    _description = "Relance level"
    _order = 'company_id, scenario_id, sequence, delay, id'
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, required=True, aggregator=False)
    active = fields.Boolean(default=True)
    scenario_id = fields.Many2one('account.relance.scenario', required=True, index=True, ondelete='cascade')
    company_id = fields.Many2one(related='scenario_id.company_id', store=True, index=True, precompute=True)
    risk_category = fields.Selection(related='scenario_id.risk_category', store=True)
    delay = fields.Integer(
        "Delay (days)",
        required=True,
        aggregator=False,
        help="Days after the due date of the installment when this level is sent; "
        "a negative value sends a preventive reminder before the due date.",
    )
    tone = fields.Selection(TONES, required=True, default='cordial')
    channel_email = fields.Boolean("E-mail", default=True)
    channel_phone = fields.Boolean("Phone call")
    channel_letter = fields.Boolean("Postal letter")
    channel_registered_letter = fields.Boolean(
        "Registered letter", help="Registered letter with acknowledgement of receipt (LRAR)."
    )
    auto_send = fields.Boolean(
        "Send automatically",
        default=True,
        help="When unchecked, the relances of this level wait in the 'to validate' list until a person sends them.",
    )
    mail_template_id = fields.Many2one('mail.template', "E-mail template", domain=[('model', '=', 'account.relance')])
    letter_report_id = fields.Many2one(
        'ir.actions.report',
        "Letter",
        domain=[('model', '=', 'account.relance')],
        default=lambda self: self.env.ref('account_relance_fr.action_report_relance_letter', raise_if_not_found=False),
    )
    note = fields.Text("Internal note")
    channel_summary = fields.Char("Channels", compute='_compute_channel_summary')

    @api.depends('channel_email', 'channel_phone', 'channel_letter', 'channel_registered_letter')
    def _compute_channel_summary(self):
        labels = {name: self._fields[name].get_description(self.env)['string'] for name in self._channel_fields()}
        for level in self:
            level.channel_summary = ", ".join(label for name, label in labels.items() if level[name])

    @api.model
    def _channel_fields(self):
        return ['channel_email', 'channel_phone', 'channel_letter', 'channel_registered_letter']

    def _as_core(self):
        return [
            Level(
                id=lv.id,
                sequence=lv.sequence,
                delay=lv.delay,
                rank=tone_rank(lv.tone),
                written=is_written(lv),
            )
            for lv in self
        ]

    @api.depends('name', 'scenario_id.name')
    @api.depends_context('relance_level_scenario')
    def _compute_display_name(self):
        # Each scenario has its "Reminder before due date": the reports that group relances of
        # several scenarios by level name each level with its scenario (else the graph numbers
        # the homonyms "(2)", "(3)").
        result = super()._compute_display_name()
        if self.env.context.get('relance_level_scenario'):
            for level in self:
                level.display_name = f"{level.name} ({level.scenario_id.name})"
        return result

    @api.constrains('sequence', 'delay', 'scenario_id', 'active')
    def _check_scenario(self):
        for scenario in self.scenario_id:
            levels = self.search([('scenario_id', '=', scenario.id)])
            names = {lv.id: lv.name for lv in levels}
            for kind, first, second in level_problems(levels._as_core()):
                if kind == 'same_delay':
                    raise ValidationError(
                        self.env._(
                            "The relance levels “%(first)s” and “%(second)s” have the same delay "
                            "(%(delay)s days): a client would be reminded twice on the same day.",
                            first=names[first.id],
                            second=names[second.id],
                            delay=first.delay,
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "The relance level “%(second)s” comes after “%(first)s” but its delay "
                        "(%(second_delay)s days) is shorter than %(first_delay)s days: order the "
                        "levels by increasing delay.",
                        first=names[first.id],
                        second=names[second.id],
                        first_delay=first.delay,
                        second_delay=second.delay,
                    )
                )

    @api.constrains('channel_email', 'channel_phone', 'channel_letter', 'channel_registered_letter')
    def _check_channel(self):
        for level in self:
            if not any(level[name] for name in self._channel_fields()):
                raise ValidationError(self.env._("The relance level “%s” needs at least one channel.", level.name))

    @api.constrains('channel_email', 'mail_template_id')
    def _check_template(self):
        for level in self:
            if level.channel_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._("The relance level “%s” sends an e-mail: choose its e-mail template.", level.name)
                )
