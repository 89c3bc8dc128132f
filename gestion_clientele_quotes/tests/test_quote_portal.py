"""The customer's online view of a quote (controllers/portal.py), over HTTP.

The pages are opened as Odoo's portal serves them: as a visitor holding the link of the quote's
email (its access token), and as a portal user of the customer's company. The online answers
(accept by signing, refuse with a reason) are sent as the page's signature form and refusal form
send them; an answer that is not allowed gets a clear message, and changes nothing.

These are HttpCase tests: the HTTP server answers on the real clock, so the dates are taken from
today's date, never from the frozen day of CustomerQuoteCommon.
"""
import base64
import io
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from lxml import html
from PIL import Image, ImageDraw

from odoo import fields
from odoo.addons.mail.tests.common import MockEmail
from odoo.fields import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged, warmup
from odoo.tools import format_amount, format_date, mute_logger

from .common import CustomerQuoteCommon

REPORT = 'gestion_clientele_quotes.action_report_customer_quote'
FOLLOWUP_ACTIVITY_TYPE = 'gestion_clientele_quotes.mail_activity_type_quote_followup'
TODO_ACTIVITY_TYPE = 'mail.mail_activity_data_todo'

# What rendering a quote's page costs a visitor with the link (warm caches), whatever its number of lines.
QUERIES_PUBLIC_QUOTE_PAGE = 31

SIGNER = "Marie Lefèvre"
NOT_FOUND = "This quote cannot be found."
ALREADY_ACCEPTED = "This quote has already been accepted."
ALREADY_REFUSED = "This quote has already been refused."
CANCELLED = "This quote has been cancelled."
NOT_SENT = "This quote has not been sent yet: it cannot be answered online."
ON_PAPER = "This quote is accepted on paper: print it, sign it and send it back to us."


def _normalize(text):
    """Collapse whitespace, including the (narrow) no-break spaces of formatted amounts."""
    return ' '.join(text.replace('\xa0', ' ').replace('\u202f', ' ').split())


def _signature_png():
    """A small drawn signature, base64-encoded as the signature form sends it (no data: prefix)."""
    image = Image.new('RGB', (120, 40), 'white')
    ImageDraw.Draw(image).line((10, 30, 50, 8, 80, 32, 110, 10), fill='black', width=3)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG')
    return base64.b64encode(buffer.getvalue()).decode()


SIGNATURE = _signature_png()


class QuotePortalCommon(HttpCase, CustomerQuoteCommon):
    """The customer, a company (Aqua Club), whose contact Marie Lefèvre has a portal account;
    another customer; a salesperson who sends the quotes."""

    # The HTTP server thread runs on the real clock: so does the test.
    freeze_time = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.partner.is_company = True
        cls.salesperson = new_test_user(
            cls.env, login='portal_salesperson', name="Camille Martin", email="camille.martin@example.com",
            groups='gestion_clientele_quotes.group_customer_quote_user_all',
        )
        cls.contact = cls.env['res.partner'].create({
            'name': SIGNER,
            'email': "marie.lefevre@example.com",
            'parent_id': cls.partner.id,
        })
        cls.portal_user = new_test_user(
            cls.env, login='portal_marie', password='portal_marie', name=SIGNER,
            email="marie.lefevre@example.com", groups='base.group_portal', partner_id=cls.contact.id,
        )
        cls.other_customer = cls.env['res.partner'].create({
            'name': "Dolphin Club", 'email': "office@dolphin.example.com", 'is_company': True,
        })

    @classmethod
    def _portal_quote(cls, lines=None, state='sent', **values):
        """A quote of the customer by the salesperson, put in `state` through its buttons."""
        if lines is None:
            lines = [(cls.product_card, 3, {}), (cls.product_cap, 2, {})]
        quote = cls._create_quote(lines, **{
            'user_id': cls.salesperson.id,
            'comment': "<p>Two swim caps offered to new members.</p>",
            **values,
        })
        if state != 'draft':
            quote.action_mark_sent()
        if state == 'accepted':
            quote.action_accept()
        elif state == 'refused':
            quote.action_refuse()
        elif state == 'cancelled':
            quote.action_cancel()
        elif state == 'expired':
            quote._expire()
        return quote

    def _past_quote(self, state='sent'):
        """A quote whose offer ended five days ago."""
        return self._portal_quote(
            state=state, date=self.today - timedelta(days=35), validity_date=self.today - timedelta(days=5))

    # ------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------

    def _page(self, quote_id, **params):
        """Open a quote's page (`params`: its query string, access_token included or not)."""
        return self.url_open(f'/my/customer_quotes/{quote_id}', params=params)

    def _accept(self, quote, name=SIGNER, signature=SIGNATURE, **params):
        """What the signature form sends: the name and the signature, with the quote's access token
        (unless `access_token` is given, None for none)."""
        if 'access_token' not in params:
            params['access_token'] = quote._portal_ensure_token()
        return self.make_jsonrpc_request(
            f'/my/customer_quotes/{quote.id}/accept', {'name': name, 'signature': signature, **params})

    @staticmethod
    def _document(response):
        return html.fromstring(response.content)

    def _text(self, response):
        return _normalize(self._document(response).text_content())

    def _amount(self, quote, amount):
        return _normalize(format_amount(self.env, amount, quote.currency_id))

    def _date(self, day):
        return format_date(self.env, day)

    def _alerts(self, response):
        """{key: sentence} of the banners above the quote (classes o_customer_quote_alert_<key>)."""
        return {
            cls.removeprefix('o_customer_quote_alert_'): _normalize(alert.text_content())
            for alert in self._document(response).xpath("//*[contains(@class, 'o_customer_quote_alert_')]")
            for cls in alert.get('class').split() if cls.startswith('o_customer_quote_alert_')
        }

    def _signed_text(self, quote):
        """Who signed and on which day (in the time zone the server prints it in)."""
        signed_on = fields.Datetime.context_timestamp(quote, quote.signed_on)
        return f"Signed online by {quote.signed_by} on {self._date(signed_on)}."

    # ------------------------------------------------------------
    # Asserts
    # ------------------------------------------------------------

    def _snapshot(self, quote):
        """What an answer changes on a quote, read afresh."""
        self.env.invalidate_all()
        return {
            'state': quote.state,
            'answer_date': quote.answer_date,
            'signed_by': quote.signed_by,
            'signed_on': quote.signed_on,
            'signature': quote.signature,
            'messages': quote.message_ids.ids,
            'activities': quote.with_context(active_test=False).activity_ids.ids,
            'subscriptions': quote.subscription_ids.ids,
            'attachments': self.env['ir.attachment'].search(
                [('res_model', '=', 'customer.quote'), ('res_id', '=', quote.id)]).ids,
        }

    def assertNotFound(self, response, *quotes):
        """A 404 that tells nothing of the quote(s)."""
        self.assertEqual(response.status_code, 404)
        for quote in quotes:
            self.assertNotIn(quote.name, response.text)
            self.assertNotIn(quote.partner_id.name, response.text)

    def assertAcceptRefused(self, quote, error, **accept_params):
        """Accepting `quote` answers `error` and changes nothing."""
        before = self._snapshot(quote)
        self.assertEqual(self._accept(quote, **accept_params), {'error': error})
        self.assertEqual(self._snapshot(quote), before, "nothing changed")

    def assertButtons(self, response, accept, refuse):
        document = self._document(response)
        self.assertEqual(bool(document.xpath("//a[hasclass('o_customer_quote_accept')]")), accept, "Accept button")
        self.assertEqual(bool(document.xpath("//div[@id='modal_customer_quote_accept']")), accept, "signature form")
        self.assertEqual(bool(document.xpath("//a[hasclass('o_customer_quote_refuse')]")), refuse, "Refuse button")
        self.assertEqual(bool(document.xpath("//form[@id='refuse']")), refuse, "refusal form")


@tagged('post_install', '-at_install')
class TestQuotePortalPage(QuotePortalCommon):
    """The quote's page, from the link of its email (a visitor with the access token)."""

    def test_page_with_token_shows_the_quote(self):
        quote = self._portal_quote(lines=[
            (self.product_card, 3, {}), (self.product_cap, 2, {}), (self.product_subscription, 1, {}),
        ])
        self.assertEqual(
            (quote.amount_untaxed, quote.amount_tax, quote.amount_total), (464.80, 92.96, 557.76))
        response = self._page(quote.id, access_token=quote._portal_ensure_token())
        self.assertEqual(response.status_code, 200)
        document = self._document(response)
        text = self._text(response)
        self.assertIn(f"Quote {quote.name}", text)
        rows = [_normalize(row.text_content()) for row in document.xpath("//tr[@name='tr_item']")]
        self.assertEqual(rows, [
            f"10-entry card 3 {self._amount(quote, 45.0)} {self._amount(quote, 135.0)}",
            f"Swim cap 2 {self._amount(quote, 4.9)} {self._amount(quote, 9.8)}",
            f"Annual subscription 1 {self._amount(quote, 320.0)} {self._amount(quote, 320.0)}",
        ])
        totals = _normalize(document.xpath("//div[@name='totals']")[0].text_content())
        self.assertEqual(totals, (
            f"Total excl. Tax {self._amount(quote, 464.80)} VAT {self._amount(quote, 92.96)} "
            f"Total incl. Tax {self._amount(quote, 557.76)}"))
        self.assertIn(f"Valid Until {self._date(quote.validity_date)}", text)
        self.assertIn("Two swim caps offered to new members.", text)
        self.assertIn("Camille Martin", text, "the salesperson, as contact")
        self.assertButtons(response, accept=True, refuse=True)
        self.assertEqual(self._alerts(response), {}, "an open offer: no banner")

    def test_customer_preview_opens_the_page(self):
        """The back end's Customer Preview button opens the page the customer's link opens."""
        quote = self._portal_quote()
        action = quote.action_preview()
        self.assertEqual(action['type'], 'ir.actions.act_url')
        self.assertEqual(action['url'], f'/my/customer_quotes/{quote.id}?access_token={quote.access_token}')
        self.assertTrue(quote.access_token)
        response = self.url_open(action['url'])
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"Quote {quote.name}", self._text(response))

    def test_pdf_with_token(self):
        quote = self._portal_quote()
        Report = type(self.env['ir.actions.report'])
        pre_render = Report._pre_render_qweb_pdf

        def real_pdf(report, *args, **kwargs):
            # Test mode prints reports as HTML: the customer gets the real PDF.
            return pre_render(report.with_context(force_report_rendering=True), *args, **kwargs)

        self.env['ir.config_parameter'].set_param('report.print_delay', '100')
        with patch.object(Report, '_pre_render_qweb_pdf', real_pdf):
            response = self.url_open(quote.get_portal_url(report_type='pdf', download=True))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'], 'application/pdf')
        self.assertTrue(response.content.startswith(b'%PDF'))
        disposition = response.headers['Content-Disposition']
        self.assertTrue(disposition.startswith('attachment'), disposition)
        self.assertIn(quote.name.replace('/', '_'), disposition)

    def test_no_access_is_a_plain_not_found(self):
        """Wrong, missing, or another quote's token, and a quote that does not exist: the same 404,
        which tells nothing of the quote."""
        quote, other = self._portal_quote(), self._portal_quote(partner_id=self.other_customer.id)
        other_token = other._portal_ensure_token()
        token = quote._portal_ensure_token()
        missing_id = self.env['customer.quote'].search([], order='id desc', limit=1).id + 1000
        for label, quote_id, params in (
            ("no token", quote.id, {}),
            ("wrong token", quote.id, {'access_token': 'x' * len(token)}),
            ("empty token", quote.id, {'access_token': ''}),
            ("another quote's token", quote.id, {'access_token': other_token}),
            ("no such quote", missing_id, {'access_token': token}),
        ):
            for report_type in (None, 'pdf', 'html'):
                with self.subTest(label, report_type=report_type):
                    query = {**params, **({'report_type': report_type} if report_type else {})}
                    self.assertNotFound(self._page(quote_id, **query), quote)

    def test_list_needs_an_account(self):
        response = self.url_open('/my/customer_quotes', allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(urlsplit(response.headers['Location']).path, '/web/login')

    def test_expired_offer_page(self):
        for label, quote in (("past end date", self._past_quote()), ("expired", self._past_quote('expired'))):
            with self.subTest(label):
                response = self._page(quote.id, access_token=quote._portal_ensure_token())
                self.assertEqual(response.status_code, 200)
                alerts = self._alerts(response)
                self.assertEqual(list(alerts), ['expired'])
                self.assertIn(f"This offer expired on {self._date(quote.validity_date)}.", alerts['expired'])
                self.assertButtons(response, accept=False, refuse=False)

    def test_closed_quotes_pages(self):
        for state, expected in (
            ('accepted', {'accepted': "This quote has been accepted."}),
            ('refused', {'refused': "This quote was refused."}),
            ('cancelled', {'not_answerable': CANCELLED}),
        ):
            quote = self._portal_quote(state=state)
            with self.subTest(state=state):
                response = self._page(quote.id, access_token=quote._portal_ensure_token())
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self._alerts(response), expected)
                self.assertButtons(response, accept=False, refuse=False)

    def test_signature_off_shows_no_accept_button(self):
        self.company.quote_portal_signature = False
        quote = self._portal_quote()
        response = self._page(quote.id, access_token=quote._portal_ensure_token())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._alerts(response), {'not_answerable': ON_PAPER})
        self.assertButtons(response, accept=False, refuse=True)


@tagged('post_install', '-at_install')
class TestQuotePortalUser(QuotePortalCommon):
    """A portal user of the customer's company: My Account ▸ Quotes, and the quotes' pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote_company = cls._portal_quote(date=cls.today - timedelta(days=3))
        cls.quote_contact = cls._portal_quote(partner_id=cls.contact.id, date=cls.today - timedelta(days=2))
        cls.quote_accepted = cls._portal_quote(state='accepted', date=cls.today - timedelta(days=1))
        cls.quote_draft = cls._portal_quote(state='draft')
        cls.quote_other = cls._portal_quote(partner_id=cls.other_customer.id)
        cls.quote_other_draft = cls._portal_quote(partner_id=cls.other_customer.id, state='draft')

    def setUp(self):
        super().setUp()
        self.authenticate('portal_marie', 'portal_marie')

    def _listed(self, **params):
        response = self.url_open('/my/customer_quotes', params=params)
        self.assertEqual(response.status_code, 200)
        document = self._document(response)
        return [_normalize(link.text_content()) for link in document.xpath("//table//tr/td[1]/a")]

    def test_list_shows_the_commercial_entity_sent_quotes(self):
        visible = self.quote_accepted + self.quote_contact + self.quote_company
        self.assertEqual(self._listed(), visible.mapped('name'), "newest first")
        response = self.url_open('/my/customer_quotes')
        for quote in self.quote_draft + self.quote_other + self.quote_other_draft:
            self.assertNotIn(quote.name, response.text)

    def test_list_filters_and_sortings(self):
        self.assertEqual(self._listed(filterby='accepted'), [self.quote_accepted.name])
        self.assertEqual(self._listed(filterby='sent'), [self.quote_contact.name, self.quote_company.name])
        self.assertEqual(self._listed(filterby='closed'), [])
        self.quote_company.action_cancel()
        self.assertEqual(self._listed(filterby='closed'), [self.quote_company.name])
        by_name = sorted((self.quote_company + self.quote_contact + self.quote_accepted).mapped('name'), reverse=True)
        self.assertEqual(self._listed(sortby='name'), by_name)
        self.quote_contact.with_context(tracking_disable=True).write({
            'validity_date': self.today + timedelta(days=90)})
        self.assertEqual(self._listed(sortby='validity_date')[0], self.quote_contact.name)
        # Unknown values fall back to the defaults rather than failing.
        self.assertEqual(self._listed(sortby='amount_total; DROP', filterby='nope'), self._listed())

    def test_home_counter(self):
        result = self.make_jsonrpc_request('/my/counters', {'counters': ['customer_quote_count']})
        self.assertEqual(result['customer_quote_count'], 3)
        response = self.url_open('/my')
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self._document(response).xpath("//a[@href='/my/customer_quotes']"))

    def test_pages_without_token(self):
        for quote in self.quote_company + self.quote_contact + self.quote_accepted:
            with self.subTest(quote=quote.name):
                response = self._page(quote.id)
                self.assertEqual(response.status_code, 200)
                self.assertIn(f"Quote {quote.name}", self._text(response))
        for quote in self.quote_draft + self.quote_other + self.quote_other_draft:
            with self.subTest(quote=quote.name):
                self.assertNotFound(self._page(quote.id), quote)
                self.assertNotFound(self._page(quote.id, report_type='pdf'), quote)

    def test_portal_user_accepts_without_token(self):
        """Signed from My Account: the quote's author is the portal user, not the company."""
        result = self._accept(self.quote_company, access_token=None)
        self.assertEqual(result.get('redirect_url'),
                         self.quote_company.get_portal_url(query_string='&message=accepted'))
        self.assertEqual(self.quote_company.state, 'accepted')
        message = self.quote_company.message_ids.filtered(lambda message: "signed online" in message.body)
        self.assertEqual(message.author_id, self.contact)

    def test_portal_user_cannot_answer_other_quotes(self):
        for quote in self.quote_other + self.quote_draft:
            with self.subTest(quote=quote.name):
                self.assertAcceptRefused(quote, NOT_FOUND, access_token=None)


@tagged('post_install', '-at_install')
class TestQuotePortalAccept(QuotePortalCommon):
    """Accept & Sign: the signature form's JSON-RPC call, as a visitor with the link."""

    def _message_signed(self, quote):
        return quote.message_ids.filtered(
            lambda message: message.message_type == 'comment' and "signed online" in message.body)

    def test_accept_and_sign(self):
        quote = self._portal_quote(lines=[(self.product_subscription, 1, {}), (self.product_cap, 2, {})])
        followup = quote.activity_schedule(FOLLOWUP_ACTIVITY_TYPE, user_id=self.salesperson.id)
        started = fields.Datetime.now().replace(microsecond=0)

        result = self._accept(quote)

        self.assertEqual(result, {
            'force_refresh': True,
            'redirect_url': quote.get_portal_url(query_string='&message=accepted'),
        })
        self.assertEqual(quote.state, 'accepted')
        self.assertEqual(quote.signed_by, SIGNER)
        self.assertTrue(started <= quote.signed_on <= fields.Datetime.now())
        self.assertEqual(base64.b64decode(quote.signature)[:8], b'\x89PNG\r\n\x1a\n')
        # The note, by the customer, with the signature attached.
        message = self._message_signed(quote)
        self.assertEqual(len(message), 1)
        self.assertIn(f"Quote accepted and signed online by {SIGNER}.", message.body)
        self.assertEqual(message.author_id, self.partner)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertEqual(message.attachment_ids.mimetype, 'image/png')
        self.assertEqual(message.attachment_ids.raw, base64.b64decode(SIGNATURE))
        # The follow-up is over; the salesperson has the answer to deal with.
        self.assertFalse(followup.exists() and followup.active, "the follow-up activity is closed")
        self.assertRecordValues(quote.activity_ids, [{
            'activity_type_id': self.env.ref(TODO_ACTIVITY_TYPE).id,
            'user_id': self.salesperson.id,
            'summary': f"Quote accepted online by {SIGNER}",
        }])
        # As by the Accept button: the subscription is opened.
        self.assertRecordValues(quote.subscription_ids, [{
            'product_id': self.product_subscription.id, 'partner_id': self.partner.id, 'quote_id': quote.id,
        }])

        # The page the form redirects to thanks the customer and shows who signed.
        response = self.url_open(result['redirect_url'])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._alerts(response), {
            'thanks': f"Thank you! Your acceptance of quote {quote.name} has been recorded.",
            'accepted': self._signed_text(quote),
        })
        self.assertButtons(response, accept=False, refuse=False)
        [signature] = self._document(response).xpath("//div[@name='online_signature']")
        self.assertIn(self._signed_text(quote), _normalize(signature.text_content()))
        self.assertTrue(signature.xpath(".//img[starts-with(@src, 'data:image/png;base64,')]"))

        # Accepting again is refused.
        self.assertAcceptRefused(quote, ALREADY_ACCEPTED)

    def test_accept_with_token_in_the_url(self):
        """The signature form posts to the page's URL + /accept, the token in its query string."""
        quote = self._portal_quote()
        result = self.make_jsonrpc_request(
            quote.get_portal_url(suffix='/accept'), {'name': SIGNER, 'signature': SIGNATURE})
        self.assertTrue(result.get('force_refresh'), result)
        self.assertEqual(quote.state, 'accepted')

    def test_accept_refused_in_closed_states(self):
        draft = self._portal_quote(state='draft')
        draft._portal_ensure_token()
        for label, quote, error in (
            ("draft", draft, NOT_SENT),
            ("refused", self._portal_quote(state='refused'), ALREADY_REFUSED),
            ("cancelled", self._portal_quote(state='cancelled'), CANCELLED),
            ("accepted", self._portal_quote(state='accepted'), ALREADY_ACCEPTED),
        ):
            with self.subTest(label):
                self.assertAcceptRefused(quote, error)

    def test_accept_refused_once_the_offer_ended(self):
        for label, quote in (("past end date", self._past_quote()), ("expired", self._past_quote('expired'))):
            with self.subTest(label):
                self.assertAcceptRefused(quote, f"This offer expired on {self._date(quote.validity_date)}.")

    def test_accept_refused_without_name_or_signature(self):
        quote = self._portal_quote()
        not_an_image = base64.b64encode(b"Approved and accepted").decode()
        for label, params, error in (
            ("no name", {'name': None}, "Enter your name to sign the quote."),
            ("blank name", {'name': "   "}, "Enter your name to sign the quote."),
            ("no signature", {'signature': None}, "Sign the quote to accept it."),
            ("empty signature", {'signature': ""}, "Sign the quote to accept it."),
            ("not base64", {'signature': "not base64!"}, "The signature could not be read: sign again."),
            ("data URI", {'signature': f"data:image/png;base64,{SIGNATURE}"},
             "The signature could not be read: sign again."),
            ("not an image", {'signature': not_an_image}, "This file could not be decoded as an image file."),
        ):
            with self.subTest(label):
                self.assertAcceptRefused(quote, error, **params)
        self.assertEqual(quote.state, 'sent')

    def test_accept_refused_without_the_right_token(self):
        quote = self._portal_quote()
        other = self._portal_quote(partner_id=self.other_customer.id)
        token = quote._portal_ensure_token()
        for label, access_token in (
            ("no token", ''), ("wrong token", 'x' * len(token)), ("another quote's token", other.access_token),
        ):
            with self.subTest(label):
                self.assertAcceptRefused(quote, NOT_FOUND, access_token=access_token)
        before = self._snapshot(other)
        missing_id = self.env['customer.quote'].search([], order='id desc', limit=1).id + 1000
        result = self.make_jsonrpc_request(f'/my/customer_quotes/{missing_id}/accept', {
            'access_token': token, 'name': SIGNER, 'signature': SIGNATURE})
        self.assertEqual(result, {'error': NOT_FOUND})
        self.assertEqual(self._snapshot(other), before)

    def test_accept_refused_when_signing_online_is_off(self):
        self.company.quote_portal_signature = False
        quote = self._portal_quote()
        self.assertAcceptRefused(quote, ON_PAPER)


@tagged('post_install', '-at_install')
class TestQuotePortalRefuse(QuotePortalCommon):
    """Refuse: the page's refusal form, posted by a visitor with the link."""

    def _refusal_form(self, quote):
        """The refusal form of the quote's page: its action and CSRF token."""
        response = self._page(quote.id, access_token=quote._portal_ensure_token())
        self.assertEqual(response.status_code, 200)
        [form] = self._document(response).xpath("//form[@id='refuse']")
        return form.get('action'), form.xpath(".//input[@name='csrf_token']")[0].get('value')

    def _refuse(self, action, csrf_token, reason):
        return self.url_open(action, data={'csrf_token': csrf_token, 'refusal_reason': reason},
                             allow_redirects=False)

    def _location(self, response):
        location = urlsplit(response.headers['Location'])
        return location.path, {key: values[0] for key, values in parse_qs(location.query).items()}

    def test_refuse_with_reason(self):
        quote = self._portal_quote()
        followup = quote.activity_schedule(FOLLOWUP_ACTIVITY_TYPE, user_id=self.salesperson.id)
        action, csrf_token = self._refusal_form(quote)
        self.assertEqual(urlsplit(action).path, f'/my/customer_quotes/{quote.id}/refuse')

        response = self._refuse(action, csrf_token, "Too expensive for us <b>this year</b>.\nMaybe in 2027.")

        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._location(response), (
            f'/my/customer_quotes/{quote.id}', {'access_token': quote.access_token, 'message': 'refused'}))
        self.assertEqual(quote.state, 'refused')
        self.assertFalse(quote.signed_by)
        message = quote.message_ids.filtered(
            lambda message: message.message_type == 'comment' and "refused online" in message.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.partner)
        self.assertIn("Quote refused online.", message.body)
        self.assertIn("Too expensive for us &lt;b&gt;this year&lt;/b&gt;.<br>Maybe in 2027.", message.body,
                      "the reason, as plain text")
        self.assertFalse(followup.exists() and followup.active, "the follow-up activity is closed")
        self.assertRecordValues(quote.activity_ids, [{
            'activity_type_id': self.env.ref(TODO_ACTIVITY_TYPE).id,
            'user_id': self.salesperson.id,
            'summary': "Quote refused online",
        }])

        page = self.url_open(response.headers['Location'])
        self.assertEqual(self._alerts(page), {
            'refused_now': f"Your answer has been recorded: you refused quote {quote.name}.",
            'refused': "This quote was refused.",
        })
        self.assertButtons(page, accept=False, refuse=False)

        # The form, still open in another tab, is posted again: refused, nothing changes.
        before = self._snapshot(quote)
        response = self._refuse(action, csrf_token, "Changed my mind")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._location(response)[1]['message'], 'cannot_refuse')
        self.assertEqual(self._snapshot(quote), before, "nothing changed")
        page = self.url_open(response.headers['Location'])
        self.assertEqual(self._alerts(page), {
            'cannot_refuse': "This quote can no longer be refused.",
            'refused': "This quote was refused.",
        })

    def test_refuse_without_reason(self):
        quote = self._portal_quote()
        response = self._refuse(*self._refusal_form(quote), "")
        self.assertEqual(self._location(response)[1]['message'], 'refused')
        self.assertEqual(quote.state, 'refused')
        message = quote.message_ids.filtered(lambda message: "refused online" in message.body)
        self.assertEqual(message.body, "<p>Quote refused online.</p>")

    def test_refuse_refused_in_closed_states(self):
        """A refusal posted for a quote that cannot be refused (its page shows no form, or was
        opened before the quote closed) answers cannot_refuse, and changes nothing."""
        _action, csrf_token = self._refusal_form(self._portal_quote())
        for label, quote in (
            ("draft", self._portal_quote(state='draft')),
            ("accepted", self._portal_quote(state='accepted')),
            ("refused", self._portal_quote(state='refused')),
            ("cancelled", self._portal_quote(state='cancelled')),
            ("past end date", self._past_quote()),
            ("expired", self._past_quote('expired')),
        ):
            with self.subTest(label):
                url = f'/my/customer_quotes/{quote.id}/refuse?access_token={quote._portal_ensure_token()}'
                before = self._snapshot(quote)
                response = self._refuse(url, csrf_token, "No")
                self.assertEqual(response.status_code, 303)
                self.assertEqual(self._location(response)[1]['message'], 'cannot_refuse')
                self.assertEqual(self._snapshot(quote), before, "nothing changed")

    def test_refuse_without_the_right_token_is_not_found(self):
        quote = self._portal_quote()
        other = self._portal_quote(partner_id=self.other_customer.id)
        action, csrf_token = self._refusal_form(quote)
        path = urlsplit(action).path
        for label, url in (
            ("no token", path),
            ("wrong token", f"{path}?access_token={'x' * len(quote.access_token)}"),
            ("another quote's token", f"{path}?access_token={other._portal_ensure_token()}"),
        ):
            with self.subTest(label):
                before = self._snapshot(quote)
                response = self._refuse(url, csrf_token, "No")
                self.assertNotFound(response, quote)
                self.assertEqual(self._snapshot(quote), before, "nothing changed")

    def test_refuse_needs_the_csrf_token(self):
        quote = self._portal_quote()
        action, _csrf_token = self._refusal_form(quote)
        before = self._snapshot(quote)
        with mute_logger('odoo.http'):  # "CSRF validation failed"
            response = self._refuse(action, "forged", "No")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._snapshot(quote), before, "nothing changed")


@tagged('post_install', '-at_install')
class TestQuotePortalEmailLink(MockEmail, QuotePortalCommon):
    """The quote's email: its button opens the quote's page, in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        cls.partner_fr = cls.env['res.partner'].create({
            'name': "Association Les Dauphins", 'email': "contact@dauphins.example.com", 'lang': 'fr_FR',
            'is_company': True,
        })

    def _send(self, quote):
        """Send the quote by email as its Send by Email button does; the customer's email."""
        action = quote.with_user(self.salesperson).action_send()
        composer = Form(self.env['mail.compose.message'].with_user(self.salesperson).with_context(
            **action['context'])).save()
        with self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertEqual(quote.state, 'sent')
        mail = self._new_mails.filtered(lambda mail: quote.partner_id in mail.recipient_ids)
        self.assertEqual(len(mail), 1)
        return mail

    def _button_link(self, mail, title):
        """The link of the email's button `title`, checked to carry the quote's access token."""
        buttons = [link for link in html.fromstring(mail.body_html).xpath("//a[@href]")
                   if _normalize(link.text_content()) == title]
        self.assertEqual(len(buttons), 1, mail.body_html)
        link = buttons[0].get('href')
        parts = urlsplit(link)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.assertEqual(parts.path, '/mail/view')
        self.assertEqual((query['model'], query['res_id']), ('customer.quote', str(mail.res_id)))
        self.assertEqual(query['access_token'], self.env['customer.quote'].browse(mail.res_id).access_token)
        return link

    def assertLandsOnPage(self, response, quote, lang_prefix=''):
        self.assertEqual(response.status_code, 200)
        landing = urlsplit(response.url)
        self.assertEqual(landing.path, f'{lang_prefix}/my/customer_quotes/{quote.id}')
        self.assertEqual(parse_qs(landing.query)['access_token'], [quote.access_token])

    def test_email_button_opens_the_page(self):
        quote = self._portal_quote(state='draft')
        link = self._button_link(self._send(quote), "View Quote")
        # A visitor (not logged in) opening the link lands on the quote's page.
        response = self.url_open(link)
        self.assertLandsOnPage(response, quote)
        self.assertIn(f"Quote {quote.name}", self._text(response))
        self.assertButtons(response, accept=True, refuse=True)

    def test_french_customer_email_and_page(self):
        quote = self._portal_quote(state='draft', partner_id=self.partner_fr.id)
        link = self._button_link(self._send(quote), "Voir le devis")
        response = self.url_open(link)
        self.assertLandsOnPage(response, quote, lang_prefix='/fr')
        text = self._text(response)
        self.assertIn(f"Devis {quote.name}", text)
        self.assertIn(f"Valable jusqu'au {format_date(self.env, quote.validity_date, lang_code='fr_FR')}", text)
        self.assertButtons(response, accept=True, refuse=True)

        # A visitor who chose English on the site keeps it.
        self.opener.cookies.set('frontend_lang', 'en_US')
        response = self._page(quote.id, access_token=quote.access_token)
        self.assertLandsOnPage(response, quote)
        self.assertIn(f"Quote {quote.name}", self._text(response))


@tagged('post_install', '-at_install')
class TestQuotePortalSignedPdf(QuotePortalCommon):
    """The PDF of a quote signed online: who signed, when, and the signature."""

    def _pdf_text_and_images(self, quote):
        """The PDF's text (pdftotext -layout, whitespace collapsed) and its list of images (pdfimages)."""
        content, content_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True)._render_qweb_pdf(REPORT, quote.ids)
        self.assertEqual(content_type, 'pdf')
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, 'quote.pdf')
            path.write_bytes(content)
            text, images = (
                subprocess.run(command, check=True, capture_output=True, text=True).stdout
                for command in (['pdftotext', '-layout', str(path), '-'], ['pdfimages', '-list', str(path)]))
        return _normalize(text), images

    def test_pdf_after_acceptance_shows_the_signer(self):
        self.env['ir.config_parameter'].set_param('report.print_delay', '100')
        quote = self._portal_quote()
        self.assertTrue(self._accept(quote).get('force_refresh'))
        text, images = self._pdf_text_and_images(quote)
        self.assertIn(self._signed_text(quote), text)
        self.assertNotIn("Name and position:", text)
        # The signature is drawn: the PDF holds its 120 × 40 image.
        self.assertIn(" 120 40 ", _normalize(images), images)


@tagged('post_install', '-at_install')
class TestQuotePortalQueryCount(QuotePortalCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = [cls.product_card, cls.product_cap, cls.product_entry, cls.product_subscription]
        cls.quote_10, cls.quote_20 = (
            cls._portal_quote(lines=[
                (products[index % 4], index + 1, {'discount': 5.0 * (index % 3)}) for index in range(count)])
            for count in (10, 20))
        cls.quote_10.line_ids[:3].tax_ids = [Command.set(cls.vat_0.ids)]
        cls.quote_20.line_ids[:3].tax_ids = [Command.set(cls.vat_0.ids)]
        for quote in cls.quote_10 + cls.quote_20:
            quote._portal_ensure_token()

    @warmup
    def test_public_page_queries(self):
        """The page costs the same for 10 lines as for 20."""
        for quote in self.quote_10 + self.quote_20:
            with self.subTest(lines=len(quote.line_ids)), self.assertQueryCount(QUERIES_PUBLIC_QUOTE_PAGE):
                response = self._page(quote.id, access_token=quote.access_token)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(len(self._document(response).xpath("//tr[@name='tr_item']")), len(quote.line_ids))
