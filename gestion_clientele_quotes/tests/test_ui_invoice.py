from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import formatLang

from .common import create_items
from .test_ui import FrenchTourCase
from .test_ui_demo import assert_screenshots, screenshot_hook


@tagged('post_install', '-at_install')
class TestQuoteInvoiceTour(FrenchTourCase):
    """After "accepted", in Chromium and in French (static/tests/tours/customer_quote_invoice_tour.js)."""

    browser_size = '1366x900'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login='tour_invoice_user', name="Inès Comptoir",
            groups='gestion_clientele_quotes.group_customer_quote_user,account.group_account_invoice,'
                   'base.group_partner_manager',
            lang='fr_FR', tz='Europe/Paris',
        )
        tax = cls.env['account.tax'].create({'name': "TVA 20 %", 'amount': 20.0, 'type_tax_use': 'sale'})
        cls.pass_item, cls.cap = create_items(cls.env, tax, [
            ("Abonnement annuel natation", 'service', 320.00, 'subscription'),
            ("Bonnet de bain", 'consu', 4.90, 'article'),
        ])
        cls.pass_item.write({'subscription_duration': 12, 'subscription_duration_unit': 'month'})
        cls.customer = cls.env['res.partner'].create({
            'name': "Famille Garnier", 'email': "garnier@example.com", 'lang': 'fr_FR',
        })
        cls.quote = cls.env['customer.quote'].with_user(cls.user).create({
            'partner_id': cls.customer.id,
            'line_ids': [
                Command.create({'product_id': cls.pass_item.id, 'quantity': 1}),
                Command.create({'product_id': cls.cap.id, 'quantity': 2}),
            ],
        })
        cls.quote.action_mark_sent()

    def test_invoice_tour(self):
        deposit = self.quote.currency_id.round(self.quote.amount_total * 0.3)
        deposit_text = formatLang(self.env(context={'lang': 'fr_FR'}), deposit).replace('\N{NO-BREAK SPACE}', ' ')
        taken = {}
        with screenshot_hook(taken):
            self.start_tour(
                f'/odoo/action-gestion_clientele_quotes.customer_quote_action/{self.quote.id}',
                'customer_quote_invoice_tour', login='tour_invoice_user',
                cookies={'gcq_tour_customer': self.customer.name, 'gcq_tour_deposit': deposit_text},
                timeout=120,
            )
        self.assertEqual(self.quote.state, 'accepted')
        self.assertEqual(len(self.quote.invoice_ids), 1)
        self.assertRecordValues(self.quote.invoice_ids, [{
            'state': 'draft', 'is_quote_deposit': True, 'amount_total': deposit, 'partner_id': self.customer.id,
        }])
        self.assertEqual(self.quote.invoice_status, 'to_invoice')
        self.assertEqual(len(self.quote.subscription_ids), 1)
        assert_screenshots(self, taken, {'invoice_dialog_fr', 'subscriptions_fr'})
