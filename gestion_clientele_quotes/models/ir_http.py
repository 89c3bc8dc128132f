from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = 'ir.http'

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # The quote's page (portal) holds the conversation of Odoo's mail module: its texts in the
        # visitor's language too, as website_mail gives them on sites with the Website app.
        return [*super()._get_translation_frontend_modules_name(), 'mail']
