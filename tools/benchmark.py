"""Speed figures of the add-on, measured on a throwaway database (see tools/benchmark).

Usage: benchmark.py --config FILE --database DB [--expiry-quotes N] [--transfer-customers N]
                    [--create-quotes N] [--runs N]

The "create" case compares customer.quote with Odoo's own sale.order, in the same database
and the same run, so that the ratio means something on any machine.
"""
import argparse
import resource
import statistics
import time
from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.server import load_server_wide_modules
from odoo.tools import config


def _peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _create_taxed_items(env, label, count):
    """`count` items at different prices under a 20 % sales tax of their own."""
    tax = env['account.tax'].create({'name': f"VAT 20% ({label})", 'amount': 20, 'type_tax_use': 'sale'})
    return env['product.product'].create([
        {'name': f"{label} item {index}", 'list_price': 10 + index, 'taxes_id': [(6, 0, tax.ids)]}
        for index in range(count)
    ])


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


def _median_run(registry, measure, runs):
    """Run `measure(env)` `runs` times after a warm-up, each in a transaction rolled back after it."""
    figures = []
    for _run in range(runs + 1):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            queries_before = cr.sql_log_count
            start = time.perf_counter()
            measure(env)
            env.flush_all()
            figures.append((time.perf_counter() - start, cr.sql_log_count - queries_before))
            cr.rollback()
    figures = figures[1:]
    return statistics.median(f[0] for f in figures), statistics.median(f[1] for f in figures)


def bench_create(registry, quotes_count, runs, lines_count=10):
    """Batch-create quotes of `lines_count` lines as customer.quote and as sale.order."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product_ids = _create_taxed_items(env, "Create", lines_count).ids
        partner_ids = env['res.partner'].create([{'name': f"Create customer {index}"} for index in range(20)]).ids
        cr.commit()

    def lines(quantity_field):
        return [(0, 0, {'product_id': product_id, quantity_field: 2, 'discount': 5 if index % 2 else 0})
                for index, product_id in enumerate(product_ids)]

    def create_quotes(env):
        env['customer.quote'].create([
            {'partner_id': partner_ids[index % 20], 'line_ids': lines('quantity')} for index in range(quotes_count)
        ])

    def create_orders(env):
        env['sale.order'].create([
            {'partner_id': partner_ids[index % 20], 'order_line': lines('product_uom_qty')}
            for index in range(quotes_count)
        ])

    quote_seconds, quote_queries = _median_run(registry, create_quotes, runs)
    order_seconds, order_queries = _median_run(registry, create_orders, runs)
    return {
        'quote_ms': quote_seconds * 1000 / quotes_count,
        'quote_queries': quote_queries / quotes_count,
        'order_ms': order_seconds * 1000 / quotes_count,
        'order_queries': order_queries / quotes_count,
        'ratio': quote_seconds / order_seconds,
    }


def bench_commercial_tab(registry, runs, counts=(5, 500)):
    """Read a customer's Commercial tab as the web client does, for customers with few and many quotes."""
    spec = {
        'customer_quote_count': {},
        'customer_quote_ids': {
            'fields': {
                'name': {}, 'date': {}, 'validity_date': {}, 'followup_date': {}, 'state': {},
                'amount_untaxed': {}, 'amount_total': {}, 'currency_id': {'fields': {'display_name': {}}},
            },
            'order': 'date desc, id desc',
        },
    }
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})
        partners = env['res.partner'].create([{'name': f"Tab customer {count}"} for count in counts])
        product = env['product.product'].create({'name': "Tab item", 'list_price': 12})
        for partner, count in zip(partners, counts, strict=True):
            env['customer.quote'].create([
                {'partner_id': partner.id, 'line_ids': [(0, 0, {'product_id': product.id})]} for _index in range(count)
            ])
        cr.commit()
    results = {}
    for partner, count in zip(partners, counts, strict=True):
        def read_tab(env, partner_id=partner.id):
            env.invalidate_all()
            env['res.partner'].browse(partner_id).web_read(spec)
        seconds, queries = _median_run(registry, read_tab, runs)
        results[count] = {'ms': seconds * 1000, 'queries': queries}
    return results


def bench_transfer(registry, customers_count, lines_count=10):
    """One template of `lines_count` lines transferred to `customers_count` customers at once."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        products = _create_taxed_items(env, "Transfer", lines_count)
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
    parser.add_argument('--create-quotes', type=int, default=200)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()

    config.parse_config(['-c', args.config, '-d', args.database, '--log-level=warn'])
    load_server_wide_modules()
    registry = Registry(args.database)

    create = bench_create(registry, args.create_quotes, args.runs)
    tab = bench_commercial_tab(registry, args.runs)
    transfer = bench_transfer(registry, args.transfer_customers)
    expiry = bench_expiry(registry, args.expiry_quotes)
    assert expiry['expired'] == args.expiry_quotes, expiry

    print(f"{'case':<44} {'seconds':>8} {'ms/quote':>9} {'queries/quote':>14} {'peak MB':>8}")
    print(f"{f'create {args.create_quotes} x 10 lines, customer.quote':<44} {'':>8} "
          f"{create['quote_ms']:>9.1f} {create['quote_queries']:>14.2f}")
    print(f"{f'create {args.create_quotes} x 10 lines, sale.order':<44} {'':>8} "
          f"{create['order_ms']:>9.1f} {create['order_queries']:>14.2f}")
    for count, figures in tab.items():
        print(f"{f'Commercial tab, {count} quotes (ms, queries)':<44} {figures['ms'] / 1000:>8.3f} {'':>9} "
              f"{figures['queries']:>14}")
    print(f"{transfer['case']:<44} {transfer['seconds']:>8.2f} {transfer['ms_per_quote']:>9.1f} "
          f"{transfer['queries_per_quote']:>14.2f}")
    print(f"{expiry['case']:<44} {expiry['seconds']:>8.2f} {'':>9} {'':>14} {expiry['peak_memory_mb']:>8.0f}")
    print(f"create ratio customer.quote/sale.order = {create['ratio']:.2f}")

if __name__ == '__main__':
    main()
