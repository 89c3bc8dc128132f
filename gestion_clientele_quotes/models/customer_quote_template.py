import textwrap

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext

# Longest name given to a template saved from a quote: what shows whole in a list or a dropdown.
NAME_FROM_QUOTE_LENGTH = 60


class CustomerQuoteTemplate(models.Model):
    _name = 'customer.quote.template'
    _description = "Customer Quote Template"
    _order = 'sequence, id'
    _check_company_auto = True

    _check_validity_days = models.Constraint(
        'CHECK(validity_days >= 0)',
        "The offer validity of a quote template cannot be a negative number of days.",
    )

    # Name, comment and line descriptions in each customer's language, as on
    # Odoo's sale quotation templates: a quote is made in its customer's.
    name = fields.Char(string="Quote Template", required=True, translate=True)
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
        translate=True,
        help="Copied to the quotes made from this template, in the customer's language.")
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
                raise ValidationError(self.env._(
                    "The items %(items)s belong to another company than the template “%(template)s”.",
                    items=", ".join(other.mapped('display_name')),
                    template=template.name,
                ))

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _prepare_quote_values(self, partner, quote_date):
        """Values of a quote for `partner` dated `quote_date`, built from this template,
        with its texts in the customer's language."""
        self.ensure_one()
        template = self.with_context(lang=partner.lang or self.env.lang)
        values = {
            'partner_id': partner.id,
            'company_id': (template.company_id or self.env.company).id,
            'template_id': template.id,
            'date': quote_date,
            'comment': template.comment,
            'line_ids': [
                fields.Command.create(line._prepare_quote_line_values())
                for line in template.line_ids
            ],
        }
        # Without its own validity, the quote's offer end date follows the company's setting.
        if template.validity_days:
            values['validity_date'] = fields.Date.add(quote_date, days=template.validity_days)
        return values

    @api.model
    def _get_name_from_quote(self, quote):
        """A name for a template saved from `quote`, after what it sells: its items' names in
        order ("Annual subscription + Swim cap + …"), else the first line of its comment, else
        its number. The quote's number and customer would not say what the template offers."""
        item_names = list(dict.fromkeys(quote.line_ids.sorted('sequence').product_id.mapped('name')))
        if item_names:
            name = item_names[0]
            for item_name in item_names[1:]:
                if len(name) + len(" + ") + len(item_name) > NAME_FROM_QUOTE_LENGTH:
                    name += " + …"
                    break
                name += f" + {item_name}"
        else:
            comment_lines = html2plaintext(quote.comment or "").splitlines()
            name = next((line.strip() for line in comment_lines if line.strip()), quote.name)
        return textwrap.shorten(name, width=NAME_FROM_QUOTE_LENGTH + len(" + …"), placeholder=" …")
