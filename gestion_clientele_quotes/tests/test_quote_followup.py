import html
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.addons.mail.tests.common import MailCommon
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import format_date, mute_logger

from .common import CustomerQuoteCommon

ACTIVITY_TYPE = 'gestion_clientele_quotes.mail_activity_type_quote_followup'
LOGGER = 'odoo.addons.gestion_clientele_quotes.models.customer_quote'


@tagged('post_install', '-at_install')
@freeze_time('2026-06-15')
class TestQuoteFollowup(MailCommon, CustomerQuoteCommon):
    """Follow-ups: the status, the Follow Up button, the daily action, closing on answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang='en_US'))
        cls.company.write({'quote_followup_days': 10, 'quote_followup_max': 3, 'quote_followup_reminder': False})
        cls.activity_type = cls.env.ref(ACTIVITY_TYPE)
        cls.user_own.write({'email': "olivia.own@example.com"})
        cls.partner.lang = 'en_US'
        cls.partner_no_email = cls.env['res.partner'].create({'name': "Club Sans Courriel"})

    def _quotes(self, count, followup_date, state='draft', **values):
        return self._create_quotes(count, state, **{
            'user_id': self.user_own.id,
            'date': date(2026, 6, 1),
            'validity_date': date(2026, 7, 31),
            'followup_date': followup_date,
            **values,
        })

    def _run_cron(self, **kwargs):
        # Real PDFs in the reminders (tests otherwise get the report's HTML).
        self._call_as_cron('_cron_schedule_followups', context={'force_report_rendering': True}, **kwargs)

    def _followup_activities(self, quotes):
        return self.env['mail.activity'].with_context(active_test=False).search([
            ('res_model', '=', 'customer.quote'),
            ('res_id', 'in', quotes.ids),
            ('activity_type_id', '=', self.activity_type.id),
        ])

    def _record(self, quote, note=False):
        action = quote.action_followup()
        self.assertEqual(action['res_model'], 'customer.quote.followup')
        # The dialog opens in the user's language, as in the web client.
        wizard_form = Form(quote.env['customer.quote.followup'].with_context(**action['context']))
        if note:
            wizard_form.note = note
        wizard = wizard_form.save()
        announced = wizard.followup_max_reached or wizard.next_followup_date
        wizard.action_record()
        self.env.flush_all()
        return announced

    # ------------------------------------------------------------
    # Status
    # ------------------------------------------------------------

    def test_status_over_dates(self):
        quote = self._quotes(1, date(2026, 6, 20))
        for day, status in [
            ('2026-06-19', 'planned'),
            ('2026-06-20', 'today'),
            ('2026-06-21', 'overdue'),
        ]:
            with self.subTest(day=day), freeze_time(day):
                quote.invalidate_recordset(['followup_status'])
                self.assertEqual(quote.followup_status, status)
                self.assertEqual(self.env['customer.quote'].search([('followup_status', '=', status)]), quote)

    def test_status_of_every_kind_of_quote(self):
        planned = self._quotes(1, date(2026, 6, 20))
        today = self._quotes(1, date(2026, 6, 15), state='sent')
        overdue = self._quotes(1, date(2026, 6, 10))
        no_date = self._quotes(1, False)
        accepted = self._quotes(1, date(2026, 6, 10), state='accepted')
        refused = self._quotes(1, date(2026, 6, 10), state='refused')
        expired = self._quotes(1, date(2026, 6, 10), state='expired')
        cancelled = self._quotes(1, date(2026, 6, 10), state='cancelled')
        everything = planned + today + overdue + no_date + accepted + refused + expired + cancelled
        self.assertEqual(everything.mapped('followup_status'), [
            'planned', 'today', 'overdue', 'none', 'done', 'done', 'none', 'none'])

        def search(operator, value):
            domain = [('id', 'in', everything.ids), ('followup_status', operator, value)]
            return self.env['customer.quote'].search(domain)

        self.assertEqual(search('=', 'none'), no_date + expired + cancelled)
        self.assertEqual(search('=', 'done'), accepted + refused)
        self.assertEqual(search('in', ('today', 'overdue')), today + overdue)
        self.assertEqual(search('!=', 'planned'), everything - planned)

    def test_list_filters(self):
        today = self._quotes(1, date(2026, 6, 15))
        overdue = self._quotes(1, date(2026, 6, 1), state='sent')
        self._quotes(1, date(2026, 6, 30))
        followed_open = self._quotes(1, date(2026, 6, 30), followup_count=2)
        followed_expired = self._quotes(1, False, state='expired', followup_count=1)
        self._quotes(1, False, state='accepted', followup_count=1)
        search_view = self.env.ref('gestion_clientele_quotes.customer_quote_view_search')
        filters = {
            node.get('name'): node.get('domain')
            for node in search_view._get_combined_arch().iter('filter') if node.get('domain')
        }
        Quote = self.env['customer.quote']
        for name, expected in [
            ('followup_today', today),
            ('followup_overdue', overdue),
            ('followed_up_no_answer', followed_open + followed_expired),
        ]:
            with self.subTest(filter=name):
                domain = eval(filters[name], {'uid': self.env.uid})  # the view's own literal
                self.assertEqual(Quote.search(domain), expected)

    # ------------------------------------------------------------
    # Follow Up button
    # ------------------------------------------------------------

    def test_follow_up_button(self):
        quote = self._quotes(1, date(2026, 6, 15))
        announced = self._record(quote, note="Will answer after the board meeting on Friday.")
        self.assertEqual(announced, date(2026, 6, 25), "the dialog gives the next follow-up date")
        self.assertEqual(quote.followup_count, 1)
        self.assertEqual(quote.last_followup_date, date(2026, 6, 15))
        self.assertEqual(quote.followup_date, date(2026, 6, 25), "today + the company's 10 days")
        self.assertEqual(quote.followup_status, 'planned')
        note = quote.message_ids.filtered(lambda message: message.subtype_id == self.env.ref('mail.mt_note'))[0]
        self.assertIn("Follow-up no. 1.", note.body)
        self.assertIn(f"Next follow-up on {format_date(self.env, date(2026, 6, 25))}.", note.body)
        self.assertIn("board meeting on Friday", note.body)

    def test_follow_up_until_the_maximum(self):
        quote = self._quotes(1, date(2026, 6, 15))
        self._record(quote)
        self.assertEqual(self._record(quote), date(2026, 6, 25), "same day, same next date")
        self.assertIs(self._record(quote), True, "the dialog warns that the maximum is reached")
        self.assertEqual(quote.followup_count, 3)
        self.assertFalse(quote.followup_date, "no follow-up after the company's maximum")
        self.assertEqual(quote.followup_status, 'none')
        self.assertIn("No further follow-up planned.", quote.message_ids[0].body)

    def test_follow_up_without_maximum(self):
        self.company.quote_followup_max = 0
        quote = self._quotes(1, date(2026, 6, 15), followup_count=7)
        self._record(quote)
        self.assertEqual((quote.followup_count, quote.followup_date), (8, date(2026, 6, 25)))

    def test_follow_up_closes_the_pending_activity(self):
        quote = self._quotes(1, date(2026, 6, 15))
        self._run_cron()
        activity = self._followup_activities(quote)
        self.assertTrue(activity.active)
        self._record(quote, note="Left a voicemail.")
        self.assertFalse(activity.active, "the follow-up activity is done")
        done_message = quote.message_ids[0]
        self.assertEqual(done_message.mail_activity_type_id, self.activity_type)
        self.assertIn("Follow-up no. 1.", done_message.body)
        self.assertIn("Left a voicemail.", done_message.body)
        self.assertEqual(len(quote.message_ids.filtered(lambda m: "Follow-up no." in (m.body or ""))), 1,
                         "one message for the follow-up, not two")

    def test_follow_up_own_quotes_only(self):
        """A salesperson who sees their own quotes follows them up, not a colleague's."""
        own = self._quotes(1, date(2026, 6, 15))
        colleagues = self._quotes(1, date(2026, 6, 15), user_id=self.user_own_colleague.id)
        self._record(own.with_user(self.user_own), note="Called back.")
        self.assertEqual(own.followup_count, 1)
        with self.assertRaises(AccessError):
            wizard = self.env['customer.quote.followup'].with_user(self.user_own).create({
                'quote_ids': colleagues.ids, 'note': "Not my quote"})
            wizard.action_record()
        self.assertEqual((colleagues.followup_count, colleagues.followup_date), (0, date(2026, 6, 15)))

    def test_negative_follow_up_settings_refused(self):
        settings = self.env['res.config.settings'].create({})
        for field in ('quote_followup_max', 'quote_followup_days'):
            with self.subTest(field=field):
                before = self.company[field]
                with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
                    settings[field] = -1
                    settings.execute()
                    self.env.flush_all()
                self.company.invalidate_recordset()
                self.assertEqual(self.company[field], before, "the company's setting is unchanged")

    def test_follow_up_refused_on_answered_quote(self):
        quote = self._quotes(1, date(2026, 6, 10), state='accepted')
        messages = quote.message_ids
        with self.assertRaisesRegex(UserError, r"“Follow Up” is only possible for quotes in state Draft, Sent"):
            quote.action_followup()
        wizard = self.env['customer.quote.followup'].create({'quote_ids': quote.ids, 'note': "Called"})
        with self.assertRaisesRegex(UserError, quote.name):
            wizard.action_record()
        self.assertEqual((quote.followup_count, quote.followup_date), (0, date(2026, 6, 10)))
        self.assertEqual(quote.message_ids, messages)

    # ------------------------------------------------------------
    # Daily action
    # ------------------------------------------------------------

    def test_cron_schedules_one_activity_per_due_quote(self):
        due = self._quotes(2, date(2026, 6, 15)) + self._quotes(1, date(2026, 6, 2), state='sent')
        no_salesperson = self._quotes(1, date(2026, 6, 14), user_id=False)
        planned = self._quotes(1, date(2026, 6, 16))
        answered = (self._quotes(1, date(2026, 6, 1), state='accepted')
                    + self._quotes(1, date(2026, 6, 1), state='expired'))
        with self.mock_mail_gateway():
            self._run_cron()
        activities = self._followup_activities(due + no_salesperson + planned + answered)
        self.assertEqual(len(activities), 4)
        self.assertEqual(set(activities.mapped('res_id')), set((due + no_salesperson).ids))
        for quote in due:
            activity = self._followup_activities(quote)
            self.assertEqual(activity.user_id, self.user_own, "for the salesperson")
            self.assertEqual(activity.date_deadline, quote.followup_date, "due on the follow-up date")
            self.assertEqual(quote.activity_ids, activity)
        self.assertEqual(self._followup_activities(no_salesperson).user_id, no_salesperson.create_uid,
                         "without salesperson, the quote's author")
        self.assertFalse(self._new_mails, "no reminder email while the setting is off")
        self.assertEqual(set(due.mapped('followup_count')), {0}, "an activity is not a follow-up")

    def test_cron_activity_is_a_regular_activity(self):
        """The daily action's activities are those activity_schedule() makes, and behave as such."""
        self.user_own.tz = 'Europe/Paris'
        by_cron, by_orm = self._quotes(2, date(2026, 6, 15))
        by_cron.message_unsubscribe(self.user_own.partner_id.ids)
        self._run_cron()
        by_orm.activity_ids.unlink()
        reference = by_orm.activity_schedule(
            ACTIVITY_TYPE, date_deadline=by_orm.followup_date, user_id=self.user_own.id)
        activity = self._followup_activities(by_cron)
        fields_compared = [
            'res_model_id', 'res_model', 'activity_type_id', 'summary', 'note', 'date_deadline', 'user_id',
            'user_tz', 'automated', 'active', 'state', 'activity_category', 'icon', 'can_write',
        ]
        self.assertEqual(activity.read(fields_compared)[0] | {'id': 0}, reference.read(fields_compared)[0] | {'id': 0})
        self.assertEqual((activity.res_id, activity.res_name), (by_cron.id, by_cron.name))
        self.assertEqual(by_cron.activity_ids, activity)
        self.assertEqual(by_cron.activity_state, 'today')
        self.assertEqual(by_cron.activity_user_id, self.user_own)
        self.assertIn(self.user_own.partner_id, by_cron.message_partner_ids, "the salesperson follows the quote")
        self.assertEqual(
            self.env['customer.quote'].search([('activity_user_id', '=', self.user_own.id), ('id', '=', by_cron.id)]),
            by_cron, "found by the activity filters of the views")

    def test_cron_second_run_does_nothing(self):
        quotes = self._quotes(3, date(2026, 6, 15))
        self._run_cron()
        activities = self._followup_activities(quotes)
        self._run_cron()
        self.assertEqual(self._followup_activities(quotes), activities, "never twice for the same date")
        # Done, then a new follow-up date: a new activity comes on that date only.
        self._record(quotes[0])
        self._run_cron()
        self.assertEqual(self._followup_activities(quotes), activities)
        with freeze_time('2026-06-25'):
            self._run_cron()
        self.assertEqual(len(self._followup_activities(quotes[0])), 2)
        self.assertEqual(len(self._followup_activities(quotes[1:])), 2)

    def test_cron_reminder_emails_when_enabled(self):
        self.company.quote_followup_reminder = True
        quote = self._quotes(1, date(2026, 6, 15))
        no_email = self._quotes(1, date(2026, 6, 15), partner_id=self.partner_no_email.id)
        with self.mock_mail_gateway():
            self._run_cron()
        self.assertEqual(len(self._new_mails), 1, "one reminder, not for the customer without email")
        mail = self._new_mails
        self.assertEqual(mail.subject, f"Reminder: your quote {quote.name} from {quote.company_id.name}")
        self.assertEqual(mail.recipient_ids, self.partner)
        self.assertEqual(mail.attachment_ids.mapped('name'), [f"Quote - {quote.name}.pdf"])
        self.assertEqual(mail.state, 'outgoing', "queued for Odoo's mail queue")
        self.assertEqual((quote.followup_count, quote.followup_date), (1, date(2026, 6, 25)),
                         "the reminder counts as a follow-up")
        self.assertEqual((no_email.followup_count, no_email.followup_date), (0, date(2026, 6, 15)))
        self.assertEqual(len(self._followup_activities(quote + no_email)), 2, "the salesperson still gets the activity")

    def test_cron_reminder_in_french(self):
        self._load_french()
        self.company.quote_followup_reminder = True
        self.partner.lang = 'fr_FR'
        quote = self._quotes(1, date(2026, 6, 15))
        with self.mock_mail_gateway():
            self._run_cron()
        self.assertEqual(self._new_mails.subject, f"Relance\u00a0: votre devis {quote.name} – {quote.company_id.name}")
        self.assertIn("Vous le trouverez de nouveau en pièce jointe", self._new_mails.body_html)
        self.assertEqual(self._new_mails.attachment_ids.name, f"Devis - {quote.name}.pdf")

    def test_cron_survives_a_broken_quote(self):
        quotes = self._quotes(5, date(2026, 6, 15))
        broken = quotes[2]
        Quote = self.registry['customer.quote']
        schedule = Quote._schedule_followups

        def failing_schedule(records):
            if broken in records:
                raise ValueError("broken quote")
            return schedule(records)

        with patch.object(Quote, '_schedule_followups', failing_schedule), self.assertLogs(LOGGER, 'ERROR') as logs:
            self._run_cron(batch_size=2)
        self.assertEqual(set(self._followup_activities(quotes).mapped('res_id')), set((quotes - broken).ids))
        self.assertEqual(len(logs.records), 1)
        self.assertIn(broken.name, logs.output[0])
        # The next day it is tried again.
        with freeze_time('2026-06-16'):
            self._run_cron()
        self.assertEqual(len(self._followup_activities(broken)), 1)

    def test_cron_batches(self):
        quotes = self._quotes(25, date(2026, 6, 15))
        with self._count_batches('_run_followup_batch') as batches:
            self._run_cron(batch_size=10)
        self.assertEqual(batches, [10, 10, 5])
        self.assertEqual(len(self._followup_activities(quotes)), 25)

    def test_cron_query_count_does_not_grow_with_batch(self):
        warmup = self._quotes(1, date(2026, 6, 15))
        small = self._quotes(5, date(2026, 6, 15))
        large = self._quotes(50, date(2026, 6, 14))
        warmup._run_followup_batch()  # fills Odoo's caches as the earlier batches of a run do
        for quotes in (small, large):
            self.env.invalidate_all()
            with self.assertQueryCount(QUERIES_FOLLOWUP_BATCH):
                quotes._run_followup_batch()
        self.assertEqual(len(self._followup_activities(small + large)), 55)

    # ------------------------------------------------------------
    # Answer
    # ------------------------------------------------------------

    def test_answer_closes_pending_followup_activities(self):
        accepted, refused, other = self._quotes(3, date(2026, 6, 15), state='sent')
        self._run_cron()
        other.activity_schedule('mail.mail_activity_data_todo', summary="Prepare the welcome pack")
        accepted.action_accept()
        refused.action_refuse()
        self.assertFalse(self._followup_activities(accepted + refused).filtered('active'))
        self.assertEqual(accepted.answer_date, date(2026, 6, 15))
        self.assertEqual(refused.followup_status, 'done')
        self.assertIn("The customer accepted the quote.", accepted.message_ids[0].body)
        self.assertIn("The customer refused the quote.", refused.message_ids[0].body)
        self.assertEqual(len(other.activity_ids), 2, "other quotes and other activities stay")

    def test_french_labels(self):
        self._load_french()
        quote = self._quotes(1, date(2026, 6, 15)).with_context(lang='fr_FR')
        labels = dict(quote._fields['followup_status']._description_selection(quote.env))
        self.assertEqual(labels['today'], "Aujourd'hui")
        self.assertEqual(labels['overdue'], "En retard")
        self.assertEqual(self.activity_type.with_context(lang='fr_FR').name, "Relance de devis")
        self._record(quote, note="Rappel téléphonique")
        self.assertIn("Relance n°\u00a01.", html.unescape(quote.message_ids[0].body))


QUERIES_FOLLOWUP_BATCH = 15
