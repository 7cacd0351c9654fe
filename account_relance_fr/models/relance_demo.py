from datetime import timedelta

from odoo import Command, api, fields, models


class AccountRelanceDemo(models.AbstractModel):
    """Demo data: French clients with invoices at every stage of lateness."""
    _name = 'account.relance.demo'
    _description = "Relance demo data"

    @api.model
    def _load_demo(self):
        company = self.env.company
        if not self.env['account.journal'].search([('type', '=', 'sale'), ('company_id', '=', company.id)], limit=1):
            return  # no chart of accounts: nothing can be invoiced
        today = self.env['account.relance.run']._company_today(company)
        france = self.env.ref('base.fr')
        Partner = self.env['res.partner']

        def client(name, street, zip_code, city, email, **extra):
            return Partner.create({
                'name': name, 'is_company': True, 'street': street, 'zip': zip_code, 'city': city,
                'country_id': france.id, 'email': email, 'lang': 'fr_FR'
                if self.env['res.lang']._lang_get('fr_FR') else 'en_US', **extra})

        boulangerie = client("Boulangerie Martin SARL", "12 rue de la République", "69002", "Lyon",
                             "compta@boulangerie-martin.example")
        garage = client("Garage du Centre SAS", "4 avenue Jean Jaurès", "31000", "Toulouse",
                        "contact@garage-centre.example")
        menuiserie = client("Menuiserie Lefèvre", "8 chemin des Vignes", "33000", "Bordeaux", False)
        transports = client("Transports Rapides SA", "150 boulevard Haussmann", "75008", "Paris",
                            "direction@transports-rapides.example")
        agence = client("Agence Horizon SARL", "3 place du Marché", "44000", "Nantes",
                        "accueil@agence-horizon.example")
        comptable = Partner.create({
            'name': "Claire Dubois", 'parent_id': transports.id, 'type': 'invoice',
            'email': "claire.dubois@transports-rapides.example", 'function': "Responsable comptable"})
        transports.relance_contact_id = comptable
        client("Hôtel Les Tilleuls", "1 allée des Tilleuls", "06000", "Nice",
               "reception@hotel-tilleuls.example", relance_suspended=True,
               relance_suspension_reason="Litige sur la prestation de mars, en cours de résolution")

        product = self.env['product.product'].create({
            'name': "Prestation de maintenance", 'type': 'service', 'list_price': 1000.0})

        def invoice(partner, days_late, amount, **extra):
            due = today - timedelta(days=days_late)
            move = self.env['account.move'].create({
                'move_type': 'out_invoice', 'partner_id': partner.id,
                'invoice_date': due - timedelta(days=30), 'invoice_date_due': due,
                'invoice_payment_term_id': False,
                'invoice_line_ids': [Command.create({
                    'product_id': product.id, 'quantity': 1, 'price_unit': amount, 'tax_ids': False})],
                **extra})
            move.action_post()
            return move

        invoice(boulangerie, -3, 850.0)         # due in 3 days: preventive reminder
        invoice(boulangerie, 1, 1200.0)         # one day late: first reminder
        invoice(garage, 10, 2400.0)             # second reminder
        invoice(menuiserie, 20, 640.0)          # phone call; no e-mail address
        invoice(transports, 30, 5400.0)         # severe reminder and letter
        partly = invoice(agence, 45, 3000.0)    # last reminder, partly paid
        self.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=partly.ids).create({
                'amount': 1000.0, 'payment_date': today - timedelta(days=20)})._create_payments()
        credit = self.env['account.move'].create({
            'move_type': 'out_refund', 'partner_id': garage.id, 'invoice_date': today - timedelta(days=5),
            'invoice_line_ids': [Command.create({
                'product_id': product.id, 'quantity': 1, 'price_unit': 300.0, 'tax_ids': False})]})
        credit.action_post()
