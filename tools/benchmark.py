"""Speed figures of the add-on, measured on a throwaway database (see tools/benchmark).

Usage: benchmark.py --config FILE --database DB [--expiry-quotes N] [--transfer-customers N]
"""
import argparse
import resource
import time
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.server import load_server_wide_modules
from odoo.tools import config


def _peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _create_expiring_quotes(registry, count, batch=2000):
    """Open quotes whose offer ended yesterday, created and committed in batches."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})
        partner = env['res.partner'].create({'name': "Benchmark customer"})
        yesterday = date.today() - timedelta(days=1)
        for start in range(0, count, batch):
            env['customer.quote'].create([{
                'partner_id': partner.id,
                'date': yesterday - timedelta(days=30),
                'validity_date': yesterday,
            } for _index in range(start, min(start + batch, count))])
            cr.commit()
            env.invalidate_all()


def bench_expiry(registry, count):
    _create_expiring_quotes(registry, count)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref('gestion_clientele_quotes.ir_cron_expire_customer_quotes')
        memory_before = _peak_memory_mb()
        start = time.perf_counter()
        cron.method_direct_trigger()
        seconds = time.perf_counter() - start
        cr.commit()
        expired = env['customer.quote'].search_count([('state', '=', 'expired')])
    return {
        'case': f"expiry cron, {count} quotes",
        'seconds': seconds,
        'expired': expired,
        'peak_memory_mb': _peak_memory_mb(),
        'peak_memory_growth_mb': _peak_memory_mb() - memory_before,
    }


def bench_transfer(registry, customers_count, lines_count=10):
    """One template of `lines_count` lines transferred to `customers_count` customers at once."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        tax = env['account.tax'].create({'name': "VAT 20% (benchmark)", 'amount': 20, 'type_tax_use': 'sale'})
        products = env['product.product'].create([
            {'name': f"Benchmark item {index}", 'list_price': 10 + index, 'taxes_id': [(6, 0, tax.ids)]}
            for index in range(lines_count)
        ])
        template = env['customer.quote.template'].create({
            'name': "Benchmark template",
            'line_ids': [(0, 0, {'product_id': product.id, 'quantity': 2, 'discount': 5}) for product in products],
        })
        customers = env['res.partner'].create([
            {'name': f"Benchmark customer {index}"} for index in range(customers_count)
        ])
        wizard = env['customer.quote.transfer'].create({
            'template_id': template.id,
            'partner_ids': [(6, 0, customers.ids)],
        })
        cr.commit()
        env.invalidate_all()
        queries_before = cr.sql_log_count
        start = time.perf_counter()
        wizard.action_transfer()
        env.flush_all()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries_before
        cr.commit()
    return {
        'case': f"transfer {lines_count} lines to {customers_count}",
        'seconds': seconds,
        'queries_per_quote': queries / customers_count,
        'ms_per_quote': seconds * 1000 / customers_count,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--expiry-quotes', type=int, default=10000)
    parser.add_argument('--transfer-customers', type=int, default=500)
    args = parser.parse_args()

    config.parse_config(['-c', args.config, '-d', args.database, '--log-level=warn'])
    load_server_wide_modules()
    registry = Registry(args.database)

    transfer = bench_transfer(registry, args.transfer_customers)
    expiry = bench_expiry(registry, args.expiry_quotes)
    assert expiry['expired'] == args.expiry_quotes, expiry

    print(f"{'case':<34} {'seconds':>8} {'ms/quote':>9} {'queries/quote':>14} {'peak MB':>8}")
    print(f"{transfer['case']:<34} {transfer['seconds']:>8.2f} {transfer['ms_per_quote']:>9.1f} "
          f"{transfer['queries_per_quote']:>14.2f} {'':>8}")
    print(f"{expiry['case']:<34} {expiry['seconds']:>8.2f} {'':>9} {'':>14} {expiry['peak_memory_mb']:>8.0f}")
    print(f"transfer queries per quote = {transfer['queries_per_quote']:.2f}")
    print(f"expiry cron seconds for {args.expiry_quotes} quotes = {expiry['seconds']:.2f}")

if __name__ == '__main__':
    main()
