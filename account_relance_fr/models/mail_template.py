"""The e-mails of a batch of relances rendered with one compilation of their template."""

import logging
import re
import uuid

from lxml import html

from odoo import api, models

_logger = logging.getLogger(__name__)
# What a t-foreach sets besides its t-as name (odoo/addons/base/models/ir_qweb.py).
LOOP_SUFFIXES = ('_index', '_value', '_first', '_last', '_odd', '_even', '_parity', '_size')
VARIABLE = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')


class MailTemplate(models.Model):
    _inherit = 'mail.template'

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Odoo parses and compiles a QWeb body again for each record it renders; the daily run
        renders hundreds of relances with the same template. With the context key
        ``relance_render_batch`` they are rendered in one pass over the records, compiled once.
        What one relance's rendering sets is not seen by the next: every variable the template
        sets (``t-set``, ``t-as`` and its companions) is reset to None, as unset, before each
        record (a ``t-call`` scope would do it too, but QWeb formats a traceback for each call
        made from the body of a ``t-call`` of a template that is not a view). Anything else
        (another model, a template without expressions, a restricted editor, an error) goes
        Odoo's way, record by record, where errors are reported as Odoo reports them."""
        restricted = (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group('mail.group_mail_template_editor')
        )
        if not (
            self.env.context.get('relance_render_batch')
            and model == 'account.relance'
            and template_src
            and len(res_ids) > 1
            and not restricted
            and self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        cut = f"relance-{uuid.uuid4().hex}"
        variables = self._render_eval_context()
        variables.update(add_context or {})
        variables.update(relance_batch_records=self.env[model].browse(res_ids), relance_batch_cut=cut)
        try:
            reset = ''.join(f'<t t-set="{name}" t-value="None"/>' for name in self._relance_set_names(template_src))
            # The cut after each record: the body's own trailing text is kept, as Odoo keeps it.
            source = (
                f'<t t-foreach="relance_batch_records" t-as="object">{reset}{template_src}'
                '<t t-out="relance_batch_cut"/></t>'
            )
            rendered = self.env['ir.qweb']._render(
                html.fragment_fromstring(source, create_parent='div'), variables, **(options or {})
            )
        except Exception:  # noqa: BLE001 - rendered again one by one, as Odoo does, to report the culprit
            _logger.info("Relance e-mails rendered one by one after a batch rendering failed", exc_info=True)
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        pieces = rendered[len('<div>') : -len('</div>')].split(cut)[:-1]
        if len(pieces) != len(res_ids):  # the cut appeared in a rendering itself: never guess
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        return dict(zip(res_ids, pieces))

    @api.model
    def _relance_set_names(self, template_src):
        """The variables a QWeb source sets: ``t-set`` names, ``t-as`` names and what a
        ``t-foreach`` adds with them."""
        names = set()
        for node in html.fragment_fromstring(template_src, create_parent='div').iter():
            if not isinstance(node.tag, str):
                continue  # comments and processing instructions
            if node.get('t-set'):
                names.add(node.get('t-set'))
            if node.get('t-as'):
                loop = node.get('t-as')
                names.update([loop] + [loop + suffix for suffix in LOOP_SUFFIXES])
        return sorted(name for name in names if VARIABLE.fullmatch(name) and name != 'object')
