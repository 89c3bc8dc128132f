from odoo import _, api, fields, models


class ResPartner(models.Model):
    _inherit = 'res.partner'

    customer_quote_ids = fields.One2many(
        comodel_name='customer.quote',
        inverse_name='partner_id',
        string="Quotes")
    customer_quote_count = fields.Integer(
        string="Quote Count",
        compute='_compute_customer_quote_count')

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends('customer_quote_ids')
    def _compute_customer_quote_count(self):
        counts = dict(self.env['customer.quote']._read_group(
            domain=[('partner_id', 'in', self.ids)],
            groupby=['partner_id'],
            aggregates=['__count'],
        ))
        for partner in self:
            partner.customer_quote_count = counts.get(partner._origin, 0)

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_add_customer_quote(self):
        """The Commercial tab's Add: a new quote for this customer."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'name': _("New Quote"),
            'res_model': 'customer.quote',
            'views': [(False, 'form')],
            'target': 'current',
            'context': {'default_partner_id': self.id},
        }

    def action_transfer_quote_template(self):
        """The Commercial tab's Transfer: pick a quote template and add a quote built from it."""
        self.ensure_one()
        if not self.env['customer.quote.template'].search_count(
            [('company_id', 'in', (False, self.env.company.id))], limit=1,
        ):
            return {
                'type': 'ir.actions.client',
                'tag': 'display_notification',
                'params': {
                    'type': 'warning',
                    'title': _("No quote template yet"),
                    'message': _("Transfer copies a quote template to the customer: create one first in %s."),
                    'links': [{
                        'label': _("Customer Quotes ▸ Configuration ▸ Quote Templates"),
                        'url': '/odoo/action-gestion_clientele_quotes.customer_quote_template_action',
                    }],
                },
            }
        return {
            'type': 'ir.actions.act_window',
            'name': _("Transfer a Quote Template"),
            'res_model': 'customer.quote.transfer',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'default_partner_ids': self.ids},
        }

    def action_view_customer_quotes(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'gestion_clientele_quotes.customer_quote_action')
        action['domain'] = [('partner_id', '=', self.id)]
        action['context'] = {'default_partner_id': self.id}
        return action
