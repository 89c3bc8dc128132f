import threading

from odoo import api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

WORKERS = 6


@tagged('post_install', '-at_install')
class TestQuoteNumberingConcurrency(TransactionCase):
    """The first quotes of a new year, made at the same moment by several workers.

    Each worker is a thread with a transaction of its own, committed as Odoo's HTTP workers
    commit theirs, and `retrying` around it as the JSON-2 and web requests have. What they
    commit is removed at the end of the test.
    """

    def _committed_env(self, cr):
        return api.Environment(cr, self.env.ref('base.user_admin').id, {'lang': 'en_US'})

    def _free_year(self):
        """A year in which no quote number was ever drawn."""
        ranges = self.env['ir.sequence.date_range'].sudo().search([('sequence_id.code', '=', 'customer.quote')])
        used_years = {date_range.date_from.year for date_range in ranges}
        return next(year for year in range(2090, 2200) if year not in used_years)

    def _cleanup(self, partner_id, year):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env['customer.quote'].search([('partner_id', '=', partner_id)]).unlink()
            env['ir.sequence.date_range'].search([
                ('sequence_id.code', '=', 'customer.quote'),
                ('date_from', '>=', f'{year}-01-01'),
                ('date_to', '<=', f'{year}-12-31'),
            ]).unlink()
            env['res.partner'].browse(partner_id).unlink()

    def test_first_quotes_of_a_new_year_from_several_workers(self):
        year = self._free_year()
        with self.registry.cursor() as cr:
            partner_id = self._committed_env(cr)['res.partner'].create({'name': "Club des Nageurs Pressés"}).id
        self.addCleanup(self._cleanup, partner_id, year)

        barrier = threading.Barrier(WORKERS)
        results = [None] * WORKERS

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    env = self._committed_env(cr)
                    barrier.wait(timeout=30)
                    results[index] = retrying(lambda: env['customer.quote'].create({
                        'partner_id': partner_id,
                        'date': f'{year}-01-02',
                    }).name, env)
            except Exception as error:  # reported below, with the others' results
                results[index] = error

        threads = [threading.Thread(target=worker, args=(index,)) for index in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse([thread for thread in threads if thread.is_alive()], "a worker is still running")

        errors = [result for result in results if not isinstance(result, str)]
        self.assertFalse(errors, "every worker's quote is created")
        self.assertEqual(
            sorted(results), [f"DEV/{year}/{number:05d}" for number in range(1, WORKERS + 1)],
            "unique numbers from 00001, without gaps")
        with self.registry.cursor() as cr:  # the test's own transaction does not see what the workers committed
            range_count = api.Environment(cr, api.SUPERUSER_ID, {})['ir.sequence.date_range'].search_count([
                ('sequence_id.code', '=', 'customer.quote'), ('date_from', '=', f'{year}-01-01'),
            ])
        self.assertEqual(range_count, 1, "one number range for the year")
