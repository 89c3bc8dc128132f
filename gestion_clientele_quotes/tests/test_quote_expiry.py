from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-06-15')
class TestQuoteExpiry(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref('gestion_clientele_quotes.ir_cron_expire_customer_quotes')

    def _quotes(self, count, validity_date, state='draft'):
        return self._create_quotes(count, state, date=date(2026, 1, 1), validity_date=validity_date)

    def _run_cron(self):
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def test_expiry_marks_only_open_quotes_past_their_offer(self):
        past_draft = self._quotes(3, date(2026, 6, 14))
        past_sent = self._quotes(2, date(2026, 6, 1), state='sent')
        ends_today = self._quotes(1, date(2026, 6, 15))
        future = self._quotes(1, date(2026, 7, 1))
        past_answered = (
            self._quotes(1, date(2026, 6, 1), state='accepted')
            + self._quotes(1, date(2026, 6, 1), state='refused')
            + self._quotes(1, date(2026, 6, 1), state='cancelled')
        )
        self._run_cron()
        self.assertEqual(set((past_draft + past_sent).mapped('state')), {'expired'})
        self.assertEqual(ends_today.state, 'draft', "the offer is still valid on its last day")
        self.assertEqual(future.state, 'draft')
        self.assertEqual(past_answered.mapped('state'), ['accepted', 'refused', 'cancelled'])
        note = past_sent[0].message_ids[0]
        self.assertEqual(len(past_sent[0].message_ids), 2, "creation, then one expiry note")
        self.assertIn(past_sent[0].validity_date.strftime('%Y'), note.body, "the note gives the offer end date")

    def test_second_run_changes_nothing(self):
        quotes = self._quotes(5, date(2026, 6, 1))
        self._run_cron()
        messages = quotes.message_ids
        write_dates = quotes.mapped('write_date')
        self._run_cron()
        self.assertEqual(quotes.message_ids, messages, "no second note")
        self.assertEqual(quotes.mapped('write_date'), write_dates)
        self.assertEqual(set(quotes.mapped('state')), {'expired'})

    def test_thousand_quotes_in_batches(self):
        quotes = self._quotes(1000, date(2026, 6, 1))
        creation_messages = quotes.message_ids
        with self._count_batches('_expire') as batches:
            self._call_as_cron('_cron_expire_quotes', batch_size=300)
        self.assertEqual(batches, [300, 300, 300, 100], "each batch is committed on its own")
        self.assertEqual(set(quotes.mapped('state')), {'expired'})
        expiry_notes = quotes.message_ids - creation_messages
        self.assertEqual(len(expiry_notes), 1000, "one note per quote")

    def test_query_count_does_not_grow_with_batch(self):
        """Expiring 10 or 100 quotes costs the same number of queries."""
        warmup, small, large = (self._quotes(count, date(2026, 6, 1)) for count in (1, 10, 100))
        warmup._expire()  # fills Odoo's caches (xml ids, mail settings) as earlier batches of a run do
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES_EXPIRE_BATCH):
            small._expire()
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES_EXPIRE_BATCH):
            large._expire()
        self.assertEqual(set((small + large).mapped('state')), {'expired'})


QUERIES_EXPIRE_BATCH = 6
