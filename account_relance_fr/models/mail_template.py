"""The e-mails of a batch of relances rendered with one compilation of their template."""
import logging
import uuid

from lxml import html

from odoo import api, models

_logger = logging.getLogger(__name__)


class MailTemplate(models.Model):
    _inherit = 'mail.template'

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Odoo parses and compiles a QWeb body again for each record it renders; the daily run
        renders hundreds of relances with the same template. With the context key
        ``relance_render_batch`` they are rendered in one pass over the records, compiled once,
        each record in a scope of its own (the body of a ``t-call``: what one relance's
        rendering sets is not seen by the next). Anything else (another model, a template
        without expressions, a restricted editor, an error) goes Odoo's way, record by record,
        where errors are reported as Odoo reports them."""
        restricted = not self._unrestricted_rendering and not self.env.is_admin() \
            and not self.env.user.has_group('mail.group_mail_template_editor')
        if not (self.env.context.get('relance_render_batch') and model == 'account.relance' and template_src
                and len(res_ids) > 1 and not restricted
                and self._has_unsafe_expression_template_qweb(template_src, model)):
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        cut = f"relance-{uuid.uuid4().hex}"
        variables = self._render_eval_context()
        variables.update(add_context or {})
        variables.update(relance_batch_records=self.env[model].browse(res_ids), relance_batch_cut=cut)
        source = ('<t t-foreach="relance_batch_records" t-as="object"><t t-out="relance_batch_cut"/>'
                  '<t t-call="account_relance_fr.mail_render_scope">%s</t></t>') % template_src
        try:
            rendered = self.env['ir.qweb']._render(
                html.fragment_fromstring(source, create_parent='div'), variables, **(options or {}))
        except Exception:  # noqa: BLE001 - rendered again one by one, as Odoo does, to report the culprit
            _logger.info("Relance e-mails rendered one by one after a batch rendering failed", exc_info=True)
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        pieces = rendered[len('<div>'):-len('</div>')].split(cut)[1:]
        if len(pieces) != len(res_ids):  # the cut appeared in a rendering itself: never guess
            return super()._render_template_qweb(template_src, model, res_ids, add_context, options)
        return dict(zip(res_ids, pieces))
