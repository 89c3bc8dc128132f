from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request

# What the customer sees of their quotes: any quote sent to them, never a draft.
PORTAL_STATES = ('sent', 'accepted', 'refused', 'expired', 'cancelled')


class CustomerQuotePortal(CustomerPortal):
    """The customer's side of their quotes: the list under My Account, each quote's page (from the
    link of its emails, with its access token), its PDF, and the online answer (accept by signing,
    or refuse).

    The quote's URLs are /my/customer_quotes: /my/quotes belongs to Odoo's Sales app, which a
    database may run beside this one."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if 'customer_quote_count' in counters:
            Quote = request.env['customer.quote']
            values['customer_quote_count'] = Quote.search_count(
                self._prepare_customer_quotes_domain(request.env.user.partner_id)
            ) if Quote.has_access('read') else 0
        return values

    def _prepare_customer_quotes_domain(self, partner):
        return Domain('partner_id', 'child_of', partner.commercial_partner_id.ids) & Domain(
            'state', 'in', PORTAL_STATES)

    def _get_customer_quote_searchbar_sortings(self):
        return {
            'date': {'label': request.env._("Newest"), 'order': 'date desc, id desc'},
            'name': {'label': request.env._("Number"), 'order': 'name desc'},
            'validity_date': {'label': request.env._("Offer End Date"), 'order': 'validity_date desc, id desc'},
        }

    def _get_customer_quote_searchbar_filters(self):
        return {
            'all': {'label': request.env._("All"), 'domain': Domain.TRUE},
            'sent': {'label': request.env._("To Answer"), 'domain': Domain('state', '=', 'sent')},
            'accepted': {'label': request.env._("Accepted"), 'domain': Domain('state', '=', 'accepted')},
            'closed': {'label': request.env._("Refused, Expired or Cancelled"),
                       'domain': Domain('state', 'in', ('refused', 'expired', 'cancelled'))},
        }

    @http.route(['/my/customer_quotes', '/my/customer_quotes/page/<int:page>'],
                type='http', auth='user', website=True)
    def portal_my_customer_quotes(self, page=1, sortby=None, filterby=None, **kwargs):
        Quote = request.env['customer.quote']
        sortings = self._get_customer_quote_searchbar_sortings()
        filters = self._get_customer_quote_searchbar_filters()
        sortby = sortby if sortby in sortings else 'date'
        filterby = filterby if filterby in filters else 'all'
        domain = self._prepare_customer_quotes_domain(request.env.user.partner_id) & filters[filterby]['domain']
        can_read = Quote.has_access('read')
        pager_values = portal_pager(
            url='/my/customer_quotes',
            total=Quote.search_count(domain) if can_read else 0,
            page=page,
            step=self._items_per_page,
            url_args={'sortby': sortby, 'filterby': filterby},
        )
        quotes = Quote.search(
            domain, order=sortings[sortby]['order'], limit=self._items_per_page, offset=pager_values['offset'],
        ) if can_read else Quote
        request.session['my_customer_quotes_history'] = quotes.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            'customer_quotes': quotes,
            'page_name': 'customer_quote',
            'pager': pager_values,
            'default_url': '/my/customer_quotes',
            'searchbar_sortings': sortings,
            'sortby': sortby,
            'searchbar_filters': filters,
            'filterby': filterby,
        })
        return request.render('gestion_clientele_quotes.portal_my_customer_quotes', values)

    def _get_customer_quote_sudo(self, quote_id, access_token):
        """The quote (sudo) that the current user may see, or a 404: a quote that does not exist and
        one the user may not see answer the same, so that nothing tells them apart."""
        try:
            return self._document_check_access('customer.quote', quote_id, access_token=access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None

    @http.route(['/my/customer_quotes/<int:quote_id>'], type='http', auth='public', website=True)
    def portal_customer_quote_page(self, quote_id, report_type=None, access_token=None, message=False,
                                   download=False, **kwargs):
        quote_sudo = self._get_customer_quote_sudo(quote_id, access_token)
        if report_type in ('html', 'pdf', 'text'):
            return self._show_report(
                model=quote_sudo,
                report_type=report_type,
                report_ref='gestion_clientele_quotes.action_report_customer_quote',
                download=download,
            )
        # A visitor from the email's link reads the page in the customer's language: sent to the
        # page's URL in that language (/fr/my/…), as Odoo's language selector does, unless the site
        # already gave them a language (its frontend_lang cookie, set by that first visit).
        lang = request.env['res.lang']._get_data(code=quote_sudo.partner_id.lang or '')
        if request.env.user._is_public() and lang.code and lang.code != request.lang.code \
                and not request.cookies.get('frontend_lang'):
            return request.redirect_query(f'/{lang.url_code}{request.httprequest.path}', request.httprequest.args)
        values = {
            'customer_quote': quote_sudo,
            'message': message,
            'report_type': 'html',
            'res_company': quote_sudo.company_id,
            'page_name': 'customer_quote',
            'backend_url': f'/odoo/action-{quote_sudo._get_portal_return_action().id}/{quote_sudo.id}',
            'accept_error': quote_sudo._get_portal_answer_error('accept'),
            'refuse_error': quote_sudo._get_portal_answer_error('refuse'),
        }
        values = self._get_page_view_values(
            quote_sudo, access_token, values, 'my_customer_quotes_history', False, **kwargs)
        return request.render('gestion_clientele_quotes.customer_quote_portal_template', values)

    def _get_answer_author(self, quote_sudo):
        """Who answers: the quote's customer for a visitor with the link, else the portal user."""
        user = request.env.user
        return quote_sudo.partner_id if user._is_public() else user.partner_id

    @http.route(['/my/customer_quotes/<int:quote_id>/accept'], type='jsonrpc', auth='public', website=True)
    def portal_customer_quote_accept(self, quote_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get('access_token')
        try:
            quote_sudo = self._document_check_access('customer.quote', quote_id, access_token=access_token)
        except (AccessError, MissingError):
            return {'error': request.env._("This quote cannot be found.")}
        try:
            quote_sudo._action_portal_accept(name, signature, self._get_answer_author(quote_sudo))
        except UserError as error:
            request.env.cr.rollback()
            return {'error': error.args[0]}
        return {
            'force_refresh': True,
            'redirect_url': quote_sudo.get_portal_url(query_string='&message=accepted'),
        }

    @http.route(['/my/customer_quotes/<int:quote_id>/refuse'], type='http', auth='public', methods=['POST'],
                website=True)
    def portal_customer_quote_refuse(self, quote_id, access_token=None, refusal_reason=None, **kwargs):
        quote_sudo = self._get_customer_quote_sudo(quote_id, access_token)
        message = 'refused'
        try:
            quote_sudo._action_portal_refuse(refusal_reason, self._get_answer_author(quote_sudo))
        except UserError:
            request.env.cr.rollback()
            message = 'cannot_refuse'
        return request.redirect(quote_sudo.get_portal_url(query_string=f'&message={message}'))
