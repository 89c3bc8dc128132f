from contextlib import closing, contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from lxml import etree
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tests import Form, tagged, users, warmup
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from ..models.customer_subscription import RENEWAL_LINE_FIELDS
from .common import TODAY, CustomerQuoteCommon

ONE_YEAR_LATER = date(2027, 6, 14)


class SubscriptionCommon(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.quote_renewal_days = 30
        cls.product_month = cls.env['product.product'].create({
            'name': "Monthly pass",
            'type': 'service',
            'list_price': 35.0,
            'quote_item_kind': 'subscription',
            'subscription_duration': 3,
            'subscription_duration_unit': 'month',
            'taxes_id': [Command.set(cls.vat_20.ids)],
        })
        cls.member = cls.env['res.partner'].create({'name': "Léa Martin", 'parent_id': cls.partner.id})
        cls.stranger = cls.env['res.partner'].create({'name': "Someone Else"})

    def _accepted_quote(self, lines, partner=None):
        quote = self._create_quote(lines, **({'partner_id': partner.id} if partner else {}))
        quote.action_accept()
        return quote

    @classmethod
    def _create_subscriptions(cls, count, date_end, partner=None, product=None, **values):
        """`count` active subscriptions ending on `date_end`, without quote."""
        partner = partner or cls.partner
        return cls.env['customer.subscription'].create([{
            'partner_id': partner.id,
            'product_id': (product or cls.product_subscription).id,
            'date_start': date_end - timedelta(days=364),
            'date_end': date_end,
            'price': 320.0,
            **values,
        }] * count)

    def _call_subscription_cron(self, method_name, **kwargs):
        """Run a subscription scheduled action in a cursor of its own, as the cron runner does."""
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cron_cr:
            getattr(self.env(cr=cron_cr)['customer.subscription'], method_name)(**kwargs)
        self.env.invalidate_all()

    @contextmanager
    def _count_calls(self, model_name, method_name):
        """Record the size of each recordset (or of each vals list) the method is called on."""
        Model = self.registry[model_name]
        method = getattr(Model, method_name)
        sizes = []

        def counting(records, *args, **kwargs):
            sizes.append(len(args[0]) if method_name == 'create' else len(records))
            return method(records, *args, **kwargs)

        with patch.object(Model, method_name, counting):
            yield sizes


@tagged('post_install', '-at_install')
class TestSubscriptionItems(SubscriptionCommon):

    def test_product_form_shows_the_fields_of_its_kind(self):
        with Form(self.env['product.template']) as product_form:
            product_form.name = "Season pass"
            product_form.quote_item_kind = 'subscription'
            self.assertFalse(product_form._get_modifier('subscription_duration', 'invisible'))
            self.assertTrue(product_form._get_modifier('access_entries', 'invisible'))
            product_form.subscription_duration = 6
            product_form.subscription_duration_unit = 'month'
            product_form.quote_item_kind = 'access'
            self.assertTrue(product_form._get_modifier('subscription_duration', 'invisible'))
            self.assertFalse(product_form._get_modifier('access_entries', 'invisible'))
            product_form.access_entries = 10
        product = product_form.record
        self.assertEqual((product.subscription_duration, product.subscription_duration_unit), (6, 'month'))
        self.assertEqual(product.access_entries, 10)

    def test_a_subscription_lasts_at_least_one_unit(self):
        for duration in (0, -2):
            with self.subTest(duration=duration), self.assertRaisesRegex(ValidationError, "needs a duration"), \
                    self.env.cr.savepoint():
                self.product_subscription.subscription_duration = duration
            self.env.invalidate_all()
            self.assertEqual(self.product_subscription.subscription_duration, 1, "nothing changed")
        # Other kinds do not use it.
        self.product_cap.subscription_duration = 0

    def test_entries_cannot_be_negative(self):
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.cr.savepoint():
            self.product_card.access_entries = -1
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.product_card.access_entries, 0, "nothing changed")

    def test_end_date_from_the_duration(self):
        template = self.product_subscription.product_tmpl_id
        # An annual pass from 1 September ends on 31 August.
        self.assertEqual(template._get_subscription_end_date(date(2026, 9, 1)), date(2027, 8, 31))
        template.subscription_duration_unit = 'day'
        template.subscription_duration = 7
        self.assertEqual(template._get_subscription_end_date(TODAY), date(2026, 6, 21))
        self.assertEqual(
            self.product_month.product_tmpl_id._get_subscription_end_date(date(2026, 1, 1)), date(2026, 3, 31))


@tagged('post_install', '-at_install')
class TestSubscriptionOpening(SubscriptionCommon):

    def test_accepting_opens_one_subscription_per_unit(self):
        quote = self._accepted_quote([
            (self.product_subscription, 2, {'discount': 10}),
            (self.product_cap, 3, {}),
            (self.product_card, 1, {}),
        ])
        line = quote.line_ids.filtered(lambda line: line.product_id == self.product_subscription)
        subscriptions = quote.subscription_ids
        self.assertEqual(len(subscriptions), 2, "articles and access open nothing")
        self.assertEqual(quote.subscription_count, 2)
        for subscription in subscriptions:
            self.assertRecordValues(subscription, [{
                'partner_id': self.partner.id,
                'customer_id': self.partner.id,
                'product_id': self.product_subscription.id,
                'quote_id': quote.id,
                'quote_line_id': line.id,
                'company_id': self.company.id,
                'date_start': TODAY,
                'date_end': ONE_YEAR_LATER,
                'state': 'active',
                'price': 288.0,
                'currency_id': quote.currency_id.id,
                'renewal_quote_id': False,
                'previous_subscription_id': False,
            }])
        self.assertEqual(subscriptions[0].name, "Annual subscription – Aqua Club")

    def test_price_paid_is_the_subtotal_per_unit(self):
        quote = self._accepted_quote([(self.product_subscription, 3, {'discount_amount': 100.0})])
        self.assertEqual(quote.subscription_ids.mapped('price'), [286.67] * 3)

    def test_start_date_of_the_line(self):
        quote = self._accepted_quote([
            (self.product_subscription, 1, {'subscription_start_date': date(2026, 9, 1)}),
            (self.product_month, 1, {'subscription_start_date': date(2026, 5, 1)}),
        ])
        annual, monthly = (quote.subscription_ids.filtered(lambda sub, p=product: sub.product_id == p)
                           for product in (self.product_subscription, self.product_month))
        self.assertRecordValues(annual, [{'date_start': date(2026, 9, 1), 'date_end': date(2027, 8, 31),
                                          'state': 'upcoming'}])
        self.assertRecordValues(monthly, [{'date_start': date(2026, 5, 1), 'date_end': date(2026, 7, 31),
                                           'state': 'active'}])

    def test_beneficiary_holds_the_subscription(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {'beneficiary_id': self.member.id})])
        self.assertRecordValues(quote.subscription_ids, [
            {'partner_id': self.member.id, 'customer_id': self.partner.id}])
        self.assertEqual(self.member.customer_subscription_count, 1)
        self.assertEqual(self.partner.customer_subscription_count, 0)

    def test_beneficiary_must_be_a_contact_of_the_customer(self):
        quote = self._create_quote([(self.product_subscription, 1, {})])
        with self.assertRaisesRegex(ValidationError, "must be a contact of the customer Aqua Club"), \
                self.env.cr.savepoint():
            quote.line_ids.beneficiary_id = self.stranger
        self.env.invalidate_all()
        self.assertFalse(quote.line_ids.beneficiary_id, "nothing changed")
        quote.line_ids.beneficiary_id = self.member

    def test_fractional_quantity_is_refused(self):
        quote = self._create_quote([(self.product_subscription, 1.5, {}), (self.product_cap, 0.5, {})])
        quote.action_mark_sent()
        with self.assertRaisesRegex(UserError, r"set a whole quantity for Annual subscription on DEV/"), \
                self.env.cr.savepoint():
            quote.action_accept()
        self.env.invalidate_all()
        self.assertEqual(quote.state, 'sent', "nothing changed")
        self.assertFalse(quote.answer_date)
        self.assertFalse(self.env['customer.subscription'].search([('quote_id', '=', quote.id)]))

    def test_subscriptions_are_created_in_one_batch(self):
        quote = self._create_quote([(self.product_subscription, 2, {}), (self.product_month, 3, {})])
        with self._count_calls('customer.subscription', 'create') as creates:
            quote.action_accept()
        self.assertEqual(creates, [5])

    def test_quote_without_subscription_item_opens_nothing(self):
        quote = self._accepted_quote([(self.product_cap, 2, {}), (self.product_subscription, 0, {})])
        self.assertFalse(quote.subscription_ids)
        self.assertEqual(quote.subscription_count, 0)

    def test_cancelling_before_any_invoice_cancels_them(self):
        quote = self._accepted_quote([(self.product_subscription, 2, {})])
        quote._cancel_subscriptions()
        self.assertEqual(quote.subscription_ids.mapped('state'), ['cancelled'] * 2)

    def test_invoiced_quote_keeps_its_subscriptions(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {})])
        invoice = self.env['account.move'].create({
            'move_type': 'out_invoice',
            'partner_id': self.partner.id,
            'customer_quote_id': quote.id,
            'invoice_line_ids': [Command.create({'name': "Pass", 'quantity': 1, 'price_unit': 320.0})],
        })
        quote._cancel_subscriptions()
        self.assertEqual(quote.subscription_ids.state, 'active', "the user decides")
        invoice.button_cancel()
        quote._cancel_subscriptions()
        self.assertEqual(quote.subscription_ids.state, 'cancelled', "a cancelled invoice does not count")

    def test_quote_buttons_call_the_cancellation(self):
        quote = self._create_quote([(self.product_subscription, 1, {})])
        with self._count_calls('customer.quote', '_cancel_subscriptions') as calls:
            quote.action_cancel()
            quote.action_draft()
        self.assertEqual(calls, [1, 1])

    def test_smart_buttons_open_the_subscriptions(self):
        quote = self._accepted_quote([(self.product_subscription, 2, {})])
        action = quote.action_view_subscriptions()
        self.assertEqual(self.env['customer.subscription'].search(action['domain']), quote.subscription_ids)
        action = self.partner.action_view_customer_subscriptions()
        self.assertEqual(self.env['customer.subscription'].search(action['domain']), quote.subscription_ids)

    def test_customer_commercial_tab_lists_them(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {})])
        partner_form = Form(self.partner, view='gestion_clientele_quotes.res_partner_view_form')
        self.assertEqual(partner_form.customer_subscription_count, 1)
        self.assertEqual(partner_form.customer_subscription_ids.ids, quote.subscription_ids.ids)
        arch = etree.fromstring(self.env['res.partner'].get_view(view_type='form')['arch'])
        columns = arch.xpath("//field[@name='customer_subscription_ids']/list/field[not(@optional)]/@name")
        self.assertEqual(columns, ['product_id', 'date_start', 'date_end', 'state'])

    def test_line_dialog_offers_beneficiary_and_start_for_subscriptions(self):
        quote_form = Form(self.env['customer.quote'].with_context(default_partner_id=self.partner.id))
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_subscription
            self.assertFalse(line._get_modifier('beneficiary_id', 'invisible'))
            line.beneficiary_id = self.member
            line.subscription_start_date = date(2026, 9, 1)
        with quote_form.line_ids.new() as line:
            line.product_id = self.product_cap
            self.assertTrue(line._get_modifier('beneficiary_id', 'invisible'))
        quote = quote_form.save()
        quote.action_accept()
        self.assertRecordValues(quote.subscription_ids, [
            {'partner_id': self.member.id, 'date_start': date(2026, 9, 1)}])

    def test_views_load(self):
        views = self.env['customer.subscription'].get_views(
            [(False, kind) for kind in ('list', 'form', 'search', 'calendar', 'pivot')])
        self.assertEqual(set(views['views']), {'list', 'form', 'search', 'calendar', 'pivot'})
        action = self.env.ref('gestion_clientele_quotes.customer_subscription_action')
        self.assertEqual(self.env.ref('gestion_clientele_quotes.menu_customer_subscription').action, action)

    def test_search_filters(self):
        quote = self._accepted_quote([(self.product_month, 1, {'subscription_start_date': date(2026, 4, 1)})])
        ending = quote.subscription_ids  # 1 April to 30 June: ends this month
        later = self._create_subscriptions(1, ONE_YEAR_LATER)
        ended = self._create_subscriptions(1, date(2026, 5, 31))
        cancelled = self._create_subscriptions(1, date(2026, 6, 30))
        cancelled.action_cancel()
        arch = etree.fromstring(self.env['customer.subscription'].get_view(view_type='search')['arch'])
        eval_context = {'context_today': lambda: TODAY, 'relativedelta': relativedelta}
        Subscription = self.env['customer.subscription']
        mine = Domain('id', 'in', (ending | later | ended | cancelled).ids)
        for name, expected in (
            ('active_subscriptions', ending | later),
            ('ending_this_month', ending),
            ('expired', ended),
            ('cancelled', cancelled),
        ):
            [search_filter] = arch.xpath(f"//filter[@name='{name}']")
            with self.subTest(filter=name):
                self.assertEqual(
                    Subscription.search(mine & Domain(safe_eval(search_filter.get('domain'), eval_context))), expected)


@tagged('post_install', '-at_install')
class TestSubscriptionStates(SubscriptionCommon):

    def test_cancel_and_reactivate(self):
        subscription = self._create_subscriptions(1, ONE_YEAR_LATER)
        subscription.action_cancel()
        self.assertEqual(subscription.state, 'cancelled')
        subscription.date_end = date(2027, 12, 31)
        self.assertEqual(subscription.state, 'cancelled', "new dates do not revive it")
        subscription.action_reactivate()
        self.assertEqual(subscription.state, 'active')

    def test_origin_and_status_are_kept_for_every_client(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {})])
        subscription = quote.subscription_ids.with_user(self.user_all)
        other_quote = self._accepted_quote([(self.product_subscription, 1, {})])
        before = subscription.read(['quote_id', 'customer_id', 'state', 'date_end'])
        for vals, message in (
            ({'quote_id': other_quote.id}, "cannot be changed"),
            ({'renewal_quote_id': other_quote.id}, "cannot be changed"),
            ({'customer_id': self.stranger.id}, "cannot be changed"),
            ({'state': 'expired'}, "follows its dates"),
            ({'state': 'upcoming', 'date_start': date(2026, 1, 1)}, "follows its dates"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
                subscription.write(vals)
        self.env.invalidate_all()
        self.assertEqual(subscription.read(['quote_id', 'customer_id', 'state', 'date_end']), before, "nothing changed")
        subscription.write({'date_start': date(2026, 7, 1), 'date_end': date(2027, 6, 30)})
        self.assertEqual(subscription.state, 'upcoming', "new dates, new status")

    def test_expired_subscription_cannot_be_cancelled(self):
        subscription = self._create_subscriptions(1, date(2026, 5, 31))
        with self.assertRaisesRegex(UserError, "already ended"), self.env.cr.savepoint():
            subscription.action_cancel()
        self.assertEqual(subscription.state, 'expired', "nothing changed")

    def test_end_before_start_is_refused(self):
        subscription = self._create_subscriptions(1, ONE_YEAR_LATER)
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.cr.savepoint():
            subscription.write({'date_end': date(2025, 1, 1)})
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(subscription.date_end, ONE_YEAR_LATER, "nothing changed")

    def test_daily_action_keeps_the_status_current(self):
        starting = self._create_subscriptions(3, date(2027, 6, 20), date_start=date(2026, 6, 21))
        ending = self._create_subscriptions(2, date(2026, 6, 20))
        cancelled = self._create_subscriptions(1, date(2026, 6, 20))
        cancelled.action_cancel()
        self.assertEqual(set(starting.mapped('state')), {'upcoming'})
        self.assertEqual(set(ending.mapped('state')), {'active'})
        with self._count_calls('customer.subscription', '_update_states') as batches, \
                patch('odoo.fields.Date.context_today', return_value=date(2026, 6, 25)):
            self._call_subscription_cron('_cron_update_states', batch_size=2)
        self.assertEqual(batches, [2, 2, 1], "each batch is committed on its own")
        self.assertEqual(set(starting.mapped('state')), {'active'})
        self.assertEqual(set(ending.mapped('state')), {'expired'})
        self.assertEqual(cancelled.state, 'cancelled')
        with self._count_calls('customer.subscription', '_update_states') as batches, \
                patch('odoo.fields.Date.context_today', return_value=date(2026, 6, 25)):
            self._call_subscription_cron('_cron_update_states')
        self.assertEqual(batches, [], "run twice: nothing more")


@tagged('post_install', '-at_install')
class TestSubscriptionRenewal(SubscriptionCommon):

    def _renew(self, **kwargs):
        self._call_subscription_cron('_cron_create_renewal_quotes', **kwargs)

    def test_renewal_quote_for_a_subscription_ending_soon(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {})])
        subscription = quote.subscription_ids
        subscription.write({'date_start': date(2025, 7, 10), 'date_end': date(2026, 7, 9)})
        not_yet = self._create_subscriptions(1, date(2026, 8, 1))
        self.product_subscription.list_price = 330.0
        self._renew()
        renewal = subscription.renewal_quote_id
        self.assertTrue(renewal)
        self.assertFalse(not_yet.renewal_quote_id, "ends after the renewal delay")
        self.assertRecordValues(renewal, [{
            'partner_id': self.partner.id,
            'state': 'draft',
            'date': TODAY,
            'followup_date': TODAY + timedelta(days=10),
            'user_id': quote.user_id.id,
        }])
        self.assertTrue(renewal.name.startswith("DEV/2026/"))
        self.assertRecordValues(renewal.line_ids, [{
            'product_id': self.product_subscription.id,
            'quantity': 1.0,
            'price_unit': 330.0,
            'renewed_subscription_id': subscription.id,
            'subscription_start_date': date(2026, 7, 10),
            'beneficiary_id': False,
        }])

    def test_running_twice_makes_nothing_more(self):
        subscriptions = self._create_subscriptions(2, date(2026, 7, 1))
        self._renew()
        quotes = subscriptions.renewal_quote_id
        self.assertEqual(len(quotes), 1)
        self._renew()
        self.assertEqual(self.env['customer.quote'].search_count([('partner_id', '=', self.partner.id)]), 1)
        self.assertEqual(subscriptions.renewal_quote_id, quotes)

    def test_one_quote_per_customer_with_a_line_per_subscription(self):
        subscriptions = self._create_subscriptions(3, date(2026, 7, 1))
        other = self.env['res.partner'].create({'name': "Other club"})
        others = self._create_subscriptions(1, date(2026, 7, 1), partner=other)
        self._renew()
        quote = subscriptions.renewal_quote_id
        self.assertEqual(len(quote), 1)
        self.assertEqual(len(quote.line_ids), 3)
        self.assertEqual(quote.line_ids.renewed_subscription_id, subscriptions)
        self.assertEqual(others.renewal_quote_id.partner_id, other)

    def test_batches_keep_a_customers_subscriptions_together(self):
        customers = self.env['res.partner'].create([{'name': f"Customer {index}"} for index in range(5)])
        subscriptions = self.env['customer.subscription']
        for customer in customers:
            subscriptions |= self._create_subscriptions(2, date(2026, 7, 1), partner=customer)
        with self._count_calls('customer.subscription', '_create_renewal_quotes') as batches:
            self._renew(batch_size=2)
        self.assertEqual(batches, [4, 4, 2], "2 customers a batch, each with their 2 subscriptions")
        self.assertEqual(len(subscriptions.renewal_quote_id), 5)

    def test_one_customers_failure_does_not_hold_back_the_others(self):
        customers = self.env['res.partner'].create([{'name': f"Customer {index}"} for index in range(3)])
        subscriptions = self.env['customer.subscription']
        for customer in customers:
            subscriptions |= self._create_subscriptions(1, date(2026, 7, 1), partner=customer)
        broken = subscriptions[1]
        Subscription = self.registry['customer.subscription']
        prepare = Subscription._prepare_renewal_line_values

        def failing(records):
            if records == broken:
                raise UserError("Broken item")  # pylint: disable=translation-required  # a test's own failure
            return prepare(records)

        with patch.object(Subscription, '_prepare_renewal_line_values', failing), \
                mute_logger('odoo.addons.gestion_clientele_quotes.models.customer_subscription'):
            self._renew()
        self.assertFalse(broken.renewal_quote_id)
        self.assertEqual(len((subscriptions - broken).renewal_quote_id), 2)
        self._renew()
        self.assertTrue(broken.renewal_quote_id, "renewed on the next run once it works again")

    def test_renewal_from_the_items_template(self):
        template = self.env['customer.quote.template'].create({
            'name': "Renewal",
            'comment': "<p>Thank you for staying with us</p>",
            'line_ids': [
                Command.create({'product_id': self.product_subscription.id, 'price_unit': 290.0}),
                Command.create({'product_id': self.product_cap.id, 'quantity': 1, 'price_unit': 0.0}),
            ],
        })
        self.product_subscription.subscription_renewal_template_id = template
        quote = self._accepted_quote([(self.product_subscription, 1, {'beneficiary_id': self.member.id})])
        subscription = quote.subscription_ids
        subscription.write({'date_start': date(2025, 7, 1), 'date_end': date(2026, 6, 30)})
        self._renew()
        renewal = subscription.renewal_quote_id
        self.assertEqual(renewal.template_id, template)
        self.assertIn("staying with us", renewal.comment)
        self.assertRecordValues(renewal.line_ids, [
            {'product_id': self.product_subscription.id, 'price_unit': 290.0,
             'renewed_subscription_id': subscription.id, 'beneficiary_id': self.member.id,
             'subscription_start_date': date(2026, 7, 1)},
            {'product_id': self.product_cap.id, 'price_unit': 4.90,
             'renewed_subscription_id': False, 'beneficiary_id': False, 'subscription_start_date': False},
        ])

    def test_accepting_the_renewal_opens_the_next_subscription(self):
        quote = self._accepted_quote([(self.product_subscription, 1, {'beneficiary_id': self.member.id})])
        subscription = quote.subscription_ids
        subscription.write({'date_start': date(2025, 7, 10), 'date_end': date(2026, 7, 9)})
        self._renew()
        subscription.renewal_quote_id.action_accept()
        following = subscription.renewal_quote_id.subscription_ids
        self.assertRecordValues(following, [{
            'partner_id': self.member.id,
            'customer_id': self.partner.id,
            'date_start': date(2026, 7, 10),
            'date_end': date(2027, 7, 9),
            'state': 'upcoming',
            'previous_subscription_id': subscription.id,
        }])

    def test_renewal_delay_and_deposit_item_in_settings(self):
        with Form(self.env['res.config.settings']) as settings:
            self.assertEqual(settings.quote_renewal_days, 30)
            settings.quote_renewal_days = 45
            settings.quote_deposit_product_id = self.product_cap
        settings.record.execute()
        self.assertEqual(self.company.quote_renewal_days, 45)
        self.assertEqual(self.company.quote_deposit_product_id, self.product_cap)
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.cr.savepoint():
            self.company.quote_renewal_days = -1
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.company.quote_renewal_days, 45, "nothing changed")

    def test_no_renewal_when_the_delay_is_zero(self):
        self.company.quote_renewal_days = 0
        subscriptions = self._create_subscriptions(1, date(2026, 6, 20))
        self._renew()
        self.assertFalse(subscriptions.renewal_quote_id)

    def test_only_active_subscriptions_are_renewed(self):
        cancelled = self._create_subscriptions(1, date(2026, 6, 20))
        cancelled.action_cancel()
        expired = self._create_subscriptions(1, date(2026, 6, 10))
        self._renew()
        self.assertFalse((cancelled | expired).renewal_quote_id)


@tagged('post_install', '-at_install')
class TestRenewalQuotesAlike(SubscriptionCommon):
    """Renewal quotes of customers renewing the same items are copied in SQL from one made by the
    ORM (customer.quote._create_alike): they must be exactly what the ORM makes for each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        template = cls.env['customer.quote.template'].create({
            'name': "Monthly renewal",
            'line_ids': [
                Command.create({'product_id': cls.product_month.id, 'price_unit': 33.0, 'discount': 10.0}),
                Command.create({'product_id': cls.product_cap.id, 'quantity': 2}),
            ],
        })
        cls.product_month.subscription_renewal_template_id = template
        fiscal_position = cls.env['account.fiscal.position'].create({'name': "Association"})
        cls.vat_0.write({
            'fiscal_position_ids': [Command.link(fiscal_position.id)],
            'original_tax_ids': [Command.link(cls.vat_20.id)],
        })
        payment_term = cls.env.ref('account.account_payment_term_30days')
        customers = cls.env['res.partner'].create([
            {'name': f"Customer {index}", 'lang': lang}
            for index, lang in enumerate(['fr_FR', 'fr_FR', 'fr_FR', 'en_US', 'fr_FR', 'fr_FR', 'fr_FR'])
        ])
        customers[4].property_account_position_id = fiscal_position
        customers[5].property_payment_term_id = payment_term
        cls.families = cls.env['res.partner'].create([
            {'name': f"Child of {customer.name}", 'parent_id': customer.id} for customer in customers[:2]
        ])
        cls.subscriptions = cls.env['customer.subscription']
        for index, customer in enumerate(customers):
            # Every customer renews an annual pass and a monthly pass ending on other days.
            cls.subscriptions |= cls._create_subscriptions(1, date(2026, 7, 1 + index), partner=customer)
            cls.subscriptions |= cls._create_subscriptions(
                1, date(2026, 7, 10), partner=customer, product=cls.product_month)
        for child in cls.families:
            # A child's pass, renewed on the parent's quote (the parent pays).
            cls.subscriptions |= cls._create_subscriptions(
                1, date(2026, 7, 20), partner=child, customer_id=child.parent_id.id)
        cls.customers = customers

    def _renew_and_read(self, *, copies):
        """Renew all the subscriptions, then read back what each renewal quote holds; everything
        is rolled back after."""
        Quote = self.registry['customer.quote']
        with closing(self.env.cr.savepoint()), self._count_calls('customer.quote', 'create') as created, \
                patch.object(Quote, '_can_create_alike', lambda self, *args: copies):
            self.subscriptions._create_renewal_quotes()
            self.env.flush_all()
            self.env.invalidate_all()
            result = [self._read_quote(subscription.renewal_quote_id) for subscription in self.subscriptions]
        self.env.invalidate_all()
        return result, sum(created)

    def _read_quote(self, quote):
        def stored(model, ignored):
            return [
                fname for fname, field in model._fields.items()
                if field.store and (field.column_type or field.type == 'many2many') and fname not in ignored
            ]
        quote_fields = stored(quote, ('id', 'name'))
        line_fields = stored(quote.line_ids, ('id', 'quote_id'))
        return {
            **{key: value for key, value in quote.read(quote_fields, load=None)[0].items()
               if key not in ('id', 'display_name')},
            'number_prefix': quote.name.rsplit('/', 1)[0],
            'lines': [{key: value for key, value in line.items() if key not in ('id', 'display_name')}
                      for line in quote.line_ids.sorted('sequence').read(line_fields, load=None)],
            'followers': quote.message_partner_ids.ids,
            'messages': quote.message_ids.mapped('body'),
            'activities': quote.activity_ids.mapped('summary'),
        }

    def test_copies_are_what_the_orm_makes(self):
        self.maxDiff = None
        by_orm, orm_creates = self._renew_and_read(copies=False)
        copied, copy_creates = self._renew_and_read(copies=True)
        self.assertEqual(orm_creates, len(self.customers), "the ORM makes every quote")
        # Alike: customers 0 and 1 (each with a child), 2 and 6; the English customer, the one with
        # a fiscal position and the one with payment terms each have their own content.
        self.assertEqual(copy_creates, 5, "one quote made by the ORM per distinct content, the others copied")
        self.assertEqual(len(copied), len(by_orm))
        for subscription, orm_values, copied_values in zip(self.subscriptions, by_orm, copied, strict=True):
            with self.subTest(subscription=subscription.name):
                self.assertEqual(copied_values, orm_values)

    def test_copies_have_their_own_customer_number_and_renewed_subscriptions(self):
        self.subscriptions._create_renewal_quotes()
        quotes = self.subscriptions.renewal_quote_id
        self.assertEqual(len(quotes), len(self.customers))
        self.assertEqual(quotes.partner_id, self.customers)
        self.assertEqual(len(set(quotes.mapped('name'))), len(quotes), "each quote has its own number")
        for subscription in self.subscriptions:
            line = subscription.renewal_quote_id.line_ids.filtered(
                lambda line, subscription=subscription: line.renewed_subscription_id == subscription)
            self.assertEqual(len(line), 1)
            self.assertEqual(line.subscription_start_date, subscription.date_end + timedelta(days=1))
            self.assertEqual(line.beneficiary_id, subscription.partner_id if subscription.partner_id.parent_id
                             else self.env['res.partner'])
        french = quotes.filtered(lambda quote: quote.partner_id == self.customers[0])
        self.assertEqual(french.line_ids.tax_ids, self.vat_20)
        self.assertEqual(french.amount_untaxed, 320.0 + 320.0 + 29.70 + 9.80)
        # Copied quotes are quotes like the others: their customers see them, they can be sent.
        self.assertIn(french, self.customers[0].customer_quote_ids)
        self.assertEqual(self.env['customer.quote'].search([('id', 'in', quotes.ids)]), quotes)

    def test_falls_back_to_create_when_a_stored_field_follows_the_customer(self):
        Quote = self.env['customer.quote']
        self.assertTrue(Quote._can_create_alike(RENEWAL_LINE_FIELDS))
        field = Quote._fields['partner_address']
        with patch.object(field, 'store', True):
            self.assertFalse(Quote._can_create_alike(RENEWAL_LINE_FIELDS))
        line_field = self.env['customer.quote.line']._fields['price_subtotal']
        depends = self.registry.field_depends[line_field]
        with patch.dict(self.registry.field_depends, {line_field: (*depends, 'beneficiary_id')}):
            self.assertFalse(Quote._can_create_alike(RENEWAL_LINE_FIELDS))


@tagged('post_install', '-at_install')
class TestSubscriptionAccess(SubscriptionCommon):

    def test_own_documents_see_the_subscriptions_of_their_quotes(self):
        mine = self._accepted_quote([(self.product_subscription, 1, {})])
        mine.user_id = self.user_own
        theirs = self._accepted_quote([(self.product_subscription, 1, {})])
        theirs.user_id = self.user_own_colleague
        Subscription = self.env['customer.subscription']
        both = (mine | theirs).subscription_ids
        self.assertEqual(Subscription.with_user(self.user_own).search([('id', 'in', both.ids)]), mine.subscription_ids)
        self.assertEqual(Subscription.with_user(self.user_all).search([('id', 'in', both.ids)]), both)
        with self.assertRaises(AccessError):
            theirs.subscription_ids.with_user(self.user_own).action_cancel()
        self.assertEqual(theirs.subscription_ids.state, 'active', "nothing changed")

    def test_salesperson_accepting_opens_the_subscriptions(self):
        quote = self._create_quote([(self.product_subscription, 2, {})], user_id=self.user_own.id)
        quote.with_user(self.user_own).action_accept()
        self.assertEqual(len(quote.subscription_ids), 2)

    def test_only_managers_delete_subscriptions(self):
        subscription = self._create_subscriptions(1, ONE_YEAR_LATER)
        with self.assertRaises(AccessError):
            subscription.with_user(self.user_all).unlink()
        self.assertTrue(subscription.exists(), "nothing changed")


@tagged('post_install', '-at_install')
class TestSubscriptionQueryCounts(SubscriptionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The first quote of a period creates the period's number range, once: not counted here.
        cls._create_quote()

    @users('quote_own')
    @warmup
    def test_accept_quote_with_ten_subscription_lines(self):
        quote = self._create_quote(
            [(self.product_subscription if index % 2 else self.product_month, 2, {}) for index in range(10)],
            user_id=self.user_own.id,
        ).with_env(self.env)
        self.env.flush_all()
        with self.assertQueryCount(quote_own=QUERIES_ACCEPT_10_SUBSCRIPTION_LINES):
            quote.action_accept()
            self.env.flush_all()
        self.assertEqual(len(quote.subscription_ids), 20)

    @warmup
    def test_renewal_batch(self):
        """A batch of renewals costs the same queries for 5 customers as for 20."""
        for count in (5, 20):
            customers = self.env['res.partner'].create([{'name': f"Customer {index}"} for index in range(count)])
            subscriptions = self.env['customer.subscription']
            for customer in customers:
                subscriptions |= self._create_subscriptions(2, date(2026, 7, 1), partner=customer)
            self.env.flush_all()
            self.env.invalidate_all()
            with self.subTest(count=count), self.assertQueryCount(QUERIES_RENEWAL_BATCH):
                subscriptions._create_renewal_quotes()
                self.env.flush_all()
            self.assertEqual(len(subscriptions.renewal_quote_id), count)


QUERIES_ACCEPT_10_SUBSCRIPTION_LINES = 9
QUERIES_RENEWAL_BATCH = 34
