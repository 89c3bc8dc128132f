import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Where a subscription comes from: set when it is opened (or renewed), then read-only for everyone.
ORIGIN_FIELDS = {
    'quote_id', 'quote_line_id', 'previous_subscription_id', 'renewal_quote_id', 'customer_id', 'company_id',
}

# What differs between the lines of renewal quotes alike: the subscription each one renews.
RENEWAL_LINE_FIELDS = ('renewed_subscription_id', 'subscription_start_date', 'beneficiary_id')

SUBSCRIPTION_STATES = [
    ('upcoming', "Upcoming"),
    ('active', "Active"),
    ('expired', "Expired"),
    ('cancelled', "Cancelled"),
]


class CustomerSubscription(models.Model):
    _name = 'customer.subscription'
    _inherit = ['mail.thread']
    _description = "Customer Subscription"
    _order = 'date_end desc, id desc'
    _check_company_auto = True

    _check_dates = models.Constraint(
        'CHECK(date_end >= date_start)',
        "A subscription cannot end before it starts.",
    )
    _check_price = models.Constraint(
        'CHECK(price >= 0)',
        "The price paid for a subscription cannot be negative.",
    )
    # The daily actions look for subscriptions to move on and to renew by their dates.
    _upcoming_date_start_idx = models.Index("(date_start) WHERE state = 'upcoming'")
    _to_renew_date_end_idx = models.Index("(date_end) WHERE state = 'active' AND renewal_quote_id IS NULL")

    name = fields.Char(
        string="Subscription",
        compute='_compute_name', store=True, readonly=False, precompute=True, required=True)
    company_id = fields.Many2one(
        comodel_name='res.company',
        required=True, index=True,
        default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        comodel_name='res.partner',
        string="Subscriber",
        required=True, index=True, check_company=True, tracking=True,
        help="Who uses the subscription: the quote's customer, or the beneficiary set on the quote line.")
    customer_id = fields.Many2one(
        comodel_name='res.partner',
        compute='_compute_customer_id', store=True, readonly=False, precompute=True,
        required=True, index=True, check_company=True,
        help="Who pays and receives the renewal quotes: the quote's customer.")
    product_id = fields.Many2one(
        comodel_name='product.product',
        string="Item",
        required=True, index=True, check_company=True, ondelete='restrict')

    # Where it comes from.
    quote_id = fields.Many2one(
        comodel_name='customer.quote',
        index='btree_not_null', check_company=True, ondelete='set null', readonly=True)
    quote_line_id = fields.Many2one(
        comodel_name='customer.quote.line',
        index='btree_not_null', check_company=True, ondelete='set null', readonly=True)
    previous_subscription_id = fields.Many2one(
        comodel_name='customer.subscription',
        string="Renewal Of",
        index='btree_not_null', check_company=True, readonly=True,
        help="The subscription this one renews.")
    renewal_quote_id = fields.Many2one(
        comodel_name='customer.quote',
        index='btree_not_null', check_company=True, copy=False, readonly=True,
        help="The quote proposing the renewal of this subscription.")

    # Period and status: the status follows the dates, the daily action keeps it current.
    date_start = fields.Date(string="Start Date", required=True, tracking=True)
    date_end = fields.Date(string="End Date", required=True, tracking=True)
    state = fields.Selection(
        selection=SUBSCRIPTION_STATES,
        string="Status",
        required=True, readonly=True, index=True, copy=False, tracking=True,
        help="Upcoming, active or expired as the dates say; the daily action keeps it current.")

    # Price paid: the quote line's subtotal for one unit, in the quote's currency.
    currency_id = fields.Many2one(
        comodel_name='res.currency',
        required=True,
        default=lambda self: self.env.company.currency_id)
    price = fields.Monetary(string="Price Paid", help="Price excluding tax paid for this subscription.")

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('product_id', 'partner_id')
    def _compute_name(self):
        for subscription in self:
            subscription.name = " – ".join(filter(None, [
                subscription.product_id.name, subscription.partner_id.name]))

    @api.depends('partner_id', 'quote_id')
    def _compute_customer_id(self):
        for subscription in self:
            subscription.customer_id = subscription.quote_id.partner_id or subscription.partner_id

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if not vals.get('state') and vals.get('date_start') and vals.get('date_end'):
                vals['state'] = self._get_state_from_dates(
                    fields.Date.to_date(vals['date_start']), fields.Date.to_date(vals['date_end']), today)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_write_allowed(vals)
        res = super().write(vals)
        if {'date_start', 'date_end'}.intersection(vals) and 'state' not in vals:
            # New dates, new status; a cancelled subscription stays cancelled.
            self.filtered(lambda subscription: subscription.state != 'cancelled')._update_states()
        return res

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_cancel(self):
        if expired := self.filtered(lambda subscription: subscription.state == 'expired'):
            raise UserError(self.env._(
                "%(subscriptions)s has already ended: an expired subscription cannot be cancelled.",
                subscriptions=", ".join(expired.mapped('name')),
            ))
        self.write({'state': 'cancelled'})
        return True

    def action_reactivate(self):
        """Undo a cancellation: the status follows the dates again."""
        cancelled = self.filtered(lambda subscription: subscription.state == 'cancelled')
        today = fields.Date.context_today(self)
        for state, subscriptions in cancelled.grouped(lambda subscription: subscription._get_state_on(today)).items():
            subscriptions.write({'state': state})
        return True

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _check_write_allowed(self, vals):
        """Whatever the client: the origin of a subscription does not change, and its status only
        moves by cancellation or by its dates (the buttons and the daily action)."""
        if changed := ORIGIN_FIELDS.intersection(vals):
            raise UserError(self.env._(
                "The quote, customer, company and renewal links of a subscription are set when it is "
                "opened and cannot be changed (%(fields)s).",
                fields=", ".join(sorted(self._fields[fname].get_description(self.env)['string'] for fname in changed)),
            ))
        if vals.get('state') in (None, 'cancelled'):
            return
        today = fields.Date.context_today(self)
        for subscription in self:
            date_start = fields.Date.to_date(vals.get('date_start')) or subscription.date_start
            date_end = fields.Date.to_date(vals.get('date_end')) or subscription.date_end
            if self._get_state_from_dates(date_start, date_end, today) != vals['state']:
                raise UserError(self.env._(
                    "The status of %(subscription)s follows its dates: change its start or end date instead.",
                    subscription=subscription.name,
                ))

    @api.model
    def _count_by(self, fname, records):
        """{record: its number of subscriptions}, `fname` being the subscriptions' field to `records`."""
        return dict(self._read_group([(fname, 'in', records._origin.ids)], groupby=[fname], aggregates=['__count']))

    @api.model
    def _get_list_action(self, domain):
        """The Subscriptions list restricted to `domain` (smart buttons of quotes and customers)."""
        action = self.env['ir.actions.act_window']._for_xml_id('gestion_clientele_quotes.customer_subscription_action')
        action['domain'] = domain
        return action

    def _get_state_on(self, day):
        """The status the subscription's dates give it on `day` (cancellation aside)."""
        self.ensure_one()
        return self._get_state_from_dates(self.date_start, self.date_end, day)

    @api.model
    def _get_state_from_dates(self, date_start, date_end, day):
        if day < date_start:
            return 'upcoming'
        if day > date_end:
            return 'expired'
        return 'active'

    def _update_states(self):
        """Set each subscription's status to what its dates give today, one write per status."""
        today = fields.Date.context_today(self)
        for state, subscriptions in self.grouped(lambda subscription: subscription._get_state_on(today)).items():
            # The chatter of thousands of subscriptions a night is not worth a message each.
            subscriptions.filtered(lambda subscription, state=state: subscription.state != state).with_context(
                tracking_disable=True).write({'state': state})

    @api.model
    def _cron_update_states(self, batch_size=1000):
        """Move the subscriptions whose start or end date has passed to active or expired, one
        committed batch at a time."""
        today = fields.Date.context_today(self)
        domain = (
            Domain('state', '=', 'upcoming') & Domain('date_start', '<=', today)
        ) | (
            Domain('state', '=', 'active') & Domain('date_end', '<', today)
        )
        IrCron = self.env['ir.cron']
        IrCron._commit_progress(remaining=self.search_count(domain))
        while subscriptions := self.search(domain, limit=batch_size, order='id'):
            subscriptions._update_states()
            if not IrCron._commit_progress(len(subscriptions)):
                break

    @api.model
    def _get_renewal_domain(self, today):
        """Active subscriptions not yet renewed that end within their company's renewal delay."""
        companies = self.env['res.company'].sudo().search([('quote_renewal_days', '>', 0)])
        if not companies:
            return Domain.FALSE
        return Domain('state', '=', 'active') & Domain('renewal_quote_id', '=', False) & Domain.OR(
            Domain('company_id', '=', company.id)
            & Domain('date_end', '<=', today + timedelta(days=company.quote_renewal_days))
            for company in companies
        )

    @api.model
    def _cron_create_renewal_quotes(self, batch_size=500):
        """Propose a draft renewal quote for the subscriptions ending soon: one quote per customer
        for all their subscriptions due, one committed batch of customers at a time. A subscription
        that has its renewal quote is not proposed again: running twice makes nothing more."""
        today = fields.Date.context_today(self)
        domain = self._get_renewal_domain(today)
        IrCron = self.env['ir.cron']
        # The customers to renew are listed once; each batch then reads only its own subscriptions.
        customer_ids = [
            customer.id for customer, in self._read_group(domain, groupby=['customer_id'], order='customer_id')]
        IrCron._commit_progress(remaining=len(customer_ids))
        for batch_customer_ids in split_every(batch_size, customer_ids, list):
            self.search(domain & Domain('customer_id', 'in', batch_customer_ids))._run_renewal_batch()
            if not IrCron._commit_progress(len(batch_customer_ids)):
                break
            self.env.invalidate_all()

    def _run_renewal_batch(self):
        """Create the batch's renewal quotes in one go; if that fails, customer by customer so that
        one customer's broken data does not hold back the others. Return the subscriptions done."""
        try:
            with self.env.cr.savepoint():
                self._create_renewal_quotes()
            return self
        except Exception:  # any error of one customer must not stop the batch
            if len(self.customer_id) == 1:
                _logger.exception(
                    "Renewal quote for customer %s (id %s) failed; it is skipped today.",
                    self.customer_id.display_name, self.customer_id.id)
                return self.browse()
        done = self.browse()
        for subscriptions in self.grouped('customer_id').values():
            done |= subscriptions._run_renewal_batch()
        return done

    def _create_renewal_quotes(self):
        """Create one draft renewal quote per (company, customer) for these subscriptions, in one
        batch, and link each subscription to its quote."""
        today = fields.Date.context_today(self)
        groups = list(self.grouped(lambda subscription: (subscription.company_id, subscription.customer_id)).items())
        vals_list = [
            subscriptions._prepare_renewal_quote_values(customer, company, today)
            for (company, customer), subscriptions in groups
        ]
        # Customers renewing the same items get quotes alike: copied rather than each made anew.
        quotes = self.env['customer.quote'].with_context(tracking_disable=True)._create_alike(
            vals_list, varying_line_fields=RENEWAL_LINE_FIELDS)
        self._link_renewal_quotes([
            (subscriptions, quote) for quote, (_key, subscriptions) in zip(quotes, groups, strict=True)
        ])
        return quotes

    def _link_renewal_quotes(self, links):
        """Set the renewal quote of the subscriptions of each (subscriptions, quote) of `links`:
        one UPDATE for all of them, the ORM's write being one query and its checks per quote.
        The field is read-only for users and not tracked; should a stored field come to depend on
        it, the ORM writes it instead, so that the field is recomputed."""
        if any(field.store for field in self.pool.get_dependent_fields(self._fields['renewal_quote_id'])):
            for subscriptions, quote in links:
                subscriptions.renewal_quote_id = quote
            return
        self.env.flush_all()
        subscription_ids, quote_ids = [], []
        for subscriptions, quote in links:
            subscription_ids += subscriptions.ids
            quote_ids += [quote.id] * len(subscriptions)
        self.env.cr.execute(SQL(
            """
            UPDATE customer_subscription subscription
               SET renewal_quote_id = link.quote_id, write_uid = %(uid)s, write_date = %(now)s
              FROM unnest(%(subscription_ids)s::int4[], %(quote_ids)s::int4[]) AS link(subscription_id, quote_id)
             WHERE subscription.id = link.subscription_id
            """,
            uid=self.env.uid,
            now=self.env.cr.now(),
            subscription_ids=subscription_ids,
            quote_ids=quote_ids,
        ))
        self.browse(subscription_ids).invalidate_recordset(['renewal_quote_id', 'write_uid', 'write_date'])

    def _prepare_renewal_quote_values(self, customer, company, quote_date):
        """A draft quote for `customer` renewing these subscriptions of `company`: the lines of the
        item's renewal template when it has one, else the same item at its current price."""
        templates = self.product_id.subscription_renewal_template_id.filtered(
            lambda template: template.company_id in (company, template.browse()))
        if len(templates) == 1:
            values = templates._prepare_quote_values(customer, quote_date)
            values['company_id'] = company.id
        else:
            values = {'partner_id': customer.id, 'company_id': company.id, 'date': quote_date}
        values['user_id'] = self.quote_id.user_id[:1].id
        values['line_ids'] = [
            Command.create(line_values)
            for subscription in self.sorted(lambda subscription: (subscription.date_end, subscription.id))
            for line_values in subscription._prepare_renewal_line_values()
        ]
        return values

    def _prepare_renewal_line_values(self):
        """The renewal quote's lines for this subscription; its subscription line opens the next
        subscription, for the same subscriber, the day after this one ends."""
        self.ensure_one()
        template = self.product_id.subscription_renewal_template_id
        # An item shared by several companies may name a template of one of them only.
        if template and template.company_id in (self.company_id, template.browse()):
            lines_values = [
                line._prepare_quote_line_values()
                for line in template.with_context(lang=self.customer_id.lang or self.env.lang).line_ids
            ]
        else:
            lines_values = [{'product_id': self.product_id.id, 'quantity': 1.0}]
        renewing = next(
            (values for values in lines_values
             if self.env['product.product'].browse(values['product_id']).quote_item_kind == 'subscription'),
            None)
        if renewing:
            renewing.update({
                'renewed_subscription_id': self.id,
                'subscription_start_date': self.date_end + timedelta(days=1),
                'beneficiary_id': self.partner_id.id if self.partner_id != self.customer_id else False,
            })
        return lines_values
