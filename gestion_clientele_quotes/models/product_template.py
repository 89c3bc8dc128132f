from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

QUOTE_ITEM_KINDS = [
    ('article', "Article"),
    ('access', "Access"),
    ('subscription', "Subscription"),
]

SUBSCRIPTION_DURATION_UNITS = [
    ('day', "Days"),
    ('month', "Months"),
    ('year', "Years"),
]


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    _check_access_entries = models.Constraint(
        'CHECK(access_entries >= 0)',
        "The number of entries of an access item cannot be negative (0 means unlimited).",
    )

    quote_item_kind = fields.Selection(
        selection=QUOTE_ITEM_KINDS,
        string="Item Kind",
        default='article',
        index=True,
        help="How the item is offered on customer quotes: an article sold as such, "
             "an access (entries, passes) or a subscription.")

    # Subscriptions: how long one lasts, and how it is renewed.
    subscription_duration = fields.Integer(
        default=1,
        help="How long a subscription to this item lasts, in the unit beside it.")
    subscription_duration_unit = fields.Selection(
        selection=SUBSCRIPTION_DURATION_UNITS,
        string="Duration Unit",
        default='year',
        required=True)
    subscription_renewal_template_id = fields.Many2one(
        comodel_name='customer.quote.template',
        string="Renewal Template",
        help="Quote template of the renewal quotes proposed before a subscription to this item ends; "
             "without one, the renewal quote offers the same item at its current price.")

    # Access: entry cards.
    access_entries = fields.Integer(
        string="Entries",
        help="Number of entries the access gives, e.g. 10 for a 10-entry card (0: unlimited).")

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('quote_item_kind', 'subscription_duration')
    def _check_subscription_duration(self):
        for template in self:
            if template.quote_item_kind == 'subscription' and template.subscription_duration <= 0:
                raise ValidationError(self.env._(
                    "The subscription “%(item)s” needs a duration of at least 1 (day, month or year).",
                    item=template.display_name,
                ))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _get_subscription_end_date(self, date_start):
        """Last day of a subscription to this item starting on `date_start`: an annual pass
        from 1 September ends on 31 August."""
        self.ensure_one()
        duration = relativedelta(**{f'{self.subscription_duration_unit}s': self.subscription_duration})
        return date_start + duration - relativedelta(days=1)
