from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.relance_court import COURT_TYPES
from ..models.relance_court_claim import CLAIM_KINDS


class AccountRelanceCourtClaimWizard(models.TransientModel):
    """From the client's file: the injonction de payer or the small-claims procedure, with the
    court proposed from the client's nature and seat, each editable."""

    _name = 'account.relance.court.claim.wizard'
    _description = "Prepare a court claim"

    file_id = fields.Many2one('account.relance.file', "Relance file", required=True, readonly=True)
    partner_id = fields.Many2one(related='file_id.partner_id')
    company_id = fields.Many2one(related='file_id.company_id')
    currency_id = fields.Many2one(related='company_id.currency_id')
    date = fields.Date("Amounts counted to", required=True)
    kind = fields.Selection(CLAIM_KINDS, required=True)
    court_type = fields.Selection(
        COURT_TYPES,
        "Kind of court",
        compute='_compute_court_type',
        store=True,
        readonly=False,
        help="Tribunal de commerce between merchants or companies, tribunal judiciaire otherwise.",
    )
    court_id = fields.Many2one(
        'account.relance.court',
        compute='_compute_court_id',
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id), ('court_type', '=', court_type)]",
    )
    commissaire = fields.Char("Commissaire de justice")
    amount_costs = fields.Monetary("Costs claimed separately", currency_field='currency_id')
    amount_claim = fields.Monetary(
        "Principal and interest", compute='_compute_amount_claim', currency_field='currency_id'
    )
    threshold = fields.Monetary(related='company_id.relance_small_claims_threshold')

    @api.model
    def _action_open(self, file, kind=None):
        file.ensure_one()
        self.env['account.relance']._check_relance_group()
        today = file.company_id._relance_today()
        if kind is None:
            kind = 'petites_creances' if file._handover_route(today) == 'small_claims' else 'injonction'
        return {
            'type': 'ir.actions.act_window',
            'res_model': self._name,
            'name': self.env._("Go to court"),
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_file_id': file.id, 'default_kind': kind, 'default_date': today},
        }

    @api.depends('file_id')
    def _compute_court_type(self):
        for wizard in self:
            client = wizard.file_id.partner_id
            consumer = client._relance_consumer_in(wizard.file_id.company_id) if client else False
            wizard.court_type = 'judiciaire' if consumer else 'commerce'

    @api.depends('court_type', 'file_id')
    def _compute_court_id(self):
        for wizard in self:
            wizard.court_id = (
                self.env['account.relance.court']._propose(wizard.company_id, wizard.court_type, wizard.partner_id)
                if wizard.file_id and wizard.court_type
                else False
            )

    @api.depends('file_id', 'date')
    def _compute_amount_claim(self):
        for wizard in self:
            if not wizard.file_id or not wizard.date:
                wizard.amount_claim = 0.0
                continue
            claim = self.env['account.relance.court.claim']._assess(wizard.company_id, wizard.partner_id, wizard.date)
            wizard.amount_claim = claim['principal'] + claim['credit'] + claim['penalties']

    # ------------------------------------------------------------------ checks

    def _check_can_claim(self, assessed):
        """Refuse, with a message a collector understands, what a court would refuse or what
        the law forbids: a hold on the client, an unidentified party, nothing owed, no court."""
        self.ensure_one()
        _ = self.env._
        file, client, company = self.file_id, self.partner_id, self.company_id
        hold = file._court_hold_reason()
        if hold:
            raise UserError(hold)
        notice = file._last_formal_notice()
        if notice.deadline and notice.deadline >= self.date:
            raise UserError(
                _(
                    "The mise en demeure gave %(client)s until %(deadline)s to pay: the court can be asked "
                    "from the day after.",
                    client=client.name,
                    deadline=notice.deadline.strftime('%d/%m/%Y'),
                )
            )
        if not assessed['lines'] or assessed['total'] <= 0:
            raise UserError(_("%s owes nothing that is due and undisputed: there is nothing to claim.", client.name))
        if not (client.street and client.zip and client.city):
            raise UserError(
                _("Give the address of %s (street, postcode, city): the requête must state it.", client.name)
            )
        professional = not client._relance_consumer_in(company)
        if professional and not client.relance_siren:
            raise UserError(
                _("Give the SIRET or SIREN of %s (company registry): a company is identified by it.", client.name)
            )
        if not company._relance_siren():
            raise UserError(
                _("Give the SIRET of %s (company registry): the creditor is identified by it.", company.name)
            )
        if self.kind == 'injonction' and not self.court_id:
            raise UserError(
                _(
                    "Choose the court (%s). Add the courts you file with under Configuration > Courts.",
                    dict(COURT_TYPES).get(self.court_type, ''),
                )
            )
        if self.kind == 'petites_creances':
            claimed = assessed['principal'] + assessed['credit'] + assessed['penalties']
            within = company.currency_id.compare_amounts(claimed, company.relance_small_claims_threshold)
            if within > 0:
                raise UserError(
                    _(
                        "%(amount)s in principal and interest is over the small-claims ceiling of %(ceiling)s: "
                        "file an injonction de payer.",
                        amount=self.env['account.relance.court.claim']._format_money(company, claimed),
                        ceiling=self.env['account.relance.court.claim']._format_money(
                            company, company.relance_small_claims_threshold
                        ),
                    )
                )

    def action_prepare(self):
        self.ensure_one()
        Claim = self.env['account.relance.court.claim']
        assessed = Claim._assess(self.company_id, self.partner_id, self.date)
        self._check_can_claim(assessed)
        claim = Claim.create(self._prepare_claim_values(assessed))
        claim._build_pack()
        return {
            'type': 'ir.actions.act_window',
            'res_model': Claim._name,
            'res_id': claim.id,
            'view_mode': 'form',
        }

    def _prepare_claim_values(self, assessed):
        """The claim's values: the parties as the records say them today, the breakdown."""
        self.ensure_one()
        client, company = self.partner_id, self.company_id
        lines = assessed['lines'] + assessed['credits']
        return {
            'company_id': company.id,
            'file_id': self.file_id.id,
            'partner_id': client.id,
            'kind': self.kind,
            'date': self.date,
            'court_type': self.court_type,
            'court_id': self.court_id.id,
            'commissaire': self.commissaire,
            'creditor_legal_form': company.relance_legal_form,
            'creditor_name': company.name,
            'creditor_address': self._address(company.partner_id),
            'creditor_siren': company._relance_siren(),
            'creditor_representative': self._representative(company.relance_collector_id or self.env.user),
            'debtor_is_company': not client._relance_consumer_in(company),
            'debtor_legal_form': client.relance_legal_form,
            'debtor_name': client.name,
            'debtor_address': self._address(client),
            'debtor_siren': client.relance_siren,
            'debtor_representative': client.relance_representative,
            'line_ids': [fields.Command.create(line) for line in lines],
            'amount_principal': assessed['principal'],
            'amount_credits': assessed['credit'],
            'amount_penalties': assessed['penalties'],
            'amount_indemnity': assessed['indemnity'],
            'amount_total': assessed['total'],
            'amount_costs': self.amount_costs,
            'basis': self._basis(),
        }

    def _basis(self):
        """The basis of the claim, in French: the invoices and the terms of sale (art. 1407 CPC)."""
        self.ensure_one()
        notice = self.file_id._last_formal_notice()
        text = (
            f"Factures émises par {self.company_id.name} en exécution des commandes du débiteur et de ses "
            "conditions générales de vente, restées impayées à leur échéance."
        )
        if notice:
            text += f" Mise en demeure du {notice.date.strftime('%d/%m/%Y')} (réf. {notice.name}) restée sans effet"
            if notice.deadline:
                text += f" à l'expiration du délai fixé au {notice.deadline.strftime('%d/%m/%Y')}"
            text += "."

        return text

    @api.model
    def _representative(self, user):
        function = user.partner_id.function
        return f"{user.name}, {function}" if function else user.name

    @api.model
    def _address(self, partner):
        lines = [
            partner.street,
            partner.street2,
            f"{partner.zip or ''} {partner.city or ''}".strip(),
            partner.country_id.name if partner.country_id and partner.country_id.code != 'FR' else '',
        ]
        return "\n".join(line for line in lines if line)
