from datetime import timedelta

from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..core.portal_input import PortalInputError, clean_text, parse_amount, parse_count, parse_date
from ..models.relance_schedule_request import MAX_INSTALLMENTS, MIN_INSTALLMENTS


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
        # The file was read before the page chose its language: its refusals speak it too.
        return file.with_context(lang=request.env.lang)

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
    def portal_relance_file(self, file_id, access_token=None, message=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        return self._relance_page(file, access_token, message=message)

    def _relance_page(self, file, access_token, message=None, error=None):
        company = file.company_id
        statement = (
            request.env['account.relance.statement']
            .with_company(company)
            ._statement(file.partner_id, company, penalties=file._relance_claims_penalties())
        )
        invoices = file._relance_open_invoices()
        today = company._relance_today()
        values = {
            'file': file,
            'company': company,
            # The creditor in the layout's header and footer, not the website's company.
            'res_company': company.sudo(),
            'relance_company': company.sudo(),
            'statement': statement,
            'invoices': invoices,
            'access_token': access_token,
            'token': access_token,
            'page_name': 'relance',
            'no_breadcrumbs': bool(access_token) and request.env.user._is_public(),
            'message': message if message in ('promise', 'dispute', 'schedule') else None,
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

    def _relance_refusal(self, problem):
        """The French sentence the page shows for a value refused by ``core.portal_input``."""
        _ = request.env._
        texts = {
            'not_a_number': _("The amount is not a number: type it as 1 200,50 or 1200.50."),
            'decimals': _("The amount has at most two decimals (cents)."),
            'not_positive': _("The amount must be more than zero."),
            'too_large': _("The amount is more than what you owe."),
            'not_a_date': _("The date is not valid."),
            'past': _("The date cannot be in the past."),
            'too_far': _("The date is too far: choose one sooner."),
            'not_a_count': _("The number of installments is a whole number."),
            'out_of_range': _("The number of installments is not in the range offered."),
            'required': _("Tell us why you contest the invoice."),
            'too_long': _("Your text is too long (at most %s characters).", problem.limit),
        }
        return texts[problem.code]

    def _relance_answer(self, file, access_token, message, answer):
        """Run ``answer`` (it parses and records), then redirect to the page with ``message``.
        A refused value shows the page again with its French refusal, nothing stored (the
        refusal is never read from the URL: a link cannot make the page say anything)."""
        try:
            with request.env.cr.savepoint():
                answer()
        except PortalInputError as problem:
            return self._relance_page(file, access_token, error=self._relance_refusal(problem))
        except (UserError, ValidationError) as problem:
            return self._relance_page(file, access_token, error=problem.args[0])
        return self._relance_redirect(file, access_token, message=message)

    def _relance_author(self, file):
        """Who answers: the logged-in contact, else the client of the file (the token's holder)."""
        user = request.env.user
        return file.partner_id if user._is_public() else user.partner_id

    @http.route(['/my/relances/<int:file_id>/promise'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_promise(self, file_id, access_token=None, promise_date=None, amount=None, note=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        company = file.company_id

        def answer():
            today = company._relance_today()
            last = today + timedelta(days=company.relance_promise_limit_days)
            day = parse_date(promise_date, today, last)
            if not day:
                raise UserError(request.env._("Give the date of your payment."))
            value = parse_amount(amount)
            text = clean_text(note)
            request.env['account.relance.promise'].sudo()._make(
                file, day, float(value or 0.0), 'portal', text or False, author=self._relance_author(file)
            )

        return self._relance_answer(file, access_token, 'promise', answer)

    @http.route(['/my/relances/<int:file_id>/dispute'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_dispute(self, file_id, access_token=None, move_id=None, reason=None, **kw):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')

        def answer():
            text = clean_text(reason, required=True)
            move_ref = str(move_id or '').strip()
            move = request.env['account.move'].sudo()
            if move_ref.isdigit() and len(move_ref) < 12:
                move = move.browse(int(move_ref)).exists()
            if not move:
                raise UserError(request.env._("This invoice cannot be contested here."))
            file._relance_dispute(move, text, source='portal', author=self._relance_author(file))

        return self._relance_answer(file, access_token, 'dispute', answer)

    @http.route(['/my/relances/<int:file_id>/schedule'], type='http', auth='public', methods=['POST'], website=True)
    def portal_relance_schedule(
        self, file_id, access_token=None, installment_count=None, first_due_date=None, message=None, **kw
    ):
        file = self._relance_visited_file(file_id, access_token)
        if not file:
            return request.redirect('/my')
        Request = request.env['account.relance.schedule.request'].sudo()

        def answer():
            today = file.company_id._relance_today()
            count = parse_count(installment_count, MIN_INSTALLMENTS, MAX_INSTALLMENTS, default=3)
            first = parse_date(first_due_date, today, Request._first_due_date_limit(file.company_id, today))
            text = clean_text(message)
            Request._make(file, count, first or False, text or False, author=self._relance_author(file))

        return self._relance_answer(file, access_token, 'schedule', answer)
