import base64
import re
from urllib.parse import quote as url_quote

from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open, format_date, formatLang, html2plaintext

from .common import create_items, switch_company_currency
from .test_ui import FrenchTourCase
from .test_ui_demo import PNG_SIGNATURE, assert_screenshots, screenshot_hook


def tour_text(text):
    """`text` as a tour's :contains() reads it: any run of spaces (no-break ones included) as one space."""
    return re.sub(r'\s+', ' ', text).strip()


@tagged('post_install', '-at_install')
class TestQuotePortalTour(FrenchTourCase):
    """The customer's page of a sent quote, opened from the email's link (its access token) by a visitor
    who is not logged in, in the customer's language, French (static/tests/tours/customer_quote_portal_tour.js):
    they accept it by signing, or refuse it with a reason."""

    # The README's picture: the quote's page down to the first message of its conversation.
    browser_size = '1366x940'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # The demo's centre (as on the README's other pictures), its logo on the page's header.
        with file_open('gestion_clientele_quotes/demo/img/company_logo.png', 'rb') as logo:
            cls.company.write({
                'name': "Centre aquatique Les Ondines",
                'street': "25 avenue des Sports",
                'zip': "69500",
                'city': "Bron",
                'country_id': cls.env.ref('base.fr').id,
                'logo': base64.b64encode(logo.read()),
            })
        # A fresh database is in USD; a French centre quotes in EUR. The currency cannot change once
        # the company has journal items (demo data).
        if not cls.env['account.move.line'].search_count([('company_id', '=', cls.company.id)], limit=1):
            switch_company_currency(cls.company, cls.env.ref('base.EUR'))
        cls.salesperson = new_test_user(
            cls.env, login='tour_portal_salesperson', name="Camille Martin",
            groups='gestion_clientele_quotes.group_customer_quote_user',
            lang='fr_FR', tz='Europe/Paris',
        )
        tax = cls.env['account.tax'].create({
            'name': "TVA 20 %", 'amount': 20.0, 'type_tax_use': 'sale', 'company_id': cls.company.id,
            # The page's VAT summary names the tax group (a fresh database's default one is "Tax 15%").
            'tax_group_id': cls.env['account.tax.group'].create({
                'name': "TVA 20 %", 'company_id': cls.company.id,
            }).id,
        })
        cls.pass_item, cls.card, cls.cap = create_items(cls.env, tax, [
            ("Abonnement annuel natation", 'service', 320.00, 'subscription'),
            ("Carte 10 entrées", 'service', 45.00, 'access'),
            ("Bonnet de bain", 'consu', 4.90, 'article'),
        ])
        cls.pass_item.write({'subscription_duration': 12, 'subscription_duration_unit': 'month'})
        cls.customer = cls.env['res.partner'].create({
            'name': "Élodie Garnier",
            'email': "elodie.garnier@example.com",
            'lang': 'fr_FR',
            'street': "8 rue des Tilleuls",
            'zip': "69003",
            'city': "Lyon",
            'country_id': cls.env.ref('base.fr').id,
        })
        # The salesperson makes the quote and hands it over (sent): the customer may now answer online.
        cls.quote = cls.env['customer.quote'].with_user(cls.salesperson).create({
            'partner_id': cls.customer.id,
            'line_ids': [
                Command.create({'product_id': cls.pass_item.id, 'quantity': 1}),
                Command.create({'product_id': cls.card.id, 'quantity': 1, 'discount': 10}),
                Command.create({'product_id': cls.cap.id, 'quantity': 2}),
            ],
        })
        cls.quote.action_mark_sent()
        # The salesperson's word to the customer, which the page's conversation shows them.
        cls.salesperson_note = "Bonjour, voici notre proposition pour la saison. Je reste à votre disposition."
        cls.quote.with_user(cls.salesperson).message_post(
            body=cls.salesperson_note, message_type='comment', subtype_xmlid='mail.mt_comment')

    def setUp(self):
        super().setUp()
        # 320.00 + 45.00 − 10 % (4.50) + 2 × 4.90 = 370.30 excl. tax; VAT 20 %: 74.06.
        self.assertRecordValues(self.quote, [{
            'state': 'sent',
            'user_id': self.salesperson.id,
            'currency_id': self.env.ref('base.EUR').id,
            'amount_untaxed': 370.30,
            'amount_tax': 74.06,
            'amount_total': 444.36,
        }])
        self.assertTrue(self.company.quote_portal_signature, "the quote can be accepted online")

    def _start_portal_tour(self, tour, **cookies):
        """Open the quote's page as its email's link does, not logged in and without a language chosen
        (no frontend_lang cookie): it shows in the customer's French. The tour gets the quote's number,
        its customer, date and total as the French page writes them, and the extra `cookies`."""
        url = self.quote.get_portal_url()
        self.assertIn(f'access_token={self.quote.access_token}', url)
        French = self.env(context={'lang': 'fr_FR'})
        total = formatLang(French, self.quote.amount_total, currency_obj=self.quote.currency_id)
        self.assertEqual(tour_text(total), "444,36 €")
        cookies.update({
            'gcq_tour_note': self.salesperson_note,
            'gcq_tour_quote': self.quote.name,
            'gcq_tour_customer': self.customer.name,
            'gcq_tour_quote_date': format_date(French, self.quote.date),
            'gcq_tour_total': tour_text(total),
        })
        self.start_tour(
            url, tour, login=None, timeout=120,
            cookies={name: url_quote(value) for name, value in cookies.items()},
        )
        self.env.invalidate_all()

    def _customer_messages(self):
        """The quote's chatter messages written by the customer (the visitor with the link)."""
        return self.quote.message_ids.filtered(
            lambda message: message.author_id == self.customer and message.message_type == 'comment')

    def _salesperson_todos(self):
        todo = self.env.ref('mail.mail_activity_data_todo')
        return self.quote.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.user_id == self.salesperson)

    def test_portal_accept_tour(self):
        self.assertFalse(self._customer_messages())
        self.assertFalse(self._salesperson_todos())
        taken = {}
        with screenshot_hook(taken):
            self._start_portal_tour('customer_quote_portal_accept_tour')

        self.assertRecordValues(self.quote, [{'state': 'accepted', 'signed_by': self.customer.name}])
        self.assertTrue(self.quote.signed_on)
        self.assertTrue(self.quote.signature)
        self.assertTrue(base64.b64decode(self.quote.signature).startswith(PNG_SIGNATURE))
        message = self._customer_messages()
        self.assertEqual(len(message), 1, "the acceptance is in the quote's chatter, by the customer")
        self.assertIn(self.customer.name, html2plaintext(message.body))
        self.assertEqual(len(message.attachment_ids), 1, "the signature goes with the message")
        self.assertEqual(message.attachment_ids.mimetype, 'image/png')
        self.assertEqual(len(self._salesperson_todos()), 1, "the salesperson has a to-do for the answer")
        # Accepted, the quote opened the customer's subscription, as its Accept button does.
        self.assertEqual(self.quote.subscription_ids.partner_id, self.customer)
        assert_screenshots(self, taken, {'portal_quote_fr'})

    def test_portal_refuse_tour(self):
        reason = "Nous avons trouvé une formule moins chère, merci quand même."
        self.assertFalse(self._customer_messages())
        self._start_portal_tour('customer_quote_portal_refuse_tour', gcq_tour_reason=reason)

        self.assertRecordValues(self.quote, [{'state': 'refused', 'signed_by': False, 'signature': False}])
        message = self._customer_messages()
        self.assertEqual(len(message), 1, "the refusal is in the quote's chatter, by the customer")
        self.assertIn(reason, html2plaintext(message.body))
        self.assertEqual(len(self._salesperson_todos()), 1, "the salesperson has a to-do for the answer")
        self.assertFalse(self.quote.subscription_ids)
