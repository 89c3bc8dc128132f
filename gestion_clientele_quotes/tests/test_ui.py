from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import html2plaintext

from .common import create_items


def browser_timezone_patcher(timezone):
    """Give the test browser the zone `timezone` (e.g. 'Europe/Paris') before it loads its first page."""
    navigate_to = ChromeBrowser.navigate_to

    def navigate_in_timezone(browser, url, wait_stop=False):
        if not getattr(browser, 'gcq_timezone_set', False):
            browser._websocket_request('Emulation.setTimezoneOverride', params={'timezoneId': timezone})
            browser.gcq_timezone_set = True
        return navigate_to(browser, url, wait_stop=wait_stop)

    return patch.object(ChromeBrowser, 'navigate_to', navigate_in_timezone)


class FrenchTourCase(HttpCase):
    """Tours as the centre's French users run them: French loaded with the add-on's terms, the
    browser in the Paris time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(browser_timezone_patcher('Europe/Paris'))
        cls.env['res.lang']._activate_lang('fr_FR')
        cls.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)


@tagged('post_install', '-at_install')
class TestCustomerQuoteTour(HttpCase):
    """French tours in Chromium: the seed procedure, steps 1 to 8 and 10 (static/tests/tours/customer_quote_tour.js),
    and following up a quote then its statistics (static/tests/tours/customer_quote_followup_tour.js)."""

    # Tall enough for the customer's Commercial tab and the quote totals to be in view.
    browser_size = '1366x1000'
    # The tours' users work in Paris, and so does their browser, whatever the machine's zone:
    # the web client takes "today" and "this year" from the browser, the server from the user.
    browser_timezone = 'Europe/Paris'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(browser_timezone_patcher(cls.browser_timezone))
        cls.env['res.lang']._activate_lang('fr_FR')
        cls.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)

        cls.company = cls.env.company
        cls.company.write({
            'name': "Centre Aquatique du Rhône",
            'quote_validity_days': 45,
            'quote_followup_days': 12,
        })
        # A fresh database is in USD; a French centre quotes in EUR. The
        # currency cannot change once the company has journal items (demo data).
        if not cls.env['account.move.line'].search_count([('company_id', '=', cls.company.id)], limit=1):
            cls.env.ref('base.EUR').active = True
            cls.company.currency_id = cls.env.ref('base.EUR')
        cls.vat_20 = cls.env['account.tax'].create({
            'name': "TVA 20 %",
            'amount': 20.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'company_id': cls.company.id,
            'tax_group_id': cls.env['account.tax.group'].create({
                'name': "TVA 20 %",
                'company_id': cls.company.id,
            }).id,
        })
        cls.product_entry, cls.product_yearly, cls.product_monthly, cls.product_cap = create_items(
            cls.env, cls.vat_20, [
                ("Entrée piscine adulte", 'service', 5.50, 'access'),
                ("Pass Aquagym annuel", 'service', 320.00, 'subscription'),
                ("Pass Aquagym mensuel", 'service', 35.00, 'subscription'),
                ("Bonnet de bain silicone", 'consu', 4.90, 'article'),
            ])
        # Created from the Customers menu, as the front desk does: a customer (Odoo sets the rank),
        # listed there by default even before their first quote.
        cls.partner = cls.env['res.partner'].with_context(res_partner_search_mode='customer').create({
            'name': "Piscine des Lilas",
            'is_company': True,
            'email': "accueil@piscine-lilas.example",
            'phone': "+33 4 72 00 00 02",
            'street': "12 rue des Bains",
            'zip': "69003",
            'city': "Lyon",
            'country_id': cls.env.ref('base.fr').id,
        })
        # Step 10: the template transferred from the Commercial tab. Its lines are
        # made out of display order; the entry has no fixed price (current price),
        # the monthly pass a fixed one.
        cls.template = cls.env['customer.quote.template'].create({
            'name': "Offre saison club",
            'validity_days': 30,
            'comment': "<p>Tarif réservé aux clubs affiliés, valable toute la saison.</p>",
            'line_ids': [
                Command.create({'sequence': 2, 'product_id': cls.product_entry.id, 'quantity': 50, 'discount': 10}),
                Command.create({'sequence': 1, 'product_id': cls.product_monthly.id, 'quantity': 12,
                                'price_unit': 30.00}),
                Command.create({'sequence': 3, 'product_id': cls.product_cap.id, 'quantity': 20}),
            ],
        })
        # Prices change after the template was made: the transfer takes the
        # current price on the day, unless the template line fixes it.
        cls.product_entry.list_price = 6.00
        cls.product_monthly.list_price = 38.00
        cls.user = new_test_user(
            cls.env, login='tour_quote_user', name="Camille Martin",
            groups='gestion_clientele_quotes.group_customer_quote_user,base.group_partner_manager',
            lang='fr_FR', tz='Europe/Paris',
        )

    def test_customer_quote_tour(self):
        today = fields.Date.context_today(self.env['customer.quote'].with_context(tz=self.user.tz))
        validity_date = today + timedelta(days=45)
        followup_date = today + timedelta(days=12)
        transfer_validity_date = today + timedelta(days=30)  # the template's, not the company's 45

        self.start_tour(
            '/odoo', 'gestion_clientele_quotes_tour', login='tour_quote_user',
            cookies={
                'gcq_tour_quote_date': today.isoformat(),
                'gcq_tour_validity_date': validity_date.isoformat(),
                'gcq_tour_followup_date': followup_date.isoformat(),
                'gcq_tour_transfer_validity_date': transfer_validity_date.isoformat(),
            },
            timeout=120,
        )

        quotes = self.env['customer.quote'].search([('partner_id', '=', self.partner.id)], order='id')
        self.assertEqual(len(quotes), 2, "the tour adds one quote to the customer, then transfers one")
        quote, transferred = quotes
        self.assertRecordValues(quote, [{
            'partner_id': self.partner.id,
            'template_id': False,
            'user_id': self.user.id,
            'state': 'draft',
            'date': today,
            'validity_date': validity_date,
            'followup_date': followup_date,
            'amount_untaxed': 1187.22,
            'amount_discount': 63.28,
            'amount_tax': 237.44,
            'amount_total': 1424.66,
        }])
        self.assertTrue(quote.name.startswith(f'DEV/{today.year}/'), quote.name)
        # Cap: 10 × 4.50 = 45.00 − 3.00 = 42.00; the % is the unrounded 3 / 45.
        # Pass: 4 × 300.00 = 1200.00 − 5 % (60.00) = 1140.00.
        # Entry: 1 × 5.50 − 5 % (0.275, rounded to 0.28) = 5.22; the typed 5 % is kept.
        # VAT 20 % per line: 8.40 + 228.00 + 1.04 = 237.44.
        self.assertRecordValues(quote.line_ids, [{
            'product_id': self.product_cap.id,
            'sequence': 1,
            'quantity': 10.0,
            'price_unit': 4.50,
            'discount_amount': 3.00,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 42.00,
            'price_total': 50.40,
        }, {
            'product_id': self.product_yearly.id,
            'sequence': 2,
            'quantity': 4.0,
            'price_unit': 300.00,
            'discount_amount': 60.00,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 1140.00,
            'price_total': 1368.00,
        }, {
            'product_id': self.product_entry.id,
            'sequence': 3,
            'quantity': 1.0,
            'price_unit': 5.50,
            'discount_amount': 0.28,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 5.22,
            'price_total': 6.26,
        }])
        self.assertAlmostEqual(quote.line_ids[0].discount, 100 * 3 / 45, places=9)
        self.assertEqual(quote.line_ids[1].discount, 5.0)
        self.assertEqual(quote.line_ids[2].discount, 5.0)

        # Step 10: the quote transferred from the template "Offre saison club".
        self.assertRecordValues(transferred, [{
            'partner_id': self.partner.id,
            'user_id': self.user.id,
            'template_id': self.template.id,
            'state': 'draft',
            'date': today,
            'validity_date': transfer_validity_date,
            'followup_date': followup_date,
            'amount_untaxed': 728.00,
            'amount_discount': 30.00,
            'amount_tax': 145.60,
            'amount_total': 873.60,
        }])
        self.assertTrue(transferred.name.startswith(f'DEV/{today.year}/'), transferred.name)
        self.assertNotEqual(transferred.name, quote.name)
        self.assertIn("Tarif réservé aux clubs affiliés", transferred.comment)
        # In the template's display order. Monthly pass: fixed 30.00 (list price now 38.00).
        # Entry: current price 6.00 (5.50 when the template was made), 50 × 6.00 − 10 % = 270.00.
        # Cap: current price 4.90, 20 × 4.90 = 98.00. VAT 20 % of 728.00 = 145.60.
        self.assertRecordValues(transferred.line_ids, [{
            'product_id': self.product_monthly.id,
            'sequence': 1,
            'quantity': 12.0,
            'price_unit': 30.00,
            'discount': 0.0,
            'discount_amount': 0.0,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 360.00,
        }, {
            'product_id': self.product_entry.id,
            'sequence': 2,
            'quantity': 50.0,
            'price_unit': 6.00,
            'discount': 10.0,
            'discount_amount': 30.00,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 270.00,
        }, {
            'product_id': self.product_cap.id,
            'sequence': 3,
            'quantity': 20.0,
            'price_unit': 4.90,
            'discount': 0.0,
            'discount_amount': 0.0,
            'tax_ids': self.vat_20.ids,
            'price_subtotal': 98.00,
        }])
        self.assertEqual(transferred.line_ids.mapped('name'), self.template.line_ids.sorted('sequence').mapped('name'))
        self.assertEqual(self.partner.customer_quote_ids, quotes)

    def test_customer_quote_followup_tour(self):
        # The history is set directly: no tracking or creation message in the chatter.
        Quote = self.env['customer.quote'].with_context(tracking_disable=True)
        today = fields.Date.context_today(Quote.with_context(tz='Europe/Paris'))
        year_start = today.replace(month=1, day=1)

        def days_ago(days):
            # The statistics open on this year's quotes: early in January, every date is today.
            return max(today - timedelta(days=days), year_start)

        # The pivot the tour checks counts every quote of the year: only this test's.
        self.assertFalse(Quote.search_count([('date', '>=', year_start)]), "no demo or other quotes expected")
        # The follow-up gets a next one, 12 days later: not the last follow-up.
        self.company.quote_followup_max = 3

        user = new_test_user(
            self.env, login='tour_quote_user_all', name="Julie Bernard",
            groups='gestion_clientele_quotes.group_customer_quote_user_all',
            lang='fr_FR', tz='Europe/Paris',
        )
        customer = self.env['res.partner'].create({
            'name': "Club Nautique de Vaise",
            'is_company': True,
            'email': "contact@cn-vaise.example",
            'city': "Lyon",
            'country_id': self.env.ref('base.fr').id,
        })
        # (follow-ups, state, quote date in days before today, item, quantity): the statistics
        # the tour checks are worked out from these, once the sent quote is followed up.
        quotes_data = [
            (0, 'accepted', 240, self.product_yearly, 2),
            (0, 'accepted', 180, self.product_entry, 40),
            (0, 'refused', 150, self.product_monthly, 6),
            (0, 'expired', 200, self.product_cap, 30),
            (1, 'accepted', 170, self.product_yearly, 4),
            (1, 'accepted', 120, self.product_monthly, 12),
            (1, 'refused', 100, self.product_entry, 100),
            (2, 'accepted', 130, self.product_yearly, 1),
            (2, 'expired', 160, self.product_monthly, 3),
            (2, 'expired', 90, self.product_entry, 25),
            (3, 'refused', 110, self.product_yearly, 3),
        ]
        for followup_count, state, age, product, quantity in quotes_data:
            quote_date = days_ago(age)
            last_followup_date = (
                min(quote_date + timedelta(days=12 * followup_count), today) if followup_count else False)
            quote = Quote.create({
                'partner_id': customer.id,
                'user_id': user.id,
                'date': quote_date,
                'line_ids': [Command.create({'product_id': product.id, 'quantity': quantity})],
            })
            quote.write({
                'state': state,
                'followup_count': followup_count,
                'last_followup_date': last_followup_date,
                'answer_date': state in ('accepted', 'refused') and min(
                    (last_followup_date or quote_date) + timedelta(days=5), today),
            })
        # The quote the tour follows up: sent, due today, never followed up.
        quote = Quote.create({
            'partner_id': customer.id,
            'user_id': user.id,
            'date': days_ago(12),
            'followup_date': today,
            'line_ids': [
                Command.create({'product_id': self.product_yearly.id, 'quantity': 6}),
                Command.create({'product_id': self.product_cap.id, 'quantity': 6}),
            ],
        })
        quote.write({'state': 'sent'})
        next_followup_date = today + timedelta(days=self.company.quote_followup_days)

        self.start_tour(
            '/odoo', 'customer_quote_followup_tour', login='tour_quote_user_all',
            cookies={
                'gcq_tour_followup_quote': quote.name,
                'gcq_tour_next_followup_date': next_followup_date.isoformat(),
            },
            timeout=120,
        )

        self.env.invalidate_all()
        self.assertRecordValues(quote, [{
            'state': 'sent',
            'followup_count': 1,
            'last_followup_date': today,
            'followup_date': next_followup_date,
            'followup_status': 'planned',
        }])
        notes = quote.message_ids.filtered(lambda message: message.author_id == user.partner_id)
        self.assertEqual(len(notes), 1, "one chatter message for the follow-up")
        self.assertEqual(notes.subtype_id, self.env.ref('mail.mt_note'))
        text = html2plaintext(notes.body).replace('\N{NO-BREAK SPACE}', ' ')
        self.assertIn("Relance n° 1.", text)
        self.assertIn("Le président rappelle vendredi.", text)


class CommercialTabTourCase(HttpCase):
    """The customer's Commercial tab at one screen width (static/tests/tours/customer_quote_commercial_tab_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.lang']._activate_lang('fr_FR')
        cls.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)
        cls.user = new_test_user(
            cls.env, login='tour_tab_user', name="Léa Girard",
            groups='gestion_clientele_quotes.group_customer_quote_user,base.group_partner_manager',
            lang='fr_FR', tz='Europe/Paris',
        )
        tax = cls.env['account.tax'].create({'name': "TVA 20 %", 'amount': 20.0, 'type_tax_use': 'sale'})
        cls.item, = create_items(cls.env, tax, [("Abonnement annuel natation", 'service', 320.00, 'subscription')])
        # A long customer name and several quotes, as on a busy customer.
        cls.partner = cls.env['res.partner'].create({
            'name': "Association sportive des écoles du 3e arrondissement",
            'is_company': True,
            'email': "contact@as-ecoles.example",
        })
        Quote = cls.env['customer.quote'].with_user(cls.user)
        quotes = Quote.create([{
            'partner_id': cls.partner.id,
            'line_ids': [Command.create({'product_id': cls.item.id, 'quantity': quantity})],
        } for quantity in (1, 12, 150)])
        quotes[1:].action_mark_sent()
        cls.quote = quotes[2]

    def _run_commercial_tab_tour(self):
        self.start_tour(
            f'/odoo/res.partner/{self.partner.id}', 'customer_quote_commercial_tab_tour',
            login='tour_tab_user', cookies={'gcq_tour_quote': self.quote.name}, timeout=60,
        )


@tagged('post_install', '-at_install')
class TestCommercialTabWide(CommercialTabTourCase):
    # A wide screen: the chatter sits beside the form and narrows it.
    browser_size = '1680x1050'

    def test_commercial_tab(self):
        self._run_commercial_tab_tour()


@tagged('post_install', '-at_install')
class TestCommercialTabLaptop(CommercialTabTourCase):
    browser_size = '1440x900'

    def test_commercial_tab(self):
        self._run_commercial_tab_tour()


@tagged('post_install', '-at_install')
class TestCommercialTabPhone(CommercialTabTourCase):
    browser_size = '390x844'
    touch_enabled = True

    def test_commercial_tab(self):
        self._run_commercial_tab_tour()
