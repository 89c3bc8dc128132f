from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

QUOTE_STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('accepted', "Accepted"),
    ('refused', "Refused"),
    ('expired', "Expired"),
    ('cancelled', "Cancelled"),
]

# What an accepted quote no longer lets anyone change.
LOCKED_FIELDS = {
    'partner_id', 'company_id', 'date', 'validity_date', 'followup_date',
    'line_ids', 'fiscal_position_id',
}


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
                    quote=quote.name,
                    end=format_date(self.env, quote.validity_date),
                    date=format_date(self.env, quote.date),
                ))
            if quote.followup_date and quote.followup_date < quote.date:
                raise ValidationError(_(
                    "The follow-up date of %(quote)s (%(followup)s) cannot be before its quote date (%(date)s).",
                    quote=quote.name,
                    followup=format_date(self.env, quote.followup_date),
                    date=format_date(self.env, quote.date),
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

    def write(self, vals):
        if LOCKED_FIELDS.intersection(vals):
            self._check_not_locked()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft_or_cancelled(self):
        if quotes := self.filtered(lambda quote: quote.state not in ('draft', 'cancelled')):
            raise UserError(_(
                "Only draft or cancelled quotes can be deleted; cancel %(quotes)s first.",
                quotes=", ".join(quotes.mapped('name')),
            ))

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_send(self):
        """Open the email composer on the quote template, the PDF attached."""
        self._check_state(('draft', 'sent'), _("Send by Email"))
        if missing := self.partner_id.filtered(lambda partner: not partner.email):
            raise UserError(_(
                "Add an email address to %(customers)s before sending the quote by email.",
                customers=", ".join(missing.mapped('display_name')),
            ))
        template = self.env.ref('gestion_clientele_quotes.mail_template_customer_quote', raise_if_not_found=False)
        return {
            'name': _("Send Quote"),
            'type': 'ir.actions.act_window',
            'res_model': 'mail.compose.message',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {
                'default_model': 'customer.quote',
                'default_res_ids': self.ids,
                'default_template_id': template.id if template else False,
                'default_composition_mode': 'comment',
                'default_email_layout_xmlid': 'mail.mail_notification_layout_with_responsible_signature',
                'email_notification_allow_footer': True,
                'hide_mail_template_management_options': True,
                'force_email': True,
                'mark_quote_as_sent': True,
            },
        }

    def action_print(self):
        return self.env.ref('gestion_clientele_quotes.action_report_customer_quote').report_action(self)

    def action_mark_sent(self):
        """For quotes handed over on paper."""
        self._check_state(('draft',), _("Mark as Sent"))
        self.write({'state': 'sent'})
        return True

    def action_accept(self):
        self._check_state(('draft', 'sent'), _("Accept"))
        self.write({'state': 'accepted'})
        return True

    def action_refuse(self):
        self._check_state(('draft', 'sent'), _("Refuse"))
        self.write({'state': 'refused'})
        return True

    def action_cancel(self):
        self._check_state(('draft', 'sent'), _("Cancel"))
        self.write({'state': 'cancelled'})
        return True

    def action_draft(self):
        self._check_state(('cancelled', 'refused', 'expired'), _("Reset to Draft"))
        today = fields.Date.context_today(self)
        for quote in self:
            vals = {'state': 'draft'}
            # A reopened offer whose end date has passed gets a new validity, or tonight's expiry would close it again.
            if quote.validity_date and quote.validity_date < today:
                vals.update(
                    validity_date=today + timedelta(days=quote.company_id.quote_validity_days),
                    followup_date=today + timedelta(days=quote.company_id.quote_followup_days),
                )
            quote.write(vals)
        return True

    def action_delete(self):
        """The Delete button of the customer's Commercial tab rows."""
        self.unlink()
        return True

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

    @api.model
    def _cron_expire_quotes(self, batch_size=1000):
        """Mark open quotes whose offer has ended as expired, one committed batch at a time."""
        domain = [
            ('state', 'in', ('draft', 'sent')),
            ('validity_date', '<', fields.Date.context_today(self)),
        ]
        IrCron = self.env['ir.cron']
        IrCron._commit_progress(remaining=self.search_count(domain))
        while quotes := self.search(domain, limit=batch_size, order='id'):
            quotes._expire()
            if not IrCron._commit_progress(len(quotes)):
                break

    def _expire(self):
        self.with_context(tracking_disable=True).write({'state': 'expired'})
        self._message_log_batch({
            quote.id: _(
                "The offer ended on %(date)s: the quote has expired.",
                date=format_date(self.env, quote.validity_date),
            )
            for quote in self
        })

    def _check_state(self, allowed_states, action_label):
        if wrong := self.filtered(lambda quote: quote.state not in allowed_states):
            labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(_(
                "“%(action)s” is only possible for quotes in state %(allowed)s, not for %(quotes)s.",
                action=action_label,
                allowed=", ".join(labels[state] for state in allowed_states),
                quotes=", ".join(f"{quote.name} ({labels[quote.state]})" for quote in wrong),
            ))

    def _check_not_locked(self):
        if accepted := self.filtered(lambda quote: quote.state == 'accepted'):
            raise UserError(_(
                "%(quotes)s has been accepted: its customer, dates and lines can no longer be changed.",
                quotes=", ".join(accepted.mapped('name')),
            ))

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

    def _get_report_base_filename(self):
        self.ensure_one()
        return _("Quote - %(number)s", number=self.name)

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def message_post(self, **kwargs):
        if self.env.context.get('mark_quote_as_sent'):
            self.filtered(lambda quote: quote.state == 'draft').write({'state': 'sent'})
        return super().message_post(**kwargs)
