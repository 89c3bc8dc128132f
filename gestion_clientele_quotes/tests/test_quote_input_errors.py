import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import FROZEN_NOW, CustomerQuoteCommon


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # stated here too: the fixed dates below are read against this day
class TestQuoteInputErrors(CustomerQuoteCommon):
    """Careless or hostile input is refused with a clear message and leaves the quote as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote = cls._create_quote([(cls.product_card, 2, {'discount': 10})], date='2026-04-01')
        cls.line = cls.quote.line_ids

    def _snapshot(self):
        self.env.invalidate_all()
        return (
            self.quote.read(['date', 'validity_date', 'followup_date', 'amount_untaxed', 'amount_total'])[0],
            self.line.read(['quantity', 'price_unit', 'discount', 'discount_amount', 'price_subtotal'])[0],
            self.env['customer.quote.line'].search_count([]),
        )

    def _assert_refused(self, values, message, record=None):
        record = record or self.line
        before = self._snapshot()
        with self.assertRaisesRegex(ValidationError, message):
            with self.env.cr.savepoint():
                record.write(values)
                record.env.flush_all()
        self.assertEqual(self._snapshot(), before, "nothing changed")

    def test_negative_quantity(self):
        self._assert_refused({'quantity': -1}, "quantity of “10-entry card” cannot be negative")

    def test_negative_price(self):
        self._assert_refused({'price_unit': -45}, "current price of “10-entry card” cannot be negative")

    def test_negative_discount(self):
        self._assert_refused({'discount': -5}, "discount on “10-entry card” cannot be negative")

    def test_negative_discount_amount(self):
        self._assert_refused({'discount_amount': -5}, "discount on “10-entry card” cannot be negative")

    def test_discount_over_100_percent(self):
        """The message names the item and shows the line amount the discount is taken off."""
        price, amount = self.currency.format(45.0), self.currency.format(90.0)
        self._assert_refused({'discount': 100.5}, re.escape(
            f"The discount on “10-entry card” (100.50%) cannot exceed 100% of the line amount: "
            f"2 × {price} = {amount}."))

    def test_discount_above_gross_amount(self):
        price, amount = self.currency.format(45.0), self.currency.format(90.0)
        self._assert_refused({'discount_amount': 90.01}, re.escape(
            f"The discount on “10-entry card” ({self.currency.format(90.01)}) cannot exceed the line amount: "
            f"2 × {price} = {amount}."))

    def test_discount_above_gross_amount_of_a_fractional_quantity(self):
        self.line.quantity = 1.5
        self._assert_refused({'discount_amount': 70.0}, re.escape(
            f"cannot exceed the line amount: 1.50 × {self.currency.format(45.0)} = {self.currency.format(67.5)}."))

    def test_full_discount_is_allowed(self):
        self.line.discount_amount = 90.0
        self.assertEqual(self.line.discount, 100.0)
        self.assertEqual(self.line.price_subtotal, 0.0)

    def test_offer_end_before_quote_date(self):
        self._assert_refused(
            {'validity_date': date(2026, 3, 31)}, "offer end date .* cannot be before its quote date",
            record=self.quote)

    def test_followup_before_quote_date(self):
        self._assert_refused(
            {'followup_date': date(2026, 3, 1)}, "follow-up date .* cannot be before its quote date",
            record=self.quote)

    def test_new_quote_with_bad_line_creates_nothing(self):
        quotes_before = self.env['customer.quote'].search_count([])
        with self.assertRaisesRegex(ValidationError, "quantity of “Swim cap” cannot be negative"):
            with self.env.cr.savepoint():
                self._create_quote([
                    (self.product_card, 1, {}),
                    (self.product_cap, -3, {}),
                ])
        self.assertEqual(self.env['customer.quote'].search_count([]), quotes_before)

    def test_item_or_tax_of_another_company_creates_nothing(self):
        """Among lines of the same items, the one line with another company's item or tax is
        caught, and no quote is made."""
        other_company = self.env['res.company'].create({
            'name': "Piscine du Lac", 'country_id': self.company.country_id.id or self.env.ref('base.fr').id,
        })
        lake_entry = self.env['product.product'].create({
            'name': "Lake entry", 'list_price': 6.0, 'company_id': other_company.id,
        })
        lake_tax = self.env['account.tax'].create({
            'name': "Lake VAT", 'amount': 20.0, 'type_tax_use': 'sale', 'company_id': other_company.id,
            'country_id': other_company.country_id.id,
            'tax_group_id': self.env['account.tax.group'].create({
                'name': "Lake VAT", 'company_id': other_company.id,
            }).id,
        })
        quotes_before = self.env['customer.quote'].search_count([])
        lines_before = self.env['customer.quote.line'].search_count([])
        for bad_line, culprit in (
            ({'product_id': lake_entry.id}, "Lake entry"),
            ({'product_id': self.product_card.id, 'tax_ids': [Command.set(lake_tax.ids)]}, "Lake VAT"),
        ):
            good_lines = [Command.create({'product_id': self.product_card.id}) for _index in range(10)]
            with self.subTest(culprit=culprit), self.assertRaisesRegex(UserError, culprit):
                with self.env.cr.savepoint():
                    self.env['customer.quote'].create([
                        {'partner_id': self.partner.id, 'line_ids': good_lines},
                        {'partner_id': self.partner.id, 'line_ids': [*good_lines, Command.create(bad_line)]},
                    ])
        self.assertEqual(self.env['customer.quote'].search_count([]), quotes_before)
        self.assertEqual(self.env['customer.quote.line'].search_count([]), lines_before)

    def test_discount_above_gross_in_line_dialog(self):
        quote_form = Form(self.quote)
        with quote_form.line_ids.edit(0) as line:
            with self.assertRaisesRegex(ValidationError, re.escape(
                f"({self.currency.format(500.0)}) cannot exceed the line amount: 2 × {self.currency.format(45.0)}"
            )):
                line.discount_amount = 500.0
            line.discount_amount = 9.0
        self.assertEqual(self.line.discount_amount, 9.0)

    def test_error_is_translated(self):
        self._load_french()
        line_fr = self.line.with_context(lang='fr_FR')
        with self.assertRaisesRegex(ValidationError, "ne peut pas être négative"):
            with self.env.cr.savepoint():
                line_fr.write({'quantity': -1})
                line_fr.env.flush_all()

    def test_lines_keep_quote_consistent(self):
        """A valid edit after a refused one goes through."""
        self._assert_refused({'quantity': -1}, "cannot be negative")
        self.quote.write({'line_ids': [Command.update(self.line.id, {'quantity': 3})]})
        self.assertEqual(self.quote.amount_untaxed, 121.5)
