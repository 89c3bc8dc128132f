from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FROZEN_NOW, CustomerQuoteCommon

PIVOT_MEASURES = ('acceptance_rate:avg', 'quote_count:sum', 'accepted_count:sum')


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # stated here too: the fixed dates below are read against this day
class TestFollowupStatistics(CustomerQuoteCommon):
    """Ten quotes of 2025 whose statistics are worked out by hand in each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env['customer.quote.followup.report']
        cls.partner_pool = cls.env['res.partner'].create({'name': "Piscine Municipale"})
        cls.salesperson_a, cls.salesperson_b = cls.user_all, cls.user_own_colleague
        a, b = cls.salesperson_a, cls.salesperson_b
        club, pool = cls.partner, cls.partner_pool
        entry, card, subscription, cap = (
            cls.product_entry, cls.product_card, cls.product_subscription, cls.product_cap)
        # (lines, salesperson, customer, quote date, state, follow-ups, answer date); untaxed amount → main kind
        quotes_data = [
            ([(card, 1, {})], a, club, date(2025, 1, 10), 'accepted', 0, date(2025, 1, 20)),  # 45.00 → access
            ([(cap, 2, {})], a, club, date(2025, 1, 15), 'refused', 0, date(2025, 1, 18)),  # 9.80 → article
            ([], a, club, date(2025, 4, 2), 'cancelled', 0, False),  # 0.00 → no kind
            # 331.00 → subscription
            ([(subscription, 1, {}), (entry, 2, {})], b, pool, date(2025, 2, 3), 'accepted', 1, date(2025, 2, 17)),
            ([(entry, 1, {}), (cap, 1, {})], a, pool, date(2025, 2, 10), 'expired', 1, False),  # 10.40 → access
            ([(card, 2, {})], b, club, date(2025, 3, 10), 'refused', 1, date(2025, 3, 20)),  # 90.00 → access
            ([(cap, 1, {})], a, pool, date(2025, 4, 1), 'refused', 1, date(2025, 4, 6)),  # 4.90 → article
            # 94.00: the largest line is an access (45.00) but articles make more (2 × 24.50).
            ([(card, 1, {}), (cap, 5, {}), (cap, 5, {})], b, club, date(2025, 3, 5), 'accepted', 3, date(2025, 4, 4)),
            ([(entry, 4, {})], b, pool, date(2025, 4, 15), 'expired', 2, False),  # 22.00 → access
            # 19.60: subscription and article tie at 9.80; "article" comes first.
            ([(subscription, 1, {'price_unit': 9.80}), (cap, 2, {})], a, pool, date(2025, 4, 20), 'sent', 3, False),
        ]
        cls.quotes = cls.env['customer.quote']
        for lines, user, partner, quote_date, state, followup_count, answer_date in quotes_data:
            quote = cls._create_quote(lines, user_id=user.id, partner_id=partner.id, date=quote_date)
            quote.write({'state': state, 'followup_count': followup_count, 'answer_date': answer_date})
            cls.quotes |= quote
        cls.env.flush_all()

    def _statistics(self, groupby, aggregates):
        """{group: (aggregates...)} of the test quotes, grouped by one field; None for an empty average."""
        def plain(value):
            # An average over no value comes back as False, which would compare equal to 0.0.
            return None if value is False else round(value, 2) if isinstance(value, float) else value
        return {
            group: tuple(plain(value) for value in values)
            for group, *values in self.Report._read_group(
                [('quote_id', 'in', self.quotes.ids)], [groupby], aggregates)
        }

    def test_one_row_per_quote(self):
        rows = self.Report.search([('quote_id', 'in', self.quotes.ids)])
        self.assertEqual(len(rows), 10)
        self.assertEqual(rows.quote_id, self.quotes)
        subscription_quote = rows.filtered(lambda row: row.quote_id == self.quotes[3])
        self.assertRecordValues(subscription_quote, [{
            'name': self.quotes[3].name,
            'date': date(2025, 2, 3),
            'partner_id': self.partner_pool.id,
            'user_id': self.salesperson_b.id,
            'company_id': self.company.id,
            'currency_id': self.currency.id,
            'state': 'accepted',
            'followup_count': 1,
            'item_kind': 'subscription',
            'quote_count': 1,
            'amount_untaxed': 331.0,
            'accepted_count': 1,
            'accepted_amount': 331.0,
            'acceptance_rate': 100.0,
            'answer_followup_count': 1.0,
            'answer_days': 14.0,
        }])

    def test_totals(self):
        [totals] = self.Report._read_group(
            [('quote_id', 'in', self.quotes.ids)], [], [
                'quote_count:sum', 'amount_untaxed:sum', 'accepted_count:sum', 'accepted_amount:sum',
                'acceptance_rate:avg', 'answer_followup_count:avg', 'answer_days:avg', 'followup_count:sum',
            ])
        # 3 accepted over 8 decided quotes: the sent and the cancelled ones are left out.
        self.assertEqual(totals, (10, 626.7, 3, 470.0, 37.5, 1.0, 12.0, 12))

    def test_acceptance_rate_by_number_of_followups(self):
        self.assertEqual(self._statistics('followup_range', PIVOT_MEASURES), {
            '0': (50.0, 3, 1),  # accepted, refused; the cancelled quote does not count
            '1': (25.0, 4, 1),  # accepted, expired, refused twice
            '2': (0.0, 1, 0),  # expired
            '3_or_more': (100.0, 2, 1),  # accepted; the sent quote is still open
        })

    def test_answer_followups_and_days_by_number_of_followups(self):
        self.assertEqual(self._statistics('followup_range', ['answer_followup_count:avg', 'answer_days:avg']), {
            '0': (0.0, 6.5),
            '1': (1.0, 9.67),  # (14 + 10 + 5) / 3
            '2': (None, None),  # no answer, only an expiry
            '3_or_more': (3.0, 30.0),
        })

    def test_followup_count_stays_a_measure(self):
        """The number of follow-ups itself is still summed per row, e.g. in the list's total."""
        self.assertEqual(self._statistics('followup_range', ['followup_count:sum']), {
            '0': (0,), '1': (4,), '2': (2,), '3_or_more': (6,),
        })

    def test_more_than_three_followups_share_the_last_row(self):
        self.quotes[-1].followup_count = 5
        self.env.flush_all()
        self.assertEqual(self._statistics('followup_range', ['quote_count:sum', 'followup_count:sum']), {
            '0': (3, 0), '1': (4, 4), '2': (1, 2), '3_or_more': (2, 3 + 5),
        })

    def test_pivot_and_graph_rows_read_as_numbers_of_followups(self):
        """The rows of the pivot and the bars of the graph are labelled, in order, in words."""
        views = self.Report.get_views([(False, 'pivot'), (False, 'graph')])['views']
        pivot_rows = etree.fromstring(views['pivot']['arch']).xpath("//field[@type='row']/@name")
        graph_groupbys = etree.fromstring(views['graph']['arch']).xpath("//field[not(@type='measure')]/@name")
        self.assertEqual(pivot_rows, ['followup_range'])
        self.assertEqual(graph_groupbys, ['followup_range'])
        labels = dict(self.Report.fields_get(['followup_range'])['followup_range']['selection'])
        groups = self.Report.formatted_read_group(
            [('quote_id', 'in', self.quotes.ids)], pivot_rows, list(PIVOT_MEASURES))
        self.assertEqual(
            [(labels[group['followup_range']], group['acceptance_rate:avg'], group['quote_count:sum'])
             for group in groups],
            [
                ("No follow-up", 50.0, 3), ("1 follow-up", 25.0, 4),
                ("2 follow-ups", 0.0, 1), ("3 follow-ups or more", 100.0, 2),
            ],
        )
        self.assertEqual(
            self.Report.fields_get(['followup_range'])['followup_range']['string'], "Number of Follow-ups")

    def test_by_salesperson(self):
        measures = [
            'quote_count:sum', 'amount_untaxed:sum', 'accepted_amount:sum', 'acceptance_rate:avg', 'answer_days:avg',
        ]
        self.assertEqual(self._statistics('user_id', measures), {
            self.salesperson_a: (6, 89.7, 45.0, 25.0, 6.0),
            self.salesperson_b: (4, 537.0, 425.0, 50.0, 18.0),
        })

    def test_by_customer(self):
        measures = ['quote_count:sum', 'amount_untaxed:sum', 'accepted_count:sum', 'acceptance_rate:avg']
        self.assertEqual(self._statistics('partner_id', measures), {
            self.partner: (5, 238.8, 2, 50.0),
            self.partner_pool: (5, 387.9, 1, 25.0),
        })

    def test_by_main_item_kind(self):
        self.assertEqual(self._statistics('item_kind', ['quote_count:sum', 'amount_untaxed:sum']), {
            'access': (4, 167.4),
            'article': (4, 128.3),  # with the tie and the quote where articles outweigh a larger access line
            'subscription': (1, 331.0),
            False: (1, 0.0),  # the quote without items
        })

    def test_by_state(self):
        self.assertEqual(self._statistics('state', ['quote_count:sum', 'amount_untaxed:sum', 'acceptance_rate:avg']), {
            'accepted': (3, 470.0, 100.0),
            'refused': (3, 104.7, 0.0),
            'expired': (2, 32.4, 0.0),
            'sent': (1, 19.6, None),
            'cancelled': (1, 0.0, None),
        })

    def test_by_month(self):
        groups = self.Report.formatted_read_group(
            [('quote_id', 'in', self.quotes.ids)], ['date:month'], ['quote_count:sum', 'amount_untaxed:sum'])
        self.assertEqual(
            [
                (group['date:month'][0], group['quote_count:sum'], round(group['amount_untaxed:sum'], 2))
                for group in groups
            ],
            [
                ("2025-01-01", 2, 54.8), ("2025-02-01", 2, 341.4),
                ("2025-03-01", 2, 184.0), ("2025-04-01", 4, 46.5),
            ],
        )

    def test_pivot_query_count_is_constant(self):
        """The pivot's default grouping costs the same few queries for 10 or 40 quotes."""
        report = self.Report.with_user(self.user_all)
        domain = [('quote_id', 'in', self.quotes.ids)]
        report.formatted_read_group(domain, ['followup_range'], list(PIVOT_MEASURES))  # warm the caches
        with self.assertQueryCount(QUERIES_PIVOT):
            small = report.formatted_read_group(domain, ['followup_range'], list(PIVOT_MEASURES))

        more_quotes = self.env['customer.quote']
        for index in range(30):
            more_quotes |= self._create_quote(
                [(self.product_entry, 1, {}), (self.product_cap, index, {})], date=date(2025, 5, 1))
        more_quotes.write({'state': 'refused', 'answer_date': date(2025, 5, 2)})
        for index, quote in enumerate(more_quotes):
            quote.followup_count = index % 4
        self.env.flush_all()
        domain = [('quote_id', 'in', (self.quotes | more_quotes).ids)]
        with self.assertQueryCount(QUERIES_PIVOT):
            large = report.formatted_read_group(domain, ['followup_range'], list(PIVOT_MEASURES))
        self.assertEqual([group['quote_count:sum'] for group in small], [3, 4, 1, 2])
        self.assertEqual([group['quote_count:sum'] for group in large], [3 + 8, 4 + 8, 1 + 7, 2 + 7])

    def test_access(self):
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_own).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user_own).formatted_read_group([], ['followup_range'], list(PIVOT_MEASURES))
        rows = self.Report.with_user(self.user_all).search([('quote_id', 'in', self.quotes.ids)])
        self.assertEqual(rows.quote_id, self.quotes)

    def test_other_company_quotes_left_out(self):
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        partner = self.env['res.partner'].create({'name': "Lake customer", 'company_id': other_company.id})
        other_quote = self.env['customer.quote'].with_company(other_company).create({
            'partner_id': partner.id,
            'user_id': self.user_all.id,
        })
        self.env.flush_all()
        report = self.Report.with_user(self.user_all)
        self.assertFalse(report.search([('quote_id', '=', other_quote.id)]))
        counts = report._read_group(
            [('quote_id', 'in', (self.quotes | other_quote).ids)], ['user_id'], ['quote_count:sum'])
        self.assertEqual(dict(counts), {self.salesperson_a: 6, self.salesperson_b: 4})
        self.assertEqual(self.Report.search_count([('quote_id', '=', other_quote.id)]), 1, "seen by the superuser")

QUERIES_PIVOT = 1
