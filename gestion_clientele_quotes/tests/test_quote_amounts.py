from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestQuoteAmounts(CustomerQuoteCommon):

    def test_line_defaults_from_item(self):
        quote = self._create_quote([(self.product_subscription, 2, {})])
        line = quote.line_ids
        self.assertEqual(line.price_unit, 320.0, "the current price is the item's sales price")
        self.assertEqual(line.tax_ids, self.vat_20, "taxes come from the item's customer taxes")
        self.assertIn("Annual subscription", line.name)
        self.assertEqual(line.price_subtotal, 640.0)
        self.assertEqual(line.price_tax, 128.0)
        self.assertEqual(line.price_total, 768.0)

    def test_price_is_a_snapshot_of_the_current_price(self):
        quote = self._create_quote([(self.product_card, 1, {})])
        self.product_card.list_price = 50.0
        self.assertEqual(quote.line_ids.price_unit, 45.0, "a later price change does not alter the quote")

    def test_discount_amount_kept_to_the_cent(self):
        """3 × 33.33 with 10.00 off is 89.99 exactly, whatever the derived percentage."""
        self.product_entry.list_price = 33.33
        quote = self._create_quote([(self.product_entry, 3, {'discount_amount': 10.0})])
        line = quote.line_ids
        self.assertEqual(line.discount_amount, 10.0)
        self.assertAlmostEqual(line.discount, 10.0 / 99.99 * 100, places=9)
        self.assertEqual(line.price_subtotal, 89.99)
        self.assertEqual(quote.amount_untaxed, 89.99)
        self.assertEqual(quote.amount_discount, 10.0)

    def test_discount_amount_awkward_percentage(self):
        """A third off 1,000.00 typed as 333.33 stays 333.33 (33.333 % rounded would give 333.30)."""
        self.product_entry.list_price = 1000.0
        quote = self._create_quote([(self.product_entry, 1, {'discount_amount': 333.33})])
        self.assertEqual(quote.line_ids.discount_amount, 333.33)
        self.assertEqual(quote.line_ids.price_subtotal, 666.67)

    def test_discount_percentage_gives_amount(self):
        quote = self._create_quote([(self.product_card, 3, {'discount': 12.5})])
        line = quote.line_ids
        self.assertEqual(line.discount_amount, 16.88, "12.5 % of 135.00 is 16.875, rounded to 16.88")
        self.assertEqual(line.price_subtotal, 118.12)
        self.assertEqual(quote.amount_discount, 16.88)

    def test_discount_both_ways_in_line_dialog(self):
        self.product_entry.list_price = 33.33
        quote_form = Form(self.env['customer.quote'])
        quote_form.partner_id = self.partner
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_entry
            self.assertEqual(line.price_unit, 33.33)
            line.quantity = 3
            line.discount = 10.0
            self.assertEqual(line.discount_amount, 10.0, "10 % of 99.99 rounds to 10.00")
            line.discount_amount = 10.0
            line.discount = 20.0
            self.assertEqual(line.discount_amount, 20.0)
            line.discount_amount = 25.0
            self.assertAlmostEqual(line.discount, 25.0 / 99.99 * 100, places=9)
            self.assertEqual(line.price_subtotal, 74.99)
            line.quantity = 6
            self.assertEqual(line.discount_amount, 50.0, "the percentage holds when the quantity changes")
        quote = quote_form.save()
        self.assertEqual(quote.line_ids.price_subtotal, 149.98)
        self.assertEqual(quote.amount_discount, 50.0)

    def test_typed_percent_stays_as_typed(self):
        """5 % off 5.50 takes 0.28 off (0.275 rounded to the cent); the line still reads 5 %, not the
        5.09 % that 0.28 off 5.50 would give, in the form, once saved, and through the ORM."""
        self.product_entry.list_price = 5.50
        for quantity, percent, amount in ((1, 5.0, 0.28), (3, 5.0, 0.83), (7, 3.0, 1.16), (2, 12.5, 1.38)):
            with self.subTest(quantity=quantity, percent=percent):
                quote_form = Form(self.env['customer.quote'])
                quote_form.partner_id = self.partner
                with quote_form.line_ids.new() as line:
                    line.product_id = self.product_entry
                    line.quantity = quantity
                    line.discount = percent
                    self.assertEqual(line.discount, percent, "the typed % stays")
                    self.assertEqual(line.discount_amount, amount, "the amount is derived, to the cent")
                quote = quote_form.save()
                self.assertEqual((quote.line_ids.discount, quote.line_ids.discount_amount), (percent, amount))
                self.assertAlmostEqual(quote.amount_untaxed, quantity * 5.50 - amount, places=2)
                created = self._create_quote([(self.product_entry, quantity, {'discount': percent})])
                self.assertEqual((created.line_ids.discount, created.line_ids.discount_amount), (percent, amount))

    def test_typed_amount_stays_to_the_cent(self):
        self.product_entry.list_price = 5.50
        quote_form = Form(self.env['customer.quote'])
        quote_form.partner_id = self.partner
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_entry
            line.discount_amount = 0.28
            self.assertAlmostEqual(line.discount, 0.28 / 5.50 * 100, places=9, msg="the % is derived, unrounded")
        quote = quote_form.save()
        line = quote.line_ids
        self.assertEqual(line.discount_amount, 0.28)
        self.assertEqual(line.price_subtotal, 5.22)
        line.discount_amount = 0.30
        self.assertAlmostEqual(line.discount, 0.30 / 5.50 * 100, places=9)
        self.assertEqual(quote.amount_untaxed, 5.20)

    def test_totals_with_several_taxes(self):
        quote = self._create_quote([
            (self.product_card, 2, {'discount': 10}),
            (self.product_cap, 3, {}),
            (self.product_entry, 4, {'tax_ids': [Command.set(self.vat_0.ids)]}),
        ])
        self.assertEqual(quote.amount_untaxed, 81.0 + 14.70 + 22.0)
        self.assertEqual(quote.amount_tax, 16.2 + 2.94)
        self.assertEqual(quote.amount_total, 117.70 + 19.14)
        self.assertEqual(quote.amount_discount, 9.0)
        totals = quote.tax_totals
        self.assertEqual(totals['base_amount_currency'], 117.70)
        self.assertEqual(totals['total_amount_currency'], 136.84)
        tax_amounts = [
            group['tax_amount_currency']
            for subtotal in totals['subtotals'] for group in subtotal['tax_groups']
        ]
        self.assertEqual(sum(tax_amounts), 19.14)

    def test_rounding_per_tax(self):
        """Lines computed together keep their own amounts; the totals are rounded per tax (Odoo's default)."""
        self.company.tax_calculation_rounding_method = 'round_globally'
        vat_21_included = self.env['account.tax'].create({
            'name': "VAT 21% included (test)",
            'amount': 21.0,
            'amount_type': 'percent',
            'price_include_override': 'tax_included',
            'type_tax_use': 'sale',
        })
        line = (self.product_card, 1, {'price_unit': 21.53, 'tax_ids': [Command.set(vat_21_included.ids)]})
        quote = self._create_quote([line, line])
        self.assertEqual(
            [(line.price_subtotal, line.price_tax, line.price_total) for line in quote.line_ids],
            [(17.79, 3.74, 21.53), (17.79, 3.74, 21.53)])
        self.assertEqual((quote.amount_untaxed, quote.amount_tax, quote.amount_total), (35.59, 7.47, 43.06))

    def test_fiscal_position_maps_taxes(self):
        exempt = self.env['account.fiscal.position'].create({'name': "Tax exempt association"})
        self.vat_0.write({
            'fiscal_position_ids': [Command.link(exempt.id)],
            'original_tax_ids': [Command.link(self.vat_20.id)],
        })
        self.partner.property_account_position_id = exempt
        quote = self._create_quote([(self.product_card, 1, {})])
        self.assertEqual(quote.fiscal_position_id, exempt)
        self.assertEqual(quote.line_ids.tax_ids, self.vat_0)
        self.assertEqual(quote.amount_tax, 0.0)
        self.assertEqual(quote.amount_total, 45.0)

    def test_line_order_follows_display_order(self):
        quote = self._create_quote([
            (self.product_cap, 1, {'sequence': 30}),
            (self.product_card, 1, {'sequence': 10}),
            (self.product_entry, 1, {'sequence': 20}),
        ])
        self.assertEqual(
            quote.line_ids.mapped('product_id'),
            self.product_card + self.product_entry + self.product_cap,
        )

    def test_quote_precomputed_fields_do_not_depend_on_lines(self):
        """The quote's precomputation leaves the lines out of its draft (see its
        _add_precomputed_values): true only while none of those fields depends on them."""
        Quote = self.env['customer.quote']
        precomputed = [field for field in Quote._fields.values() if field.precompute]
        self.assertTrue(precomputed)
        for field in precomputed:
            depends, _depends_context = field.get_depends(Quote)
            self.assertFalse(
                [path for path in depends if path.split('.')[0] == 'line_ids'],
                f"{field.name} depends on the quote's lines")

    def test_lines_priced_in_batch_as_the_compute_methods_price_them(self):
        """Lines created with their item are priced in one pass; the result is what the compute
        methods give, line by line, for the customer's language, fiscal position and rounding."""
        self._load_french()
        self.company.tax_calculation_rounding_method = 'round_globally'
        self.product_entry.with_context(lang='fr_FR').name = "Entrée unique"
        vat_21_included = self.env['account.tax'].create({
            'name': "VAT 21% included (test)",
            'amount': 21.0,
            'price_include_override': 'tax_included',
            'type_tax_use': 'sale',
        })
        self.product_cap.taxes_id = vat_21_included
        self.product_cap.list_price = 21.53
        exempt = self.env['account.fiscal.position'].create({'name': "Tax exempt association"})
        self.vat_0.write({
            'fiscal_position_ids': [Command.link(exempt.id)],
            'original_tax_ids': [Command.link(self.vat_20.id)],
        })
        french_club = self.env['res.partner'].create({
            'name': "Club nautique", 'lang': 'fr_FR', 'property_account_position_id': exempt.id,
        })
        lines = [
            Command.create({'product_id': self.product_entry.id, 'quantity': 3}),
            Command.create({'product_id': self.product_card.id, 'quantity': 1.255, 'discount': 12.5}),
            Command.create({'product_id': self.product_cap.id, 'quantity': 2, 'discount': 100 / 3}),
            Command.create({'product_id': self.product_cap.id}),
            Command.create({'product_id': self.product_subscription.id, 'price_unit': 299.999, 'name': "Typed"}),
        ]

        def create_quotes():
            return self.env['customer.quote'].create([
                {'partner_id': partner.id, 'line_ids': lines} for partner in (self.partner, french_club)
            ])

        def line_values(quotes):
            return [
                (line.product_id, line.name, line.quantity, line.price_unit, line.discount, line.discount_amount,
                 line.tax_ids, line.price_subtotal, line.price_tax, line.price_total, line.company_id,
                 line.currency_id)
                for line in quotes.line_ids
            ]

        Line = self.registry['customer.quote.line']
        with patch.object(Line, '_add_batch_precomputed_values', autospec=True,
                          side_effect=Line._add_batch_precomputed_values) as batch, \
                self._count_batches('_compute_amounts') as recomputed:
            batch_quotes = create_quotes()
            self.env.flush_all()
        self.assertEqual(batch.call_count, 1, "the lines of both quotes are priced in one pass")
        self.assertEqual(recomputed, [], "the totals come from the same pass")
        with patch.object(Line, '_add_batch_precomputed_values', lambda lines, vals_list: None):
            computed_quotes = create_quotes()
        self.env.invalidate_all()
        self.assertEqual(line_values(batch_quotes), line_values(computed_quotes))
        self.assertEqual(
            [(quote.amount_untaxed, quote.amount_tax, quote.amount_total, quote.amount_discount)
             for quote in batch_quotes],
            [(quote.amount_untaxed, quote.amount_tax, quote.amount_total, quote.amount_discount)
             for quote in computed_quotes])
        # And the figures are the expected ones, not only equal.
        french_lines = batch_quotes[1].line_ids
        self.assertEqual(french_lines[0].name, "Entrée unique")
        self.assertEqual(french_lines[0].tax_ids, self.vat_0, "mapped by the customer's fiscal position")
        self.assertEqual(
            [(line.quantity, line.price_unit, line.discount_amount, line.price_subtotal, line.price_total)
             for line in batch_quotes[0].line_ids],
            [(3.0, 5.5, 0.0, 16.5, 19.8),
             (1.26, 45.0, 7.09, 49.61, 59.53),
             (2.0, 21.53, 14.35, 23.73, 28.71),
             (1.0, 21.53, 0.0, 17.79, 21.53),
             (1.0, 300.0, 0.0, 300.0, 360.0)])
        self.assertEqual(batch_quotes[0].line_ids[4].name, "Typed")

        # Lines added to a quote: priced whole when it had none, or with the lines it has.
        added_to_empty, added_to_started = self.env['customer.quote'].create([
            {'partner_id': self.partner.id},
            {'partner_id': self.partner.id, 'line_ids': lines[:2]},
        ])
        with self._count_batches('_compute_amounts') as recomputed:
            self.env['customer.quote.line'].create(
                [{**values, 'quote_id': added_to_empty.id} for _command, _id, values in lines]
                + [{**values, 'quote_id': added_to_started.id} for _command, _id, values in lines[2:]])
            self.env.flush_all()
        self.assertEqual(recomputed, [1], "only the quote that had lines is computed again")
        self.env.invalidate_all()
        for quote in added_to_empty + added_to_started:
            self.assertEqual(line_values(quote), line_values(batch_quotes[0]))
            self.assertEqual(
                (quote.amount_untaxed, quote.amount_tax, quote.amount_total, quote.amount_discount),
                (batch_quotes[0].amount_untaxed, batch_quotes[0].amount_tax, batch_quotes[0].amount_total,
                 batch_quotes[0].amount_discount))
