"""The README's screenshots, taken on the demo that tools/serve shows: the centre
"Centre aquatique Les Ondines", its customers and quotes, in French.

The test database has no demo data: each class loads the add-on's demo (as
tests/test_demo_data.py does) and its French terms. The clock is not frozen:
the web client reads the real one, and the demo's dates are counted back from
today. `GCQ_SCREENSHOTS=1 tools/test gestion_clientele_quotes/tests/test_ui_demo.py`
writes the pictures to static/description/screenshots/; without it they are taken and
checked, not written.
"""
import base64
import json
import os
import pathlib
import re
import subprocess
import tempfile
import threading
from unittest.mock import patch
from urllib.parse import quote as url_quote

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools.convert import convert_file

from .test_ui import browser_timezone_patcher

# A tour step logs this prefix followed by a name to ask for a screenshot (tour_helpers.js, screenshotSteps).
SCREENSHOT_SIGNAL = 'gcq-screenshot:'
SCREENSHOT_DIR = pathlib.Path(__file__).resolve().parents[1] / 'static' / 'description' / 'screenshots'
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
REPORT = 'gestion_clientele_quotes.action_report_customer_quote'
PARIS = 'Europe/Paris'


def save_screenshots():
    return os.environ.get('GCQ_SCREENSHOTS') == '1'


def assert_screenshots(case, taken, names):
    """The screenshots `names`, and no other, were taken as PNGs (see screenshot_hook)."""
    case.assertEqual(set(taken), set(names))
    for name, png in taken.items():
        case.assertIsInstance(png, bytes, f"screenshot {name} failed: {png}")
        case.assertTrue(png.startswith(PNG_SIGNATURE), f"screenshot {name} is not a PNG")


def screenshot_hook(taken):
    """Patch the test browser so that a tour's screenshot signal captures the page.

    The capture is answered asynchronously (we are on the browser's event
    thread): once it is in, the page gets body[data-gcq-screenshot=name],
    which the tour waits for. `taken` maps each name to its PNG bytes, or to
    the error that prevented it. The PNGs go to static/description/screenshots/ only when
    GCQ_SCREENSHOTS=1, so that test runs do not write into the repository.
    """
    handle_console = ChromeBrowser._handle_console
    save = save_screenshots()
    lock = threading.Lock()

    def _handle_console(browser, type, args=None, stackTrace=None, **kw):
        handle_console(browser, type, args=args, stackTrace=stackTrace, **kw)
        message = str(browser._from_remoteobject(args[0])) if type == 'log' and args else ''
        name = message.removeprefix(SCREENSHOT_SIGNAL)
        if name == message or not re.fullmatch(r'\w+', name):
            return

        def done(future):
            try:
                result = base64.b64decode(future.result()['data'])
                if save:
                    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
                    (SCREENSHOT_DIR / f'{name}.png').write_bytes(result)
            except Exception as error:  # reported by the test: raising here would only be logged
                result = error
            with lock:
                taken[name] = result
            browser._websocket_send('Runtime.evaluate', params={
                'expression': f'document.body.dataset.gcqScreenshot = {json.dumps(name)};',
            })

        browser._websocket_send(
            'Page.captureScreenshot', params={'format': 'png'}, with_future=True,
        ).add_done_callback(done)

    return patch.object(ChromeBrowser, '_handle_console', _handle_console)


class DemoCase(HttpCase):
    """The add-on's demo, in French, seen by the admin in a browser in Paris."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # French first: the demo makes it the admin's language, and Paris his zone.
        cls.env['res.lang']._activate_lang('fr_FR')
        cls.startClassPatcher(browser_timezone_patcher(PARIS))
        convert_file(cls.env, 'gestion_clientele_quotes', 'demo/customer_quote_demo.xml', {}, 'init', noupdate=True)
        # The demo turns price lists on: the rollback after the class does not clear the cache of
        # which features are on.
        cls.addClassCleanup(cls.registry.clear_cache, 'groups')
        # After the demo: its items, templates and template lines get their French (i18n/fr.po).
        cls.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)
        cls.admin = cls.env.ref('base.user_admin')
        cls.club = cls.env.ref('gestion_clientele_quotes.partner_aquaclub')
        cls.season_quote = cls.env.ref('gestion_clientele_quotes.quote_aquaclub_season')
        cls.today = fields.Date.context_today(cls.env['customer.quote'].with_context(tz=PARIS))

    def assertDemoInFrench(self):
        """What the pictures show: the demo's centre, in euros, with its terms in French."""
        French = self.env(context={'lang': 'fr_FR'})
        self.assertEqual(self.env.company.name, "Centre aquatique Les Ondines")
        self.assertEqual(self.env.company.currency_id.name, 'EUR')
        self.assertEqual((self.admin.lang, self.admin.tz), ('fr_FR', PARIS))
        self.assertEqual(French.ref('gestion_clientele_quotes.product_annual_subscription').name, "Abonnement annuel")
        self.assertEqual(French.ref('gestion_clientele_quotes.product_swim_cap').name, "Bonnet de bain")
        self.assertEqual(French.ref('gestion_clientele_quotes.quote_template_club_season').name, "Offre de saison club")

    def assertScreenshots(self, taken, names):
        assert_screenshots(self, taken, names)


@tagged('post_install', '-at_install')
class TestDemoScreenshots(DemoCase):
    """The README's desktop pictures (static/tests/tours/customer_quote_demo_tour.js) and the printed quote."""

    # The chatter goes below the form (beside it from 1400 px on, where it narrows the Commercial tab):
    # the form has the whole width.
    browser_size = '1366x900'

    def _statistics_rows(self):
        """The rows of Analyse ▸ Statistiques des relances as it opens (this year, by number of follow-ups):
        [range or 'total', acceptance rate (None when no quote has an outcome), quotes, accepted quotes]."""
        Report = self.env['customer.quote.followup.report'].with_user(self.admin)
        year_start, year_end = self.today.replace(month=1, day=1), self.today.replace(month=12, day=31)
        domain = [('date', '>=', year_start), ('date', '<=', year_end)]
        aggregates = ['acceptance_rate:avg', 'quote_count:sum', 'accepted_count:sum']
        [total] = Report._read_group(domain, [], aggregates)
        if not total[1]:
            return []
        rows = Report._read_group(domain, ['followup_range'], aggregates, order='followup_range')
        return [['total', *total], *([*row] for row in rows)]

    def test_demo_tour(self):
        self.assertDemoInFrench()
        # The demo's amounts, which the tour checks as the web client shows them.
        self.assertRecordValues(self.season_quote, [{
            'partner_id': self.club.id,
            'user_id': self.admin.id,
            'state': 'draft',
            'amount_discount': 384.00,
            'amount_untaxed': 3514.80,
            'amount_tax': 702.96,
            'amount_total': 4217.76,
        }])
        self.assertEqual(len(self.club.customer_quote_ids), 4)
        self.assertAlmostEqual(self.club.customer_quote_acceptance_rate, 2 / 3)
        self.assertEqual(self.club.customer_quote_open_amount, 3514.80)  # untaxed
        my_quotes = self.env['customer.quote'].search_count([('user_id', '=', self.admin.id)])
        self.assertTrue(my_quotes)
        taken = {}

        with screenshot_hook(taken):
            self.start_tour('/odoo', 'customer_quote_demo_tour', login='admin', timeout=180, cookies={
                'gcq_tour_admin': url_quote(self.admin.name),
                'gcq_tour_my_quote_count': str(my_quotes),
                'gcq_tour_today': self.today.isoformat(),
                'gcq_tour_quote_date': self.season_quote.date.isoformat(),
                'gcq_tour_validity_date': self.season_quote.validity_date.isoformat(),
                'gcq_tour_followup_date': self.season_quote.followup_date.isoformat(),
                'gcq_tour_statistics': url_quote(json.dumps(self._statistics_rows())),
            })

        self.assertScreenshots(taken, [
            'quotes_list_fr', 'commercial_tab_fr', 'quote_form_fr', 'transfer_dialog_fr', 'followup_statistics_fr',
        ])
        self.assertEqual(len(self.club.customer_quote_ids), 4, "the Transfer dialog was left without transferring")

    def _run(self, *args):
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout

    def test_demo_quote_pdf(self):
        """The club's season quote printed by wkhtmltopdf (as tests/test_quote_report.py prints),
        its first page turned into a picture by pdftoppm."""
        self.assertDemoInFrench()
        # As tools/serve sets it: the page's scripts are done well before Odoo's default 1000 ms.
        self.env['ir.config_parameter'].set_param('report.print_delay', '100')
        quote = self.season_quote
        pdf, content_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True,
        )._render_qweb_pdf(REPORT, quote.ids)
        self.assertEqual(content_type, 'pdf')

        with tempfile.TemporaryDirectory() as tmp:
            pdf_path = pathlib.Path(tmp, 'quote.pdf')
            pdf_path.write_bytes(pdf)
            self.assertRegex(self._run('pdfinfo', str(pdf_path)), r"Pages:\s+1\n")
            # Styled by the layout (its web font, embedded), with the centre's logo.
            self.assertIn("Lato", self._run('pdffonts', str(pdf_path)))
            self.assertRegex(self._run('pdfimages', '-list', str(pdf_path)), r"\n\s*1\s+\d+\s+image",
                             "the centre's logo is printed")
            text = ' '.join(self._run('pdftotext', '-layout', str(pdf_path), '-').split())
            self._run('pdftoppm', '-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile',
                      str(pdf_path), str(pdf_path.with_suffix('')))
            png = pdf_path.with_suffix('.png').read_bytes()

        self.assertTrue(png.startswith(PNG_SIGNATURE))
        if save_screenshots():
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            (SCREENSHOT_DIR / 'quote_pdf_fr.png').write_bytes(png)
        text = text.replace('\N{NO-BREAK SPACE}', ' ').replace('\N{NARROW NO-BREAK SPACE}', ' ')
        for expected in (
            "Centre aquatique Les Ondines", "25 avenue des Sports", "69500 Bron", "FR16843127655",
            f"Devis {quote.name}", "Date du devis", "Vendeur", self.admin.name,
            "Aqua Club Les Dauphins", "12 rue des Bains", "69003 Lyon",
            "Abonnement annuel", "Bonnet de bain", "Total HT 3 514,80 €", "TVA 702,96 €", "Total TTC 4 217,76 €",
            "Offre de saison pour les nageurs du club", "Bon pour accord", "RCS Lyon 843 127 655", "Page 1 / 1",
        ):
            self.assertIn(expected, text)


@tagged('post_install', '-at_install')
class TestDemoScreenshotsPhone(DemoCase):
    """The README's phone picture: the club's Commercial tab, its quotes as cards
    (static/tests/tours/customer_quote_demo_tour.js)."""

    browser_size = '390x844'
    touch_enabled = True

    def test_demo_phone_tour(self):
        self.assertDemoInFrench()
        taken = {}
        with screenshot_hook(taken):
            self.start_tour(
                f'/odoo/res.partner/{self.club.id}', 'customer_quote_demo_phone_tour', login='admin', timeout=120,
                cookies={'gcq_tour_quote': self.season_quote.name},
            )
        self.assertScreenshots(taken, ['commercial_tab_phone_fr'])


@tagged('post_install', '-at_install')
class TestDemoPricelistScreenshot(DemoCase):
    """The demo's member gets a new quote at the members' price (static/tests/tours/customer_quote_demo_tour.js)."""

    browser_size = '1366x900'

    def test_demo_pricelist_tour(self):
        self.assertDemoInFrench()
        member = self.env.ref('gestion_clientele_quotes.partner_member')
        members = self.env.ref('gestion_clientele_quotes.pricelist_members')
        self.assertEqual(member.property_product_pricelist, members)
        self.assertEqual(members.with_context(lang='fr_FR').name, "Adhérents")
        self.assertFalse(member.customer_quote_ids)
        taken = {}
        with screenshot_hook(taken):
            self.start_tour('/odoo', 'customer_quote_demo_pricelist_tour', login='admin', timeout=120)
        self.assertScreenshots(taken, ['pricelist_quote_fr'])
        quote = member.customer_quote_ids
        self.assertEqual(len(quote), 1)
        self.assertEqual(quote.pricelist_id, members)
        self.assertRecordValues(quote.line_ids, [{
            'product_id': self.env.ref('gestion_clientele_quotes.product_annual_subscription').id,
            'price_unit': 320.0, 'discount': 15.0, 'discount_amount': 48.0, 'price_subtotal': 272.0,
        }])
