import re
from pathlib import Path

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree
from stdnum.fr import siret, tva

from odoo import fields
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools.convert import convert_file

from .common import FROZEN_NOW

CLUB_AND_MARIE = ("Aqua Club Les Dauphins", "Marie Lefèvre")
SCHOOL = "École Jules Ferry"


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # the demo's dates are counted back from today
class TestDemoData(TransactionCase):
    """Odoo installs a module without its demo data when that data fails: load it here to see it fail.
    The test database has no demo data; the second test adds what a database with demo data holds."""

    def _load_demo(self):
        convert_file(self.env, 'gestion_clientele_quotes', 'demo/customer_quote_demo.xml', {}, 'init', noupdate=True)
        # The demo turns price lists on; the rollback after the test does not clear the cache of
        # which features are on.
        self.addCleanup(self.registry.clear_cache, 'groups')

    def _quotes_of(self, *customer_names):
        return self.env['customer.quote'].search([('partner_id.name', 'in', customer_names)])

    def test_demo_data_loads(self):
        self._load_demo()
        quotes = self._quotes_of("Aqua Club Les Dauphins")
        self.assertEqual(sorted(quotes.mapped('state')), ['accepted', 'accepted', 'draft', 'refused'])
        self.assertTrue(all(quote.name.startswith("DEV/") for quote in quotes))
        templates = self.env['customer.quote.template'].search([
            ('name', 'in', ("Club season offer", "School term, 25 pupils")),
        ])
        self.assertEqual(len(templates), 2)

    def test_demo_company_is_a_french_centre(self):
        self._load_demo()
        company = self.env.ref('base.main_company')
        france = self.env.ref('base.fr')
        self.assertEqual(company.name, "Centre aquatique Les Ondines")
        self.assertEqual((company.country_id, company.account_fiscal_country_id), (france, france))
        self.assertEqual(company.currency_id, self.env.ref('base.EUR'))
        self.assertEqual(company.paperformat_id, self.env.ref('base.paperformat_euro'))
        self.assertTrue(tva.is_valid(company.vat) and company.vat.startswith("FR"), company.vat)
        self.assertTrue(siret.is_valid(company.company_registry), company.company_registry)
        self.assertTrue(company.logo)
        self.assertIn("RCS Lyon", company.report_footer)

        tax = company.account_sale_tax_id
        self.assertEqual((tax.name, tax.amount, tax.type_tax_use), ("TVA 20 %", 20, 'sale'))
        self.assertEqual(tax.country_id, france)

        quotes = self._quotes_of(*CLUB_AND_MARIE, SCHOOL)
        self.assertEqual(quotes.line_ids.tax_ids, tax)
        self.assertEqual(set(quotes.mapped('currency_id.name')), {'EUR'})

    def test_demo_customers_speak_french_without_foreign_fiscal_position(self):
        self._load_demo()
        france = self.env.ref('base.fr')
        customers = self.env['res.partner'].search([('name', 'in', (*CLUB_AND_MARIE, SCHOOL))])
        customers |= customers.child_ids
        self.assertEqual(len(customers), 5)
        self.assertEqual(set(customers.mapped('lang')), {'fr_FR'})
        self.assertFalse(customers.property_account_position_id)

        # The generic chart's fiscal positions are auto-applied by the customer's country.
        quotes = self._quotes_of(*CLUB_AND_MARIE, SCHOOL)
        self.assertFalse(quotes.fiscal_position_id.filtered(lambda position: position.country_id != france))
        for customer in customers:
            position = self.env['account.fiscal.position']._get_fiscal_position(customer)
            self.assertIn(position.country_id, (france, self.env['res.country']), customer.name)

    def test_demo_quotes_belong_to_the_admin(self):
        """Without Odoo's demo user, the admin follows every demo quote."""
        self._load_demo()
        admin = self.env.ref('base.user_admin')
        self.assertEqual(admin.lang, 'fr_FR')
        quotes = self._quotes_of(*CLUB_AND_MARIE, SCHOOL)
        self.assertEqual(len(quotes), 12)
        self.assertEqual(quotes.user_id, admin)
        my_quotes = self.env['customer.quote'].with_user(admin).search([('user_id', '=', admin.id)])
        self.assertEqual(my_quotes, quotes)

    def test_demo_on_a_database_with_demo_data(self):
        """With Odoo's demo data: the demo user sells to the school, and the sample journal entries
        account's demo posts on the main company, in dollars, give way to the change of currency."""
        demo_user = self.env['res.users'].create({'name': "Marc Demo", 'login': 'gcq_demo_user'})
        self.env['ir.model.data'].create({
            'module': 'base', 'name': 'user_demo', 'model': 'res.users', 'res_id': demo_user.id,
        })
        company = self.env.ref('base.main_company')
        self.assertNotEqual(company.currency_id, self.env.ref('base.EUR'))
        accounts = self.env['account.account'].search([
            *self.env['account.account']._check_company_domain(company),
            ('account_type', 'in', ('income', 'asset_receivable')),
        ])
        income = accounts.filtered(lambda account: account.account_type == 'income')[:1]
        receivable = accounts.filtered(lambda account: account.account_type == 'asset_receivable')[:1]
        entry = self.env['account.move'].create({
            'move_type': 'entry',
            'company_id': company.id,
            'line_ids': [
                Command.create({'account_id': receivable.id, 'debit': 100.0}),
                Command.create({'account_id': income.id, 'credit': 100.0}),
            ],
        })
        entry.action_post()

        self._load_demo()
        self.assertFalse(entry.exists())
        self.assertEqual(company.currency_id, self.env.ref('base.EUR'))
        self.assertEqual(demo_user.lang, 'fr_FR')
        self.assertTrue(demo_user.has_group('gestion_clientele_quotes.group_customer_quote_user'))
        self.assertEqual(self._quotes_of(SCHOOL).user_id, demo_user)
        self.assertEqual(self._quotes_of(*CLUB_AND_MARIE).user_id, self.env.ref('base.user_admin'))

    def test_demo_items_are_found_in_french(self):
        """The front desk types French: the demo's items, templates and their lines answer in French."""
        self._load_demo()
        self.env['res.lang']._activate_lang('fr_FR')
        self.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)
        Product = self.env['product.product'].with_context(lang='fr_FR')
        subscriptions = self.env.ref('gestion_clientele_quotes.product_annual_subscription') \
            + self.env.ref('gestion_clientele_quotes.product_monthly_subscription')
        found = Product.browse([product_id for product_id, _name in Product.name_search("abon", limit=None)])
        self.assertEqual(found & subscriptions, subscriptions)
        [(cap_id, cap_name)] = [item for item in Product.name_search("bonnet") if item[0] in
                                self.env.ref('gestion_clientele_quotes.product_swim_cap').ids]
        self.assertEqual(cap_name, "Bonnet de bain")
        self.assertEqual(Product.browse(cap_id).with_context(lang='en_US').name, "Swim cap", "English stays the source")

        # A French customer's quote transferred from a demo template is in French.
        template = self.env.ref('gestion_clientele_quotes.quote_template_club_season')
        self.assertEqual(template.with_context(lang='fr_FR').name, "Offre de saison club")
        customer = self.env['res.partner'].search([('name', '=', "Aqua Club Les Dauphins")])
        values = template._prepare_quote_values(customer, fields.Date.to_date(FROZEN_NOW[:10]))
        self.assertIn("adhérents du club", values['comment'])
        descriptions = [command[2]['name'] for command in values['line_ids']]
        self.assertEqual(descriptions, ["Abonnement annuel", "Bonnet de bain"])

    def test_demo_after_acceptance(self):
        """The demo's accepted quotes opened their subscriptions, and the club's caps are invoiced."""
        self._load_demo()
        summer = self.env.ref('gestion_clientele_quotes.quote_aquaclub_summer')
        self.assertEqual(len(summer.subscription_ids), 8)
        self.assertEqual(set(summer.subscription_ids.mapped('state')), {'active'})
        marie = self.env.ref('gestion_clientele_quotes.quote_marie_subscription').subscription_ids
        self.assertEqual(len(marie), 1)
        self.assertLessEqual(marie.date_end, fields.Date.today() + relativedelta(days=30),
                             "ends within the renewal delay")
        caps = self.env.ref('gestion_clientele_quotes.quote_aquaclub_caps')
        self.assertEqual(caps.invoice_status, 'invoiced')
        self.assertEqual(caps.invoice_ids.amount_total, caps.amount_total)

    def test_readme_link_opens_the_demos_sent_quote(self):
        """The README's walk-through links to the page of the demo's sent quote: on a new database
        its id is its rank among the demo's quotes (none exists before them), its token the demo's."""
        readme = (Path(__file__).parents[2] / 'README.md').read_text()
        quote_id, token = re.search(r'/my/customer_quotes/(\d+)\?access_token=([\w-]+)', readme).groups()
        demo_file = Path(__file__).parents[1] / 'demo' / 'customer_quote_demo.xml'
        demo_quotes = [record.get('id') for record in etree.parse(str(demo_file)).iterfind(
            "//record[@model='customer.quote']")]
        self.assertEqual(demo_quotes[int(quote_id) - 1], 'quote_school_trimester')
        self._load_demo()
        quote = self.env.ref('gestion_clientele_quotes.quote_school_trimester')
        self.assertEqual((quote.state, quote.access_token), ('sent', token))
        self.assertFalse(quote._is_offer_expired())
        self.assertEqual(quote.get_portal_url(), f'/my/customer_quotes/{quote.id}?access_token={token}')

    def test_demo_price_lists(self):
        """The README's price lists: public prices for most, the members' and the works council's
        own rates, in French."""
        self._load_demo()
        self.env['res.lang']._activate_lang('fr_FR')
        self.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)
        ref = self.env.ref
        public, members, council = (ref(f'gestion_clientele_quotes.pricelist_{name}')
                                    for name in ('public', 'members', 'works_councils'))
        self.assertEqual(
            [pricelist.with_context(lang='fr_FR').name for pricelist in (public, members, council)],
            ["Tarif public", "Adhérents", "Comités d'entreprise"])
        self.assertEqual(set(self._quotes_of(*CLUB_AND_MARIE, SCHOOL).pricelist_id), {public})
        annual = ref('gestion_clientele_quotes.product_annual_subscription')
        entry = ref('gestion_clientele_quotes.product_single_entry')
        member_quote, council_quote = self.env['customer.quote'].create([
            {'partner_id': ref(f'gestion_clientele_quotes.partner_{partner}').id,
             'line_ids': [Command.create({'product_id': annual.id}),
                          Command.create({'product_id': entry.id, 'quantity': quantity})]}
            for partner, quantity in (('member', 1), ('works_council', 50))
        ])
        self.assertEqual((member_quote.pricelist_id, council_quote.pricelist_id), (members, council))
        self.assertEqual(member_quote.line_ids.mapped('discount'), [15.0, 0.0])
        self.assertEqual(council_quote.line_ids.mapped('price_unit'), [280.0, 4.0])
        self.assertEqual(member_quote.currency_id, ref('base.EUR'))
