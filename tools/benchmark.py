"""Speed figures of the add-on, measured on a throwaway database (see tools/benchmark).

Usage: benchmark.py --config FILE --database DB [--expiry-quotes N]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--expiry-quotes', type=int, default=10000)
    args = parser.parse_args()

    config.parse_config(['-c', args.config, '-d', args.database, '--log-level=warn'])
    load_server_wide_modules()
    registry = Registry(args.database)

    result = bench_expiry(registry, args.expiry_quotes)
    print(f"{'case':<32} {'seconds':>9} {'peak MB':>9} {'growth MB':>10}")
    print(f"{result['case']:<32} {result['seconds']:>9.2f} {result['peak_memory_mb']:>9.0f} "
          f"{result['peak_memory_growth_mb']:>10.0f}")
    assert result['expired'] == args.expiry_quotes, result
    print(f"expiry cron seconds for {args.expiry_quotes} quotes = {result['seconds']:.2f}")


if __name__ == '__main__':
    main()
