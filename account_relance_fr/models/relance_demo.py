from datetime import timedelta

from odoo import Command, api, models

DEMO_COMPANY = "Atelier Durand SARL"


class AccountRelanceDemo(models.AbstractModel):
    """Demo data: a French SME whose clients pay at every stage of lateness."""
    _name = 'account.relance.demo'
    _description = "Relance demo data"

    @api.model
    def _load_demo(self):
        france = self.env.ref('base.fr')
        euro = self.env.ref('base.EUR')
        euro.active = True
        company = self.env['res.company'].create({
            'name': DEMO_COMPANY, 'street': "25 quai Claude Bernard", 'zip': "69007",
            'city': "Lyon", 'country_id': france.id, 'currency_id': euro.id,
            'email': "recouvrement@atelier-durand.example", 'phone': "+33 4 78 00 00 00",
            'company_registry': "81234567800015",
        })
        company.partner_id.tz = 'Europe/Paris'
        chart = self.env['account.chart.template']
        # The French chart needs l10n_fr_account fully loaded (its tax tags): when it is only
        # being installed in the same run, the generic chart serves the demo as well.
        fr_ready = self.env['ir.module.module'].search_count(
            [('name', '=', 'l10n_fr_account'), ('state', '=', 'installed')])
        code = 'fr' if fr_ready else 'generic_coa'
        chart.try_loading(code, company, install_demo=False)
        admin = self.env.ref('base.user_admin')
        admin.write({'company_ids': [Command.link(company.id)], 'company_id': company.id})
        company.relance_collector_id = admin
        env = self.with_company(company).env
        today = env['account.relance.run']._company_today(company)
        lang = 'fr_FR' if env['res.lang']._lang_get('fr_FR') else 'en_US'

        def client(name, street, zip_code, city, email, **extra):
            # Clients who already paid late before: the standard scenario shows every stage.
            return env['res.partner'].create({
                'name': name, 'is_company': True, 'street': street, 'zip': zip_code, 'city': city,
                'country_id': france.id, 'email': email, 'lang': lang,
                'relance_risk_category': 'occasional', **extra})

        boulangerie = client("Boulangerie Martin SARL", "12 rue de la République", "69002", "Lyon",
                             "compta@boulangerie-martin.example", company_registry="48512345600021")
        garage = client("Garage du Centre SAS", "4 avenue Jean Jaurès", "31000", "Toulouse",
                        "contact@garage-centre.example")
        menuiserie = client("Menuiserie Lefèvre", "8 chemin des Vignes", "33000", "Bordeaux", False)
        transports = client("Transports Rapides SA", "150 boulevard Haussmann", "75008", "Paris",
                            "direction@transports-rapides.example", company_registry="39912345600034")
        agence = client("Agence Horizon SARL", "3 place du Marché", "44000", "Nantes",
                        "accueil@agence-horizon.example")
        transports.relance_contact_id = env['res.partner'].create({
            'name': "Claire Dubois", 'parent_id': transports.id, 'type': 'contact',
            'email': "claire.dubois@transports-rapides.example", 'function': "Responsable comptable"})
        hotel = client("Hôtel Les Tilleuls", "1 allée des Tilleuls", "06000", "Nice",
                       "reception@hotel-tilleuls.example", relance_suspended=True,
                       relance_suspension_reason="Litige sur la prestation de mars, en cours de résolution")

        product = env['product.product'].create({
            'name': "Prestation de maintenance", 'type': 'service', 'list_price': 1000.0})

        def invoice(partner, days_late, amount, move_type='out_invoice'):
            due = today - timedelta(days=days_late)
            move = env['account.move'].create({
                'move_type': move_type, 'partner_id': partner.id, 'invoice_user_id': admin.id,
                'invoice_date': due - timedelta(days=30),
                **({'invoice_date_due': due, 'invoice_payment_term_id': False}
                   if move_type == 'out_invoice' else {}),
                'invoice_line_ids': [Command.create({
                    'product_id': product.id, 'quantity': 1, 'price_unit': amount, 'tax_ids': False})],
            })
            move.action_post()
            return move

        invoice(boulangerie, -3, 850.0)         # due in 3 days: preventive reminder
        invoice(boulangerie, 1, 1200.0)         # one day late: first reminder
        invoice(garage, 10, 2400.0)             # second reminder...
        invoice(garage, -25, 300.0, 'out_refund')  # ...less an unreconciled credit note
        invoice(menuiserie, 20, 640.0)          # phone call; no e-mail address
        invoice(transports, 30, 5400.0)         # severe reminder and letter, to the accountant
        invoice(hotel, 40, 980.0)               # suspended: never reminded
        partly = invoice(agence, 45, 3000.0)    # last reminder, waits for validation
        env['account.payment.register'].with_context(
            active_model='account.move', active_ids=partly.ids,
        ).create({'amount': 1000.0, 'payment_date': today - timedelta(days=20)})._create_payments()

    @api.model
    def _translate_demo_levels(self, company):
        """The demo company copied its scenarios while the addon was installing, before Odoo
        loaded its translations: give them the names of the shipped ones in every language."""
        main = self.env.ref('base.main_company')
        langs = [code for code, _name in self.env['res.lang'].get_installed()]
        for model, key in (('account.relance.scenario', lambda r: r.risk_category),
                           ('account.relance.level', lambda r: (r.risk_category, r.tone, r.delay))):
            records = self.env[model].search([('company_id', 'in', (main | company).ids)])
            shipped = {key(r): r for r in records if r.company_id == main}
            for record in records.filtered(lambda r: r.company_id == company):
                source = shipped.get(key(record))
                if source:
                    record.update_field_translations('name', {
                        lang: source.with_context(lang=lang).name for lang in langs})

    @api.model
    def _run_demo_history(self, days=60):
        """The daily runs of the last ``days`` days, so that the history shows every stage.

        Idempotent like the daily run: calling it again creates nothing new. The past runs
        claim today's residuals (a run as of a past date cannot know older ones).
        """
        company = self.env['res.company'].search([('name', '=', DEMO_COMPANY)], limit=1)
        if not company:
            return
        self._translate_demo_levels(company)
        run = self.env['account.relance.run'].with_company(company)
        today = run._company_today(company)
        for days_ago in range(days, 0, -1):
            run._run(on_date=today - timedelta(days=days_ago), companies=company)
