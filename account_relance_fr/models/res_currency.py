import ast
import functools

from odoo import models
from odoo.tools.misc import get_lang

from odoo.addons.base.models.res_lang import intersperse


@functools.lru_cache(maxsize=32)
def _grouping(text):
    """A language's digit grouping ("[3,0]"), parsed once: ``res.lang.format`` parses it again
    for every amount."""
    return ast.literal_eval(text)


class ResCurrency(models.Model):
    _inherit = 'res.currency'

    def _relance_money(self, amount, lang=None):
        """An amount of this currency as everything the relances show writes it: letters,
        e-mails, the client's page and statement, the schedule, the chatter and the screens
        ("1 234,56 €", "-300,00 €", "$ 12.00"), as plain text.

        The one place amounts are formatted: Odoo's ``formatLang`` and QWeb's monetary widget
        put a zero-width no-break space after the minus sign, which a client reads as a stray
        mark in a copied figure or a plain-text e-mail; a line never breaks between a
        hyphen-minus and the digit after it anyway. ``lang``: the data of a language
        (``res.lang._get_data``), else French when installed (what the client reads is
        French), else the environment's. Digits are grouped as ``res.lang.format`` groups them."""
        self.ensure_one()
        if lang is None:
            french = self.env['res.lang']._get_data(code='fr_FR')
            lang = french if french.id else get_lang(self.env)
        value = self.round(amount) or 0.0  # never "-0,00"
        parts = (f"%.{self.decimal_places}f" % value).split('.')
        parts[0] = intersperse(parts[0], _grouping(lang.grouping), lang.thousands_sep or '')[0]
        text = lang.decimal_point.join(parts).replace(' ', '\N{NO-BREAK SPACE}')
        if self.position == 'before':
            return f"{self.symbol or ''}\N{NO-BREAK SPACE}{text}"
        return f"{text}\N{NO-BREAK SPACE}{self.symbol or ''}"
