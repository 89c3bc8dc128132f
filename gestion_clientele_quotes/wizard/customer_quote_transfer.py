from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CustomerQuoteTransfer(models.TransientModel):
    _name = 'customer.quote.transfer'
    _description = "Create Quotes from a Template"

    partner_ids = fields.Many2many(
        comodel_name='res.partner',
        string="Customers",
        default=lambda self: self._default_partner_ids())
    template_id = fields.Many2one(
        comodel_name='customer.quote.template',
        string="Quote Template",
        domain="[('company_id', 'in', (False, company_id))]")
    company_id = fields.Many2one(
        comodel_name='res.company',
        required=True,
        default=lambda self: self.env.company)
    date = fields.Date(
        string="Quote Date",
        required=True,
        default=fields.Date.context_today)

    @api.model
    def _default_partner_ids(self):
        context = self.env.context
        if context.get('active_model') == 'res.partner':
            return context.get('active_ids') or []
        return []

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_transfer(self):
        """Add a quote built from the template to each customer's quotes, then show them."""
        self.ensure_one()
        if not self.template_id:
            raise UserError(_("Choose the quote template to transfer."))
        if not self.partner_ids:
            raise UserError(_("Choose at least one customer to transfer the quote template to."))
        template_company = self.template_id.company_id
        if template_company and (
            other := self.partner_ids.filtered(
                lambda partner: partner.company_id and partner.company_id != template_company)
        ):
            raise UserError(_(
                "The template “%(template)s” belongs to %(company)s; %(customers)s belong to another company.",
                template=self.template_id.name,
                company=template_company.name,
                customers=", ".join(other.mapped('display_name')),
            ))
        quotes = self.env['customer.quote'].create([
            self.template_id._prepare_quote_values(partner, self.date)
            for partner in self.partner_ids
        ])
        return quotes._get_records_action(name=_("Quotes from %(template)s", template=self.template_id.name))
