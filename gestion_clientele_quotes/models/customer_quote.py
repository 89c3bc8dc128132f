from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

QUOTE_STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('accepted', "Accepted"),
    ('refused', "Refused"),
    ('expired', "Expired"),
    ('cancelled', "Cancelled"),
]


class CustomerQuote(models.Model):
    _name = 'customer.quote'
    _inherit = ['portal.mixin', 'mail.thread', 'mail.activity.mixin']
    _description = "Customer Quote"
    _order = 'date desc, id desc'
    _check_company_auto = True

    _date_partner_idx = models.Index("(partner_id, date DESC, id DESC)")

    name = fields.Char(
        string="Number",
        required=True, copy=False, readonly=True, index='trigram',
        default=lambda self: _("New"))
    state = fields.Selection(
        selection=QUOTE_STATES,
        string="Status",
        required=True, copy=False, index=True, default='draft', tracking=True)

    company_id = fields.Many2one(
        comodel_name='res.company',
        required=True, index=True,
        default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        comodel_name='res.partner',
        string="Customer",
        required=True, index=True, tracking=True, check_company=True,
        domain="[('type', '!=', 'private'), ('company_id', 'in', (False, company_id))]")
    user_id = fields.Many2one(
        comodel_name='res.users',
        string="Salesperson",
        index=True, tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', '=', company_id)]")

    # Dates: the offer end and follow-up dates follow the quote date unless typed by hand.
    date = fields.Date(
        string="Quote Date",
        required=True, copy=False, tracking=True,
        default=fields.Date.context_today)
    validity_date = fields.Date(
        string="Offer End Date",
        compute='_compute_validity_date', store=True, readonly=False, precompute=True,
        copy=False, tracking=True,
        help="Last day on which the customer can accept the offer.")
    followup_date = fields.Date(
        string="Follow-up Date",
        compute='_compute_followup_date', store=True, readonly=False, precompute=True,
        copy=False, index=True, tracking=True,
        help="Day on which the customer should be contacted again about this quote.")

    comment = fields.Html(
        string="Comment",
        help="Shown to the customer on the quote document and in its email.")

    line_ids = fields.One2many(
        comodel_name='customer.quote.line',
        inverse_name='quote_id',
        string="Quote Lines",
        copy=True)

    # Customer information shown beside the quote.
    partner_address = fields.Text(string="Address", compute='_compute_partner_address')
    partner_phone = fields.Char(related='partner_id.phone', string="Phone")
    partner_email = fields.Char(related='partner_id.email', string="Email")
    partner_other_quote_ids = fields.Many2many(
        comodel_name='customer.quote',
        string="Customer's Other Quotes",
        compute='_compute_partner_other_quote_ids')

    # Amounts
    fiscal_position_id = fields.Many2one(
        comodel_name='account.fiscal.position',
        string="Fiscal Position",
        compute='_compute_fiscal_position_id', store=True, readonly=False, precompute=True,
        check_company=True,
        help="Maps the items' taxes for this customer (e.g. exempt customers or customers abroad).")
    currency_id = fields.Many2one(
        related='company_id.currency_id', store=True, precompute=True)
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount", compute='_compute_amounts', store=True, tracking=True)
    amount_discount = fields.Monetary(
        string="Discount", compute='_compute_amounts', store=True)
    amount_tax = fields.Monetary(
        string="Taxes", compute='_compute_amounts', store=True)
    amount_total = fields.Monetary(
        string="Total", compute='_compute_amounts', store=True, tracking=True)
    tax_totals = fields.Binary(compute='_compute_tax_totals', exportable=False)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('date', 'company_id')
    def _compute_validity_date(self):
        for quote in self:
            quote.validity_date = quote._date_after(quote.company_id.quote_validity_days)

    @api.depends('date', 'company_id')
    def _compute_followup_date(self):
        for quote in self:
            quote.followup_date = quote._date_after(quote.company_id.quote_followup_days)

    @api.depends('partner_id')
    def _compute_partner_address(self):
        for quote in self:
            quote.partner_address = quote.partner_id._display_address(without_company=True)

    @api.depends('partner_id')
    def _compute_partner_other_quote_ids(self):
        partners = self.partner_id
        quotes_by_partner = defaultdict(lambda: self.env['customer.quote'])
        if partners:
            for quote in self.search([('partner_id', 'in', partners.ids)]):
                quotes_by_partner[quote.partner_id] |= quote
        for quote in self:
            quote.partner_other_quote_ids = quotes_by_partner[quote.partner_id] - quote._origin

    @api.depends('partner_id', 'company_id')
    def _compute_fiscal_position_id(self):
        cache = {}
        for quote in self:
            key = (quote.company_id.id, quote.partner_id.id)
            if key not in cache:
                cache[key] = self.env['account.fiscal.position'].with_company(
                    quote.company_id
                )._get_fiscal_position(quote.partner_id) if quote.partner_id else False
            quote.fiscal_position_id = cache[key]

    @api.depends('line_ids.price_subtotal', 'line_ids.discount_amount', 'currency_id', 'company_id')
    def _compute_amounts(self):
        for quote in self:
            tax_totals = quote._get_tax_totals_summary()
            quote.amount_untaxed = tax_totals['base_amount_currency']
            quote.amount_tax = tax_totals['tax_amount_currency']
            quote.amount_total = tax_totals['total_amount_currency']
            quote.amount_discount = sum(quote.line_ids.mapped('discount_amount'))

    @api.depends_context('lang')
    @api.depends('line_ids.price_subtotal', 'currency_id', 'company_id')
    def _compute_tax_totals(self):
        for quote in self:
            quote.tax_totals = quote._get_tax_totals_summary()

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('date', 'validity_date', 'followup_date')
    def _check_dates(self):
        for quote in self:
            if quote.validity_date and quote.validity_date < quote.date:
                raise ValidationError(_(
                    "The offer end date of %(quote)s (%(end)s) cannot be before its quote date (%(date)s).",
                    quote=quote.name, end=quote.validity_date, date=quote.date,
                ))
            if quote.followup_date and quote.followup_date < quote.date:
                raise ValidationError(_(
                    "The follow-up date of %(quote)s (%(followup)s) cannot be before its quote date (%(date)s).",
                    quote=quote.name, followup=quote.followup_date, date=quote.date,
                ))

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get('name', _("New")) == _("New"):
                company = self.env['res.company'].browse(vals.get('company_id')) or self.env.company
                vals['name'] = self.env['ir.sequence'].with_company(company).next_by_code(
                    'customer.quote',
                    sequence_date=vals.get('date') or fields.Date.context_today(self),
                ) or _("New")
        return super().create(vals_list)

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_open_quote(self):
        """Open the quote in its own form, from a row of the customer's Commercial tab."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'customer.quote',
            'res_id': self.id,
            'views': [(False, 'form')],
            'target': 'current',
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _date_after(self, days):
        self.ensure_one()
        return self.date and self.date + timedelta(days=days)

    def _get_tax_totals_summary(self):
        self.ensure_one()
        AccountTax = self.env['account.tax']
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in self.line_ids]
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        return AccountTax._get_tax_totals_summary(
            base_lines=base_lines,
            currency=self.currency_id or self.company_id.currency_id,
            company=self.company_id,
        )
