from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal


class RelancePortal(CustomerPortal):
    """The client's page of a relance file: what is owed, the statement, the invoices to
    download or pay, and the client's answers (promise to pay, dispute, payment schedule).

    Opened with the file's access token (the link of a relance, no account needed) or, for a
    portal user, from "My account". The token opens one open file of one client in one company;
    every answer is a POST with Odoo's CSRF token and the access token.
    """

    # ------------------------------------------------------------------ access

    def _relance_file(self, file_id, access_token=None):
        """The file, sudoed, if the visitor may see it: a valid token of an open file, or the
        logged-in contact of its client. Raises MissingError / AccessError otherwise."""
        file = request.env['account.relance.file'].sudo().browse(int(file_id)).exists()
        if not file or file.state != 'open':
            raise MissingError(request.env._("This relance file is closed or does not exist."))
        if access_token and file.access_token and consteq(file.access_token, str(access_token)):
            return file
        user = request.env.user
        if not user._is_public() and user.partner_id.commercial_partner_id == file.partner_id:
            return file
        raise AccessError(request.env._("You may not see this relance file."))

    def _relance_visited_file(self, file_id, access_token=None):
        """The file a page of the client shows (``_relance_file``), the page then in the
        client's language; None when the visitor may not see it: every route sends them to
        /my then, saying nothing of the file."""
        try:
            file = self._relance_file(file_id, access_token)
        except (AccessError, MissingError):
            return None
        self._relance_speak_french(file)
        return file

    def _relance_speak_french(self, file):
        """The page is the client's: in the client's language, else French, when installed."""
        Lang = request.env['res.lang']
        for code in (file.partner_id.lang, 'fr_FR'):
            if code and Lang._lang_get(code):
                request.update_context(lang=code)
                return

    def _relance_files_of_user(self):
        user = request.env.user
        if user._is_public():
            return request.env['account.relance.file']
        return (
            request.env['account.relance.file']
            .sudo()
            .search([('partner_id', '=', user.partner_id.commercial_partner_id.id), ('state', '=', 'open')])
        )

    def _relance_redirect(self, file, access_token, **params):
        query = {'access_token': access_token} if access_token else {}
        query.update({key: value for key, value in params.items() if value})
        return request.redirect(f'/my/relances/{file.id}?{url_encode(query)}')

    # ------------------------------------------------------------------ My account

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if 'relance_file_count' in counters:
            values['relance_file_count'] = len(self._relance_files_of_user())
        return values

    @http.route(['/my/relances'], type='http', auth='user', website=True)
    def portal_my_relance_files(self, **kw):
        files = self._relance_files_of_user()
        if len(files) == 1:
            return request.redirect(f'/my/relances/{files.id}')
        return request.render('account_relance_fr.portal_my_relance_files', {'files': files, 'page_name': 'relance'})

    # ------------------------------------------------------------------ the page

    @http.route(['/rl/<string:code>'], type='http', auth='public', website=True)
    def portal_relance_short(self, code, **kw):
        """The short URL printed on letters."""
        file = (
            request.env['account.relance.file']
            .sudo()
            .search([('access_code', '=', code), ('state', '=', 'open')], limit=1)
            if code
            else None
        )
        if not file or not consteq(file.access_code, code):
            return request.redirect('/my')
        return self._relance_redirect(file, file.access_token)

    @http.route(['/my/relances/<int:file_id>'], type='http', auth='public', website=True)
    def portal_relance_file(self, file_id, access_token=None, message=None, error=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        company = file.company_id
        statement = request.env['account.relance.statement'].with_company(company)._statement(file.partner_id, company)
        invoices = file._relance_open_invoices()
        today = request.env['account.relance.run']._company_today(company)
        values = {
            'file': file,
            'company': company,
            'statement': statement,
            'invoices': invoices,
            'access_token': access_token,
            'token': access_token,
            'page_name': 'relance',
            'no_breadcrumbs': bool(access_token) and request.env.user._is_public(),
            'message': message,
            'error': error,
            'today': today,
            'promise_max': fields.Date.add(today, days=company.relance_promise_limit_days),
            'promise': file.open_promise_id,
            'invoice_url': lambda move: move.sudo().get_portal_url(),
            'invoice_pdf_url': lambda move: move.sudo().get_portal_url(report_type='pdf', download=True),
        }
        return request.render('account_relance_fr.portal_relance_file_page', values)

    @http.route(['/my/relances/<int:file_id>/statement'], type='http', auth='public', website=True)
    def portal_relance_statement(self, file_id, access_token=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        return self._show_report(
            model=file,
            report_type='pdf',
            download=True,
            report_ref='account_relance_fr.action_report_relance_statement',
        )

    # ------------------------------------------------------------------ the client's answers

    @http.route(['/my/relances/<int:file_id>/promise'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_promise(self, file_id, access_token=None, promise_date=None, amount=None, note=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        try:
            day = fields.Date.to_date(promise_date) if promise_date else None
            if not day:
                raise UserError(request.env._("Give the date of your payment."))
            # "1 200,50" as a French client types it (spaces, narrow no-break spaces, comma).
            cleaned = str(amount or '').translate({ord(c): None for c in ' \u00a0\u202f'}).replace(',', '.')
            value = float(cleaned) if cleaned else 0.0
            request.env['account.relance.promise'].sudo()._make(file, day, value, 'portal', note)
        except (UserError, ValueError) as problem:
            text = problem.args[0] if isinstance(problem, UserError) else request.env._("The amount is not a number.")
            return self._relance_redirect(file, access_token, error=text)
        return self._relance_redirect(file, access_token, message='promise')

    @http.route(['/my/relances/<int:file_id>/dispute'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_dispute(self, file_id, access_token=None, move_id=None, reason=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        reason = (reason or '').strip()
        if not reason:
            return self._relance_redirect(
                file, access_token, error=request.env._("Tell us why you contest the invoice.")
            )
        try:
            move = request.env['account.move'].sudo().browse(int(move_id or 0)).exists()
            file._relance_dispute(move, reason, source='portal')
        except (UserError, ValueError):
            return self._relance_redirect(
                file, access_token, error=request.env._("This invoice cannot be contested here.")
            )
        return self._relance_redirect(file, access_token, message='dispute')

    @http.route(['/my/relances/<int:file_id>/schedule'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_schedule(
        self, file_id, access_token=None, installment_count=None, first_due_date=None, message=None, **kw
    ):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        try:
            count = int(installment_count or 3)
            first = fields.Date.to_date(first_due_date) if first_due_date else False
        except ValueError:
            return self._relance_redirect(
                file, access_token, error=request.env._("Check the number of installments and the date.")
            )
        request.env['account.relance.schedule.request'].sudo()._make(file, count, first, message)
        return self._relance_redirect(file, access_token, message='schedule')
