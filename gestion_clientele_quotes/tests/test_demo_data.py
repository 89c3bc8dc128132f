from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged
from odoo.tools.convert import convert_file

from .common import FROZEN_NOW


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # the demo's dates are counted back from today
class TestDemoData(TransactionCase):
    """Odoo installs a module without its demo data when that data fails: load it here to see it fail."""

    def test_demo_data_loads(self):
        convert_file(self.env, 'gestion_clientele_quotes', 'demo/customer_quote_demo.xml', {}, 'init', noupdate=True)
        quotes = self.env['customer.quote'].search([('partner_id.name', '=', "Aqua Club Les Dauphins")])
        self.assertEqual(sorted(quotes.mapped('state')), ['accepted', 'accepted', 'draft', 'refused'])
        self.assertTrue(all(quote.name.startswith("DEV/") for quote in quotes))
        templates = self.env['customer.quote.template'].search([
            ('name', 'in', ("Club season offer", "School term, 25 pupils")),
        ])
        self.assertEqual(len(templates), 2)
