from datetime import date, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestQuoteLifecycle(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote = cls._create_quote([(cls.product_card, 2, {'discount': 10})])

    def _state_after(self, quote, action):
        getattr(quote, action)()
        return quote.state

    def _assert_refused(self, quote, action, message):
        before = quote.read(['state', 'write_date'])[0]
        with self.assertRaisesRegex(UserError, message):
            getattr(quote, action)()
        self.assertEqual(quote.read(['state', 'write_date'])[0], before, "nothing changed")

    def test_happy_path_draft_sent_accepted(self):
        self.assertEqual(self.quote.state, 'draft')
        self.assertEqual(self._state_after(self.quote, 'action_mark_sent'), 'sent')
        self.assertEqual(self._state_after(self.quote, 'action_accept'), 'accepted')

    def test_refuse_cancel_and_back_to_draft(self):
        self.assertEqual(self._state_after(self.quote, 'action_refuse'), 'refused')
        self.assertEqual(self._state_after(self.quote, 'action_draft'), 'draft')
        self.assertEqual(self._state_after(self.quote, 'action_cancel'), 'cancelled')
        self.assertEqual(self._state_after(self.quote, 'action_draft'), 'draft')
        self.quote.action_mark_sent()
        self.assertEqual(self._state_after(self.quote, 'action_cancel'), 'cancelled')

    def test_accept_from_draft(self):
        """A quote signed on the spot is accepted without being sent first."""
        self.assertEqual(self._state_after(self.quote, 'action_accept'), 'accepted')

    def test_forbidden_transitions(self):
        forbidden = {
            'draft': ['action_draft'],
            'sent': ['action_mark_sent', 'action_draft'],
            'accepted': ['action_accept', 'action_refuse', 'action_cancel', 'action_draft',
                         'action_mark_sent', 'action_send'],
            'refused': ['action_accept', 'action_refuse', 'action_cancel', 'action_mark_sent', 'action_send'],
            'expired': ['action_accept', 'action_refuse', 'action_cancel', 'action_mark_sent', 'action_send'],
            'cancelled': ['action_accept', 'action_refuse', 'action_cancel', 'action_mark_sent', 'action_send'],
        }
        for state, actions in forbidden.items():
            quote = self._create_quote([(self.product_cap, 1, {})])
            quote.with_context(tracking_disable=True).state = state
            for action in actions:
                with self.subTest(state=state, action=action):
                    self._assert_refused(quote, action, r"is only possible for quotes in state")

    def test_refused_transition_names_the_quote(self):
        self.quote.action_accept()
        with self.assertRaisesRegex(UserError, rf"“Cancel” is only possible .* not for {self.quote.name} \(Accepted\)"):
            self.quote.action_cancel()

    def test_transitions_are_tracked(self):
        self.env.cr.flush()  # the quote was created in this transaction: close its creation first
        for action in ('action_mark_sent', 'action_accept'):
            getattr(self.quote, action)()
            self.env.cr.flush()  # tracking values are written when each transaction commits
        self.env.invalidate_all()
        tracked = self.quote.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == 'state')
        self.assertEqual(
            sorted(tracked.mapped('new_value_char')), ["Accepted", "Sent"],
        )

    def test_reset_to_draft_renews_an_ended_offer(self):
        quote = self._create_quote([(self.product_cap, 1, {})], date=date(2020, 1, 1))
        quote.with_context(tracking_disable=True).state = 'expired'
        quote.action_draft()
        today = fields.Date.context_today(quote)
        self.assertEqual(quote.validity_date, today + timedelta(days=30))
        self.assertEqual(quote.followup_date, today + timedelta(days=10))
        self.assertEqual(quote.date, date(2020, 1, 1), "the quote date is kept")

    def test_header_buttons_by_state(self):
        """Each button of the quote form only where it applies, the next step as the primary one."""
        header = etree.fromstring(self.env['customer.quote'].get_view(view_type='form')['arch']).find('.//header')

        def shown(state, saved=True):
            return {
                (button.get('name'), 'btn-primary' in (button.get('class') or ''))
                for button in header.iter('button')
                if not safe_eval(button.get('invisible') or 'False', {
                    'state': state, 'id': 1 if saved else False, 'line_ids': [1],
                    'invoice_status': 'to_invoice' if state == 'accepted' else 'nothing',
                })
            }

        self.assertEqual(shown('draft', saved=False), set(), "nothing to act on before the quote is saved")
        closed = {('action_print', False), ('action_save_as_template', False), ('action_draft', False)}
        expected = {
            'draft': {('action_send', True), ('action_print', False), ('action_mark_sent', False),
                      ('action_cancel', False), ('action_save_as_template', False)},
            'sent': {('action_accept', True), ('action_send', False), ('action_print', False),
                     ('action_followup', False), ('action_refuse', False), ('action_cancel', False),
                     ('action_save_as_template', False)},
            'accepted': {('action_create_invoice', True), ('action_print', False), ('action_save_as_template', False)},
            'refused': closed,
            'expired': closed,
            'cancelled': closed - {('action_print', False)},
        }
        for state, buttons in expected.items():
            with self.subTest(state=state):
                self.assertEqual(shown(state), buttons)

    def test_empty_quote_is_not_sent_printed_or_accepted(self):
        empty = self._create_quote(user_id=self.user_own.id).with_user(self.user_own)
        for action in ('action_send', 'action_print', 'action_mark_sent', 'action_accept'):
            with self.subTest(action=action), self.assertRaisesRegex(UserError, "needs at least one line"):
                getattr(empty, action)()
        for state in ('sent', 'accepted'):
            with self.subTest(write=state), self.assertRaisesRegex(UserError, "needs at least one line"):
                empty.write({'state': state})
        with self.assertRaisesRegex(UserError, "needs at least one line"):
            self.env['ir.actions.report'].with_user(self.user_own)._render_qweb_pdf(
                'gestion_clientele_quotes.action_report_customer_quote', empty.ids)
        self.assertEqual(empty.state, 'draft', "nothing changed")
        self.assertEqual(self._state_after(empty, 'action_cancel'), 'cancelled', "it may still be cancelled")

    def test_payment_terms_come_from_the_customer(self):
        thirty_days = self.env.ref('account.account_payment_term_30days')
        self.partner.property_payment_term_id = thirty_days
        quote = self._create_quote()
        self.assertEqual(quote.payment_term_id, thirty_days)
        immediate = self.env.ref('account.account_payment_term_immediate')
        quote.payment_term_id = immediate
        self.assertEqual(quote.payment_term_id, immediate, "the quote's own terms may differ")

    def test_accepted_quote_is_locked(self):
        self.quote.action_accept()
        line = self.quote.line_ids
        before = (self.quote.read()[0], line.read()[0])
        attempts = [
            (self.quote, {'partner_id': self.env['res.partner'].create({'name': "Other"}).id}),
            (self.quote, {'date': date(2030, 1, 1)}),
            (self.quote, {'validity_date': date(2030, 1, 1)}),
            (self.quote, {'followup_date': date(2030, 1, 1)}),
            (self.quote, {'payment_term_id': self.env.ref('account.account_payment_term_30days').id}),
            (self.quote, {'line_ids': [Command.create({'product_id': self.product_cap.id})]}),
            (line, {'quantity': 5}),
            (line, {'price_unit': 1}),
            (line, {'discount': 50}),
        ]
        for record, vals in attempts:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "has been accepted"):
                with self.env.cr.savepoint():
                    record.write(vals)
        with self.assertRaisesRegex(UserError, "has been accepted"):
            with self.env.cr.savepoint():
                self.env['customer.quote.line'].create({'quote_id': self.quote.id, 'product_id': self.product_cap.id})
        with self.assertRaisesRegex(UserError, "has been accepted"):
            with self.env.cr.savepoint():
                line.unlink()
        self.env.invalidate_all()
        self.assertEqual((self.quote.read()[0], line.read()[0]), before, "nothing changed")

        self.quote.comment = "<p>Signed copy received</p>"
        self.assertIn("Signed copy", self.quote.comment, "the comment stays editable")

    def test_accepted_quote_form_is_read_only(self):
        self.quote.action_accept()
        quote_form = Form(self.quote)
        for field_name in ('partner_id', 'date', 'validity_date', 'followup_date', 'payment_term_id', 'line_ids'):
            with self.subTest(field=field_name):
                self.assertTrue(quote_form._get_modifier(field_name, 'readonly'))

    def test_delete_only_draft_or_cancelled(self):
        draft = self._create_quote([(self.product_cap, 1, {})])
        cancelled = self._create_quote([(self.product_cap, 1, {})])
        cancelled.action_cancel()
        (draft + cancelled).unlink()
        self.assertFalse((draft + cancelled).exists())

        for state in ('sent', 'accepted', 'refused', 'expired'):
            quote = self._create_quote([(self.product_cap, 1, {})])
            quote.with_context(tracking_disable=True).state = state
            with self.subTest(state=state):
                with self.assertRaisesRegex(UserError, "Only draft or cancelled quotes can be deleted"):
                    with self.env.cr.savepoint():
                        quote.unlink()
                self.assertTrue(quote.exists())
                self.assertTrue(quote.line_ids.exists())

    def test_delete_button_of_commercial_tab(self):
        quote = self._create_quote([(self.product_cap, 1, {})])
        self.assertTrue(quote.action_delete())
        self.assertFalse(quote.exists())
        self.assertNotIn(quote, self.partner.customer_quote_ids)

    def test_print_action(self):
        self.company.external_report_layout_id = self.env.ref('web.external_layout_standard')
        action = self.quote.action_print()
        self.assertEqual(action['report_name'], 'gestion_clientele_quotes.report_customer_quote')
        self.assertEqual(action['context']['active_ids'], self.quote.ids)

    def test_accepted_quote_can_be_imported_with_its_lines(self):
        quote = self._create_quote([(self.product_cap, 2, {})], state='accepted')
        self.assertEqual(quote.state, 'accepted')
        self.assertEqual(quote.amount_untaxed, 9.8)
        with self.assertRaisesRegex(UserError, "has been accepted"):
            with self.env.cr.savepoint():
                self.env['customer.quote.line'].create({'quote_id': quote.id, 'product_id': self.product_cap.id})
