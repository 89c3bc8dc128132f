from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import formatLang


class CustomerQuoteInvoice(models.TransientModel):
    _name = 'customer.quote.invoice'
    _description = "Invoice Customer Quotes"

    quote_ids = fields.Many2many(
        comodel_name='customer.quote',
        string="Quotes",
        required=True)
    quote_count = fields.Integer(compute='_compute_quote_figures')
    method = fields.Selection(
        selection=[
            ('full', "Whole quote (or its balance)"),
            ('percentage', "Deposit: a percentage"),
            ('fixed', "Deposit: a fixed amount"),
        ],
        string="Invoice",
        default='full', required=True,
        help="The whole quote, less the deposits already invoiced; or a deposit (down payment) "
             "on one line of the deposit item, with the quote's taxes.")
    amount = fields.Float(
        string="Deposit",
        help="Percentage of the quote's total, or amount incl. tax, of the deposit.")
    currency_id = fields.Many2one(comodel_name='res.currency', compute='_compute_quote_figures')
    amount_total = fields.Monetary(string="Quote Total", compute='_compute_quote_figures')
    amount_to_invoice = fields.Monetary(string="Left to Invoice", compute='_compute_quote_figures')
    has_deposits = fields.Boolean(compute='_compute_quote_figures')

    @api.depends('quote_ids')
    def _compute_quote_figures(self):
        for wizard in self:
            quotes = wizard.quote_ids
            wizard.quote_count = len(quotes)
            wizard.currency_id = quotes.currency_id[:1]
            single = len(quotes) == 1
            wizard.amount_total = quotes.amount_total if single else 0.0
            wizard.amount_to_invoice = quotes.amount_to_invoice if single else 0.0
            wizard.has_deposits = any(
                invoice.is_quote_deposit for invoice in quotes._get_valid_invoices())

    def action_create_invoices(self):
        """Make one draft invoice per quote, all in one batch, and open them."""
        self.ensure_one()
        quotes = self.quote_ids.with_company(self.quote_ids.company_id[:1])
        quotes._check_can_invoice()
        if self.method == 'full':
            values = [quote._prepare_full_invoice_values() for quote in quotes]
        else:
            self._check_deposit()
            values = [self._prepare_deposit_invoice_values(quote) for quote in quotes]
        invoices = self.env['account.move'].create(values)
        return invoices._get_records_action(name=self.env._("Invoices"), context={'default_move_type': 'out_invoice'})

    def _check_deposit(self):
        if self.amount <= 0:
            raise UserError(self.env._("Enter the deposit: a percentage or an amount above zero."))
        if self.method == 'percentage' and self.amount > 100:
            raise UserError(self.env._("A deposit cannot be more than 100% of the quote."))
        if self.method == 'fixed' and len(self.quote_ids) > 1:
            raise UserError(self.env._("A deposit of a fixed amount is for one quote at a time; "
                              "for several quotes, give a percentage."))
        for quote in self.quote_ids:
            deposit = self._get_deposit_amount(quote)
            if quote.currency_id.compare_amounts(deposit, quote.amount_to_invoice) > 0:
                raise UserError(self.env._(
                    "The deposit on %(quote)s (%(deposit)s) is more than what is left to invoice (%(left)s).",
                    quote=quote.name,
                    deposit=formatLang(self.env, deposit, currency_obj=quote.currency_id),
                    left=formatLang(self.env, quote.amount_to_invoice, currency_obj=quote.currency_id),
                ))

    def _get_deposit_amount(self, quote):
        """The deposit's total incl. tax on `quote`."""
        if self.method == 'percentage':
            return quote.currency_id.round(quote.amount_total * self.amount / 100.0)
        return self.amount

    def _prepare_deposit_invoice_values(self, quote):
        """A deposit invoice: the quote's header, one line of the deposit item per tax of the quote."""
        AccountTax = self.env['account.tax']
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in quote.line_ids]
        AccountTax._add_tax_details_in_base_lines(base_lines, quote.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, quote.company_id)
        deposit_base_lines = AccountTax._prepare_down_payment_lines(
            base_lines=base_lines,
            company=quote.company_id,
            amount_type='percent' if self.method == 'percentage' else 'fixed',
            amount=self.amount,
            computation_key=f'quote_deposit,{quote.id},{len(quote.invoice_ids)}',
        )
        product = self._get_deposit_product(quote.company_id)
        lang = quote.partner_id.lang or self.env.lang
        if self.method == 'percentage':
            name = self.with_context(lang=lang).env._(
                "Deposit of %(percent)s%% on quote %(quote)s",
                percent=formatLang(self.with_context(lang=lang).env, self.amount), quote=quote.name)
        else:
            name = self.with_context(lang=lang).env._("Deposit on quote %(quote)s", quote=quote.name)
        return {
            **quote._prepare_invoice_values(),
            'is_quote_deposit': True,
            'invoice_line_ids': [
                Command.create({
                    'product_id': product.id,
                    'name': name,
                    'quantity': 1.0,
                    'price_unit': base_line['price_unit'],
                    'tax_ids': [Command.set(base_line['tax_ids'].ids)],
                    'extra_tax_data': AccountTax._export_base_line_extra_tax_data(base_line),
                })
                for base_line in deposit_base_lines
            ],
        }

    @api.model
    def _get_deposit_product(self, company):
        """The company's deposit item, made on first use as Odoo's sales do for down payments."""
        product = company.quote_deposit_product_id
        if not product:
            product = self.env['product.product'].sudo().with_company(company).create({
                'name': self.env._("Deposit"),
                'type': 'service',
                'sale_ok': False,
                'purchase_ok': False,
                'taxes_id': [Command.clear()],
                'company_id': company.id,
            })
            company.sudo().quote_deposit_product_id = product
        return product
