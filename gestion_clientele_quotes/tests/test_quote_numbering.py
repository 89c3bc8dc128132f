from freezegun import freeze_time

from odoo.tests import tagged

from .common import FROZEN_NOW, CustomerQuoteCommon


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # stated here too: the fixed dates below are read against this day
class TestQuoteNumbering(CustomerQuoteCommon):

    def test_numbers_follow_the_quote_year(self):
        first, second = self._create_quote(date='2031-02-01'), self._create_quote(date='2031-06-01')
        self.assertEqual(first.name, "DEV/2031/00001")
        self.assertEqual(second.name, "DEV/2031/00002")
        self.assertEqual(self._create_quote(date='2032-01-03').name, "DEV/2032/00001")

    def test_each_company_has_its_own_numbering(self):
        self._create_quote(date='2031-02-01')
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        partner = self.env['res.partner'].create({'name': "Lake customer", 'company_id': other_company.id})
        other_quote = self.env['customer.quote'].with_company(other_company).create({
            'partner_id': partner.id,
            'date': '2031-03-01',
        })
        self.assertEqual(other_quote.name, "DEV/2031/00001")
        self.assertEqual(self._create_quote(date='2031-03-02').name, "DEV/2031/00002")

    def test_number_not_copied(self):
        quote = self._create_quote([(self.product_card, 1, {})], date='2031-02-01')
        copy = quote.copy()
        self.assertNotEqual(copy.name, quote.name)
        self.assertTrue(copy.name.startswith("DEV/"))
        self.assertEqual(copy.line_ids.product_id, self.product_card)
