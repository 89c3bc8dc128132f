from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestQuoteSecurity(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote_own = cls._create_quote([(cls.product_card, 1, {})], user_id=cls.user_own.id)
        cls.quote_colleague = cls._create_quote([(cls.product_cap, 1, {})], user_id=cls.user_own_colleague.id)

    def test_own_documents_user_sees_only_own_quotes(self):
        Quote = self.env['customer.quote'].with_user(self.user_own)
        visible = Quote.search([('id', 'in', (self.quote_own + self.quote_colleague).ids)])
        self.assertEqual(visible, self.quote_own)
        with self.assertRaises(AccessError):
            self.quote_colleague.with_user(self.user_own).read(['name'])
        with self.assertRaises(AccessError):
            self.quote_colleague.line_ids.with_user(self.user_own).read(['name'])
        with self.assertRaises(AccessError):
            self.quote_colleague.with_user(self.user_own).write({'comment': "<p>Mine now</p>"})

    def test_own_documents_user_creates_quotes(self):
        quote = self.env['customer.quote'].with_user(self.user_own).create({
            'partner_id': self.partner.id,
            'line_ids': [(0, 0, {'product_id': self.product_entry.id, 'quantity': 2})],
        })
        self.assertEqual(quote.user_id, self.user_own)
        self.assertEqual(quote.amount_untaxed, 11.0)

    def test_all_documents_user_sees_every_quote(self):
        Quote = self.env['customer.quote'].with_user(self.user_all)
        visible = Quote.search([('id', 'in', (self.quote_own + self.quote_colleague).ids)])
        self.assertEqual(visible, self.quote_own + self.quote_colleague)

    def test_other_company_quotes_invisible(self):
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        partner = self.env['res.partner'].create({'name': "Lake customer", 'company_id': other_company.id})
        other_quote = self.env['customer.quote'].with_company(other_company).create({
            'partner_id': partner.id,
            'user_id': False,
        })
        Quote = self.env['customer.quote'].with_user(self.user_all)
        self.assertNotIn(other_quote, Quote.search([]))
        with self.assertRaises(AccessError):
            other_quote.with_user(self.user_all).read(['name'])

    def test_plain_employee_has_no_access(self):
        employee = self.env['res.users'].create({
            'name': "Plain employee",
            'login': 'plain_employee',
            'group_ids': [(6, 0, self.env.ref('base.group_user').ids)],
        })
        with self.assertRaises(AccessError):
            self.env['customer.quote'].with_user(employee).search([])

    def test_settings_need_administrator(self):
        self.assertFalse(self.user_all.has_group('gestion_clientele_quotes.group_customer_quote_manager'))
        admin = self.env.ref('base.user_admin')
        self.assertTrue(admin.has_group('gestion_clientele_quotes.group_customer_quote_manager'))
