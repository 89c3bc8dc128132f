import logging
import subprocess
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

from lxml import etree, html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from .common import CustomerQuoteCommon, switch_company_currency

_logger = logging.getLogger(__name__)

REPORT = 'gestion_clientele_quotes.action_report_customer_quote'


def _normalize(text):
    """Collapse whitespace, including the (narrow) no-break spaces of French amounts."""
    return ' '.join(text.replace('\xa0', ' ').replace('\u202f', ' ').split())


class QuoteReportCommon(CustomerQuoteCommon):
    """A French leisure centre quoting a French and an English customer, in euros."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()

        # A French business quotes in euros (a fresh database gets a US company in dollars).
        eur = cls.env.ref('base.EUR')
        switch_company_currency(cls.company, eur)
        cls.company.write({
            'name': "Centre aquatique des Lônes",
            'street': "2 quai des Lônes",
            'zip': "69007",
            'city': "Lyon",
            'country_id': cls.env.ref('base.fr').id,
            'phone': "+33 4 78 00 00 00",
            'email': "accueil@aquatique-lones.example.com",
            'website': "https://aquatique-lones.example.com",
            'vat': "FR23334175221",
            # Chosen once in Settings > Document Layout; until then Print opens that configurator.
            'external_report_layout_id': cls.env.ref('web.external_layout_standard').id,
        })
        cls.currency = eur

        # Tax groups named as a French chart of accounts names them.
        for tax, rate in ((cls.vat_20, 20), (cls.vat_0, 0)):
            group = cls.env['account.tax.group'].create({
                'name': f"VAT {rate}%",
                'company_id': cls.company.id,
                'country_id': tax.country_id.id,
            })
            group.with_context(lang='fr_FR').name = f"TVA {rate} %"
            tax.tax_group_id = group

        cls.salesperson = new_test_user(
            cls.env, login='camille.martin', name="Camille Martin", email="camille.martin@example.com",
            groups='gestion_clientele_quotes.group_customer_quote_user_all',
        )
        cls.partner_fr = cls.env['res.partner'].create({
            'name': "Association Les Dauphins",
            'lang': 'fr_FR',
            'email': "contact@dauphins.example.com",
            'street': "8 avenue Jean Jaurès",
            'zip': "69007",
            'city': "Lyon",
            'country_id': cls.env.ref('base.fr').id,
        })
        cls.partner_en = cls.env['res.partner'].create({
            'name': "Harbour Swim Club",
            'lang': 'en_US',
            'email': "office@harbour-swim.example.com",
            'street': "4 Quay Street",
            'zip': "M3 3JE",
            'city': "Manchester",
            'country_id': cls.env.ref('base.uk').id,
        })

    @classmethod
    def _create_report_quote(cls, partner, discounts=True, **values):
        """Three lines whose display order differs from their creation order.

        Untaxed 491.50 (with discounts), VAT 20 % 98.30, total 589.80.
        """
        return cls._create_quote(
            lines=[
                (cls.product_cap, 12, {'sequence': 30, **({'discount_amount': 8.80} if discounts else {})}),
                (cls.product_subscription, 1, {'sequence': 10}),
                (cls.product_card, 3, {'sequence': 20, **({'discount': 10.0} if discounts else {})}),
            ],
            **{
                'partner_id': partner.id,
                'user_id': cls.salesperson.id,
                'date': '2026-06-01',
                'comment': "<p>Tarif préférentiel réservé aux adhérents du club.</p>",
                **values,
            },
        )

    def assertInOrder(self, text, expected):
        """Each of `expected` occurs in `text`, each after the previous one."""
        position = 0
        for string in expected:
            found = text.find(string, position)
            self.assertNotEqual(
                found, -1,
                f"{string!r} not found after {text[max(position - 60, 0):position]!r} in:\n{text}")
            position = found + len(string)


class TestQuoteReportHtml(QuoteReportCommon):

    def _render_html(self, quotes):
        content, content_type = self.env['ir.actions.report']._render_qweb_html(REPORT, quotes.ids)
        self.assertEqual(content_type, 'html')
        return html.fromstring(content)

    def _render_text(self, quotes):
        return _normalize(self._render_html(quotes).text_content())

    def test_report_french_customer(self):
        quote = self._create_report_quote(self.partner_fr)
        text = self._render_text(quote)
        self.assertInOrder(text, [
            # company header
            "Centre aquatique des Lônes", "2 quai des Lônes",
            # what, when, who
            "Devis", quote.name,
            "Date du devis", "01/06/2026",
            "Valable jusqu'au", "01/07/2026",
            "Vendeur", "Camille Martin",
            # customer address block
            "Association Les Dauphins", "8 avenue Jean Jaurès", "69007 Lyon",
            # lines, in display order
            "Description", "Quantité", "Prix unitaire HT", "% de remise", "Remise", "Montant HT",
            "Annual subscription", "1", "320,00 €", "320,00 €",
            "10-entry card", "3", "45,00 €", "10,00 %", "13,50 €", "121,50 €",
            "Swim cap", "12", "4,90 €", "14,97 %", "8,80 €", "50,00 €",
            # tax summary
            "TVA 20 %", "491,50 €", "98,30 €",
            # totals
            "Total HT", "491,50 €", "TVA", "98,30 €", "Total TTC", "589,80 €",
            # comment, then the acceptance block
            "Tarif préférentiel réservé aux adhérents du club.",
            "Bon pour accord", "Date :", "Signature :",
        ])
        self.assertNotIn("Quote Date", text)
        self.assertNotIn("Approved and accepted", text)

    def test_report_english_customer(self):
        quote = self._create_report_quote(self.partner_en)
        text = self._render_text(quote)
        self.assertInOrder(text, [
            "Centre aquatique des Lônes",
            "Quote", quote.name,
            "Quote Date", "06/01/2026",
            "Valid Until", "07/01/2026",
            "Salesperson", "Camille Martin",
            "Harbour Swim Club", "4 Quay Street", "Manchester",
            "Description", "Quantity", "Unit Price excl. Tax", "Discount %", "Discount", "Amount excl. Tax",
            "Annual subscription", "320.00 €",
            "10-entry card", "10.00 %", "13.50 €", "121.50 €",
            "Swim cap", "14.97 %", "8.80 €", "50.00 €",
            "VAT 20%", "491.50 €", "98.30 €",
            "Total excl. Tax", "491.50 €", "VAT", "98.30 €", "Total incl. Tax", "589.80 €",
            "Tarif préférentiel réservé aux adhérents du club.",
            "Approved and accepted", "Date:", "Signature:",
        ])
        self.assertNotIn("Devis", text)

    def test_report_without_discount_has_no_discount_columns(self):
        quote = self._create_report_quote(self.partner_en, discounts=False)
        document = self._render_html(quote)
        headers = [_normalize(th.text_content()) for th in document.xpath("//table[@name='quote_lines']//th")]
        self.assertEqual(headers, ["Description", "Quantity", "Unit Price excl. Tax", "Amount excl. Tax"])
        first_row = document.xpath("//table[@name='quote_lines']//tr[@name='tr_item']")[0]
        self.assertEqual(len(first_row.xpath("./td")), 4)
        self.assertNotIn("Discount", _normalize(document.text_content()))

    def test_report_with_discount_has_both_discount_columns(self):
        quote = self._create_report_quote(self.partner_en)
        document = self._render_html(quote)
        headers = [_normalize(th.text_content()) for th in document.xpath("//table[@name='quote_lines']//th")]
        self.assertEqual(headers, [
            "Description", "Quantity", "Unit Price excl. Tax", "Discount %", "Discount", "Amount excl. Tax",
        ])
        # A line without discount leaves both cells empty.
        subscription_row = document.xpath("//table[@name='quote_lines']//tr[@name='tr_item']")[0]
        self.assertEqual(
            [_normalize(td.text_content()) for td in subscription_row.xpath("./td")],
            ["Annual subscription", "1", "320.00 €", "", "", "320.00 €"],
        )

    def test_report_vat_column_only_when_lines_differ(self):
        quote = self._create_report_quote(self.partner_en)
        document = self._render_html(quote)
        self.assertFalse(document.xpath("//th[@name='th_taxes']"))
        quote.line_ids.filtered(lambda line: line.product_id == self.product_subscription).tax_ids = self.vat_0
        document = self._render_html(quote)
        self.assertTrue(document.xpath("//th[@name='th_taxes']"))
        text = _normalize(document.text_content())
        # Both rates in the summary: the subscription alone at 0 %, the rest at 20 %.
        self.assertInOrder(text, ["VAT 20%", "171.50 €", "34.30 €", "VAT 0%", "320.00 €", "0.00 €"])
        self.assertInOrder(text, ["Total excl. Tax", "491.50 €", "VAT", "34.30 €", "Total incl. Tax", "525.80 €"])

    def test_report_without_comment_nor_salesperson(self):
        quote = self._create_report_quote(self.partner_en, comment=False, user_id=False)
        document = self._render_html(quote)
        self.assertFalse(document.xpath("//div[@name='comment']"))
        self.assertFalse(document.xpath("//div[@name='informations_salesperson']"))
        self.assertTrue(document.xpath("//div[@name='acceptance']"))

    def test_report_several_quotes_each_in_its_customer_language(self):
        quote_fr = self._create_report_quote(self.partner_fr)
        quote_en = self._create_report_quote(self.partner_en)
        document = self._render_html(quote_fr + quote_en)
        articles = document.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]")
        self.assertEqual(len(articles), 2)
        text_fr, text_en = (_normalize(article.text_content()) for article in articles)
        self.assertInOrder(text_fr, ["Devis", quote_fr.name, "Association Les Dauphins", "Bon pour accord"])
        self.assertInOrder(text_en, ["Quote", quote_en.name, "Harbour Swim Club", "Approved and accepted"])

    def test_report_file_name(self):
        report = self.env.ref(REPORT)
        quote = self._create_report_quote(self.partner_fr)
        for lang, expected in (('fr_FR', f"Devis - {quote.name}"), ('en_US', f"Quote - {quote.name}")):
            with self.subTest(lang=lang):
                name = safe_eval(report.print_report_name, {
                    'object': quote.with_context(lang=lang),
                    'time': safe_time,
                })
                self.assertEqual(name, expected)

    def test_print_actions(self):
        """Printable from the form, from each row of the Commercial tab and for a selection."""
        report = self.env.ref(REPORT)
        self.assertEqual(report.report_type, 'qweb-pdf')
        # The list view's Print menu (binding) offers it for any selection of quotes.
        self.assertEqual(report.binding_model_id.model, 'customer.quote')
        self.assertEqual(report.binding_type, 'report')

        quotes = self._create_report_quote(self.partner_fr) + self._create_report_quote(self.partner_en)
        action = quotes.action_print()
        self.assertEqual(action['type'], 'ir.actions.report')
        self.assertEqual(action['report_name'], 'gestion_clientele_quotes.report_customer_quote')
        self.assertEqual(action['context']['active_ids'], quotes.ids)

        for view_xmlid in ('gestion_clientele_quotes.customer_quote_view_form',
                           'gestion_clientele_quotes.res_partner_view_form'):
            with self.subTest(view=view_xmlid):
                arch = etree.fromstring(self.env.ref(view_xmlid).arch)
                self.assertTrue(arch.xpath("//button[@name='action_print'][@type='object']"))


@tagged('post_install', '-at_install')
class TestQuoteReportPdf(HttpCase, QuoteReportCommon):
    """Real PDFs, printed by wkhtmltopdf with Odoo's patched Qt (installed by the tools), which
    fetches the report's stylesheets from the test HTTP server.

    The clock is not frozen here (the quotes carry their own dates): under a frozen clock the
    test server's answers kept wkhtmltopdf from drawing the page footers."""

    freeze_time = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.company_registry = "123 456 789 00012"
        # As tools/serve sets it: the page's scripts are done well before Odoo's default 1000 ms.
        cls.env['ir.config_parameter'].set_param('report.print_delay', '100')

    def _render_pdf(self, quotes):
        content, content_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True,
        )._render_qweb_pdf(REPORT, quotes.ids)
        self.assertEqual(content_type, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        return content

    def _run(self, *args):
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    def _pdf_pages(self, pdf):
        """The text of each page (pdftotext -layout), whitespace normalized line by line."""
        with tempfile.TemporaryDirectory() as tmp:
            pdf_path = Path(tmp, 'quotes.pdf')
            pdf_path.write_bytes(pdf)
            text = self._run('pdftotext', '-layout', str(pdf_path), '-')
        return ['\n'.join(_normalize(row) for row in page.splitlines()) for page in text.split('\f')[:-1]]

    def _log_time(self, what, started):
        message = f"Quote PDF render time, {what}: {time.perf_counter() - started:.2f} s"
        _logger.info(message)

    def _assert_issuer(self, page):
        """The company's identity, as the layout's header and the quote's sender lines print it."""
        for expected in (
            "Centre aquatique des Lônes", "2 quai des Lônes", "69007 Lyon",
            "SIRET: 123 456 789 00012", "FR23334175221",
        ):
            self.assertIn(expected, page)

    def test_pdf_french_quote(self):
        quote = self._create_report_quote(
            self.partner_fr, payment_term_id=self.env.ref('account.account_payment_term_30days').id)
        started = time.perf_counter()
        pdf = self._render_pdf(quote)
        self._log_time("1 quote", started)

        with tempfile.TemporaryDirectory() as tmp:
            pdf_path = Path(tmp, 'quote.pdf')
            pdf_path.write_bytes(pdf)
            self.assertRegex(self._run('pdfinfo', str(pdf_path)), r"Pages:\s+1\n", "Three lines fit on one page")
            # Styled and searchable: the text is set in the layout's web font, embedded as text.
            fonts = self._run('pdffonts', str(pdf_path))
            self.assertIn("Lato", fonts)
            self.assertNotIn("Serif", fonts)

        [page] = self._pdf_pages(pdf)
        rows = page.splitlines()
        self._assert_issuer(page)
        for expected in (
            f"Devis {quote.name}", "Date du devis", "01/06/2026", "Valable jusqu'au", "01/07/2026",
            "Conditions de paiement", "30 jours", "Vendeur", "Camille Martin",
            "Association Les Dauphins", "8 avenue Jean Jaurès", "Cette offre est valable jusqu'au 01/07/2026.",
        ):
            self.assertIn(expected, page)
        # Each line, total and block on one row of the page (columns side by side), from top to bottom.
        position = 0
        for expected in [
            "Description Quantité Prix unitaire HT % de remise Remise Montant HT",
            "Annual subscription 1 320,00 € 320,00 €",
            "10-entry card 3 45,00 € 10,00 % 13,50 € 121,50 €",
            "Swim cap 12 4,90 € 14,97 % 8,80 € 50,00 €",
            "Total HT 491,50 €",
            "TVA 20 % 491,50 € 98,30 €",
            "TVA 98,30 €",
            "Total TTC 589,80 €",
            "Tarif préférentiel réservé aux adhérents du club.",
            "Bon pour accord",
            "Signature :",
            "Page 1 / 1",
        ]:
            found = next((index for index, row in enumerate(rows[position:], position) if expected in row), None)
            self.assertIsNotNone(found, f"{expected!r} not found from row {position} of:\n" + "\n".join(rows))
            position = found

    def test_pdf_several_quotes_in_one_call(self):
        """What the list view's Print menu does with a selection of quotes: one wkhtmltopdf call,
        each quote with the company header and its own page numbers."""
        quotes = self._create_report_quote(self.partner_fr) + self._create_report_quote(
            self.partner_en, discounts=False) + self._create_report_quote(self.partner_fr)
        started = time.perf_counter()
        pdf = self._render_pdf(quotes)
        self._log_time("3 quotes in one call", started)
        pages = self._pdf_pages(pdf)
        self.assertEqual(len(pages), 3)
        for quote, page in zip(quotes, pages, strict=True):
            with self.subTest(quote=quote.name):
                self._assert_issuer(page)
                self.assertIn(quote.name, page)
                for description in ("Annual subscription", "10-entry card", "Swim cap"):
                    self.assertIn(description, page)
                self.assertIn("Page 1 / 1", page, "each quote counts its own pages")
        self.assertIn("Approved and accepted", pages[1], "the English customer's quote is in English")

    def test_pdf_long_quote_repeats_the_column_titles(self):
        quote = self._create_quote(
            [(self.product_card, index + 1, {'sequence': index, 'name': f"Entry card, session {index + 1:02d}"})
             for index in range(40)],
            partner_id=self.partner_fr.id, user_id=self.salesperson.id, date='2026-06-01')
        pages = self._pdf_pages(self._render_pdf(quote))
        self.assertGreaterEqual(len(pages), 2)
        for number, page in enumerate(pages, 1):
            with self.subTest(page=number):
                self.assertIn(f"Page {number} / {len(pages)}", page)
                self.assertIn("FR23334175221", page, "the company header")
                if "Entry card, session" in page:
                    self.assertIn("Description Quantité Prix unitaire HT Montant HT", page, "column titles")
        self.assertIn("Entry card, session", pages[1], "the lines go on over the second page")
        text = "\n".join(pages)
        for index in range(40):
            self.assertIn(f"Entry card, session {index + 1:02d}", text)
        closing = next(page for page in pages if "Total TTC" in page)
        self.assertIn("Bon pour accord", closing, "the acceptance block stays with the totals")

    def test_pdf_large_selection_in_bounded_calls(self):
        """More quotes than one wkhtmltopdf call takes are printed in several calls, merged in order."""
        quotes = self.env['customer.quote'].concat(*(
            self._create_report_quote(self.partner_fr) for _index in range(3)))
        with patch('odoo.addons.gestion_clientele_quotes.models.ir_actions_report.QUOTES_PER_PDF_CALL', 2), \
                patch.object(type(self.env['ir.actions.report']), '_run_wkhtmltopdf',
                             autospec=True, side_effect=type(self.env['ir.actions.report'])._run_wkhtmltopdf) as run:
            pages = self._pdf_pages(self._render_pdf(quotes))
        self.assertEqual(run.call_count, 2, "calls of 2, then 1 quote")
        self.assertEqual([next(name for name in quotes.mapped('name') if name in page) for page in pages],
                         quotes.mapped('name'), "in the order of the selection")
