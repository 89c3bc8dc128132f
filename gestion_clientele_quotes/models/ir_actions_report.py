from odoo import models
from odoo.addons.base.models.ir_actions_report import _wkhtml

QUOTE_REPORT = 'gestion_clientele_quotes.report_customer_quote'


class IrActionsReport(models.Model):
    _inherit = 'ir.actions.report'

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # wkhtmltopdf built on an unpatched Qt (Debian's package) converts one document per
        # call, and Odoo refuses several: print a selection of quotes one quote at a time;
        # _render_qweb_pdf then merges their PDFs in order.
        if (res_ids and len(res_ids) > 1 and len(set(res_ids)) == len(res_ids)
                and not _wkhtml().is_patched_qt
                and self._get_report(report_ref).report_name == QUOTE_REPORT):
            streams = {}
            for res_id in res_ids:
                streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data), res_ids=[res_id]))
            return streams
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
