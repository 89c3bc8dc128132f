from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    quote_validity_days = fields.Integer(related='company_id.quote_validity_days', readonly=False)
    quote_followup_days = fields.Integer(related='company_id.quote_followup_days', readonly=False)
    quote_followup_max = fields.Integer(related='company_id.quote_followup_max', readonly=False)
    quote_followup_reminder = fields.Boolean(related='company_id.quote_followup_reminder', readonly=False)
