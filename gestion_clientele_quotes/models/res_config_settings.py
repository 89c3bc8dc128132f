from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    quote_validity_days = fields.Integer(related='company_id.quote_validity_days', readonly=False)
    quote_followup_days = fields.Integer(related='company_id.quote_followup_days', readonly=False)
    quote_followup_max = fields.Integer(related='company_id.quote_followup_max', readonly=False)
    quote_followup_reminder = fields.Boolean(related='company_id.quote_followup_reminder', readonly=False)
    quote_renewal_days = fields.Integer(related='company_id.quote_renewal_days', readonly=False)
    quote_portal_signature = fields.Boolean(related='company_id.quote_portal_signature', readonly=False)
    quote_deposit_product_id = fields.Many2one(related='company_id.quote_deposit_product_id', readonly=False)
