from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CustomerQuoteTemplate(models.Model):
    _name = 'customer.quote.template'
    _description = "Customer Quote Template"
    _order = 'sequence, id'
    _check_company_auto = True

    _check_validity_days = models.Constraint(
        'CHECK(validity_days >= 0)',
        "The offer validity of a quote template cannot be a negative number of days.",
    )

    name = fields.Char(string="Quote Template", required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        comodel_name='res.company',
        default=lambda self: self.env.company,
        index=True)
    validity_days = fields.Integer(
        string="Offer Validity",
        help="Days between the quote date and the offer end date of quotes made from this template. "
             "Leave at 0 to use the company's setting.")
    comment = fields.Html(
        string="Comment",
        help="Copied to the quotes made from this template.")
    line_ids = fields.One2many(
        comodel_name='customer.quote.template.line',
        inverse_name='template_id',
        string="Lines",
        copy=True)

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('company_id', 'line_ids')
    def _check_line_companies(self):
        for template in self.filtered('company_id'):
            company = template.company_id
            other = template.line_ids.product_id.filtered(
                lambda product, company=company: product.company_id and product.company_id != company)
            if other:
                raise ValidationError(_(
                    "The items %(items)s belong to another company than the template “%(template)s”.",
                    items=", ".join(other.mapped('display_name')),
                    template=template.name,
                ))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _prepare_quote_values(self, partner, quote_date):
        """Values of a quote for `partner` dated `quote_date`, built from this template."""
        self.ensure_one()
        values = {
            'partner_id': partner.id,
            'company_id': (self.company_id or self.env.company).id,
            'template_id': self.id,
            'date': quote_date,
            'comment': self.comment,
            'line_ids': [
                fields.Command.create(line._prepare_quote_line_values())
                for line in self.line_ids
            ],
        }
        # Without its own validity, the quote's offer end date follows the company's setting.
        if self.validity_days:
            values['validity_date'] = fields.Date.add(quote_date, days=self.validity_days)
        return values
