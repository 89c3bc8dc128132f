from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged, users, warmup

from .common import CustomerQuoteCommon

# Queries to invoice 20 accepted quotes of 3 lines at once, through the dialog. Preparing the
# invoices takes the same few queries for 1 or 20 quotes; Odoo's account.move.create then costs
# about 10 queries an invoice.
QUERIES_INVOICE_20_QUOTES = 313


@tagged('post_install', '-at_install')
class TestQuoteInvoice(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = new_test_user(
            cls.env, login='quote_billing', name="Bastien Billing",
            groups='gestion_clientele_quotes.group_customer_quote_user_all,account.group_account_invoice',
        )
        cls.payment_term = cls.env.ref('account.account_payment_term_30days')
        cls.quote = cls._create_quote([
            # 7 × 19.99 = 139.93 with 13.37 off: 126.56, while 9.55 % off gives 126.57.
            (cls.product_cap, 7, {'price_unit': 19.99, 'discount_amount': 13.37}),
            (cls.product_card, 3, {'price_unit': 33.33, 'discount_amount': 0.01}),
            (cls.product_entry, 13, {'price_unit': 2.99, 'discount_amount': 1.11}),
            (cls.product_subscription, 1, {'discount': 5}),
            (cls.product_entry, 1, {'discount': 5, 'tax_ids': [Command.set(cls.vat_0.ids)]}),
        ], user_id=cls.user_billing.id, comment="<p>Payable at the front desk.</p>",
            payment_term_id=cls.payment_term.id)
        cls.quote.action_accept()

    def _invoice(self, quotes, method='full', amount=0.0, user=None):
        wizard = self.env['customer.quote.invoice'].with_user(user or self.user_billing).create({
            'quote_ids': [Command.set(quotes.ids)],
            'method': method,
            'amount': amount,
        })
        action = wizard.action_create_invoices()
        return self.env['account.move'].search(action['domain']) if 'domain' in action \
            else self.env['account.move'].browse(action['res_id'])

    def _assert_same_amounts(self, invoice, amounts):
        self.assertRecordValues(invoice, [dict(zip(
            ('amount_untaxed', 'amount_tax', 'amount_total'), amounts, strict=True))])

    def test_invoice_is_the_quote_to_the_cent(self):
        quote = self.quote
        invoice = self._invoice(quote)
        self.assertRecordValues(invoice, [{
            'move_type': 'out_invoice',
            'state': 'draft',
            'partner_id': self.partner.id,
            'company_id': quote.company_id.id,
            'currency_id': quote.currency_id.id,
            'fiscal_position_id': quote.fiscal_position_id.id,
            'invoice_user_id': self.user_billing.id,
            'invoice_payment_term_id': self.payment_term.id,
            'invoice_origin': quote.name,
            'customer_quote_id': quote.id,
            'is_quote_deposit': False,
        }])
        self.assertIn("Payable at the front desk.", invoice.narration)
        self._assert_same_amounts(invoice, (quote.amount_untaxed, quote.amount_tax, quote.amount_total))
        lines = invoice.invoice_line_ids.sorted('sequence')
        quote_lines = quote.line_ids.sorted('sequence')
        self.assertEqual(lines.product_id, quote_lines.product_id)
        self.assertEqual(lines.mapped('quantity'), quote_lines.mapped('quantity'))
        self.assertEqual(lines.mapped('price_unit'), quote_lines.mapped('price_unit'))
        self.assertEqual(lines.mapped('name'), quote_lines.mapped('name'))
        self.assertEqual(lines.mapped('price_subtotal'), quote_lines.mapped('price_subtotal'))
        self.assertEqual(lines.mapped('price_total'), quote_lines.mapped('price_total'))
        self.assertEqual([line.tax_ids for line in lines], [line.tax_ids for line in quote_lines])
        self.assertEqual(lines[0].price_subtotal, 126.56)
        self.assertEqual(lines[0].discount, 9.55, "the % at Odoo's discount precision")
        # 126.56 / 126.57 (above); 99.99 - 0.01 = 99.98 and 0.01 % gives 99.98 too; 38.87 - 1.11 = 37.76 and
        # 2.86 % gives 37.758: 37.76; 5 % of 320.00 alike; 5 % of 5.50 takes 0.28 off on the quote (5.22),
        # where Odoo makes 5.225: 5.23.
        self.assertEqual([bool(line.extra_tax_data) for line in lines], [True, False, False, False, True],
                         "only the lines Odoo would compute otherwise carry their amounts")

        # Without the amounts the line carries, Odoo would make 9.55 % of 139.93 = 126.57.
        plain = self.env['account.move'].create({
            'move_type': 'out_invoice',
            'partner_id': self.partner.id,
            'invoice_line_ids': [Command.create({
                'product_id': self.product_cap.id, 'quantity': 7, 'price_unit': 19.99, 'discount': 9.55,
                'tax_ids': [Command.set(self.vat_20.ids)],
            })],
        })
        self.assertEqual(plain.invoice_line_ids.price_subtotal, 126.57)

        self.assertEqual(quote.invoice_ids, invoice)
        self.assertEqual((quote.invoice_count, quote.invoice_status), (1, 'invoiced'))
        self.assertEqual(quote.amount_to_invoice, 0.0)
        self.assertEqual(invoice.action_open_customer_quote()['res_id'], quote.id)

    def test_invoice_posts_with_the_quote_amounts(self):
        invoice = self._invoice(self.quote)
        invoice.action_post()
        self._assert_same_amounts(invoice, (self.quote.amount_untaxed, self.quote.amount_tax, self.quote.amount_total))

    def test_second_full_invoice_refused(self):
        self._invoice(self.quote)
        with self.assertRaisesRegex(UserError, "already fully invoiced"):
            self._invoice(self.quote)
        self.assertEqual(len(self.quote.invoice_ids), 1, "nothing more was made")

    def test_deposit_then_balance(self):
        quote = self.quote
        deposit = self._invoice(quote, 'percentage', 30)
        self.assertTrue(deposit.is_quote_deposit)
        self.assertEqual(deposit.amount_total, quote.currency_id.round(quote.amount_total * 0.3))
        self.assertEqual(deposit.invoice_line_ids.product_id, self.company.quote_deposit_product_id)
        self.assertEqual(set(deposit.invoice_line_ids.tax_ids.ids), {self.vat_20.id, self.vat_0.id},
                         "one deposit line per tax of the quote")
        self.assertEqual(quote.invoice_status, 'to_invoice')
        self.assertEqual(quote.amount_to_invoice, quote.currency_id.round(quote.amount_total - deposit.amount_total))

        fixed = self._invoice(quote, 'fixed', 100.0)
        self.assertEqual(fixed.amount_total, 100.0)

        balance = self._invoice(quote)
        self.assertFalse(balance.is_quote_deposit)
        deductions = balance.invoice_line_ids.filtered(lambda line: line.quantity < 0)
        self.assertEqual(deductions.product_id, self.company.quote_deposit_product_id)
        self.assertEqual(
            quote.currency_id.round(deposit.amount_total + fixed.amount_total + balance.amount_total),
            quote.amount_total, "the invoices add up to the quote")
        self.assertEqual(
            quote.currency_id.round(deposit.amount_tax + fixed.amount_tax + balance.amount_tax),
            quote.amount_tax)
        self.assertEqual(quote.invoice_status, 'invoiced')

    def test_deposit_above_what_is_left_refused(self):
        quote = self.quote
        self._invoice(quote, 'percentage', 60)
        for method, amount, message in (
            ('percentage', 50, "more than what is left to invoice"),
            ('fixed', quote.amount_total, "more than what is left to invoice"),
            ('percentage', 0, "above zero"),
            ('fixed', -5, "above zero"),
            ('percentage', 101, "more than 100%"),
        ):
            with self.subTest(method=method, amount=amount), self.assertRaisesRegex(UserError, message):
                self._invoice(quote, method, amount)
        self.assertEqual(len(quote.invoice_ids), 1, "nothing more was made")

    def test_fixed_deposit_is_for_one_quote(self):
        other = self._create_quote([(self.product_card, 1, {})])
        other.action_accept()
        with self.assertRaisesRegex(UserError, "one quote at a time"):
            self._invoice(self.quote | other, 'fixed', 10)
        self.assertFalse((self.quote | other).invoice_ids)

    def test_cancelled_invoice_frees_its_amount(self):
        invoice = self._invoice(self.quote)
        invoice.button_cancel()
        self.assertEqual(self.quote.invoice_status, 'to_invoice')
        self.assertEqual(self.quote.amount_to_invoice, self.quote.amount_total)
        again = self._invoice(self.quote)
        self._assert_same_amounts(again, (self.quote.amount_untaxed, self.quote.amount_tax, self.quote.amount_total))
        self.assertEqual(self.quote.invoice_count, 2, "the cancelled one is still listed")

    def test_only_accepted_quotes_are_invoiced(self):
        for state in ('draft', 'sent', 'refused', 'cancelled', 'expired'):
            quote = self._create_quotes(1, state=state)
            with self.subTest(state=state), self.assertRaisesRegex(UserError, "Only accepted quotes"):
                self._invoice(quote)
            self.assertEqual(quote.invoice_status, 'nothing')
            self.assertFalse(quote.invoice_ids)

    def test_invoicing_needs_invoicing_rights(self):
        quote = self.quote.with_user(self.user_all)
        with self.assertRaisesRegex(AccessError, "invoicing rights"):
            quote.action_create_invoice()
        with self.assertRaisesRegex(AccessError, "invoicing rights"):
            self._invoice(self.quote, user=self.user_all)
        self.assertFalse(self.quote.invoice_ids)
        # The button is not there for them.
        arch = quote.get_view(view_type='form')['arch']
        self.assertNotIn('action_create_invoice', arch)
        billing_arch = self.quote.with_user(self.user_billing).get_view(view_type='form')['arch']
        self.assertIn('action_create_invoice', billing_arch)

    def test_dialog_shows_what_is_left(self):
        self._invoice(self.quote, 'fixed', 100.0)
        wizard = self.env['customer.quote.invoice'].with_user(self.user_billing).create({
            'quote_ids': [Command.set(self.quote.ids)]})
        self.assertRecordValues(wizard, [{
            'method': 'full',
            'amount_total': self.quote.amount_total,
            'amount_to_invoice': self.currency.round(self.quote.amount_total - 100.0),
            'has_deposits': True,
        }])

    def test_to_invoice_filter(self):
        other = self._create_quote([(self.product_card, 1, {})])
        Quote = self.env['customer.quote']
        self.assertEqual(Quote.search([('invoice_status', '=', 'to_invoice'), ('id', 'in', (self.quote | other).ids)]),
                         self.quote)

    @users('quote_billing')
    @warmup
    def test_invoice_many_quotes_at_once(self):
        """From the list, one invoice per quote, made in one batch."""
        quotes = self.env['customer.quote'].create([{
            'partner_id': self.partner.id,
            'line_ids': [
                Command.create({'product_id': self.product_cap.id, 'quantity': 7, 'price_unit': 19.99,
                                'discount_amount': 13.37}),
                Command.create({'product_id': self.product_card.id, 'quantity': 2}),
                Command.create({'product_id': self.product_subscription.id, 'discount': 10}),
            ],
        } for _index in range(20)])
        quotes.action_accept()
        self.env.invalidate_all()
        with self.assertQueryCount(quote_billing=QUERIES_INVOICE_20_QUOTES):
            invoices = self._invoice(quotes)
            self.env.flush_all()
        self.assertEqual(len(invoices), 20)
        self.assertEqual(invoices.customer_quote_id, quotes)
        for invoice in invoices:
            self._assert_same_amounts(invoice, (
                invoice.customer_quote_id.amount_untaxed,
                invoice.customer_quote_id.amount_tax,
                invoice.customer_quote_id.amount_total))
        self.assertEqual(set(quotes.mapped('invoice_status')), {'invoiced'})
