from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

# The day every test of CustomerQuoteCommon runs on (mid-morning, so that the date is the same in
# every time zone a user may have), unless a test freezes another one. Tests derive their dates
# from it: none depends on the day the suite is run.
TODAY = date(2026, 6, 15)
FROZEN_NOW = f'{TODAY} 10:00:00'

# What the web client reads for the customer's Commercial tab (statistics and quotes list).
COMMERCIAL_TAB_SPEC = {
    'customer_quote_count': {},
    'customer_quote_decided_count': {},
    'customer_quote_acceptance_rate': {},
    'customer_quote_open_amount': {},
    'customer_quote_next_followup_date': {},
    'customer_quote_currency_id': {'fields': {}},
    'customer_quote_ids': {
        'fields': {
            'name': {}, 'date': {}, 'validity_date': {}, 'followup_date': {},
            'followup_status': {}, 'followup_count': {},
            'state': {}, 'amount_untaxed': {}, 'amount_total': {}, 'is_just_added': {},
            'currency_id': {'fields': {'display_name': {}}},
        },
        'order': 'date desc, id desc',
    },
}


def switch_company_currency(company, currency):
    """Give `company` the currency `currency`, as a centre outside the US sets it up: activating a
    second currency turns Odoo's price lists on with a default price list in the currency of the
    time, which the administrator then sets to the company's."""
    currency.active = True
    company.currency_id = currency
    company.env['product.pricelist'].search([
        ('company_id', 'in', (company.id, False)), ('item_ids', '=', False), ('currency_id', '!=', currency.id),
    ]).currency_id = currency


def create_items(env, taxes, items):
    """Products sold on quotes, from (name, type, sales price, item kind) tuples."""
    return env['product.product'].create([{
        'name': name,
        'type': product_type,
        'list_price': price,
        'quote_item_kind': kind,
        'taxes_id': [Command.set(taxes.ids)],
    } for name, product_type, price, kind in items])


@freeze_time(FROZEN_NOW)
class CustomerQuoteCommon(TransactionCase):
    """A leisure centre selling entries, cards, subscriptions and articles under 20 % VAT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Messages are asserted in English; the database may have been created in French.
        cls.env = cls.env(context=dict(cls.env.context, lang='en_US'))
        cls.company = cls.env.company
        cls.company.write({'quote_validity_days': 30, 'quote_followup_days': 10})
        cls.currency = cls.company.currency_id

        cls.vat_20 = cls.env['account.tax'].create({
            'name': "VAT 20% (test)",
            'amount': 20.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'company_id': cls.company.id,
        })
        cls.vat_0 = cls.env['account.tax'].create({
            'name': "VAT 0% (test)",
            'amount': 0.0,
            'amount_type': 'percent',
            'type_tax_use': 'sale',
            'company_id': cls.company.id,
        })
        cls.product_entry, cls.product_card, cls.product_subscription, cls.product_cap = create_items(
            cls.env, cls.vat_20, [
                ("Single entry", 'service', 5.50, 'access'),
                ("10-entry card", 'service', 45.00, 'access'),
                ("Annual subscription", 'service', 320.00, 'subscription'),
                ("Swim cap", 'consu', 4.90, 'article'),
            ])
        cls.partner = cls.env['res.partner'].create({
            'name': "Aqua Club",
            'email': "club@example.com",
            'phone': "+33 4 72 00 00 01",
            'street': "12 rue des Bains",
            'zip': "69003",
            'city': "Lyon",
        })
        cls.user_own = new_test_user(
            cls.env, login='quote_own', name="Olivia Own",
            groups='gestion_clientele_quotes.group_customer_quote_user',
        )
        cls.user_own_colleague = new_test_user(
            cls.env, login='quote_colleague', name="Claude Colleague",
            groups='gestion_clientele_quotes.group_customer_quote_user',
        )
        cls.user_all = new_test_user(
            cls.env, login='quote_all', name="Alex All",
            groups='gestion_clientele_quotes.group_customer_quote_user_all',
        )

    @classmethod
    def _load_french(cls):
        """French next to English, with the add-on's own French terms."""
        for code in ('en_US', 'fr_FR'):
            cls.env['res.lang']._activate_lang(code)
        cls.env['ir.module.module']._load_module_terms(['gestion_clientele_quotes'], ['fr_FR'], overwrite=True)

    def _call_as_cron(self, method_name, context=None, **kwargs):
        """Call a quote method in a cursor of its own, as the cron runner does; what it commits
        stays in the test's transaction."""
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cron_cr:
            cron_env = self.env(cr=cron_cr, context=dict(self.env.context, **(context or {})))
            getattr(cron_env['customer.quote'], method_name)(**kwargs)
        self.env.invalidate_all()

    @contextmanager
    def _count_batches(self, method_name):
        """Record the size of each recordset the quote method `method_name` is called on."""
        Quote = self.registry['customer.quote']
        method = getattr(Quote, method_name)
        sizes = []

        def counting(records, *args, **kwargs):
            sizes.append(len(records))
            return method(records, *args, **kwargs)

        with patch.object(Quote, method_name, counting):
            yield sizes

    @classmethod
    def _create_quotes(cls, count, state='draft', **values):
        """`count` quotes without lines for the customer, put in `state` without tracking."""
        quotes = cls.env['customer.quote'].create([{'partner_id': cls.partner.id, **values}] * count)
        if state != 'draft':
            quotes.with_context(tracking_disable=True).write({'state': state})
        return quotes

    @classmethod
    def _create_quote(cls, lines=(), **values):
        """Create a quote; `lines` are (product, quantity, extra values) triples."""
        return cls.env['customer.quote'].create({
            'partner_id': cls.partner.id,
            'line_ids': [
                Command.create({'product_id': product.id, 'quantity': quantity, **extra})
                for product, quantity, extra in lines
            ],
            **values,
        })
