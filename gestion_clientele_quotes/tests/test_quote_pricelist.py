from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.orm.models import INSERT_BATCH_SIZE
from odoo.tests import Form, new_test_user, tagged, users, warmup

from .common import TODAY, CustomerQuoteCommon


class PricelistCommon(CustomerQuoteCommon):
    """Price lists on: members, works councils, a summer rate, quantity breaks, a foreign currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env['res.config.settings'].create({'group_product_pricelist': True}).execute()
        Pricelist = cls.env['product.pricelist']
        cls.members = Pricelist.create({
            'name': "Members",
            'item_ids': [Command.create({
                'applied_on': '1_product', 'product_tmpl_id': cls.product_subscription.product_tmpl_id.id,
                'compute_price': 'percentage', 'percent_price': 15.0,
            })],
        })
        cls.works_council = Pricelist.create({
            'name': "Works councils",
            'item_ids': [
                Command.create({
                    'applied_on': '1_product', 'product_tmpl_id': cls.product_card.product_tmpl_id.id,
                    'compute_price': 'fixed', 'fixed_price': 38.0,
                }),
                Command.create({
                    'applied_on': '1_product', 'product_tmpl_id': cls.product_entry.product_tmpl_id.id,
                    'compute_price': 'fixed', 'fixed_price': 4.5, 'min_quantity': 10,
                }),
                Command.create({
                    'applied_on': '1_product', 'product_tmpl_id': cls.product_cap.product_tmpl_id.id,
                    'compute_price': 'formula', 'base': 'list_price',
                    'price_discount': 10.0, 'price_surcharge': -0.5,
                }),
            ],
        })
        cls.summer = Pricelist.create({
            'name': "Summer rates",
            'item_ids': [Command.create({
                'applied_on': '1_product', 'product_tmpl_id': cls.product_entry.product_tmpl_id.id,
                'compute_price': 'percentage', 'percent_price': 20.0,
                'date_start': f'{TODAY} 00:00:00', 'date_end': f'{TODAY + timedelta(days=60)} 23:59:59',
            })],
        })
        cls.chf = cls.env.ref('base.CHF')
        cls.chf.active = True
        cls.env['res.currency.rate'].create({
            'name': TODAY - timedelta(days=30), 'currency_id': cls.chf.id, 'rate': 0.9,
            'company_id': cls.company.id,
        })
        cls.swiss = Pricelist.create({'name': "Swiss customers", 'currency_id': cls.chf.id})
        cls.member = cls.env['res.partner'].create({
            'name': "Lucas Bernard", 'property_product_pricelist': cls.members.id,
        })
        cls.council = cls.env['res.partner'].create({
            'name': "CSE Transports", 'property_product_pricelist': cls.works_council.id,
        })

    def _line(self, partner, product, quantity=1.0, **values):
        quote = self._create_quote([(product, quantity, {})], partner_id=partner.id, **values)
        return quote.line_ids

    def assertPricedAsPricelist(self, line):
        """The line's net unit price is what the price list's own API gives for the same item,
        quantity, date and currency."""
        quote = line.quote_id
        expected = quote.pricelist_id._get_product_price(
            line.product_id, line.quantity, currency=quote.currency_id, date=quote.date)
        net = line.price_unit * (1 - line.discount / 100.0)
        self.assertAlmostEqual(net, expected, places=6)


@tagged('post_install', '-at_install')
class TestQuotePricelist(PricelistCommon):

    def test_quote_takes_the_customers_price_list_and_its_currency(self):
        quote = self._create_quote([], partner_id=self.member.id)
        self.assertEqual(quote.pricelist_id, self.members)
        self.assertEqual(quote.currency_id, self.company.currency_id)
        swiss_customer = self.env['res.partner'].create({
            'name': "Genève Natation", 'property_product_pricelist': self.swiss.id,
        })
        swiss_quote = self._create_quote([(self.product_card, 1, {})], partner_id=swiss_customer.id)
        self.assertEqual(swiss_quote.currency_id, self.chf)
        self.assertEqual(swiss_quote.line_ids.currency_id, self.chf)
        self.assertAlmostEqual(swiss_quote.line_ids.price_unit, 45.0 * 0.9, places=2)
        self.assertPricedAsPricelist(swiss_quote.line_ids)

    def test_percentage_rule_shows_as_a_discount(self):
        line = self._line(self.member, self.product_subscription)
        self.assertRecordValues(line, [{
            'price_unit': 320.0, 'discount': 15.0, 'discount_amount': 48.0, 'price_subtotal': 272.0,
        }])
        self.assertPricedAsPricelist(line)

    def test_fixed_formula_and_quantity_break_rules_give_the_net_price(self):
        card = self._line(self.council, self.product_card)
        self.assertRecordValues(card, [{'price_unit': 38.0, 'discount': 0.0}])
        cap = self._line(self.council, self.product_cap, 2)
        self.assertRecordValues(cap, [{'price_unit': 3.91, 'discount': 0.0}])  # 4.90 - 10 % - 0.50
        entries = self._line(self.council, self.product_entry, 5)
        self.assertRecordValues(entries, [{'price_unit': 5.5, 'discount': 0.0}])
        for line in (card, cap, entries):
            self.assertPricedAsPricelist(line)

    def test_dated_rule_applies_on_the_quote_date(self):
        summer_customer = self.env['res.partner'].create({
            'name': "Camping des Pins", 'property_product_pricelist': self.summer.id,
        })
        in_season = self._line(summer_customer, self.product_entry)
        self.assertRecordValues(in_season, [{'price_unit': 5.5, 'discount': 20.0}])
        out_of_season = self._line(summer_customer, self.product_entry, date=TODAY - timedelta(days=10))
        self.assertRecordValues(out_of_season, [{'price_unit': 5.5, 'discount': 0.0}])
        for line in (in_season, out_of_season):
            self.assertPricedAsPricelist(line)
        # A new quote date re-prices the lines.
        out_of_season.quote_id.date = TODAY
        self.assertEqual(out_of_season.discount, 20.0)

    def test_quantity_change_reprices_unless_typed_by_hand(self):
        entries = self._line(self.council, self.product_entry, 5)
        entries.quantity = 10
        self.assertEqual(entries.price_unit, 4.5, "the quantity break")
        entries.price_unit = 4.2
        entries.quantity = 20
        self.assertEqual(entries.price_unit, 4.2, "a price typed by hand is kept")

    def test_lines_given_a_discount_amount_or_taxes_reprice_too(self):
        # Such lines are priced by the ORM's own precomputation rather than in a batch.
        with_amount, with_taxes = self._create_quote([
            (self.product_entry, 5, {'discount_amount': 1.0}),
            (self.product_entry, 5, {'tax_ids': [Command.set(self.vat_0.ids)]}),
        ], partner_id=self.council.id).line_ids
        for line in (with_amount, with_taxes):
            self.assertEqual(line.technical_price_unit, 5.5, "the price list's price, not one typed by hand")
            line.quantity = 10
            self.assertEqual(line.price_unit, 4.5, "the quantity break")

    def test_update_prices_reprices_and_logs(self):
        entries = self._line(self.council, self.product_entry, 10)
        quote = entries.quote_id
        entries.price_unit = 4.2
        quote.pricelist_id = self.members
        messages = len(quote.message_ids)
        quote.action_update_prices()
        self.assertEqual(entries.price_unit, 5.5, "back to the price list's price")
        self.assertEqual(len(quote.message_ids), messages + 1)
        self.assertIn("Members", quote.message_ids[0].body)

    def test_update_prices_only_on_open_quotes(self):
        line = self._line(self.member, self.product_subscription)
        quote = line.quote_id
        quote.action_accept()
        with self.assertRaisesRegex(UserError, "Update Prices"):
            quote.action_update_prices()
        self.assertEqual((line.price_unit, line.discount), (320.0, 15.0))
        with self.assertRaisesRegex(UserError, "accepted"):
            quote.pricelist_id = self.works_council
        self.assertEqual(quote.pricelist_id, self.members)

    def test_price_list_changes_on_drafts_only(self):
        line = self._line(self.member, self.product_subscription)
        quote = line.quote_id.with_user(self.user_all)
        quote.action_mark_sent()
        with self.assertRaisesRegex(UserError, "only be changed while the quote is a draft"):
            quote.pricelist_id = self.works_council
        self.env.invalidate_all()
        self.assertEqual(quote.pricelist_id, self.members)
        quote.pricelist_id = self.members  # the same one: nothing changes
        line.quote_id.action_cancel()
        line.quote_id.action_draft()
        quote.pricelist_id = self.works_council
        self.assertEqual(quote.pricelist_id, self.works_council)

    def test_form_reprices_on_quantity(self):
        quote = self._create_quote([], partner_id=self.council.id)
        with Form(quote) as form, form.line_ids.new() as line:
            line.product_id = self.product_entry
            self.assertEqual(line.price_unit, 5.5)
            line.quantity = 12
            self.assertEqual(line.price_unit, 4.5)
        self.assertEqual(quote.line_ids.price_unit, 4.5)

    def test_template_transfer_uses_each_customers_price_list(self):
        template = self.env['customer.quote.template'].create({
            'name': "Season",
            'line_ids': [
                Command.create({'product_id': self.product_subscription.id, 'quantity': 1}),
                Command.create({'product_id': self.product_card.id, 'quantity': 1, 'price_unit': 40.0}),
            ],
        })
        wizard = self.env['customer.quote.transfer'].create({
            'template_id': template.id,
            'partner_ids': [Command.set((self.member + self.council + self.partner).ids)],
        })
        wizard.action_transfer()
        quotes = self.env['customer.quote'].search([('template_id', '=', template.id)])
        by_customer = {quote.partner_id: quote.line_ids.sorted('sequence') for quote in quotes}
        self.assertEqual(by_customer[self.member].mapped('discount'), [15.0, 0.0])
        self.assertEqual(by_customer[self.member].mapped('price_unit'), [320.0, 40.0], "the fixed price stays")
        self.assertEqual(by_customer[self.council].mapped('price_unit'), [320.0, 40.0])
        self.assertEqual(by_customer[self.partner].mapped('discount'), [0.0, 0.0])

    def test_transfer_prices_once_per_price_list_and_quantity(self):
        """500 customers or 6: the price list is asked once per (price list, quantity, date) for
        all the items at that quantity, not once per line."""
        template = self.env['customer.quote.template'].create({
            'name': "Group season",
            'line_ids': [
                Command.create({'product_id': self.product_subscription.id, 'quantity': 1}),
                Command.create({'product_id': self.product_card.id, 'quantity': 1}),
                Command.create({'product_id': self.product_entry.id, 'quantity': 10}),
                Command.create({'product_id': self.product_cap.id, 'quantity': 1, 'price_unit': 4.0}),
            ],
        })
        customers = self.env['res.partner'].create([
            {'name': f"Customer {index}", 'property_product_pricelist': pricelist.id}
            for index, pricelist in enumerate([self.members, self.members, self.works_council,
                                               self.works_council, self.summer, self.summer])
        ])
        Line = self.registry['customer.quote.line']
        get_items_pricing = Line._get_items_pricing
        asked = []

        def counting_items_pricing(line_model, products, quote, quantity):
            asked.append((quote.pricelist_id, frozenset(products.ids), quantity))
            return get_items_pricing(line_model, products, quote, quantity)

        wizard = self.env['customer.quote.transfer'].create({
            'template_id': template.id, 'partner_ids': [Command.set(customers.ids)],
        })
        with patch.object(Line, '_get_items_pricing', counting_items_pricing):
            wizard.action_transfer()
        quotes = self.env['customer.quote'].search([('template_id', '=', template.id)])
        self.assertEqual(len(quotes.line_ids), 24)
        self.assertEqual(len(asked), 6, "3 price lists × 2 quantities")
        one_each = frozenset((self.product_subscription + self.product_card).ids)
        self.assertEqual(sorted(asked, key=repr), sorted([
            *((pricelist, one_each, 1.0) for pricelist in (self.members, self.works_council, self.summer)),
            *((pricelist, frozenset(self.product_entry.ids), 10.0)
              for pricelist in (self.members, self.works_council, self.summer)),
        ], key=repr))
        for line in quotes.line_ids.filtered(lambda line: line.product_id != self.product_cap):
            self.assertPricedAsPricelist(line)
        self.assertEqual(set(quotes.line_ids.filtered(lambda line: line.product_id == self.product_cap)
                             .mapped('price_unit')), {4.0}, "the template's own price stays")
        entries = quotes.line_ids.filtered(lambda line: line.product_id == self.product_entry)
        self.assertEqual(
            sorted({(line.quote_id.pricelist_id.name, line.price_unit, line.discount) for line in entries}),
            [("Members", 5.5, 0.0), ("Summer rates", 5.5, 20.0), ("Works councils", 4.5, 0.0)])

    def test_price_list_of_another_company_is_refused(self):
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        lake_rates = self.env['product.pricelist'].create({
            'name': "Lake rates", 'company_id': other_company.id,
        })
        quotes_before = self.env['customer.quote'].search_count([])
        with self.assertRaisesRegex(UserError, "Lake rates"), self.env.cr.savepoint():
            self._create_quote([(self.product_card, 1, {})], partner_id=self.member.id,
                               pricelist_id=lake_rates.id)
        self.assertEqual(self.env['customer.quote'].search_count([]), quotes_before)
        line = self._line(self.member, self.product_subscription)
        with self.assertRaisesRegex(UserError, "Lake rates"), self.env.cr.savepoint():
            line.quote_id.pricelist_id = lake_rates
        self.env.invalidate_all()
        self.assertEqual(line.quote_id.pricelist_id, self.members)

    def test_changing_the_price_list_keeps_prices_until_update(self):
        """As on Odoo's quotations, another price list re-prices nothing by itself: the salesperson
        decides with Update Prices."""
        line = self._line(self.member, self.product_subscription)
        quote = line.quote_id
        quote.pricelist_id = self.works_council
        self.assertRecordValues(line, [{'price_unit': 320.0, 'discount': 15.0}])
        quote.action_update_prices()
        self.assertRecordValues(line, [{'price_unit': 320.0, 'discount': 0.0}])

    def test_quote_administrators_manage_price_lists(self):
        """The app's administrators keep the centre's rates (Configuration ▸ Price Lists);
        salespeople use them."""
        administrator = new_test_user(
            self.env, login='rates_administrator', groups='gestion_clientele_quotes.group_customer_quote_manager')
        salesperson = new_test_user(
            self.env, login='rates_salesperson', groups='gestion_clientele_quotes.group_customer_quote_user')
        rates = self.env['product.pricelist'].with_user(administrator).create({
            'name': "Residents",
            'item_ids': [Command.create({
                'applied_on': '1_product', 'product_tmpl_id': self.product_entry.product_tmpl_id.id,
                'compute_price': 'fixed', 'fixed_price': 4.8,
            })],
        })
        rates.item_ids.with_user(administrator).fixed_price = 4.6
        self.assertEqual(rates.with_user(salesperson).item_ids.fixed_price, 4.6)
        with self.assertRaises(AccessError):
            rates.with_user(salesperson).item_ids.fixed_price = 1.0
        with self.assertRaises(AccessError):
            self.env['product.pricelist'].with_user(salesperson).create({'name': "My own rates"})
        # The web client shows a menu when it and the menus above it are visible to the user.
        menu = self.env.ref('gestion_clientele_quotes.menu_customer_quote_pricelists')
        path = {int(menu_id) for menu_id in menu.parent_path.split('/') if menu_id}
        self.assertLessEqual(path, self.env['ir.ui.menu'].with_user(administrator)._visible_menu_ids())
        self.assertFalse(path <= self.env['ir.ui.menu'].with_user(salesperson)._visible_menu_ids())


# Measured budgets with price lists on; a query per line, quote or customer breaks them.
QUERIES_CREATE_10_LINES_PRICELIST = 34
QUERIES_CREATE_QUOTES_3_PRICELISTS = 41


@tagged('post_install', '-at_install')
class TestQuotePricelistQueryCounts(PricelistCommon):
    """Pricing from price lists costs the same queries for 10 quotes as for 40 (but the ORM's
    INSERT of each 100 lines)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_own.group_ids += cls.env.ref('base.group_partner_manager')
        # The first quote of a period creates the period's number range, once: not counted here.
        cls._create_quote()
        cls.customers = cls.env['res.partner'].create([
            {'name': f"Customer {index}", 'property_product_pricelist': pricelist.id}
            for index in range(40)
            for pricelist in [(cls.members, cls.works_council, cls.summer)[index % 3]]
        ])

    def _lines(self):
        products = [self.product_entry, self.product_card, self.product_subscription, self.product_cap]
        # Items at three quantities: the price list is asked once per quantity.
        return [Command.create({'product_id': products[index % 4].id, 'quantity': (1, 2, 10)[index % 3],
                                'sequence': index})
                for index in range(10)]

    @users('quote_own')
    @warmup
    def test_create_quote_with_ten_lines(self):
        with self.assertQueryCount(quote_own=QUERIES_CREATE_10_LINES_PRICELIST):
            quote = self.env['customer.quote'].create({
                'partner_id': self.member.id, 'line_ids': self._lines(),
            })
            quote.env.flush_all()
        self.assertEqual(quote.pricelist_id, self.members)
        self.assertEqual(len(quote.line_ids), 10)

    @users('quote_own')
    @warmup
    def test_batch_create_quotes_for_customers_of_three_price_lists(self):
        for count in (10, 40):
            customers = self.customers[:count].with_env(self.env)
            # Odoo inserts new rows by 100: one INSERT more per 100 lines beyond the first 100.
            extra_inserts = (10 * count - 1) // INSERT_BATCH_SIZE
            with self.assertQueryCount(quote_own=QUERIES_CREATE_QUOTES_3_PRICELISTS + extra_inserts):
                quotes = self.env['customer.quote'].create([
                    {'partner_id': customer.id, 'line_ids': self._lines()} for customer in customers
                ])
                quotes.env.flush_all()
            self.assertEqual(len(quotes.pricelist_id), 3)
            self.assertEqual(len(quotes.line_ids), 10 * count)
            self.env.invalidate_all()
