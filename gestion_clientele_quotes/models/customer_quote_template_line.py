from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CustomerQuoteTemplateLine(models.Model):
    _name = 'customer.quote.template.line'
    _description = "Customer Quote Template Line"
    _order = 'template_id, sequence, id'
    _check_company_auto = True

    template_id = fields.Many2one(
        comodel_name='customer.quote.template',
        string="Quote Template",
        required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(string="Display Order", default=10)
    company_id = fields.Many2one(related='template_id.company_id', store=True, index=True)

    product_id = fields.Many2one(
        comodel_name='product.product',
        string="Item",
        required=True, check_company=True, ondelete='restrict',
        domain=[('sale_ok', '=', True)])
    name = fields.Text(
        string="Description", translate=True,
        compute='_compute_name', store=True, readonly=False, precompute=True, required=True)
    quantity = fields.Float(digits='Product Unit', default=1.0, required=True)
    price_unit = fields.Float(
        string="Fixed Price",
        digits='Product Price',
        help="Leave at 0 to use the item's sales price on the day of the transfer.")
    discount = fields.Float(string="Discount %")

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('product_id')
    def _compute_name(self):
        for line in self.filtered('product_id'):
            line.name = line.product_id.get_product_multiline_description_sale()

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains('quantity', 'price_unit', 'discount')
    def _check_values(self):
        for line in self:
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(self.env._(
                    "The quantity and price of “%(item)s” cannot be negative.",
                    item=line.product_id.display_name))
            if not 0 <= line.discount <= 100:
                raise ValidationError(self.env._(
                    "The discount on “%(item)s” must be between 0 and 100%%.",
                    item=line.product_id.display_name))

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    def write(self, vals):
        # As for quote lines: moved to another template, a line would leave its company's rules.
        if 'template_id' in vals and (moved := self.filtered(lambda line: line.template_id.id != vals['template_id'])):
            raise UserError(self.env._(
                "A template line cannot be moved to another template (%(items)s of %(templates)s): "
                "delete it and add the item to the other template.",
                items=", ".join(moved.mapped('product_id.display_name')),
                templates=", ".join(moved.template_id.mapped('name')),
            ))
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _prepare_quote_line_values(self):
        self.ensure_one()
        values = {
            'sequence': self.sequence,
            'product_id': self.product_id.id,
            'name': self.name,
            'quantity': self.quantity,
        }
        # Without a price or discount of its own, the line takes the customer's price list's.
        if self.price_unit:
            values['price_unit'] = self.price_unit
        if self.discount:
            values['discount'] = self.discount
        return values
