from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero, formatLang

from .product_template import QUOTE_ITEM_KINDS

AMOUNT_FIELDS = ('price_subtotal', 'price_tax', 'price_total')


class CustomerQuoteLine(models.Model):
    _name = 'customer.quote.line'
    _description = "Customer Quote Line"
    _order = 'quote_id, sequence, id'
    _check_company_auto = True

    quote_id = fields.Many2one(
        comodel_name='customer.quote',
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
    # Not stored: a one-click filter of the item list in the line dialog.
    item_kind_filter = fields.Selection(
        selection=QUOTE_ITEM_KINDS,
        string="Kind",
        compute='_compute_item_kind_filter', readonly=False,
        help="Only offer items of this kind in the Item list.")
    # Subscription items: who uses them and from when (the acceptance date by default).
    beneficiary_id = fields.Many2one(
        comodel_name='res.partner',
        index='btree_not_null',
        domain="[('id', 'child_of', partner_id)]",
        help="The contact of the customer who uses the subscription; the customer when empty.")
    subscription_start_date = fields.Date(
        string="Start Date",
        help="First day of the subscriptions of this line; the day the quote is accepted when empty.")
    renewed_subscription_id = fields.Many2one(
        comodel_name='customer.subscription',
        index='btree_not_null', check_company=True, copy=False, readonly=True,
        help="The subscription this line renews: accepting the quote opens the next one after it.")
    name = fields.Text(
        string="Description",
        compute='_compute_name', store=True, readonly=False, precompute=True, required=True)

    # Offer settings: the discount can be typed as a % or as an amount; the other follows.
    quantity = fields.Float(digits='Product Unit', default=1.0, required=True)
    price_unit = fields.Float(
        string="Current Price",
        digits='Product Price',
        compute='_compute_pricing', store=True, readonly=False, precompute=True, required=True,
        help="Unit price excluding discount: the customer's price list price for the quantity and the "
             "quote's date, else the item's sales price. A price typed by hand is kept.")
    # The price the price list gave: a current price that differs from it was typed by hand.
    technical_price_unit = fields.Float(copy=False)
    discount = fields.Float(
        string="Discount %",
        compute='_compute_pricing', store=True, readonly=False, precompute=True,
        help="Kept unrounded so that a discount typed as an amount gives back that amount to the cent. "
             "A price list rule giving a % off the sales price shows here.")
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
        string="Amount excl. Tax", compute='_compute_amount', store=True, precompute=True)
    price_tax = fields.Monetary(
        string="VAT Amount", compute='_compute_amount', store=True, precompute=True)
    price_total = fields.Monetary(
        string="Amount incl. Tax", compute='_compute_amount', store=True, precompute=True)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('product_id')
    def _compute_name(self):
        # Descriptions are in the customer's language: each item's, per language, is read once.
        descriptions = {}
        for line in self.filtered('product_id'):
            key = (line.product_id, line.quote_id.partner_id.lang or self.env.lang)
            if key not in descriptions:
                descriptions[key] = self._get_item_description(*key)
            line.name = descriptions[key]

    @api.depends('product_id')
    def _compute_item_kind_filter(self):
        for line in self:
            line.item_kind_filter = line.product_id.quote_item_kind

    @api.depends('product_id', 'quantity', 'quote_id.date')
    def _compute_pricing(self):
        """Current price and discount % from the price list (else the item's sales price), one
        computation per (price list, item, quantity, date, currency), except on lines whose price
        was typed by hand; Update Prices re-prices those too."""
        force = self.env.context.get('force_price_recomputation')
        manual = self.browse() if force else self.filtered(lambda line: line._has_manual_price())
        for line in manual:
            line.discount = line.discount or 0.0
        for line, (price_unit, discount) in (self - manual)._get_lines_pricing().items():
            line.price_unit = price_unit
            line.technical_price_unit = line.price_unit  # as rounded to the price's digits
            # Without a price list, the discount is the user's.
            line.discount = line.discount or 0.0 if discount is None else discount

    def _get_lines_pricing(self):
        """{line: (current price, discount % or None)} as the price list gives them today, asked
        once per (price list, item, quantity, date, currency, company)."""
        pricing, by_key = {}, {}
        for line in self:
            quote = line.quote_id
            key = (quote.pricelist_id, line.product_id, line.quantity, quote.date, quote.currency_id, quote.company_id)
            if key not in by_key:
                by_key[key] = line._get_item_pricing(line.product_id, quote, line.quantity)
            pricing[line] = by_key[key]
        return pricing

    def _has_manual_price(self):
        """Whether the current price was typed by hand rather than given by the price list."""
        self.ensure_one()
        digits = self._fields['price_unit'].get_digits(self.env)[1]
        return bool(float_compare(self.technical_price_unit, self.price_unit, precision_digits=digits))

    def _recognize_price_list_prices(self):
        """Give these lines the technical price they lack where their current price is the one
        the price list (else the item's sales price) gives them today, so that a change of
        quantity or date re-prices them; any other price stays as typed by hand. For lines made
        before the technical price existed (see migrations/19.0.1.1.0)."""
        digits = self._fields['price_unit'].get_digits(self.env)[1]
        recognized = self.browse([
            line.id for line, (price_unit, _discount) in self._get_lines_pricing().items()
            if not float_compare(price_unit, line.price_unit, precision_digits=digits)
        ])
        for price_unit, lines in recognized.grouped('price_unit').items():
            lines.technical_price_unit = price_unit

    @api.depends('quantity', 'price_unit', 'discount')
    def _compute_discount_amount(self):
        for line in self:
            line.discount_amount = self._get_discount_amount(
                line.quantity, line.price_unit, line.discount, line.currency_id)

    def _inverse_discount_amount(self):
        self._check_discount_within_gross()
        for line in self.filtered(lambda line: not line._discount_amount_follows_percent()):
            line.discount = line._discount_from_amount()

    @api.depends('product_id', 'quote_id.fiscal_position_id', 'company_id')
    def _compute_tax_ids(self):
        # Quotes repeat the same items for the same companies and fiscal positions: map each once.
        mapped_taxes = {}
        for line in self:
            key = (line.product_id, line.company_id or self.env.company, line.quote_id.fiscal_position_id)
            if key not in mapped_taxes:
                mapped_taxes[key] = self._get_item_taxes(*key)
            line.tax_ids = mapped_taxes[key]

    @api.depends('quantity', 'price_unit', 'discount_amount', 'tax_ids')
    def _compute_amount(self):
        # The tax engine works on lists of lines: one call per quote rather than one per line.
        for quote, lines in self.grouped('quote_id').items():
            base_lines = [line._prepare_base_line_for_taxes_computation() for line in lines]
            amounts = self._get_amounts_from_base_lines(base_lines, quote.company_id or self.env.company)
            for line, (subtotal, tax, total) in zip(lines, amounts, strict=True):
                line.price_subtotal = subtotal
                line.price_tax = tax
                line.price_total = total

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('quantity', 'price_unit', 'discount', 'discount_amount')
    def _check_offer_settings(self):
        for line in self:
            if line.quantity < 0:
                message = self.env._("The quantity of “%(item)s” cannot be negative.")
            elif line.price_unit < 0:
                message = self.env._("The current price of “%(item)s” cannot be negative.")
            elif line.discount < 0 or line.discount_amount < 0:
                message = self.env._("The discount on “%(item)s” cannot be negative.")
            elif float_compare(line.discount, 100.0, precision_digits=6) > 0:
                raise ValidationError(self.env._(
                    "The discount on “%(item)s” (%(discount)s%%) cannot exceed 100%% of the line amount: "
                    "%(quantity)s × %(price)s = %(amount)s.",
                    discount=formatLang(self.env, line.discount),
                    **line._get_discount_error_values(),
                ))
            else:
                continue
            raise ValidationError(message % {'item': line.product_id.display_name})
        self._check_discount_within_gross()

    @api.constrains('beneficiary_id', 'quote_id')
    def _check_beneficiary(self):
        for line in self.filtered('beneficiary_id'):
            if line.beneficiary_id.commercial_partner_id != line.quote_id.partner_id.commercial_partner_id:
                raise ValidationError(self.env._(
                    "The beneficiary of “%(item)s” must be a contact of the customer %(customer)s, "
                    "not %(beneficiary)s.",
                    item=line.product_id.display_name,
                    customer=line.quote_id.partner_id.display_name,
                    beneficiary=line.beneficiary_id.display_name,
                ))

    # ------------------------------------------------------------
    # ONCHANGE METHODS
    # ------------------------------------------------------------

    @api.onchange('discount_amount')
    def _onchange_discount_amount(self):
        # Also called when the amount was just derived from a typed %: that % is kept as typed.
        self._check_discount_within_gross()
        if not self._discount_amount_follows_percent():
            self.discount = self._discount_from_amount()

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get('creating_customer_quotes'):
            # Lines of quotes being created: the quotes' creation sets their totals.
            return super().create(vals_list)
        Quote = self.env['customer.quote']
        Quote.browse({vals['quote_id'] for vals in vals_list if vals.get('quote_id')})._check_not_locked()
        with Quote._collect_priced_quotes() as priced_quotes:
            lines = super().create(vals_list)
        Quote._set_amounts_of_priced_quotes(priced_quotes)
        return lines

    def write(self, vals):
        if 'quote_id' in vals:
            self._check_not_moved(vals['quote_id'])
        self.quote_id._check_not_locked()
        return super().write(vals)

    def _check_not_moved(self, quote_id):
        """A line belongs to its quote for good: pointing it at another quote would escape the
        rules of both (whose quote it is, its company, the lock of an accepted quote), which
        Odoo checks on the records written, not on where they are moved."""
        if moved := self.filtered(lambda line: line.quote_id.id != quote_id):
            raise UserError(self.env._(
                "A quote line cannot be moved to another quote (%(items)s of %(quotes)s): "
                "delete it and add the item to the other quote.",
                items=", ".join(moved.mapped('product_id.display_name')),
                quotes=", ".join(moved.quote_id.mapped('name')),
            ))

    def _add_precomputed_values(self, vals_list):
        # The ORM precomputes fields on a draft record per line, field by field; for lines made by
        # the hundred (Transfer, imports, integrations) that is most of the time spent creating a
        # quote. Lines given by item and quote are priced here from plain values instead, with the
        # same helpers as the compute methods, each item, price and tax mapping looked up once.
        batch = [
            vals for vals in vals_list
            if all(vals.get(fname) and isinstance(vals[fname], int) for fname in ('quote_id', 'product_id'))
            # The ORM handles given taxes (x2many commands) and a given discount amount (its inverse).
            and 'tax_ids' not in vals and 'discount_amount' not in vals
        ]
        if batch:
            self._add_batch_precomputed_values(batch)
        result = super()._add_precomputed_values(vals_list)
        # A current price computed here is the price list's: it becomes the technical price (the
        # compute method also sets it, but on a draft record the ORM only keeps computed fields).
        price_field = self._fields['price_unit']
        for vals in vals_list:
            if price_field in vals.get('__precomputed__', ()) and 'technical_price_unit' not in vals:
                vals['technical_price_unit'] = vals['price_unit']
        return result

    def _add_batch_precomputed_values(self, vals_list):
        """Complete the create values of lines given by quote and item with every precomputed
        field, as the compute methods would set them, and mark them precomputed as the ORM does."""
        quote_by_id = {quote.id: quote for quote in self.env['customer.quote'].browse(
            {vals['quote_id'] for vals in vals_list})}
        product_by_id = {product.id: product for product in self.env['product.product'].browse(
            {vals['product_id'] for vals in vals_list})}
        priced_quotes = self.env['customer.quote']._get_priced_quotes_collector()
        pricings = self._get_batch_pricing(vals_list, quote_by_id, product_by_id)
        names, taxes = {}, {}
        items_by_quote = defaultdict(list)
        for vals, pricing in zip(vals_list, pricings, strict=True):
            quote, product = quote_by_id[vals['quote_id']], product_by_id[vals['product_id']]
            company = quote.company_id or self.env.company
            precomputed = {'company_id', 'currency_id', 'tax_ids', 'discount_amount', *AMOUNT_FIELDS}
            precomputed.update(fname for fname in ('name', 'price_unit', 'discount') if fname not in vals)
            vals['company_id'] = quote.company_id.id
            vals['currency_id'] = quote.currency_id.id
            if 'name' not in vals:
                key = (product, quote.partner_id.lang or self.env.lang)
                if key not in names:
                    names[key] = self._get_item_description(*key)
                vals['name'] = names[key]
            if 'price_unit' not in vals:
                price_unit, discount = pricing[product]
                vals['price_unit'] = price_unit
                if 'discount' not in vals and discount:
                    vals['discount'] = discount
            # Numbers as a draft line holds them (rounded to their digits), so that the amounts match.
            for fname in ('quantity', 'price_unit', 'discount'):
                vals[fname] = self._fields[fname].convert_to_cache(vals.get(fname), self)
            key = (product, company, quote.fiscal_position_id)
            if key not in taxes:
                taxes[key] = self._get_item_taxes(*key)
            vals['tax_ids'] = [Command.set(taxes[key].ids)]
            vals['discount_amount'] = self._get_discount_amount(
                vals['quantity'], vals['price_unit'], vals['discount'], quote.currency_id)
            # As the ORM marks what it precomputes: a precomputed discount amount is not inversed.
            vals['__precomputed__'] = {self._fields[fname] for fname in precomputed}
            items_by_quote[quote].append((vals, product, taxes[key]))
        for quote, items in items_by_quote.items():
            base_lines = [
                self._prepare_base_line_from_values(
                    quote, product, item_taxes, vals['quantity'], vals['price_unit'], vals['discount_amount'],
                    name=vals['name'])
                for vals, product, item_taxes in items
            ]
            amounts = self._get_amounts_from_base_lines(base_lines, quote.company_id or self.env.company)
            for (vals, _product, _taxes), line_amounts in zip(items, amounts, strict=True):
                vals.update(zip(AMOUNT_FIELDS, line_amounts, strict=True))
            # A quote without lines yet (a new one) is priced whole if all its new lines are here.
            if priced_quotes is not None and not quote.line_ids:
                priced_quotes[quote] = base_lines

    def _get_batch_pricing(self, vals_list, quote_by_id, product_by_id):
        """For each of the create values `vals_list`, None when it has a price, else
        {product: (current price, discount % or None)} for its quote and quantity: one price-list
        computation per (price list, quantity, date, currency, company) for all the items at once."""
        convert_quantity = self._fields['quantity'].convert_to_cache
        quote_keys = {}
        keys, products_by_key, quote_by_key = [], defaultdict(set), {}
        for vals in vals_list:
            if 'price_unit' in vals:
                keys.append(None)
                continue
            quote_id = vals['quote_id']
            if quote_id not in quote_keys:
                quote = quote_by_id[quote_id]
                quote_keys[quote_id] = (quote.pricelist_id.id, quote.date, quote.currency_id.id,
                                        (quote.company_id or self.env.company).id)
            pricelist_id, date, currency_id, company_id = quote_keys[quote_id]
            key = (pricelist_id, convert_quantity(vals.get('quantity', 1.0), self), date, currency_id, company_id)
            keys.append(key)
            products_by_key[key].add(vals['product_id'])
            quote_by_key.setdefault(key, quote_by_id[quote_id])
        pricing = {
            key: self._get_items_pricing(
                self.env['product.product'].browse(product_ids).with_prefetch(list(product_by_id)),
                quote_by_key[key], key[1])
            for key, product_ids in products_by_key.items()
        }
        return [key and pricing[key] for key in keys]

    def _check_company(self, fnames=None):
        # The generic check filters every line's items and taxes one line at a time, while the
        # lines of a batch share a few items: check one line per (company, item, taxes).
        representatives = {}
        for line in self:
            representatives.setdefault((line.company_id, line.product_id, line.tax_ids), line.id)
        return super(CustomerQuoteLine, self.browse(representatives.values()))._check_company(fnames)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_accepted_quote(self):
        self.quote_id._check_not_locked()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _get_offer_values(self):
        """What the line offers (item, description, display order, quantity, price, discount %),
        as the values of a template line or an invoice line made from it."""
        self.ensure_one()
        return {
            'sequence': self.sequence,
            'product_id': self.product_id.id,
            'name': self.name,
            'quantity': self.quantity,
            'price_unit': self.price_unit,
            'discount': self.discount,
        }

    def _discount_amount_follows_percent(self):
        """Whether the discount amount is what the discount % gives, rounded to the cent: then the %
        is the value the user typed (5 % stays 5 %, not the 5.09 % that 0.28 off 5.50 would give)."""
        self.ensure_one()
        currency = self.currency_id or self.quote_id.currency_id or self.env.company.currency_id
        amount = self._get_discount_amount(self.quantity, self.price_unit, self.discount, currency)
        return currency.compare_amounts(amount, self.discount_amount) == 0

    def _discount_from_amount(self):
        """The unrounded percentage that takes `discount_amount` off quantity × current price."""
        self.ensure_one()
        return self._discount_percent(self.quantity * self.price_unit, self.discount_amount)

    @api.model
    def _get_discount_amount(self, quantity, price_unit, discount, currency):
        """The amount that `discount` % takes off quantity × current price, to the cent."""
        return currency.round(quantity * price_unit * discount / 100.0)

    @api.model
    def _discount_percent(self, gross, discount_amount):
        if float_is_zero(gross, precision_digits=6):
            return 0.0
        return discount_amount / gross * 100.0

    def _check_discount_within_gross(self):
        for line in self:
            gross = line.quantity * line.price_unit
            if float_compare(line.discount_amount, max(gross, 0.0), precision_rounding=line.currency_id.rounding) > 0:
                raise ValidationError(self.env._(
                    "The discount on “%(item)s” (%(discount)s) cannot exceed the line amount: "
                    "%(quantity)s × %(price)s = %(amount)s.",
                    discount=line.currency_id.format(line.discount_amount),
                    **line._get_discount_error_values(),
                ))

    def _get_discount_error_values(self):
        """The line's item and amount (quantity × current price), formatted for the messages
        refusing a discount larger than that amount."""
        self.ensure_one()
        quantity = self.quantity
        return {
            'item': self.product_id.display_name,
            # 2 × 45.00 €, not 2.00 × 45.00 €: whole quantities are the usual case.
            'quantity': formatLang(self.env, quantity, digits=0) if quantity.is_integer()
            else formatLang(self.env, quantity, dp='Product Unit'),
            'price': self.currency_id.format(self.price_unit),
            'amount': self.currency_id.format(quantity * self.price_unit),
        }

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        """Describe the item the way account.tax's generic tax engine expects it."""
        self.ensure_one()
        return self._prepare_base_line_from_values(
            self.quote_id, self.product_id, self.tax_ids, self.quantity, self.price_unit, self.discount_amount,
            record=self, name=self.name, **kwargs)

    @api.model
    def _prepare_base_line_from_values(self, quote, product, taxes, quantity, price_unit, discount_amount, **kwargs):
        """The engine's base line of an item of `quote`, from its values rather than from a line,
        so that lines being created can be priced before they exist."""
        currency = quote.currency_id or (quote.company_id or self.env.company).currency_id
        return self.env['account.tax']._prepare_base_line_for_taxes_computation(
            kwargs.pop('record', None),
            **{
                'product_id': product,
                'tax_ids': taxes,
                'quantity': quantity,
                'price_unit': price_unit,
                # The % that takes exactly the rounded discount amount off: subtotal = gross - amount.
                'discount': self._discount_percent(quantity * price_unit, discount_amount),
                'partner_id': quote.partner_id,
                'currency_id': currency,
                **kwargs,
            },
        )

    @api.model
    def _get_amounts_from_base_lines(self, base_lines, company):
        """[(subtotal, tax, total)] of the items of one quote, their taxes computed together."""
        AccountTax = self.env['account.tax']
        AccountTax._add_tax_details_in_base_lines(base_lines, company)
        AccountTax._round_base_lines_tax_details(base_lines, company)
        amounts = []
        for base_line in base_lines:
            subtotal = base_line['tax_details']['total_excluded_currency']
            total = base_line['tax_details']['total_included_currency']
            amounts.append((subtotal, total - subtotal, total))
        return amounts

    @api.model
    def _get_item_description(self, product, lang):
        """The item's sales description in the customer's language."""
        return product.with_context(lang=lang).get_product_multiline_description_sale()

    @api.model
    def _get_item_pricing(self, product, quote, quantity):
        """(current price, discount % or None) of `quantity` × `product` on `quote`."""
        return self._get_items_pricing(product, quote, quantity)[product]

    @api.model
    def _get_items_pricing(self, products, quote, quantity):
        """{product: (current price, discount % or None)} for `quantity` × each of `products` on
        `quote`, in the quote's currency on its date: the price list's price when the quote has
        one (its rules fetched once for all the products), else the item's sales price. As on
        Odoo's sale orders, a price list rule taking a % off shows as that discount on the price
        before it; any other rule gives its net price and no discount (0)."""
        company = quote.company_id or self.env.company
        currency = quote.currency_id or company.currency_id
        date = quote.date or fields.Date.context_today(self)
        pricelist = quote.pricelist_id
        pricing = {self.env['product.product']: (0.0, None)}
        products = products.with_company(company)
        if not pricelist:
            for product in products:
                pricing[product] = product.currency_id._convert(product.lst_price, currency, company, date), None
            return pricing
        quantity = quantity or 1.0
        rules = pricelist._compute_price_rule(products, quantity, currency=currency, date=date)
        for product in products:
            price, rule_id = rules[product.id]
            pricing[product] = price, 0.0
            rule = self.env['product.pricelist.item'].browse(rule_id)
            if rule.compute_price == 'percentage':
                base_price = rule._compute_price_before_discount(
                    product=product, quantity=quantity, uom=product.uom_id, date=date, currency=currency)
                if currency.compare_amounts(base_price, price) > 0:
                    # 20 %, not the 19.999999999999993 % of the float division.
                    pricing[product] = base_price, round((base_price - price) / base_price * 100.0, 6)
        return pricing

    @api.model
    def _get_item_taxes(self, product, company, fiscal_position):
        """The item's sales taxes in `company`, mapped by the quote's fiscal position."""
        return fiscal_position.map_tax(product.taxes_id._filter_taxes_by_company(company))
