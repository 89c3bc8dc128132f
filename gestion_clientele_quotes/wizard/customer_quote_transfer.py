from odoo import api, fields, models
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
            raise UserError(self.env._("Choose the quote template to transfer."))
        if not self.partner_ids:
            raise UserError(self.env._("Choose at least one customer to transfer the quote template to."))
        template_company = self.template_id.company_id
        if template_company and (
            other := self.partner_ids.filtered(
                lambda partner: partner.company_id and partner.company_id != template_company)
        ):
            raise UserError(self.env._(
                "The template “%(template)s” belongs to %(company)s; %(customers)s belong to another company.",
                template=self.template_id.name,
                company=template_company.name,
                customers=", ".join(other.mapped('display_name')),
            ))
        quotes = self.env['customer.quote'].create([
            self.template_id._prepare_quote_values(partner, self.date)
            for partner in self.partner_ids
        ])
        if self._launched_from_customer_form():
            return self._notify_quote_created(quotes)
        return quotes._get_records_action(name=self.env._("Quotes from %(template)s", template=self.template_id.name))

    # ------------------------------------------------------------
    # TOOLING
    # ------------------------------------------------------------

    def _launched_from_customer_form(self):
        """Whether the wizard was opened from one customer's form (its Commercial tab's Transfer)
        and still transfers to that customer alone: then the user goes back to that form."""
        context = self.env.context
        return (
            context.get('active_model') == 'res.partner'
            # A selection in the customers' list or kanban view comes with its domain.
            and 'active_domain' not in context
            and context.get('active_ids') == self.partner_ids.ids
            and len(self.partner_ids) == 1
        )

    def _notify_quote_created(self, quote):
        """Say the quote was made, with a link to it, and close the dialog: the customer's form
        reloads and shows the new quote in its Commercial tab."""
        quote.ensure_one()
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'success',
                'title': self.env._("Quote created"),
                # The web client puts the link to the quote in place of %s.
                'message': self.env._(
                    "Quote %(quote)s created for %(customer)s", quote="%s", customer=quote.partner_id.display_name),
                'links': [{
                    'label': quote.name,
                    'url': f'/odoo/action-gestion_clientele_quotes.customer_quote_action/{quote.id}',
                }],
                'sticky': False,
                'next': {'type': 'ir.actions.act_window_close'},
            },
        }
