from odoo import api, fields, models

from ..models.customer_quote import OPEN_STATES


class CustomerQuoteFollowup(models.TransientModel):
    _name = 'customer.quote.followup'
    _description = "Record a Quote Follow-up"

    quote_ids = fields.Many2many(
        comodel_name='customer.quote',
        string="Quotes",
        required=True)
    note = fields.Text(
        string="What Was Said",
        help="Kept in the quote's chatter with the follow-up.")
    next_followup_date = fields.Date(
        string="Next Follow-up",
        compute='_compute_next_followup')
    followup_max_reached = fields.Boolean(string="Last Follow-up", compute='_compute_next_followup')
    followup_max = fields.Integer(related='quote_ids.company_id.quote_followup_max')

    @api.depends('quote_ids')
    def _compute_next_followup(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            next_dates = {
                quote.company_id._quote_next_followup_date(quote.followup_count + 1, today)
                for quote in wizard.quote_ids
            }
            wizard.followup_max_reached = next_dates == {False}
            # One date for the whole selection, or none shown.
            wizard.next_followup_date = next_dates.pop() if len(next_dates) == 1 else False

    def action_record(self):
        self.ensure_one()
        self.quote_ids._check_state(OPEN_STATES, self.env._("Follow Up"))
        self.quote_ids._record_followup(self.note)
        return {'type': 'ir.actions.act_window_close'}
