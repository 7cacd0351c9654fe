import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.postal import PROVIDERS, PostalAddress

SECRET_GROUPS = 'base.group_system,account_relance_fr.group_relance_manager'


def _provider_selection(_model):
    return [(code, provider.label) for code, provider in PROVIDERS.items()]


class AccountRelancePostalAccount(models.Model):
    """A company's account at a postal provider: registered letters (and letters) go out through
    its API instead of being printed.

    The credentials and the webhook secret are readable by administrators and relance managers
    only (as Odoo's own API keys are kept from other users) and are never written to the logs.
    """

    _name = 'account.relance.postal.account'
    _description = "Postal provider account"
    _order = 'company_id, sequence, id'
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    provider = fields.Selection(_provider_selection, required=True, default='maileva')
    environment = fields.Selection(
        [('sandbox', "Test (sandbox)"), ('production', "Production"), ('custom', "Other address")],
        required=True,
        default='sandbox',
        help="Test sends nothing by post. Other address: the API and authentication URLs typed below.",
    )
    api_url = fields.Char("API URL", groups=SECRET_GROUPS)
    auth_url = fields.Char("Authentication URL", groups=SECRET_GROUPS)
    client_id = fields.Char("Client ID", groups=SECRET_GROUPS, copy=False)
    client_secret = fields.Char("Client secret", groups=SECRET_GROUPS, copy=False)
    username = fields.Char("Login", groups=SECRET_GROUPS, copy=False)
    password = fields.Char(groups=SECRET_GROUPS, copy=False)
    webhook_secret = fields.Char(
        groups=SECRET_GROUPS,
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="Shared with the provider: its notifications carry it in the X-Relance-Secret header.",
    )
    webhook_url = fields.Char("Webhook URL", compute='_compute_webhook_url')
    timeout = fields.Integer("Timeout (seconds)", default=30)
    sender_id = fields.Many2one(
        'res.partner',
        "Sender address",
        help="Printed as the sender and where returned letters go. Default: the company's address.",
    )
    notification_email = fields.Char(help="Where the provider sends its own notices (deposit proofs).")
    prefer_electronic = fields.Boolean(
        "Electronic registered letter",
        help="Send a qualified electronic registered letter (LRE) when the provider offers it and "
        "the client may receive one: a professional, or a consumer who agreed to it (CPCE L100).",
    )
    acknowledgement = fields.Boolean("With acknowledgement of receipt", default=True)
    simple_letters = fields.Boolean(
        "Post simple letters too", help="Letters of the levels with the postal letter channel go out by the provider."
    )

    _timeout_positive = models.Constraint('CHECK (timeout > 0 AND timeout <= 300)', "The timeout is 1 to 300 seconds.")

    def _compute_webhook_url(self):
        base = self.env['ir.config_parameter'].sudo().get_param('web.base.url')  # sudo: a system parameter
        for account in self:
            account.webhook_url = f"{base}/account_relance_fr/postal/{account.id}/notify" if account.id else False

    @api.constrains('environment', 'api_url', 'auth_url')
    def _check_custom_urls(self):
        for account in self.sudo():  # sudo: the URLs are restricted fields, checked whoever saves
            if account.environment == 'custom' and not (account.api_url and account.auth_url):
                raise ValidationError(self.env._("Another address needs both the API URL and the authentication URL."))
            for url in (account.api_url, account.auth_url):
                if url and not url.startswith(('https://', 'http://')):
                    raise ValidationError(self.env._("%s is not an HTTP address.", url))

    @api.model
    def _for_company(self, company):
        """The active account of ``company`` (the first in order), or an empty recordset."""
        return self.search([('company_id', '=', company.id)], limit=1)

    def _provider(self):
        """The provider object of this account, with its credentials (read as superuser: the
        relance user who validates a mise en demeure may not read them, the sending needs them)."""
        self.ensure_one()
        account = self.sudo()  # sudo: credentials are restricted fields; they stay in this object
        provider_class = PROVIDERS[account.provider]
        urls = getattr(provider_class, 'environments', {}).get(account.environment, {})
        return provider_class(
            {
                'api_url': account.api_url or urls.get('api_url'),
                'auth_url': account.auth_url or urls.get('auth_url'),
                'mail_api_url': False if account.api_url else urls.get('mail_api_url'),
                'client_id': account.client_id,
                'client_secret': account.client_secret,
                'username': account.username,
                'password': account.password,
                'timeout': account.timeout,
            }
        )

    def _sender_address(self):
        self.ensure_one()
        partner = self.sender_id or self.company_id.partner_id
        return address_of(partner, partner.commercial_company_name or partner.name)

    def action_new_webhook_secret(self):
        self.ensure_one()
        self.check_access('write')
        self.webhook_secret = secrets.token_urlsafe(32)


def address_of(partner, company_name=''):
    """The six lines of the postal standard for ``partner`` (a contact of a company goes to the
    company, for the attention of the person)."""
    person = '' if partner.is_company else partner.name or ''
    company = company_name if company_name != person else ''
    return PostalAddress(
        lines=(
            company,
            person,
            partner.street2 or '',
            partner.street or '',
            '',
            f"{partner.zip or ''} {partner.city or ''}".strip(),
        ),
        country_code=(partner.country_id.code or 'FR').upper(),
    )
