from odoo import api, fields, models
from odoo.tools import SQL

from ..models.customer_quote import ANSWERED_STATES, DECIDED_STATES, QUOTE_STATES

# Rows of the statistics by number of follow-ups; the values sort in the order the rows are shown.
FOLLOWUP_RANGES = [
    ('0', "No follow-up"),
    ('1', "1 follow-up"),
    ('2', "2 follow-ups"),
    ('3_or_more', "3 follow-ups or more"),
]


class CustomerQuoteFollowupReport(models.Model):
    _name = 'customer.quote.followup.report'
    _description = "Quote Follow-up Statistics"
    _auto = False
    _order = 'date desc, id desc'

    _depends = {
        'customer.quote': [
            'name', 'date', 'state', 'partner_id', 'user_id', 'company_id', 'currency_id',
            'amount_untaxed', 'followup_count', 'answer_date',
        ],
        'customer.quote.line': ['quote_id', 'product_id', 'price_subtotal'],
        'product.product': ['product_tmpl_id'],
        'product.template': ['quote_item_kind'],
    }

    # Dimensions
    quote_id = fields.Many2one(comodel_name='customer.quote', readonly=True)
    name = fields.Char(string="Number", readonly=True)
    date = fields.Date(string="Quote Date", readonly=True)
    partner_id = fields.Many2one(comodel_name='res.partner', string="Customer", readonly=True)
    user_id = fields.Many2one(comodel_name='res.users', string="Salesperson", readonly=True)
    company_id = fields.Many2one(comodel_name='res.company', readonly=True)
    currency_id = fields.Many2one(comodel_name='res.currency', readonly=True)
    state = fields.Selection(selection=QUOTE_STATES, string="Status", readonly=True)
    followup_count = fields.Integer(
        string="Follow-ups", readonly=True, aggregator='sum',
        help="Number of times the customer has been followed up about this quote.")
    followup_range = fields.Selection(
        selection=FOLLOWUP_RANGES,
        string="Number of Follow-ups", readonly=True,
        help="The quotes grouped by the number of times their customer was followed up.")
    item_kind = fields.Selection(
        selection='_selection_item_kind',
        string="Main Item Kind", readonly=True,
        help="The kind of the items that make the largest part of the quote's untaxed amount "
             "(on a tie: Access, then Article, then Subscription); empty for a quote without items.")

    # Measures
    quote_count = fields.Integer(string="Quotes", readonly=True, aggregator='sum')
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True, aggregator='sum')
    accepted_count = fields.Integer(string="Accepted Quotes", readonly=True, aggregator='sum')
    accepted_amount = fields.Monetary(readonly=True, aggregator='sum')
    acceptance_rate = fields.Float(
        string="Acceptance Rate (%)", readonly=True, aggregator='avg',
        help="Share of the quotes with an outcome (accepted, refused or expired) that were accepted. "
             "Open and cancelled quotes are left out.")
    answer_followup_count = fields.Float(
        string="Follow-ups Before Answer", readonly=True, aggregator='avg',
        help="Average number of follow-ups of the quotes the customer accepted or refused.")
    answer_days = fields.Float(
        string="Days to Answer", readonly=True, aggregator='avg',
        help="Average number of days between the quote date and the customer's answer (accepted or refused).")

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    @api.readonly
    def action_open_quote(self):
        """Open the quote of a row of the list."""
        self.ensure_one()
        return self.quote_id.action_open_quote()

    # ------------------------------------------------------------
    # TOOLING
    # ------------------------------------------------------------

    @api.model
    def _selection_item_kind(self):
        # The item kinds and their translated labels are the product's own.
        return self.env['product.template']._fields['quote_item_kind']._description_selection(self.env)

    @property
    def _table_query(self):
        return SQL("%s %s", self._select(), self._from())

    def _select(self):
        return SQL(
            """
            SELECT
                quote.id AS id,
                quote.id AS quote_id,
                quote.name AS name,
                quote.date AS date,
                quote.state AS state,
                quote.partner_id AS partner_id,
                quote.user_id AS user_id,
                quote.company_id AS company_id,
                quote.currency_id AS currency_id,
                COALESCE(quote.followup_count, 0) AS followup_count,
                CASE
                    WHEN COALESCE(quote.followup_count, 0) >= 3 THEN '3_or_more'
                    ELSE COALESCE(quote.followup_count, 0)::varchar
                END AS followup_range,
                (%(main_item_kind)s) AS item_kind,
                1 AS quote_count,
                quote.amount_untaxed AS amount_untaxed,
                CASE WHEN quote.state = 'accepted' THEN 1 ELSE 0 END AS accepted_count,
                CASE WHEN quote.state = 'accepted' THEN quote.amount_untaxed ELSE 0 END AS accepted_amount,
                CASE
                    WHEN quote.state = 'accepted' THEN 100.0
                    WHEN quote.state IN %(decided_states)s THEN 0.0
                END AS acceptance_rate,
                CASE
                    WHEN quote.state IN %(answered_states)s THEN COALESCE(quote.followup_count, 0)
                END AS answer_followup_count,
                CASE
                    WHEN quote.state IN %(answered_states)s THEN quote.answer_date - quote.date
                END AS answer_days
            """,
            main_item_kind=self._select_main_item_kind(),
            decided_states=DECIDED_STATES,
            answered_states=ANSWERED_STATES,
        )

    def _select_main_item_kind(self):
        # A correlated subquery rather than a join: PostgreSQL only runs it when the kind is
        # displayed, grouped or filtered on, so the other statistics never read the lines.
        return SQL(
            """
            SELECT template.quote_item_kind
              FROM customer_quote_line line
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE line.quote_id = quote.id
          GROUP BY template.quote_item_kind
          ORDER BY SUM(line.price_subtotal) DESC NULLS LAST, template.quote_item_kind
             LIMIT 1
            """
        )

    def _from(self):
        return SQL("FROM customer_quote quote")
