from odoo import fields, models

QUOTE_ITEM_KINDS = [
    ('article', "Article"),
    ('access', "Access"),
    ('subscription', "Subscription"),
]


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    quote_item_kind = fields.Selection(
        selection=QUOTE_ITEM_KINDS,
        string="Item Kind",
        default='article',
        index=True,
        help="How the item is offered on customer quotes: an article sold as such, "
             "an access (entries, passes) or a subscription.")
