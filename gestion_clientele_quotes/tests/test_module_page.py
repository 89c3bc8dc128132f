import ast
import re

from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

from .test_ui_demo import PNG_SIGNATURE

MODULE = 'gestion_clientele_quotes'


@tagged('post_install', '-at_install')
class TestModulePage(HttpCase):
    """The add-on's page in Apps (static/description/index.html) and its README show screenshots
    that Odoo serves from the add-on itself."""

    def test_apps_page_screenshots_are_served(self):
        module = self.env['ir.module.module'].search([('name', '=', MODULE)])
        sources = re.findall(r'<img [^>]*src="([^"]+)"', module.description_html)
        screenshots = [src for src in sources if '/screenshots/' in src]
        self.assertGreaterEqual(len(screenshots), 5, "the Apps page shows the tours' screenshots")
        for src in screenshots:
            self.assertTrue(src.startswith(f'/{MODULE}/static/description/screenshots/'), src)
            response = self.url_open(src)
            self.assertEqual(response.status_code, 200, src)
            self.assertTrue(response.content.startswith(PNG_SIGNATURE), src)

    def test_readme_images_are_the_addons_files(self):
        with file_open(f'{MODULE}/README.rst') as readme:
            paths = re.findall(r'^\.\. image:: (\S+)$', readme.read(), re.MULTILINE)
        self.assertGreaterEqual(len(paths), 5)
        for path in paths:
            self.assertTrue(path.startswith('./static/description/screenshots/'), path)
            with file_open(f'{MODULE}/{path[2:]}', 'rb') as image:
                self.assertTrue(image.read(8).startswith(PNG_SIGNATURE), path)

    def test_generated_pages_follow_the_manifest(self):
        # README.rst and index.html are generated (tools/readme/generate): a version bump or a new
        # summary without regenerating them leaves them stale.
        with file_open(f'{MODULE}/__manifest__.py') as manifest_file:
            manifest = ast.literal_eval(manifest_file.read())
        expected = f"Version {manifest['version']}, license {manifest['license']}, for Odoo 19.0."
        for path in ('README.rst', 'static/description/index.html'):
            with file_open(f'{MODULE}/{path}') as page:
                text = page.read()
            self.assertIn(expected, text, f"{path}: run tools/readme/generate")
            self.assertIn(manifest['summary'], text.replace('\u2019', "'"), path)  # docutils' typographic quotes
