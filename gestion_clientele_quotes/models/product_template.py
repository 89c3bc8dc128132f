from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    quote_item_kind = fields.Selection(
        selection=[
            ('article', "Article"),
            ('access', "Access"),
            ('subscription', "Subscription"),
        ],
        string="Item Kind",
        default='article',
        index=True,
        help="How the item is offered on customer quotes: an article sold as such, "
             "an access (entries, passes) or a subscription.")
