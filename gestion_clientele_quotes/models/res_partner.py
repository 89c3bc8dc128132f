from collections import defaultdict

from odoo import api, fields, models

from .customer_quote import DECIDED_STATES, OPEN_STATES

# The quote fields of a customer are for quote users: anyone else reading partners (an
# accountant, an integration, a portal user) neither sees nor computes them.
QUOTE_USER_GROUP = 'gestion_clientele_quotes.group_customer_quote_user'


class ResPartner(models.Model):
    _inherit = 'res.partner'

    customer_quote_ids = fields.One2many(
        comodel_name='customer.quote',
        inverse_name='partner_id',
        string="Quotes",
        groups=QUOTE_USER_GROUP)
    customer_quote_count = fields.Integer(
        string="Quote Count",
        compute='_compute_customer_quote_statistics',
        groups=QUOTE_USER_GROUP)
    customer_quote_decided_count = fields.Integer(
        string="Quotes With an Outcome",
        compute='_compute_customer_quote_statistics',
        help="The customer's accepted, refused and expired quotes.",
        groups=QUOTE_USER_GROUP)
    customer_quote_acceptance_rate = fields.Float(
        string="Acceptance Rate",
        compute='_compute_customer_quote_statistics',
        help="Share of the customer's quotes with an outcome (accepted, refused or expired) that were accepted.",
        groups=QUOTE_USER_GROUP)
    customer_quote_open_amount = fields.Monetary(
        string="Open Quotes Amount",
        compute='_compute_customer_quote_statistics',
        currency_field='customer_quote_currency_id',
        help="Untaxed amount of the customer's draft and sent quotes.",
        groups=QUOTE_USER_GROUP)
    customer_quote_next_followup_date = fields.Date(
        string="Next Follow-up",
        compute='_compute_customer_quote_statistics',
        help="Earliest follow-up date of the customer's draft and sent quotes.",
        groups=QUOTE_USER_GROUP)
    customer_quote_currency_id = fields.Many2one(
        comodel_name='res.currency',
        compute='_compute_customer_quote_statistics',
        groups=QUOTE_USER_GROUP)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('customer_quote_ids')
    @api.depends_context('company')
    def _compute_customer_quote_statistics(self):
        # One grouped query for the whole set of customers, whatever their number of quotes.
        stats = defaultdict(lambda: {'count': 0, 'accepted': 0, 'decided': 0, 'open_amount': 0.0, 'next': False})
        for partner, state, count, open_amount, next_date in self.env['customer.quote']._read_group(
            domain=[('partner_id', 'in', self._origin.ids)],
            groupby=['partner_id', 'state'],
            aggregates=['__count', 'amount_untaxed:sum', 'followup_date:min'],
        ):
            partner_stats = stats[partner.id]
            partner_stats['count'] += count
            if state in DECIDED_STATES:
                partner_stats['decided'] += count
                partner_stats['accepted'] += count if state == 'accepted' else 0
            elif state in OPEN_STATES:
                partner_stats['open_amount'] += open_amount
                if next_date and (not partner_stats['next'] or next_date < partner_stats['next']):
                    partner_stats['next'] = next_date
        currency = self.env.company.currency_id
        for partner in self:
            partner_stats = stats[partner._origin.id]
            partner.customer_quote_count = partner_stats['count']
            partner.customer_quote_decided_count = partner_stats['decided']
            partner.customer_quote_acceptance_rate = (
                partner_stats['accepted'] / partner_stats['decided'] if partner_stats['decided'] else 0.0)
            partner.customer_quote_open_amount = partner_stats['open_amount']
            partner.customer_quote_next_followup_date = partner_stats['next']
            partner.customer_quote_currency_id = currency

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_add_customer_quote(self):
        """The Commercial tab's Add: a new quote for this customer."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("New Quote"),
            'res_model': 'customer.quote',
            'views': [(False, 'form')],
            'target': 'current',
            'context': {'default_partner_id': self.id},
        }

    def action_transfer_quote_template(self):
        """The Commercial tab's Transfer: pick a quote template and add a quote built from it."""
        self.ensure_one()
        if not self.env['customer.quote.template'].search_count(
            [('company_id', 'in', (False, self.env.company.id))], limit=1,
        ):
            return {
                'type': 'ir.actions.client',
                'tag': 'display_notification',
                'params': {
                    'type': 'warning',
                    'title': self.env._("No quote template yet"),
                    'message': self.env._("Transfer copies a quote template to the customer: create one first in %s."),
                    'links': [{
                        'label': self.env._("Customer Quotes ▸ Configuration ▸ Quote Templates"),
                        'url': '/odoo/action-gestion_clientele_quotes.customer_quote_template_action',
                    }],
                },
            }
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Transfer a Quote Template"),
            'res_model': 'customer.quote.transfer',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'default_partner_ids': self.ids},
        }

    def action_view_customer_quotes(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'gestion_clientele_quotes.customer_quote_action')
        action['domain'] = [('partner_id', '=', self.id)]
        action['context'] = {'default_partner_id': self.id}
        return action

    # ------------------------------------------------------------
    # SUBSCRIPTIONS
    # ------------------------------------------------------------

    customer_subscription_ids = fields.One2many(
        comodel_name='customer.subscription',
        inverse_name='partner_id',
        string="Subscriptions",
        groups=QUOTE_USER_GROUP)
    customer_subscription_count = fields.Integer(
        string="Subscription Count",
        compute='_compute_customer_subscription_count',
        groups=QUOTE_USER_GROUP)

    @api.depends('customer_subscription_ids')
    def _compute_customer_subscription_count(self):
        counts = self.env['customer.subscription']._count_by('partner_id', self)
        for partner in self:
            partner.customer_subscription_count = counts.get(partner._origin, 0)

    def action_view_customer_subscriptions(self):
        self.ensure_one()
        return self.env['customer.subscription']._get_list_action([('partner_id', '=', self.id)])
