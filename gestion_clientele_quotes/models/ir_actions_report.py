from odoo import models
from odoo.tools.misc import split_every

QUOTE_REPORT = 'gestion_clientele_quotes.report_customer_quote'
# Quotes printed per wkhtmltopdf call. In one call, every page reloads a header file holding
# the headers of all the documents: calls of a bounded size keep the time close to linear.
QUOTES_PER_PDF_CALL = 25


class IrActionsReport(models.Model):
    _inherit = 'ir.actions.report'

    def _get_rendering_context(self, report, docids, data):
        if docids and report.report_name == QUOTE_REPORT:
            # Whatever the way in (button, Print menu, URL, PDF or HTML): an empty quote is not printed.
            self.env['customer.quote'].browse(docids)._check_has_lines(self.env._("Print"))
        return super()._get_rendering_context(report, docids, data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        # A large selection of quotes is printed in calls of QUOTES_PER_PDF_CALL quotes each;
        # _render_qweb_pdf then merges their PDFs in the order of the selection.
        if (res_ids and len(res_ids) > QUOTES_PER_PDF_CALL and len(set(res_ids)) == len(res_ids)
                and self._get_report(report_ref).report_name == QUOTE_REPORT):
            streams = {}
            for chunk in split_every(QUOTES_PER_PDF_CALL, res_ids, list):
                streams.update(super()._render_qweb_pdf_prepare_streams(report_ref, dict(data), res_ids=chunk))
            return streams
        return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
