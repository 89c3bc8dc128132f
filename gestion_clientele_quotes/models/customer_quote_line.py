from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero


class CustomerQuoteLine(models.Model):
    _name = 'customer.quote.line'
    _description = "Customer Quote Line"
    _order = 'quote_id, sequence, id'
    _check_company_auto = True

    quote_id = fields.Many2one(
        comodel_name='customer.quote',
        string="Quote",
        required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(string="Display Order", default=10)
    company_id = fields.Many2one(related='quote_id.company_id', store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related='quote_id.currency_id', store=True, precompute=True)
    partner_id = fields.Many2one(related='quote_id.partner_id', string="Customer")
    state = fields.Selection(related='quote_id.state')

    product_id = fields.Many2one(
        comodel_name='product.product',
        string="Item",
        required=True, index=True, check_company=True, ondelete='restrict',
        domain=[('sale_ok', '=', True)])
    quote_item_kind = fields.Selection(related='product_id.quote_item_kind')
    name = fields.Text(
        string="Description",
        compute='_compute_name', store=True, readonly=False, precompute=True, required=True)

    # Offer settings: the discount can be typed as a % or as an amount; the other follows.
    quantity = fields.Float(string="Quantity", digits='Product Unit', default=1.0, required=True)
    price_unit = fields.Float(
        string="Current Price",
        digits='Product Price',
        compute='_compute_price_unit', store=True, readonly=False, precompute=True, required=True,
        help="Unit price excluding discount; defaults to the item's sales price.")
    discount = fields.Float(
        string="Discount %",
        help="Kept unrounded so that a discount typed as an amount gives back that amount to the cent.")
    discount_amount = fields.Monetary(
        string="Discount",
        compute='_compute_discount_amount', inverse='_inverse_discount_amount',
        store=True, readonly=False, precompute=True,
        help="Amount taken off quantity × current price for this item.")
    tax_ids = fields.Many2many(
        comodel_name='account.tax',
        string="Taxes",
        compute='_compute_tax_ids', store=True, readonly=False, precompute=True,
        check_company=True,
        context={'active_test': False},
        domain=[('type_tax_use', '=', 'sale')])

    price_subtotal = fields.Monetary(
        string="Subtotal", compute='_compute_amount', store=True, precompute=True)
    price_tax = fields.Monetary(
        string="Total Tax", compute='_compute_amount', store=True, precompute=True)
    price_total = fields.Monetary(
        string="Total", compute='_compute_amount', store=True, precompute=True)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('product_id')
    def _compute_name(self):
        # Descriptions are in the customer's language: switch context once per language, not per line.
        lines_by_lang = defaultdict(lambda: self.browse())
        for line in self.filtered('product_id'):
            lines_by_lang[line.quote_id.partner_id.lang or self.env.lang] |= line
        for lang, lines in lines_by_lang.items():
            for line in lines.with_context(lang=lang):
                line.name = line.product_id.get_product_multiline_description_sale()

    @api.depends('product_id')
    def _compute_price_unit(self):
        for line in self:
            product = line.product_id
            if not product:
                line.price_unit = 0.0
                continue
            quote = line.quote_id
            line.price_unit = product.currency_id._convert(
                product.lst_price,
                quote.currency_id or product.currency_id,
                quote.company_id or self.env.company,
                quote.date or fields.Date.context_today(line),
            )

    @api.depends('quantity', 'price_unit', 'discount')
    def _compute_discount_amount(self):
        for line in self:
            gross = line.quantity * line.price_unit
            line.discount_amount = line.currency_id.round(gross * line.discount / 100.0)

    def _inverse_discount_amount(self):
        self._check_discount_within_gross()
        for line in self:
            line.discount = line._discount_from_amount()

    @api.depends('product_id', 'quote_id.fiscal_position_id', 'company_id')
    def _compute_tax_ids(self):
        mapped_taxes = {}
        for line in self:
            company = line.company_id or self.env.company
            taxes = line.product_id.taxes_id._filter_taxes_by_company(company)
            fiscal_position = line.quote_id.fiscal_position_id
            key = (fiscal_position.id, company.id, tuple(taxes.ids))
            if key not in mapped_taxes:
                mapped_taxes[key] = fiscal_position.map_tax(taxes)
            line.tax_ids = mapped_taxes[key]

    @api.depends('quantity', 'price_unit', 'discount_amount', 'tax_ids')
    def _compute_amount(self):
        # The tax engine works on lists of lines: one call per quote rather than one per line.
        AccountTax = self.env['account.tax']
        for quote, lines in self.grouped('quote_id').items():
            company = quote.company_id or self.env.company
            base_lines = [line._prepare_base_line_for_taxes_computation() for line in lines]
            AccountTax._add_tax_details_in_base_lines(base_lines, company)
            AccountTax._round_base_lines_tax_details(base_lines, company)
            for line, base_line in zip(lines, base_lines, strict=True):
                line.price_subtotal = base_line['tax_details']['total_excluded_currency']
                line.price_total = base_line['tax_details']['total_included_currency']
                line.price_tax = line.price_total - line.price_subtotal

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('quantity', 'price_unit', 'discount', 'discount_amount')
    def _check_offer_settings(self):
        for line in self:
            label = line.product_id.display_name
            if line.quantity < 0:
                raise ValidationError(_(
                    "The quantity of “%(item)s” cannot be negative.", item=label))
            if line.price_unit < 0:
                raise ValidationError(_(
                    "The current price of “%(item)s” cannot be negative.", item=label))
            if line.discount < 0 or line.discount_amount < 0:
                raise ValidationError(_(
                    "The discount on “%(item)s” cannot be negative.", item=label))
            if float_compare(line.discount, 100.0, precision_digits=6) > 0:
                raise ValidationError(_(
                    "The discount on “%(item)s” cannot exceed 100%%.", item=label))
            line._check_discount_within_gross()

    # ------------------------------------------------------------
    # ONCHANGE METHODS
    # ------------------------------------------------------------

    @api.onchange('discount_amount')
    def _onchange_discount_amount(self):
        self._check_discount_within_gross()
        self.discount = self._discount_from_amount()

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get('creating_customer_quotes'):
            self.env['customer.quote'].browse(
                {vals['quote_id'] for vals in vals_list if vals.get('quote_id')}
            )._check_not_locked()
        return super().create(vals_list)

    def write(self, vals):
        self.quote_id._check_not_locked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_accepted_quote(self):
        self.quote_id._check_not_locked()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _discount_from_amount(self):
        """The unrounded percentage that takes `discount_amount` off quantity × current price."""
        self.ensure_one()
        gross = self.quantity * self.price_unit
        if float_is_zero(gross, precision_digits=6):
            return 0.0
        return self.discount_amount / gross * 100.0

    def _check_discount_within_gross(self):
        for line in self:
            gross = line.quantity * line.price_unit
            if float_compare(line.discount_amount, max(gross, 0.0), precision_rounding=line.currency_id.rounding) > 0:
                raise ValidationError(_(
                    "The discount on “%(item)s” (%(discount)s) cannot exceed quantity × current price (%(gross)s).",
                    item=line.product_id.display_name,
                    discount=line.currency_id.format(line.discount_amount),
                    gross=line.currency_id.format(gross),
                ))

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        """Describe the item the way account.tax's generic tax engine expects it."""
        self.ensure_one()
        quote = self.quote_id
        company = quote.company_id or self.env.company
        return self.env['account.tax']._prepare_base_line_for_taxes_computation(
            self,
            **{
                'tax_ids': self.tax_ids,
                'quantity': self.quantity,
                'price_unit': self.price_unit,
                # The % that takes exactly the rounded discount amount off: subtotal = gross - amount.
                'discount': self._discount_from_amount(),
                'partner_id': quote.partner_id,
                'currency_id': quote.currency_id or company.currency_id,
                'name': self.name,
                **kwargs,
            },
        )
