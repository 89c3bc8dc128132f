import base64
import binascii
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ConcurrencyError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, float_round, format_date, mute_logger, plaintext2html
from odoo.tools.mail import generate_tracking_message_id

_logger = logging.getLogger(__name__)

FOLLOWUP_ACTIVITY_TYPE = 'gestion_clientele_quotes.mail_activity_type_quote_followup'

QUOTE_STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('accepted', "Accepted"),
    ('refused', "Refused"),
    ('expired', "Expired"),
    ('cancelled', "Cancelled"),
]

FOLLOWUP_STATUSES = [
    ('none', "None"),
    ('planned', "Planned"),
    ('today', "Due Today"),
    ('overdue', "Overdue"),
    ('done', "Done"),
]
OPEN_STATES = ('draft', 'sent')
ANSWERED_STATES = ('accepted', 'refused')
# Quotes whose outcome is known: the acceptance rate is computed over them.
DECIDED_STATES = ('accepted', 'refused', 'expired')

AMOUNT_FIELDS = ('amount_untaxed', 'amount_discount', 'amount_tax', 'amount_total')
# Transaction cache entry: the stack of `_collect_priced_quotes` blocks under way.
# How long the quote a user has just added stays highlighted on the customer's Commercial tab.
JUST_ADDED_DELAY = timedelta(minutes=10)

PRICED_QUOTES_CACHE_KEY = 'customer.quote.priced_quotes'

# The moves of a quote's status, {from: states it may go to}, as the buttons and the nightly
# expiry make them; any client (web, external API, other modules' code) is held to them.
STATE_TRANSITIONS = {
    'draft': {'sent', 'accepted', 'refused', 'cancelled', 'expired'},
    'sent': {'accepted', 'refused', 'cancelled', 'expired'},
    'accepted': set(),
    'refused': {'draft'},
    'expired': {'draft'},
    'cancelled': {'draft'},
}

# What an accepted quote no longer lets anyone change.
LOCKED_FIELDS = {
    'partner_id', 'company_id', 'date', 'validity_date', 'followup_date',
    'line_ids', 'fiscal_position_id', 'payment_term_id', 'pricelist_id',
}


class CustomerQuote(models.Model):
    _name = 'customer.quote'
    _inherit = ['portal.mixin', 'mail.thread', 'mail.activity.mixin']
    _description = "Customer Quote"
    _order = 'date desc, id desc'
    _check_company_auto = True

    _date_partner_idx = models.Index("(partner_id, date DESC, id DESC)")
    _open_validity_date_idx = models.Index("(validity_date) WHERE state IN ('draft', 'sent')")
    _open_followup_date_idx = models.Index("(followup_date, id) WHERE state IN ('draft', 'sent')")

    name = fields.Char(
        string="Number",
        required=True, copy=False, readonly=True, index='trigram',
        default=lambda self: self.env._("New"))
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

    # Follow-ups ("relances")
    followup_count = fields.Integer(
        string="Follow-ups",
        readonly=True, copy=False, default=0, tracking=True,
        help="Number of times the customer has been followed up about this quote.")
    last_followup_date = fields.Date(
        string="Last Follow-up", readonly=True, copy=False)
    followup_status = fields.Selection(
        selection=FOLLOWUP_STATUSES,
        string="Follow-up Status",
        compute='_compute_followup_status', search='_search_followup_status',
        help="Planned, due today or overdue for open quotes with a follow-up date; "
             "done once the customer has answered (accepted or refused).")
    followup_activity_date = fields.Date(
        string="Follow-up Activity Date", readonly=True, copy=False,
        help="Technical: the follow-up date for which the daily action last scheduled an activity.")
    answer_date = fields.Date(
        readonly=True, copy=False,
        help="Day on which the quote was accepted or refused.")

    # Online answer: the customer accepts by signing the quote's page (portal), or refuses it.
    signature = fields.Image(
        copy=False, attachment=True, max_width=1024, max_height=1024,
        help="The customer's signature, drawn or typed when accepting the quote online.")
    signed_by = fields.Char(copy=False)
    signed_on = fields.Datetime(copy=False)

    template_id = fields.Many2one(
        comodel_name='customer.quote.template',
        string="Quote Template",
        index='btree_not_null', copy=False, check_company=True,
        help="The template this quote was transferred from.")
    comment = fields.Html(
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
    is_just_added = fields.Boolean(
        string="Just Added", compute='_compute_is_just_added',
        help="The quote the current user added last for this customer, a few minutes ago: "
             "highlighted on the customer's Commercial tab.")
    # Subscriptions opened when the quote was accepted.
    subscription_ids = fields.One2many(
        comodel_name='customer.subscription',
        inverse_name='quote_id',
        string="Subscriptions",
        readonly=True, copy=False)
    subscription_count = fields.Integer(compute='_compute_subscription_count')

    # Amounts
    fiscal_position_id = fields.Many2one(
        comodel_name='account.fiscal.position',
        compute='_compute_fiscal_position_id', store=True, readonly=False, precompute=True,
        check_company=True,
        help="Maps the items' taxes for this customer (e.g. exempt customers or customers abroad).")
    payment_term_id = fields.Many2one(
        comodel_name='account.payment.term',
        string="Payment Terms",
        compute='_compute_payment_term_id', store=True, readonly=False, precompute=True,
        check_company=True, tracking=True,
        domain="[('company_id', 'in', (False, company_id))]",
        help="Printed on the quote; the customer's payment terms by default.")
    pricelist_id = fields.Many2one(
        comodel_name='product.pricelist',
        string="Price List",
        compute='_compute_pricelist_id', store=True, readonly=False, precompute=True,
        check_company=True, tracking=True, index='btree_not_null',
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The customer's rates (members, works councils, groups…): the current price of the lines "
             "comes from it. After changing it, Update Prices re-prices the lines.")
    currency_id = fields.Many2one(
        comodel_name='res.currency',
        compute='_compute_currency_id', store=True, precompute=True,
        help="The price list's currency, else the company's.")
    amount_untaxed = fields.Monetary(
        string="Total excl. Tax", compute='_compute_amounts', store=True, tracking=True)
    amount_discount = fields.Monetary(
        string="Discount", compute='_compute_amounts', store=True)
    amount_tax = fields.Monetary(
        string="VAT", compute='_compute_amounts', store=True)
    amount_total = fields.Monetary(
        string="Total incl. Tax", compute='_compute_amounts', store=True, tracking=True)
    tax_totals = fields.Binary(compute='_compute_tax_totals', exportable=False)

    # Invoicing: draft customer invoices made from the accepted quote (deposits, balance or whole).
    invoice_ids = fields.One2many(
        comodel_name='account.move',
        inverse_name='customer_quote_id',
        string="Invoices", readonly=True, copy=False)
    invoice_count = fields.Integer(compute='_compute_invoicing')
    amount_invoiced = fields.Monetary(
        string="Invoiced", compute='_compute_invoicing',
        help="Total incl. tax of the quote's invoices that are not cancelled.")
    amount_to_invoice = fields.Monetary(string="To Invoice", compute='_compute_invoicing')
    invoice_status = fields.Selection(
        selection=[
            ('nothing', "Nothing to Invoice"),
            ('to_invoice', "To Invoice"),
            ('invoiced', "Fully Invoiced"),
        ],
        compute='_compute_invoice_status', store=True, index=True)

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

    @api.depends_context('tz')
    @api.depends('state', 'followup_date')
    def _compute_followup_status(self):
        # The same rules as the search: each status is a domain on the state and follow-up date.
        for status, domain in self._followup_status_domains().items():
            self.filtered_domain(domain).followup_status = status

    def _search_followup_status(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        domains = self._followup_status_domains()
        domain = Domain.OR(domains[status] for status in value if status in domains)
        return domain if operator == 'in' else ~domain

    def _followup_status_domains(self):
        """{follow-up status: the domain of the quotes in it}, the statuses not overlapping."""
        today = fields.Date.context_today(self)
        open_quote = Domain('state', 'in', OPEN_STATES)
        return {
            'done': Domain('state', 'in', ANSWERED_STATES),
            'none': Domain('state', 'not in', ANSWERED_STATES) & (
                Domain('state', 'not in', OPEN_STATES) | Domain('followup_date', '=', False)),
            'planned': open_quote & Domain('followup_date', '>', today),
            'today': open_quote & Domain('followup_date', '=', today),
            'overdue': open_quote & Domain('followup_date', '<', today),
        }

    @api.depends('partner_id')
    def _compute_partner_address(self):
        for quote in self:
            address = quote.partner_id._display_address(without_company=True)
            quote.partner_address = "\n".join(line for line in address.splitlines() if line.strip())

    @api.depends('partner_id')
    def _compute_partner_other_quote_ids(self):
        partners = self.partner_id
        quotes_by_partner = defaultdict(lambda: self.env['customer.quote'])
        if partners:
            for quote in self.search([('partner_id', 'in', partners.ids)]):
                quotes_by_partner[quote.partner_id] |= quote
        for quote in self:
            quote.partner_other_quote_ids = quotes_by_partner[quote.partner_id] - quote._origin

    @api.depends_context('uid')
    def _compute_is_just_added(self):
        # create_date is the transaction's time, in the database: compare with the same clock.
        since = self.env.cr.now() - JUST_ADDED_DELAY
        latest = {}
        for quote in self:
            if quote.create_uid.id == self.env.uid and quote.create_date and quote.create_date >= since:
                other = latest.get(quote.partner_id)
                if not other or (quote.create_date, quote.id) > (other.create_date, other.id):
                    latest[quote.partner_id] = quote
        for quote in self:
            quote.is_just_added = latest.get(quote.partner_id) == quote

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

    @api.depends('partner_id', 'company_id')
    def _compute_pricelist_id(self):
        for quote in self:
            quote.pricelist_id = quote.partner_id.with_company(quote.company_id).property_product_pricelist

    @api.depends('pricelist_id', 'company_id.currency_id')
    def _compute_currency_id(self):
        for quote in self:
            quote.currency_id = quote.pricelist_id.currency_id or (quote.company_id or self.env.company).currency_id

    @api.depends('partner_id', 'company_id')
    def _compute_payment_term_id(self):
        for quote in self:
            quote.payment_term_id = quote.partner_id.with_company(quote.company_id).property_payment_term_id

    @api.depends('line_ids.price_subtotal', 'line_ids.discount_amount', 'currency_id', 'company_id')
    def _compute_amounts(self):
        for quote in self:
            quote._set_amounts(quote._get_rounded_base_lines())

    @api.depends_context('lang')
    @api.depends('line_ids.price_subtotal', 'currency_id', 'company_id')
    def _compute_tax_totals(self):
        for quote in self:
            quote.tax_totals = quote._get_tax_totals_summary()

    @api.depends('amount_total', 'invoice_ids.state', 'invoice_ids.amount_total', 'invoice_ids.move_type')
    def _compute_invoicing(self):
        for quote in self:
            invoices = quote._get_valid_invoices()
            quote.invoice_count = len(quote.invoice_ids.filtered(lambda move: move.move_type == 'out_invoice'))
            quote.amount_invoiced = sum(invoices.mapped('amount_total'))
            quote.amount_to_invoice = quote.currency_id.round(quote.amount_total - quote.amount_invoiced)

    @api.depends('state', 'amount_total', 'invoice_ids.state', 'invoice_ids.amount_total', 'invoice_ids.move_type')
    def _compute_invoice_status(self):
        for quote in self:
            if quote.state != 'accepted':
                quote.invoice_status = 'nothing'
            elif quote.currency_id.compare_amounts(quote.amount_to_invoice, 0.0) > 0:
                quote.invoice_status = 'to_invoice'
            else:
                quote.invoice_status = 'invoiced'

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('date', 'validity_date', 'followup_date')
    def _check_dates(self):
        for quote in self:
            if quote.validity_date and quote.validity_date < quote.date:
                raise ValidationError(self.env._(
                    "The offer end date of %(quote)s (%(end)s) cannot be before its quote date (%(date)s).",
                    quote=quote.name,
                    end=format_date(self.env, quote.validity_date),
                    date=format_date(self.env, quote.date),
                ))
            if quote.followup_date and quote.followup_date < quote.date:
                raise ValidationError(self.env._(
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
        own_rules = not self._may_skip_workflow_rules()
        if own_rules and any(vals.get('state', 'draft') != 'draft' for vals in vals_list):
            raise UserError(self.env._("A new quote starts as a draft; its buttons then send, accept or refuse it."))
        # Numbers are drawn once the quotes exist, record rules checked: a quote refused for
        # another company or salesperson takes none. Only imports may bring their own numbers.
        new_label = self.env._("New")
        to_number = [
            index for index, vals in enumerate(vals_list)
            if own_rules or vals.get('name', new_label) == new_label
        ]
        for index in to_number:
            vals_list[index]['name'] = new_label
        # Lines created with their quote are allowed even for a quote created as accepted (imports).
        # Their batch pricing gives the totals too: set them once the quotes and lines exist.
        with self._collect_priced_quotes() as priced_quotes:
            quotes = super(CustomerQuote, self.with_context(creating_customer_quotes=True)).create(vals_list)
        self._set_amounts_of_priced_quotes(priced_quotes)
        quotes = quotes.with_env(self.env)
        quotes.browse([quotes[index].id for index in to_number])._assign_numbers()
        return quotes

    def _assign_numbers(self):  # pylint: disable=missing-return  # writes the numbers, returns nothing
        """Give the quotes their numbers, drawn per (company, quote date) group: one query per
        group whatever its size, and one UPDATE for all at the next flush."""
        for (company, quote_date), quotes in self.grouped(lambda quote: (quote.company_id, quote.date)).items():
            for quote, name in zip(quotes, self._next_numbers(company, quote_date, len(quotes)), strict=True):
                # Our write() refuses number changes; the sequence's own numbers go past it.
                super(CustomerQuote, quote).write({'name': name})  # pylint: disable=super-method-mismatch

    def _add_precomputed_values(self, vals_list):
        # The ORM precomputes on a draft quote holding a draft of each of its lines, while no
        # precomputed field of the quote depends on its lines: leave them out of the draft.
        line_commands = [vals.pop('line_ids', None) for vals in vals_list]
        result = super()._add_precomputed_values(vals_list)
        for vals, commands in zip(vals_list, line_commands, strict=True):
            if commands is not None:
                vals['line_ids'] = commands
        return result

    def write(self, vals):
        if 'name' in vals and not self._may_skip_workflow_rules() and any(
                quote.name != vals['name'] for quote in self):
            raise UserError(self.env._("A quote's number is given by its sequence and cannot be changed."))
        if LOCKED_FIELDS.intersection(vals):
            self._check_not_locked()
        if 'company_id' in vals:
            self._check_company_change(vals['company_id'])
        if 'pricelist_id' in vals and not self._may_skip_workflow_rules():
            self._check_pricelist_change(vals['pricelist_id'])
        if 'state' in vals:
            self._check_state_transition(vals['state'])
            # The answer date goes with the answer, whoever writes the state: the statistics count on it.
            moving = self.filtered(lambda quote: quote.state != vals['state'])
            if moving and 'answer_date' not in vals:
                answer_date = fields.Date.context_today(self) if vals['state'] in ANSWERED_STATES else False
                super(CustomerQuote, moving).write({**vals, 'answer_date': answer_date})
                return super(CustomerQuote, self - moving).write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft_or_cancelled(self):
        if quotes := self.filtered(lambda quote: quote.state not in ('draft', 'cancelled')):
            raise UserError(self.env._(
                "Only draft or cancelled quotes can be deleted; cancel %(quotes)s first.",
                quotes=", ".join(quotes.mapped('name')),
            ))

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_send(self):
        """Open the email composer on the quote template, the PDF attached."""
        self._check_state(('draft', 'sent'), self.env._("Send by Email"))
        self._check_has_lines(self.env._("Send by Email"))
        if missing := self.partner_id.filtered(lambda partner: not partner.email):
            raise UserError(self.env._(
                "Add an email address to %(customers)s before sending the quote by email.",
                customers=", ".join(missing.mapped('display_name')),
            ))
        template = self.env.ref('gestion_clientele_quotes.mail_template_customer_quote', raise_if_not_found=False)
        return {
            'name': self.env._("Send Quote"),
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
        self._check_has_lines(self.env._("Print"))
        return self.env.ref('gestion_clientele_quotes.action_report_customer_quote').report_action(self)

    def action_mark_sent(self):
        """For quotes handed over on paper."""
        self._check_state(('draft',), self.env._("Mark as Sent"))
        self.write({'state': 'sent'})
        return True

    def action_accept(self):
        self._check_state(('draft', 'sent'), self.env._("Accept"))
        self.write({'state': 'accepted', 'answer_date': fields.Date.context_today(self)})
        self._create_subscriptions()
        self.activity_feedback([FOLLOWUP_ACTIVITY_TYPE], feedback=self.env._("The customer accepted the quote."),
                               only_automated=False)
        return True

    def action_refuse(self):
        self._check_state(('draft', 'sent'), self.env._("Refuse"))
        self.write({'state': 'refused', 'answer_date': fields.Date.context_today(self)})
        self.activity_feedback([FOLLOWUP_ACTIVITY_TYPE], feedback=self.env._("The customer refused the quote."),
                               only_automated=False)
        return True

    def action_update_prices(self):
        """Re-price every line from the quote's price list (prices typed by hand too), and say so
        in the chatter."""
        self.ensure_one()
        self._check_state(OPEN_STATES, self.env._("Update Prices"))
        lines = self.line_ids.with_context(force_price_recomputation=True)
        lines._compute_pricing()
        if self.pricelist_id:
            body = self.env._(
                "Prices updated from the price list %(pricelist)s.", pricelist=self.pricelist_id._get_html_link())
        else:
            body = self.env._("Prices updated from the items' sales prices.")
        self.message_post(body=body)
        return True

    def action_followup(self):
        """Open the dialog that records a follow-up of the customer."""
        self._check_state(OPEN_STATES, self.env._("Follow Up"))
        return self._get_dialog_action('customer.quote.followup', self.env._("Follow Up"))

    def action_cancel(self):
        self._check_state(('draft', 'sent'), self.env._("Cancel"))
        self.write({'state': 'cancelled'})
        self._cancel_subscriptions()
        return True

    def action_draft(self):
        self._check_state(('cancelled', 'refused', 'expired'), self.env._("Reset to Draft"))
        today = fields.Date.context_today(self)
        for quote in self:
            vals = {'state': 'draft', 'answer_date': False}
            # A reopened offer whose end date has passed gets a new validity, or tonight's expiry would close it again.
            if quote.validity_date and quote.validity_date < today:
                vals.update(
                    validity_date=today + timedelta(days=quote.company_id.quote_validity_days),
                    followup_date=today + timedelta(days=quote.company_id.quote_followup_days),
                )
            quote.write(vals)
        self._cancel_subscriptions()
        return True

    def action_save_as_template(self):
        """Keep this quote's lines and comment as a template for the next ones."""
        self.ensure_one()
        Template = self.env['customer.quote.template']
        template = Template.create({
            'name': Template._get_name_from_quote(self),
            'company_id': self.company_id.id,
            'comment': self.comment,
            'line_ids': [Command.create(line._get_offer_values()) for line in self.line_ids],
        })
        return template._get_records_action(name=self.env._("Quote Template"))

    def action_delete(self):
        """The Delete button of the customer's Commercial tab rows."""
        self.unlink()
        return True

    def action_open_quote(self):
        """Open the quote in its own form (from a row of the follow-up statistics)."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'customer.quote',
            'res_id': self.id,
            'views': [(False, 'form')],
            'target': 'current',
        }

    def action_create_invoice(self):
        """Open the invoicing dialog: the whole quote (or its balance), or a deposit."""
        self._check_can_invoice()
        return self._get_dialog_action('customer.quote.invoice', self.env._("Create Invoice"))

    def action_view_invoices(self):
        invoices = self.invoice_ids.filtered(lambda move: move.move_type == 'out_invoice')
        action = invoices._get_records_action(name=self.env._("Invoices"))
        action['context'] = {'default_move_type': 'out_invoice', 'create': False}
        return action

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
        # A batch shares few end dates: format each once.
        end_dates = {end: format_date(self.env, end) for end in set(self.mapped('validity_date'))}
        self._log_notes_in_bulk({
            quote.id: self.env._(
                "The offer ended on %(date)s: the quote has expired.", date=end_dates[quote.validity_date])
            for quote in self
        })

    def _log_notes_in_bulk(self, texts):
        """Log a note in the chatter of each quote, `texts` being {quote id: plain text}.

        The notes are what `_message_log_batch` would log (internal notes by the current user,
        nobody notified), written with one INSERT: the ORM creates a message in about 0.7 ms,
        which made the chatter notes cost nine tenths of the nightly expiry.
        """
        author_id, email_from = self._message_compute_author()
        reply_to = self.env['mail.thread']._notify_get_reply_to(default=email_from, author_id=author_id)[False]
        ids = list(texts)
        self.env.cr.execute(SQL(
            """
            INSERT INTO mail_message (
                model, res_id, body, message_type, subtype_id, is_internal, author_id, email_from,
                reply_to, message_id, email_add_signature, date, create_uid, create_date, write_uid, write_date)
            SELECT %(model)s, note.res_id, note.body, 'notification', %(subtype_id)s, TRUE, %(author_id)s,
                   %(email_from)s, %(reply_to)s, %(message_id)s, FALSE, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS note(res_id, body)
            """,
            model=self._name,
            subtype_id=self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note'),
            author_id=author_id,
            email_from=email_from,
            reply_to=reply_to,
            message_id=generate_tracking_message_id('message-notify'),
            now=self.env.cr.now(),
            uid=self.env.uid,
            ids=ids,
            bodies=[str(plaintext2html(texts[quote_id])) for quote_id in ids],
        ))
        self.browse(ids).invalidate_recordset(['message_ids'])

    @api.model
    def _cron_schedule_followups(self, batch_size=1000):
        """Give the salesperson a "Quote follow-up" activity for each open quote whose follow-up
        date has come, once per quote and date; optionally email the customer a reminder."""
        today = fields.Date.context_today(self)
        IrCron = self.env['ir.cron']
        failed_ids = []
        IrCron._commit_progress(remaining=len(self._get_due_followup_ids(today)))
        while quote_ids := self._get_due_followup_ids(today, limit=batch_size, exclude_ids=failed_ids):
            quotes = self.browse(quote_ids)
            done = quotes._run_followup_batch()
            failed_ids += (quotes - done).ids
            if not IrCron._commit_progress(len(quotes)):
                break
            self.env.invalidate_all()

    @api.model
    def _get_due_followup_ids(self, today, limit=None, exclude_ids=()):
        """Open quotes whose follow-up date has come and got no activity for that date yet."""
        self.flush_model(['state', 'followup_date', 'followup_activity_date'])
        self.env.cr.execute(SQL(
            """
            SELECT id FROM customer_quote
             WHERE state IN %(open)s
               AND followup_date <= %(today)s
               AND followup_activity_date IS DISTINCT FROM followup_date
               AND id != ALL(%(exclude)s)
             ORDER BY id
             %(limit)s
            """,
            open=OPEN_STATES,
            today=today,
            exclude=list(exclude_ids),
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    def _run_followup_batch(self):
        """Schedule the batch's follow-ups in one go; if that fails, quote by quote so that one
        broken quote does not hold back the others. Return the quotes done."""
        try:
            with self.env.cr.savepoint():
                self._schedule_followups()
            return self
        except Exception:  # any error of one quote must not stop the batch
            if len(self) == 1:
                _logger.exception("Follow-up of quote %s (id %s) failed; it is skipped today.", self.name, self.id)
                return self.browse()
        done = self.browse()
        for quote in self:
            done |= quote._run_followup_batch()
        return done

    def _schedule_followups(self):
        self._create_followup_activities()
        for followup_date, quotes in self.grouped('followup_date').items():
            quotes.with_context(tracking_disable=True).write({'followup_activity_date': followup_date})
        to_remind = self.filtered(lambda quote: quote.company_id.quote_followup_reminder and quote.partner_id.email)
        if to_remind:
            to_remind._send_followup_reminder()

    def _create_followup_activities(self):
        """Give each quote's salesperson (or its author) a "Quote follow-up" activity due on the
        quote's follow-up date: what `activity_schedule` does, with the activities written in
        one INSERT.

        Through the ORM, creating an activity costs about 0.6 ms (mostly updating the caches of
        every model's activity_ids), which alone would make the daily action over 100,000 due
        quotes take a minute. The side effects of mail.activity's create are kept: the
        assignees follow their quotes and their activity counters are refreshed; they are not
        emailed, as an automated activity created with `mail_activity_quick_update` is not.
        """
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY_TYPE)
        assignees = {quote.id: quote.user_id or quote.create_uid for quote in self}
        now = self.env.cr.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO mail_activity (
                res_model_id, res_model, res_id, res_name, activity_type_id, summary, note, date_deadline,
                user_id, user_tz, automated, active, create_uid, create_date, write_uid, write_date)
            SELECT %(model_id)s, %(model)s, activity.res_id, activity.res_name, %(type_id)s, %(summary)s, %(note)s,
                   activity.date_deadline, activity.user_id, activity.user_tz, TRUE, TRUE,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[], %(deadlines)s::date[],
                          %(user_ids)s::int[], %(user_tzs)s::varchar[])
                   AS activity(res_id, res_name, date_deadline, user_id, user_tz)
            """,
            model_id=self.env['ir.model']._get_id(self._name),
            model=self._name,
            type_id=activity_type.id,
            summary=activity_type.summary or None,
            note=activity_type.default_note or None,
            uid=self.env.uid,
            now=now,
            res_ids=self.ids,
            res_names=[quote.display_name for quote in self],
            deadlines=[quote.followup_date for quote in self],
            user_ids=[assignees[quote.id].id or None for quote in self],
            user_tzs=[assignees[quote.id].tz or None for quote in self],
        ))
        self.invalidate_recordset()
        today = fields.Date.context_today(self)
        for user, quotes in self.grouped(lambda quote: assignees[quote.id]).items():
            if not user:
                continue
            quotes.message_subscribe(partner_ids=user.sudo().partner_id.ids)
            if due_count := len(quotes.filtered(lambda quote: quote.followup_date <= today)):
                user._bus_send('mail.activity/updated', {'activity_created': True, 'count_diff': due_count})

    def _send_followup_reminder(self):
        """Email the customers a reminder with their quote, and count it as a follow-up."""
        template = self.env.ref('gestion_clientele_quotes.mail_template_customer_quote_reminder')
        composer = self.env['mail.compose.message'].with_context(
            default_model=self._name,
            default_res_ids=self.ids,
            default_composition_mode='comment',
            default_email_layout_xmlid='mail.mail_notification_layout_with_responsible_signature',
        ).create({
            'template_id': template.id,
            # Through the mail queue, even for a single quote: the daily action does not wait on SMTP.
            'force_send': False,
        })
        composer._action_send_mail()
        self._record_followup(self.env._("Reminder emailed to the customer."), close_activities=False)

    def _record_followup(self, note=False, close_activities=True):
        """Count one more follow-up and plan the next one, with a note in the chatter."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref(FOLLOWUP_ACTIVITY_TYPE)
        for quote in self:
            count = quote.followup_count + 1
            next_date = quote.company_id._quote_next_followup_date(count, today)
            # The note below says it all: no separate tracking message.
            quote.with_context(tracking_disable=True).write({
                'followup_count': count,
                'last_followup_date': today,
                'followup_date': next_date,
            })
            summary = self.env._("Follow-up no. %(count)s.", count=count) + " " + (
                self.env._("Next follow-up on %(date)s.", date=format_date(self.env, next_date)) if next_date
                else self.env._("No further follow-up planned.")
            )
            activities = close_activities and quote.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type)
            if activities:
                # The "activity done" message carries the follow-up: one message, not two.
                activities.action_feedback(feedback="\n".join(filter(None, [summary, note])))
            else:
                body = Markup("<p>%s</p>") % summary
                if note:
                    body += plaintext2html(note)
                quote.message_post(body=body, subtype_xmlid='mail.mt_note')

    def _check_state(self, allowed_states, action_label):
        if wrong := self.filtered(lambda quote: quote.state not in allowed_states):
            labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "“%(action)s” is only possible for quotes in state %(allowed)s, not for %(quotes)s.",
                action=action_label,
                allowed=", ".join(labels[state] for state in allowed_states),
                quotes=", ".join(f"{quote.name} ({labels[quote.state]})" for quote in wrong),
            ))

    def _check_state_transition(self, new_state):
        """Refuse a status move that no button or scheduled action makes (see STATE_TRANSITIONS):
        e.g. an accepted quote back to draft to change it, then accepted again."""
        if self._may_skip_workflow_rules():
            return
        labels = dict(self._fields['state']._description_selection(self.env))
        if wrong := self.filtered(
            lambda quote: quote.state != new_state and new_state not in STATE_TRANSITIONS.get(quote.state, ())
        ):
            raise UserError(self.env._(
                "%(quotes)s cannot go from %(states)s to %(new_state)s: use the quote's buttons "
                "(Send by Email, Mark as Sent, Accept, Refuse, Cancel, Reset to Draft).",
                quotes=", ".join(wrong.mapped('name')),
                states=", ".join(sorted({labels[state] for state in wrong.mapped('state')})),
                new_state=labels.get(new_state, new_state),
            ))
        if new_state in ('sent', 'accepted'):
            self.filtered(lambda quote: quote.state != new_state)._check_has_lines(labels[new_state])

    @api.model
    def _may_skip_workflow_rules(self):
        """The superuser, and quote administrators importing data (history brought from another
        tool), may set a quote's number and status freely; everyone else follows the workflow."""
        return self.env.su or (
            self.env.context.get('import_file')
            and self.env.user.has_group('gestion_clientele_quotes.group_customer_quote_manager')
        )

    def _check_company_change(self, company_id):
        """A quote's items, prices and taxes are its company's: refuse to move a quote with lines."""
        if moved := self.filtered(lambda quote: quote.line_ids and quote.company_id.id != company_id):
            raise UserError(self.env._(
                "The company of %(quotes)s cannot change while it has lines: their items, prices and "
                "taxes are %(company)s's. Remove the lines first, or make the quote in the other company.",
                quotes=", ".join(moved.mapped('name')),
                company=", ".join(moved.company_id.mapped('name')),
            ))

    def _check_pricelist_change(self, pricelist_id):
        """The customer has seen the prices of a quote once it is sent: its price list changes on
        drafts only."""
        if changed := self.filtered(lambda quote: quote.state != 'draft' and quote.pricelist_id.id != pricelist_id):
            raise UserError(self.env._(
                "The price list of %(quotes)s can only be changed while the quote is a draft.",
                quotes=", ".join(changed.mapped('name')),
            ))

    def _check_has_lines(self, action_label):
        """An empty quote (no line, a total of 0) is not sent, printed nor accepted (the superuser's
        scheduled actions and administrators' imports excepted, as for the workflow)."""
        if self._may_skip_workflow_rules():
            return
        if empty := self.filtered(lambda quote: not quote.line_ids):
            raise UserError(self.env._(
                "“%(action)s” needs at least one line: add the items to %(quotes)s first.",
                action=action_label,
                quotes=", ".join(empty.mapped('name')),
            ))

    def _check_not_locked(self):
        if accepted := self.filtered(lambda quote: quote.state == 'accepted'):
            raise UserError(self.env._(
                "%(quotes)s has been accepted: its customer, dates and lines can no longer be changed.",
                quotes=", ".join(accepted.mapped('name')),
            ))

    @api.model
    def _next_numbers(self, company, quote_date, count):
        """`count` consecutive numbers of the company's quote sequence for `quote_date`."""
        sequence = self.env['ir.sequence'].sudo().search([
            ('code', '=', 'customer.quote'),
            ('company_id', 'in', (company.id, False)),
        ], order='company_id', limit=1)
        if not sequence:
            return [self.env._("New")] * count
        date_range = self._get_sequence_date_range(sequence, quote_date) if sequence.use_date_range else None
        if count == 1 or sequence.implementation != 'standard':
            return [sequence._next(sequence_date=quote_date) for _index in range(count)]
        # A standard ir.sequence is a PostgreSQL sequence (one per year with date ranges):
        # draw the whole batch from it at once instead of one nextval() per quote.
        pg_sequence = f'ir_sequence_{sequence.id:03d}'
        if date_range:
            pg_sequence = f'ir_sequence_{sequence.id:03d}_{date_range.id:03d}'
            sequence = sequence.with_context(
                ir_sequence_date_range=date_range.date_from, ir_sequence_date=quote_date)
        self.env.cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)", pg_sequence, count))
        return [sequence.get_next_char(number) for number in sorted(row[0] for row in self.env.cr.fetchall())]

    @api.model
    def _get_sequence_date_range(self, sequence, quote_date):
        """The number range of `sequence` (sudo) for `quote_date`, made when it is the period's first.

        Two transactions making the first quotes of a period at the same moment both create the
        range; the range's unique constraint makes the second wait for the first, then fail. That
        failure is turned into a concurrency error, which Odoo retries as it retries serialization
        failures: the retry finds the range the first transaction made and draws the next number.
        """
        date_range = self.env['ir.sequence.date_range'].sudo().search([
            ('sequence_id', '=', sequence.id),
            ('date_from', '<=', quote_date),
            ('date_to', '>=', quote_date),
        ], limit=1)
        if date_range:
            return date_range
        try:
            # No flush: the hooks of the quotes being created (their chatter tracking) wait for the end.
            # The expected conflict is not logged as a failed query; the retry is logged by Odoo.
            with self.env.cr.savepoint(flush=False), mute_logger('odoo.sql_db'):
                return sequence._create_date_range_seq(quote_date)
        except psycopg2.errors.UniqueViolation as error:
            raise ConcurrencyError(
                f"Number range of sequence {sequence.id} for {quote_date} made by a concurrent transaction"
            ) from error

    def _date_after(self, days):
        self.ensure_one()
        return self.date and self.date + timedelta(days=days)

    def _get_rounded_base_lines(self):
        """The lines as the tax engine's base lines, their taxes computed and rounded together."""
        self.ensure_one()
        AccountTax = self.env['account.tax']
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in self.line_ids]
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        return base_lines

    def _get_tax_totals_summary(self, base_lines=None):
        self.ensure_one()
        return self.env['account.tax']._get_tax_totals_summary(
            base_lines=self._get_rounded_base_lines() if base_lines is None else base_lines,
            currency=self.currency_id or self.company_id.currency_id,
            company=self.company_id,
        )

    def _set_amounts(self, base_lines):
        """Set the totals from the quote's rounded `base_lines`."""
        self.ensure_one()
        tax_totals = self._get_tax_totals_summary(base_lines)
        self.amount_untaxed = tax_totals['base_amount_currency']
        self.amount_tax = tax_totals['tax_amount_currency']
        self.amount_total = tax_totals['total_amount_currency']
        self.amount_discount = sum(self.line_ids.mapped('discount_amount'))

    @api.model
    @contextmanager
    def _collect_priced_quotes(self):
        """Within this block, the lines' batch pricing gathers {quote: rounded base lines} for
        the quotes it priced whole; the block yields that dict."""
        collectors = self.env.cr.cache.setdefault(PRICED_QUOTES_CACHE_KEY, [])
        collectors.append(priced_quotes := {})
        try:
            yield priced_quotes
        finally:
            collectors.pop()

    @api.model
    def _get_priced_quotes_collector(self):
        """The dict of the innermost `_collect_priced_quotes` block, or None outside of one."""
        collectors = self.env.cr.cache.get(PRICED_QUOTES_CACHE_KEY)
        return collectors[-1] if collectors else None

    @api.model
    def _set_amounts_of_priced_quotes(self, base_lines_by_quote):
        """Set the totals of quotes whose lines were all just priced together (see
        customer.quote.line's batch pricing), from that pass rather than a second one."""
        quotes = self.browse([
            quote.id for quote, base_lines in base_lines_by_quote.items()
            if len(quote.line_ids) == len(base_lines)
        ])
        amount_fields = [self._fields[fname] for fname in AMOUNT_FIELDS]
        with self.env.protecting(amount_fields, quotes):
            for quote in quotes:
                quote._set_amounts(base_lines_by_quote[quote])

    @api.model
    def _create_alike(self, vals_list, varying_line_fields=()):
        """Create quotes as create() does, for values of which many share one content: the same
        company, dates, salesperson, template and lines, for customers with the same language,
        fiscal position and payment terms (renewal quotes, by the thousand a night). The ORM
        creates one quote per distinct content; the others are copied from it in SQL, differing
        only by their customer, their number and, on the lines, `varying_line_fields`.

        Each values dict gives its lines as `Command.create` commands. The copies are exactly what
        create() makes (see the tests comparing both); where a stored field could differ between
        customers of one content, or another model's stored field depends on quotes, this falls
        back to create() for all.
        """
        if not self._can_create_alike(varying_line_fields):
            return self.create(vals_list)
        contents = defaultdict(list)
        partner_values = {}
        # Browsed together, the customers' fields are read for all of them at once.
        partners = self.env['res.partner'].browse([vals['partner_id'] for vals in vals_list])
        for index, (vals, partner) in enumerate(zip(vals_list, partners, strict=True)):
            key = (vals['company_id'], partner)
            if key not in partner_values:
                partner_values[key] = self._get_alike_partner_values(
                    partner, self.env['res.company'].browse(vals['company_id']))
            contents[self._get_alike_content_key(vals, partner_values[key], varying_line_fields)].append(index)
        originals_indexes = [indexes[0] for indexes in contents.values()]
        originals = self.create([vals_list[index] for index in originals_indexes])
        copies = [
            (original, index)
            for original, indexes in zip(originals, contents.values(), strict=True)
            for index in indexes[1:]
        ]
        quote_by_index = dict(zip(originals_indexes, originals.ids, strict=True))
        if copies:
            quote_by_index.update(self._copy_alike(copies, vals_list, varying_line_fields))
            self.env.invalidate_all()
        return self.browse([quote_by_index[index] for index in range(len(vals_list))])

    @api.model
    def _get_alike_partner_values(self, partner, company):
        """What a quote of `company` takes from its customer `partner`: quotes of one content are
        alike only for customers with the same."""
        partner = partner.with_company(company)
        return (
            partner.lang or self.env.lang,
            self.env['account.fiscal.position'].with_company(company)._get_fiscal_position(partner).id,
            partner.property_payment_term_id.id,
            partner.property_product_pricelist.id,
        )

    @api.model
    def _get_alike_content_key(self, vals, partner_values, varying_line_fields):
        def freeze(values, ignored):
            return tuple(sorted((fname, repr(value)) for fname, value in values.items() if fname not in ignored))
        lines = tuple(
            freeze(command[2], varying_line_fields) for command in vals.get('line_ids', ())
        )
        return freeze(vals, ('partner_id', 'line_ids')), partner_values, lines

    # The quote's stored fields computed from its customer, which _get_alike_partner_values covers.
    _ALIKE_PARTNER_FIELDS = ('fiscal_position_id', 'payment_term_id', 'pricelist_id')

    @api.model
    def _can_create_alike(self, varying_line_fields):
        """Whether copying a quote for another customer gives what create() would: no stored field
        of the quote depends on its customer other than those _get_alike_partner_values covers,
        none of the lines depends on the varying fields, and no stored field of another model
        depends on quotes or their lines (SQL copies would not recompute it)."""
        Line = self.env['customer.quote.line']
        field_depends = self.pool.field_depends
        for field in self._fields.values():
            if field.store and field.compute and field.name not in self._ALIKE_PARTNER_FIELDS and any(
                    dependency.split('.')[0] == 'partner_id' for dependency in field_depends[field]):
                return False
        for field in Line._fields.values():
            if field.store and field.compute and any(
                    dependency.split('.')[0] in varying_line_fields for dependency in field_depends[field]):
                return False
        for model in (self, Line):
            for field in model._fields.values():
                if any(dependent.store and dependent.model_name not in (self._name, Line._name)
                       for dependent in self.pool.get_dependent_fields(field)):
                    return False
        return True

    @api.model
    def _copy_alike(self, copies, vals_list, varying_line_fields):
        """Insert a copy of quote `original` for each (original, index) of `copies`, for the customer of
        `vals_list[index]` and with its lines' `varying_line_fields`; return {index: new quote id}."""
        self.env.flush_all()
        Line = self.env['customer.quote.line']
        quote_ids = self._draw_ids(self, len(copies))
        names = {}
        by_numbering = defaultdict(list)
        for position, (original, _index) in enumerate(copies):
            by_numbering[original.company_id, original.date].append(position)
        for (company, quote_date), positions in by_numbering.items():
            names.update(zip(positions, self._next_numbers(company, quote_date, len(positions)), strict=True))
        self._insert_copies(self, [
            (original.id, {'id': quote_ids[position], 'partner_id': vals_list[index]['partner_id'],
                           'name': names[position], 'access_token': None})
            for position, (original, index) in enumerate(copies)
        ])
        original_lines = {original: original.line_ids.sorted('id') for original, _index in copies}
        line_copies = []
        for position, (original, index) in enumerate(copies):
            commands = vals_list[index].get('line_ids', ())
            for original_line, command in zip(original_lines[original], commands, strict=True):
                line_copies.append((original_line.id, {
                    'quote_id': quote_ids[position],
                    **{fname: Line._fields[fname].convert_to_column(command[2].get(fname), Line)
                       for fname in varying_line_fields},
                }))
        line_ids = self._draw_ids(Line, len(line_copies))
        for (_original_line_id, values), line_id in zip(line_copies, line_ids, strict=True):
            values['id'] = line_id
        self._insert_copies(Line, line_copies)
        return {index: quote_ids[position] for position, (_original, index) in enumerate(copies)}

    @api.model
    def _draw_ids(self, model, count):
        """`count` new ids of `model`, from its table's sequence as INSERT would draw them."""
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) FROM generate_series(1, %s)", f'{model._table}_id_seq', count))
        return sorted(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _insert_copies(self, model, copies):
        """INSERT copies of `model`'s records: `copies` is [(source id, {column: value})], the other
        columns and the many2many links copied from the source."""
        if not copies:
            return
        overridden = list(copies[0][1])
        columns = [
            fname for fname, field in model._fields.items()
            if field.store and field.column_type and fname not in overridden
        ]
        values_columns = [
            SQL("(%s::%s[])", [values[fname] for _source, values in copies], SQL(model._fields[fname].column_type[1]))
            for fname in overridden
        ]
        self.env.cr.execute(SQL(
            """
            INSERT INTO %(table)s (%(overridden)s, %(columns)s)
            SELECT %(new_values)s, %(source_columns)s
              FROM unnest(%(sources)s::int4[], %(values_columns)s) AS new(%(new_names)s)
              JOIN %(table)s source ON source.id = new.source_id
            """,
            table=SQL.identifier(model._table),
            overridden=SQL(", ").join(SQL.identifier(fname) for fname in overridden),
            columns=SQL(", ").join(SQL.identifier(fname) for fname in columns),
            new_values=SQL(", ").join(SQL.identifier('new', fname) for fname in overridden),
            source_columns=SQL(", ").join(SQL.identifier('source', fname) for fname in columns),
            sources=[source for source, _values in copies],
            values_columns=SQL(", ").join(values_columns),
            new_names=SQL(", ").join(SQL.identifier(name) for name in ['source_id', *overridden]),
        ))
        for field in model._fields.values():
            if field.type == 'many2many' and field.store:
                self.env.cr.execute(SQL(
                    """
                    INSERT INTO %(relation)s (%(column1)s, %(column2)s)
                    SELECT new.id, rel.%(column2)s
                      FROM unnest(%(sources)s::int4[], %(ids)s::int4[]) AS new(source_id, id)
                      JOIN %(relation)s rel ON rel.%(column1)s = new.source_id
                    """,
                    relation=SQL.identifier(field.relation),
                    column1=SQL.identifier(field.column1),
                    column2=SQL.identifier(field.column2),
                    sources=[source for source, _values in copies],
                    ids=[values['id'] for _source, values in copies],
                ))

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Quote - %(number)s", number=self.name)

    def _get_dialog_action(self, model, title):
        """The action opening the dialog (wizard) `model` on these quotes."""
        return {
            'name': title,
            'type': 'ir.actions.act_window',
            'res_model': model,
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'default_quote_ids': self.ids},
        }

    # ------------------------------------------------------------
    # INVOICING
    # ------------------------------------------------------------

    def _get_valid_invoices(self):
        """The quote's customer invoices that count: every one not cancelled."""
        return self.invoice_ids.filtered(lambda move: move.move_type == 'out_invoice' and move.state != 'cancel')

    def _check_can_invoice(self):
        if not self.env.user.has_group('account.group_account_invoice'):
            raise AccessError(self.env._("Only users with invoicing rights (Invoicing ▸ Billing) can invoice quotes."))
        if wrong := self.filtered(lambda quote: quote.state != 'accepted'):
            raise UserError(self.env._(
                "Only accepted quotes can be invoiced, not %(quotes)s.",
                quotes=", ".join(wrong.mapped('name')),
            ))
        if done := self.filtered(lambda quote: quote.invoice_status != 'to_invoice'):
            raise UserError(self.env._(
                "%(quotes)s is already fully invoiced: cancel one of its invoices to invoice it again.",
                quotes=", ".join(done.mapped('name')),
            ))

    def _prepare_invoice_values(self):
        """The header of a draft customer invoice for this quote."""
        self.ensure_one()
        return {
            'move_type': 'out_invoice',
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'currency_id': self.currency_id.id,
            'fiscal_position_id': self.fiscal_position_id.id,
            'invoice_user_id': self.user_id.id,
            'invoice_payment_term_id': self.payment_term_id.id,
            'invoice_origin': self.name,
            'narration': self.comment,
            'customer_quote_id': self.id,
            'invoice_line_ids': [],
        }

    def _prepare_full_invoice_values(self):
        """The invoice of what is left: every line of the quote, less the deposits invoiced."""
        self.ensure_one()
        values = self._prepare_invoice_values()
        values['invoice_line_ids'] = [
            Command.create(line_values)
            for line_values in self._prepare_invoice_lines_values() + self._prepare_deposit_deduction_lines_values()
        ]
        return values

    def _prepare_deposit_deduction_lines_values(self):
        """Lines taking back the deposits already invoiced, with their own taxes, as Odoo's sales do."""
        self.ensure_one()
        AccountTax = self.env['account.tax']
        lang = self.partner_id.lang or self.env.lang
        deposits = self._get_valid_invoices().filtered('is_quote_deposit')
        next_sequence = max(self.line_ids.mapped('sequence'), default=0) + 1
        values = []
        for deposit in deposits.sorted('id'):
            name = self.with_context(lang=lang).env._(
                "Deposit invoiced on %(date)s",
                date=format_date(self.with_context(lang=lang).env, deposit.invoice_date or deposit.create_date),
            )
            for line in deposit.invoice_line_ids.filtered(lambda line: line.display_type == 'product'):
                values.append({
                    'sequence': next_sequence,
                    'product_id': line.product_id.id,
                    'name': name,
                    'quantity': -line.quantity,
                    'price_unit': line.price_unit,
                    'tax_ids': [Command.set(line.tax_ids.ids)],
                    'extra_tax_data': AccountTax._reverse_quantity_base_line_extra_tax_data(line.extra_tax_data),
                })
        return values

    def _prepare_invoice_lines_values(self):
        """One invoice line per quote line, in display order, carrying the line's exact amounts.

        The invoice line's discount % has Odoo's "Discount" precision (2 digits by default),
        while a discount typed as an amount on the quote gives a % with more digits: 7 × 19.99
        with 13.37 off is 126.56, but 9.55 % of it is 126.57. As Odoo does for down payments,
        such a line carries its untaxed amount and its taxes in `extra_tax_data`, which the
        invoice uses as long as nobody changes the line's price, quantity or discount. The quote
        also takes a rounded discount amount off (5 % of 5.50 is 0.28: 5.22, where Odoo makes
        5.23). A line for which the invoice computes the same amounts by itself carries nothing.
        """
        self.ensure_one()
        AccountTax = self.env['account.tax']
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.id))
        base_lines = [line._prepare_base_line_for_taxes_computation() for line in lines]
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        # What the invoice would compute by itself, from the % at Odoo's precision.
        discount_digits = self.env['decimal.precision'].precision_get('Discount')
        invoice_base_lines = [
            {**base_line, 'discount': float_round(line.discount, precision_digits=discount_digits)}
            for line, base_line in zip(lines, base_lines, strict=True)
        ]
        AccountTax._add_tax_details_in_base_lines(invoice_base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(invoice_base_lines, self.company_id)
        values = []
        for line, base_line, invoice_base_line in zip(lines, base_lines, invoice_base_lines, strict=True):
            values.append({
                **line._get_offer_values(),
                'tax_ids': [Command.set(line.tax_ids.ids)],
                'extra_tax_data': (
                    self._get_exact_amounts_tax_data(base_line, line.discount)
                    if self._tax_amounts(base_line) != self._tax_amounts(invoice_base_line) else False
                ),
            })
        return values

    @api.model
    def _tax_amounts(self, base_line):
        """The rounded untaxed amount and tax amounts of a base line, to compare two of them."""
        tax_details = base_line['tax_details']
        return (tax_details['total_excluded_currency'], [
            (tax_data['tax'].id, tax_data['tax_amount_currency']) for tax_data in tax_details['taxes_data']
        ])

    @api.model
    def _get_exact_amounts_tax_data(self, base_line, discount):
        """`extra_tax_data` of an invoice line with `discount` % that must keep the base line's
        rounded amounts."""
        tax_details = base_line['tax_details']
        discount_digits = self.env['decimal.precision'].precision_get('Discount')
        exact_line = {
            **base_line,
            # As the invoice line will store it, so that the invoice recognises its own line.
            'discount': float_round(discount, precision_digits=discount_digits),
            'manual_total_excluded_currency': tax_details['total_excluded_currency'],
            'manual_total_excluded': tax_details['total_excluded'],
            'manual_tax_amounts': {
                str(tax_data['tax'].id): {
                    'tax_amount_currency': tax_data['tax_amount_currency'],
                    'tax_amount': tax_data['tax_amount'],
                    'base_amount_currency': tax_data['base_amount_currency'],
                    'base_amount': tax_data['base_amount'],
                }
                for tax_data in tax_details['taxes_data']
            },
        }
        return self.env['account.tax']._export_base_line_extra_tax_data(exact_line)

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def message_post(self, **kwargs):
        if self.env.context.get('mark_quote_as_sent'):
            self.filtered(lambda quote: quote.state == 'draft').write({'state': 'sent'})
        return super().message_post(**kwargs)

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=False):
        # The customer's button in the quote's emails opens its page, with its access token.
        groups = super()._notify_get_recipients_groups(message, model_description, msg_vals=msg_vals)
        if not self:
            return groups
        self.ensure_one()
        for _name, _check, group_data in groups:
            if _name == 'portal_customer':
                group_data.setdefault('button_access', {})['title'] = self.env._("View Quote")
        return groups

    # ------------------------------------------------------------
    # PORTAL
    # ------------------------------------------------------------

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute method returns nothing
        super()._compute_access_url()
        for quote in self:
            quote.access_url = f'/my/customer_quotes/{quote.id}'

    def action_preview(self):
        """Open the quote's page as its customer sees it."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_url',
            'target': 'self',
            'url': self.get_portal_url(),
        }

    def _get_portal_return_action(self):
        """The back-end action that "Back to edit mode" on the quote's page opens."""
        self.ensure_one()
        return self.env.ref('gestion_clientele_quotes.customer_quote_action')

    def _is_offer_expired(self):
        """Whether the offer has ended: expired, or its end date passed before tonight's expiry."""
        self.ensure_one()
        return self.state == 'expired' or (
            self.state in OPEN_STATES and self.validity_date
            and self.validity_date < fields.Date.context_today(self))

    def _get_portal_answer_error(self, answer):
        """Why the customer cannot `answer` ('accept' or 'refuse') the quote online now, or False."""
        self.ensure_one()
        if self.state == 'accepted':
            return self.env._("This quote has already been accepted.")
        if self.state == 'refused':
            return self.env._("This quote has already been refused.")
        if self.state == 'cancelled':
            return self.env._("This quote has been cancelled.")
        if self._is_offer_expired():
            return self.env._("This offer expired on %(date)s.", date=format_date(self.env, self.validity_date))
        if self.state != 'sent':
            return self.env._("This quote has not been sent yet: it cannot be answered online.")
        if answer == 'accept' and not self.company_id.quote_portal_signature:
            return self.env._("This quote is accepted on paper: print it, sign it and send it back to us.")
        return False

    def _get_portal_alerts(self, message=None):
        """[(key, Bootstrap colour, sentence)] of the banners above the quote on its page: the
        answer just given (`message`, from the page's URL), then where the quote stands."""
        self.ensure_one()
        alerts = []
        if message == 'accepted' and self.state == 'accepted':
            alerts.append(('thanks', 'success', self.env._(
                "Thank you! Your acceptance of quote %(quote)s has been recorded.", quote=self.name)))
        elif message == 'refused' and self.state == 'refused':
            alerts.append(('refused_now', 'info', self.env._(
                "Your answer has been recorded: you refused quote %(quote)s.", quote=self.name)))
        elif message == 'cannot_refuse':
            alerts.append(('cannot_refuse', 'danger', self.env._("This quote can no longer be refused.")))
        if self._is_offer_expired():
            alerts.append(('expired', 'warning', self.env._(
                "This offer expired on %(date)s. Write to us below for a new quote.",
                date=format_date(self.env, self.validity_date))))
        elif self.state == 'accepted':
            alerts.append((
                'accepted', 'success', self._get_signed_text() or self.env._("This quote has been accepted.")))
        elif self.state == 'refused':
            alerts.append(('refused', 'info', self.env._("This quote was refused.")))
        elif error := self._get_portal_answer_error('accept'):
            alerts.append(('not_answerable', 'info', error))
        return alerts

    def _get_signed_text(self):
        """Who signed the quote online and when, for its page and its PDF; empty if not signed."""
        self.ensure_one()
        if not (self.signed_by and self.signed_on):
            return ""
        return self.env._("Signed online by %(name)s on %(date)s.", name=self.signed_by,
                 date=format_date(self.env, fields.Datetime.context_timestamp(self, self.signed_on)))

    def _get_portal_acceptance_text(self):
        """What the customer agrees to by signing, above the signature."""
        self.ensure_one()
        return self.env._("By signing, you accept quote %(quote)s of %(amount)s on behalf of %(customer)s: "
                 "“Approved and accepted”.",
                 quote=self.name, amount=self.currency_id.format(self.amount_total),
                 customer=self.partner_id.commercial_partner_id.name)

    def _check_portal_answer(self, answer):
        if error := self._get_portal_answer_error(answer):
            raise UserError(error)

    def _action_portal_accept(self, name, signature, author):
        """Accept the quote for the customer who signed it online as `name` (`author`: their
        partner), with `signature` (a base64 image): the quote is accepted as by its Accept button,
        the signature kept and printed, a note posted, the salesperson given an activity."""
        self.ensure_one()
        self._check_portal_answer('accept')
        name = (name or '').strip()
        if not name:
            raise UserError(self.env._("Enter your name to sign the quote."))
        if not signature:
            raise UserError(self.env._("Sign the quote to accept it."))
        try:
            signature_image = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The signature could not be read: sign again.")) from error
        self.write({'signed_by': name, 'signed_on': fields.Datetime.now(), 'signature': signature})
        self.action_accept()
        self.message_post(
            body=self.env._("Quote accepted and signed online by %(name)s.", name=name),
            attachments=[(self.env._("Signature of %(quote)s.png", quote=self.name), signature_image)],
            author_id=author.id,
            message_type='comment',
            subtype_xmlid='mail.mt_comment',
        )
        self._notify_salesperson_of_answer(lambda quote: quote.env._("Quote accepted online by %(name)s", name=name))
        return True

    def _action_portal_refuse(self, reason, author):
        """Refuse the quote for the customer (`author`), with their optional `reason`."""
        self.ensure_one()
        self._check_portal_answer('refuse')
        self.action_refuse()
        reason = (reason or '').strip()
        body = Markup("%s<br/>%s") % (self.env._("Quote refused online."), plaintext2html(reason)) if reason \
            else self.env._("Quote refused online.")
        self.message_post(body=body, author_id=author.id, message_type='comment', subtype_xmlid='mail.mt_comment')
        self._notify_salesperson_of_answer(lambda quote: quote.env._("Quote refused online"))
        return True

    def _notify_salesperson_of_answer(self, summary):
        """A to-do for the salesperson, who follows up on the customer's answer (`summary`: a
        function of the quote, so that it is written in the salesperson's language)."""
        if self.user_id:
            quote = self.with_context(lang=self.user_id.lang or self.env.lang)
            quote.activity_schedule(
                'mail.mail_activity_data_todo',
                user_id=self.user_id.id,
                summary=summary(quote),
            )

    # ------------------------------------------------------------
    # SUBSCRIPTIONS
    # ------------------------------------------------------------

    @api.depends('subscription_ids')
    def _compute_subscription_count(self):
        counts = self.env['customer.subscription']._count_by('quote_id', self)
        for quote in self:
            quote.subscription_count = counts.get(quote._origin, 0)

    def action_view_subscriptions(self):
        self.ensure_one()
        return self.env['customer.subscription']._get_list_action([('quote_id', '=', self.id)])

    def _create_subscriptions(self):
        """Open one subscription per unit of each Subscription line of these accepted quotes, for
        the quote's customer or the line's beneficiary, all in one batch."""
        lines = self.line_ids.filtered(lambda line: line.product_id.quote_item_kind == 'subscription')
        if fractional := lines.filtered(lambda line: not float(line.quantity).is_integer()):
            raise UserError(self.env._(
                "A subscription is sold by the unit: set a whole quantity for %(items)s on %(quotes)s "
                "before accepting it.",
                items=", ".join(fractional.mapped('product_id.display_name')),
                quotes=", ".join(fractional.quote_id.mapped('name')),
            ))
        vals_list = []
        for line in lines:
            vals_list += self._prepare_subscriptions_values(line)
        return self.env['customer.subscription'].create(vals_list)

    def _cancel_subscriptions(self):
        """Cancelled or reset to draft before any invoice, the quote's subscriptions are cancelled
        with it; once invoiced, they stay: the user decides."""
        quotes = self
        if 'invoice_ids' in self._fields:
            quotes = self.filtered(lambda quote: not quote.invoice_ids.filtered(lambda move: move.state != 'cancel'))
        quotes.subscription_ids.filtered(lambda subscription: subscription.state != 'cancelled').write(
            {'state': 'cancelled'})

    @api.model
    def _prepare_subscriptions_values(self, line):
        """Values of the subscriptions a quote line opens on acceptance, one per unit of quantity:
        they start on the line's start date (else the acceptance date) and last the item's duration."""
        if not line.quantity:
            return []
        quote = line.quote_id
        date_start = line.subscription_start_date or quote.answer_date or fields.Date.context_today(self)
        values = {
            'partner_id': (line.beneficiary_id or quote.partner_id).id,
            'customer_id': quote.partner_id.id,
            'product_id': line.product_id.id,
            'quote_id': quote.id,
            'quote_line_id': line.id,
            'company_id': quote.company_id.id,
            'date_start': date_start,
            'date_end': line.product_id.product_tmpl_id._get_subscription_end_date(date_start),
            'currency_id': quote.currency_id.id,
            'price': line.price_subtotal / line.quantity,
        }
        # Only the first one continues the subscription the line renews.
        return [
            {**values, 'previous_subscription_id': line.renewed_subscription_id.id if index == 0 else False}
            for index in range(int(line.quantity))
        ]
