from datetime import timedelta

from lxml import etree

from odoo.fields import Command, Domain
from odoo.tests import Form, tagged, users, warmup
from odoo.tools.safe_eval import safe_eval

from .common import COMMERCIAL_TAB_SPEC, TODAY, CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestPartnerCommercialTab(CustomerQuoteCommon):

    def _add_quote_from_customer(self, partner):
        action = partner.action_add_customer_quote()
        self.assertEqual(action['res_model'], 'customer.quote')
        return Form(self.env['customer.quote'].with_context(**action['context']))

    def test_add_quote_from_commercial_tab(self):
        """Seed steps 3 to 8: Commercial tab → Add → dates → items → OK."""
        quote_form = self._add_quote_from_customer(self.partner)
        self.assertEqual(quote_form.partner_id, self.partner)
        self.assertEqual(quote_form.partner_email, "club@example.com")
        self.assertEqual(quote_form.partner_phone, "+33 4 72 00 00 01")
        self.assertEqual(quote_form.partner_address.splitlines()[0], "12 rue des Bains", "no blank line for street 2")
        self.assertIn("Lyon", quote_form.partner_address.splitlines()[1])
        self.assertTrue(quote_form.validity_date)
        self.assertTrue(quote_form.followup_date)
        quote_form.comment = "<p>Offer for the new season</p>"
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_subscription
            line.sequence = 2
            line.quantity = 4
            line.discount = 5
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_cap
            line.sequence = 1
            line.quantity = 4
            line.price_unit = 4.5
            line.discount_amount = 2
        quote = quote_form.save()

        self.assertIn(quote, self.partner.customer_quote_ids)
        self.assertEqual(self.partner.customer_quote_count, 1)
        self.assertEqual(quote.line_ids.mapped('product_id'), self.product_cap + self.product_subscription)
        self.assertEqual(quote.line_ids[0].price_subtotal, 16.0)
        self.assertEqual(quote.line_ids[1].price_subtotal, 1216.0)
        self.assertEqual(quote.amount_untaxed, 1232.0)
        self.assertEqual(quote.amount_discount, 66.0)
        self.assertEqual(quote.amount_total, 1478.4)
        self.assertIn("new season", quote.comment)

    def test_quote_shows_customers_other_quotes(self):
        first = self._create_quote([(self.product_card, 1, {})])
        second = self._create_quote([(self.product_cap, 1, {})])
        other_partner_quote = self.env['customer.quote'].create({
            'partner_id': self.env['res.partner'].create({'name': "Someone else"}).id,
        })
        self.assertEqual(second.partner_other_quote_ids, first)
        self.assertEqual(first.partner_other_quote_ids, second)
        self.assertFalse(other_partner_quote.partner_other_quote_ids)

    def test_smart_button_lists_customer_quotes(self):
        quotes = self._create_quote() + self._create_quote()
        action = self.partner.action_view_customer_quotes()
        self.assertEqual(self.env['customer.quote'].search(action['domain']), quotes)
        self.assertEqual(self.partner.customer_quote_count, 2)

    def test_customer_statistics(self):
        """The figures above the Commercial tab's list: count, acceptance rate, open amount, next follow-up."""
        card, subscription = (self.product_card, 1, {}), (self.product_subscription, 1, {})
        earlier = TODAY - timedelta(days=30)  # the open quotes were made a month ago
        accepted = self._create_quote([card, card], followup_date=TODAY + timedelta(days=5))  # 90.00
        refused = self._create_quote([subscription])
        expired = self._create_quote([card])
        self._create_quote([card], date=earlier, followup_date=earlier + timedelta(days=8))  # open: 45.00
        self._create_quote([subscription], date=earlier, followup_date=TODAY + timedelta(days=2))  # open: 320.00
        cancelled = self._create_quote([subscription], date=earlier, followup_date=earlier + timedelta(days=1))
        (accepted + refused + expired + cancelled).with_context(tracking_disable=True).write({'state': 'sent'})
        accepted.action_accept()
        refused.action_refuse()
        expired.write({'state': 'expired'})
        cancelled.action_cancel()
        other_customer = self.env['res.partner'].create({'name': "Nobody's quotes"})
        partners = self.partner + other_customer
        partners.invalidate_recordset()
        self.assertEqual(self.partner.customer_quote_count, 6)
        self.assertEqual(self.partner.customer_quote_decided_count, 3)
        self.assertAlmostEqual(self.partner.customer_quote_acceptance_rate, 1 / 3, places=9,
                               msg="1 accepted out of 3 with an outcome (accepted, refused, expired)")
        self.assertEqual(self.partner.customer_quote_open_amount, 365.0, "untaxed amount of draft and sent quotes")
        self.assertEqual(self.partner.customer_quote_next_followup_date, earlier + timedelta(days=8),
                         "earliest follow-up of the open quotes only (not the cancelled one's), overdue included")
        self.assertEqual(self.partner.customer_quote_currency_id, self.currency)
        self.assertEqual(
            (other_customer.customer_quote_count, other_customer.customer_quote_acceptance_rate,
             other_customer.customer_quote_open_amount, other_customer.customer_quote_next_followup_date),
            (0, 0.0, 0.0, False))

    def test_customers_menu_lists_customers_by_default(self):
        """Not every contact: the customers (with quotes, or sold to), with a filter to see all."""
        action = self.env.ref('gestion_clientele_quotes.res_partner_action_customer')
        self.assertEqual(safe_eval(action.context).get('search_default_quote_customers'), 1)
        arch = etree.fromstring(self.env['res.partner'].get_view(view_type='search')['arch'])
        [customers_filter] = arch.xpath("//filter[@name='quote_customers']")
        with_quote = self.env['res.partner'].create({'name': "Club with a quote"})
        self._create_quote(partner_id=with_quote.id)
        sold_to = self.env['res.partner'].create({'name': "Invoiced customer", 'customer_rank': 1})
        supplier_contact = self.env['res.partner'].create({'name': "Supplier's contact", 'supplier_rank': 1})
        partners = with_quote + sold_to + supplier_contact + self.company.partner_id
        found = self.env['res.partner'].search(
            Domain('id', 'in', partners.ids) & Domain(safe_eval(customers_filter.get('domain'))))
        self.assertEqual(found, with_quote + sold_to)

    def test_statistics_row_opens_the_quote(self):
        quote = self._create_quote()
        action = quote.action_open_quote()
        self.assertEqual((action['res_model'], action['res_id']), ('customer.quote', quote.id))

    def test_quote_just_added_is_highlighted(self):
        """The quote a user has just added for the customer stands out on the Commercial tab, for them only."""
        Quote = self.env['customer.quote'].with_user(self.user_own)
        first, second = Quote.create([{
            'partner_id': self.partner.id,
            'line_ids': [Command.create({'product_id': self.product_entry.id})],
        } for _ in range(2)])
        other_customer = Quote.create({
            'partner_id': self.env['res.partner'].create({'name': "École Jean Macé"}).id,
            'line_ids': [Command.create({'product_id': self.product_entry.id})],
        })

        def highlighted(user):
            self.env.invalidate_all()
            return self.partner.with_user(user).customer_quote_ids.filtered('is_just_added')

        self.assertEqual(highlighted(self.user_own), second, "the last one added, not both")
        self.assertTrue(other_customer.is_just_added, "each customer's own last quote")
        self.assertFalse(highlighted(self.user_all), "not for a colleague, who did not add it")

        def added_minutes_ago(quotes, minutes):
            self.env.cr.execute(
                "UPDATE customer_quote SET create_date = now() AT TIME ZONE 'UTC' - make_interval(mins => %s)"
                " WHERE id = ANY(%s)", [minutes, quotes.ids])

        added_minutes_ago(second, 11)
        self.assertEqual(highlighted(self.user_own), first, "after 10 minutes, the quote added before it")
        added_minutes_ago(first, 11)
        self.assertFalse(highlighted(self.user_own), "after 10 minutes, nothing stands out")

    def test_follow_up_several_quotes_from_the_list(self):
        """The quotes list's action "Follow Up" opens the follow-up dialog for the selected quotes."""
        quotes = (self._create_quote([(self.product_entry, 1, {})], user_id=self.user_own.id)
                  + self._create_quote([(self.product_cap, 2, {})], user_id=self.user_own.id))
        quotes.action_mark_sent()
        server_action = self.env.ref('gestion_clientele_quotes.customer_quote_action_followup')
        self.assertEqual(server_action.binding_model_id.model, 'customer.quote')
        action = server_action.with_user(self.user_own).with_context(
            active_model='customer.quote', active_ids=quotes.ids, active_id=quotes[0].id).run()
        self.assertEqual(action['res_model'], 'customer.quote.followup')
        Followup = self.env['customer.quote.followup'].with_user(self.user_own)
        wizard = Followup.with_context(**action['context']).create({})
        self.assertEqual(wizard.quote_ids, quotes)
        wizard.action_record()
        self.assertEqual(quotes.mapped('followup_count'), [1, 1])


@tagged('post_install', '-at_install')
class TestQuoteQueryCounts(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_own.group_ids += cls.env.ref('base.group_partner_manager')
        # The first quote of a period creates the period's number range, once: not counted here,
        # so that the counts are those of every other day, in any database.
        cls._create_quote()

    def _lines(self, count):
        products = [self.product_entry, self.product_card, self.product_subscription, self.product_cap]
        return [
            Command.create({
                'product_id': products[index % 4].id,
                'quantity': index + 1,
                'discount': 5 if index % 2 else 0,
                'sequence': index,
            })
            for index in range(count)
        ]

    @users('quote_own')
    @warmup
    def test_create_quote_with_ten_lines(self):
        partner = self.partner.with_env(self.env)
        with self.assertQueryCount(quote_own=QUERIES_CREATE_10_LINES):
            quote = self.env['customer.quote'].create({
                'partner_id': partner.id,
                'line_ids': self._lines(10),
            })
            quote.env.flush_all()
        self.assertEqual(len(quote.line_ids), 10)

    @users('quote_own')
    @warmup
    def test_batch_create_quotes(self):
        """Benchmark case 1 in small: quotes of 10 lines created in one batch."""
        partner = self.partner.with_env(self.env)
        with self.assertQueryCount(quote_own=QUERIES_CREATE_20_QUOTES_10_LINES):
            quotes = self.env['customer.quote'].create([
                {'partner_id': partner.id, 'line_ids': self._lines(10)} for _index in range(20)
            ])
            quotes.env.flush_all()
        self.assertEqual(len(quotes.line_ids), 200)

    @users('quote_own')
    @warmup
    def test_read_commercial_tab(self):
        """Benchmark case 2 in small: the tab costs the same queries for 5 quotes as for 60."""
        customers = self.env['res.partner'].sudo().create([{'name': "Few quotes"}, {'name': "Many quotes"}])
        for customer, count in zip(customers, (5, 60), strict=True):
            self.env['customer.quote'].sudo().create([
                {'partner_id': customer.id, 'user_id': self.user_own.id, 'line_ids': self._lines(3)}
                for _index in range(count)
            ])
        for customer, count in zip(customers, (5, 60), strict=True):
            self.env.invalidate_all()
            with self.assertQueryCount(quote_own=QUERIES_READ_COMMERCIAL_TAB):
                result = customer.with_env(self.env).web_read(COMMERCIAL_TAB_SPEC)
            self.assertEqual(len(result[0]['customer_quote_ids']), count)
            self.assertEqual(result[0]['customer_quote_count'], count)


# Measured budgets; a regression that adds a query per line or per quote breaks them.
QUERIES_CREATE_10_LINES = 29
QUERIES_CREATE_20_QUOTES_10_LINES = 30
# With the customer's statistics (one grouped query) and who added which quote when (one).
QUERIES_READ_COMMERCIAL_TAB = 8
