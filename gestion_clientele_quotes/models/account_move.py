from odoo import fields, models


class AccountMove(models.Model):
    _inherit = 'account.move'

    customer_quote_id = fields.Many2one(
        comodel_name='customer.quote',
        readonly=True, copy=False, index='btree_not_null', check_company=True,
        help="The quote this invoice was made from.")
    is_quote_deposit = fields.Boolean(
        string="Quote Deposit", readonly=True, copy=False,
        help="A deposit (down payment) on the quote: its balance invoice deducts it.")

    def action_open_customer_quote(self):
        self.ensure_one()
        return self.customer_quote_id._get_records_action()
