"""Speed figures of the add-on, measured on a throwaway database (see tools/benchmark).

Usage: benchmark.py --config FILE --database DB [--scheduled-quotes N] [--transfer-customers N]
                    [--create-quotes N] [--invoice-quotes N] [--runs N]

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
from odoo.tools import SQL, config


def _peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_status_mb(key):
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in MB."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(key + ':'):
                return int(line.split()[1]) / 1024
    raise LookupError(key)


def _reset_peak_memory():
    """Make VmHWM start again from the current resident size (Linux: clear_refs, 5)."""
    with open('/proc/self/clear_refs', 'w') as clear_refs:
        clear_refs.write('5')


def _create_taxed_items(env, label, count):
    """`count` items at different prices under a 20 % sales tax of their own."""
    tax = env['account.tax'].create({'name': f"VAT 20% ({label})", 'amount': 20, 'type_tax_use': 'sale'})
    return env['product.product'].create([
        {'name': f"{label} item {index}", 'list_price': 10 + index, 'taxes_id': [(6, 0, tax.ids)]}
        for index in range(count)
    ])


def _insert_open_quotes(registry, count):
    """`count` sent quotes of one line, dated 30 days ago, whose offer ended yesterday and whose
    follow-up date is today.

    They are inserted with SQL: through the ORM, setting up 100,000 quotes would take longer than
    the scheduled actions measured on them.
    """
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})
        partners = env['res.partner'].create([
            {'name': f"Scheduled customer {index}", 'email': f"customer{index}@example.com"} for index in range(100)
        ])
        products = _create_taxed_items(env, "Scheduled", 3)
        for product, kind in zip(products, ('article', 'access', 'subscription'), strict=True):
            product.quote_item_kind = kind
        users = env['res.users'].create([
            {'name': f"Salesperson {index}", 'login': f"bench_sales_{index}"} for index in range(5)
        ])
        today = date.today()
        cr.execute(SQL(
            """
            WITH quotes AS (
                INSERT INTO customer_quote (
                    name, state, company_id, partner_id, user_id, currency_id, date, validity_date,
                    followup_date, followup_count, amount_untaxed, amount_discount, amount_tax, amount_total,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'BENCH/' || n, 'sent', %(company)s, (%(partners)s::int[])[1 + n %% 100],
                       (%(users)s::int[])[1 + n %% 5], %(currency)s, %(date)s, %(validity)s, %(followup)s,
                       n %% 3, 24, 0, 4.8, 28.8, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM generate_series(1, %(count)s) n
                RETURNING id
            )
            INSERT INTO customer_quote_line (
                quote_id, sequence, company_id, currency_id, product_id, name, quantity, price_unit, discount,
                discount_amount, price_subtotal, price_tax, price_total, create_uid, write_uid, create_date, write_date)
            SELECT id, 10, %(company)s, %(currency)s, (%(products)s::int[])[1 + id %% 3], 'Benchmark item', 2, 12, 0,
                   0, 24, 4.8, 28.8, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM quotes
            """,
            company=env.company.id,
            currency=env.company.currency_id.id,
            partners=partners.ids,
            users=users.ids,
            products=products.ids,
            date=today - timedelta(days=30),
            validity=today - timedelta(days=1),
            followup=today,
            count=count,
        ))
        # As for quotes made in Odoo, their salesperson follows them.
        cr.execute(SQL(
            """
            INSERT INTO mail_followers (res_model, res_id, partner_id)
            SELECT 'customer.quote', quote.id, salesperson.partner_id
              FROM customer_quote quote
              JOIN res_users salesperson ON salesperson.id = quote.user_id
             WHERE quote.name LIKE 'BENCH/%%'
            """,
        ))
        cr.execute("ANALYZE customer_quote")
        cr.execute("ANALYZE customer_quote_line")


def _run_cron(registry, xmlid):
    """Run a scheduled action until it has nothing left to do; return seconds, runs and peak
    memory growth.

    Odoo's cron runner gives a job about ten seconds, then triggers it again as soon as
    possible when it reported work remaining through `_commit_progress`: do the same.
    """
    # The growth of the peak resident size during the job, whatever the setup took before it.
    _reset_peak_memory()
    memory_before = _memory_status_mb('VmRSS')
    seconds, runs, remaining = 0.0, 0, True
    while remaining:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cron = env.ref(xmlid)
            start = time.perf_counter()
            cron.method_direct_trigger()
            seconds += time.perf_counter() - start
            runs += 1
            cron_id = cron.id
        # A new transaction, to see the progress the job committed in its own.
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            progress = env['ir.cron.progress'].search([('cron_id', '=', cron_id)], order='id desc', limit=1)
            remaining = progress.remaining
    return seconds, runs, _memory_status_mb('VmHWM') - memory_before


def bench_scheduled_actions(registry, count):
    """The follow-up and expiry actions over `count` due quotes, then the follow-up statistics on them."""
    _insert_open_quotes(registry, count)
    followup_seconds, followup_runs, followup_memory = _run_cron(
        registry, 'gestion_clientele_quotes.ir_cron_schedule_customer_quote_followups')
    expiry_seconds, expiry_runs, expiry_memory = _run_cron(
        registry, 'gestion_clientele_quotes.ir_cron_expire_customer_quotes')
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        activities = env['mail.activity'].search_count([
            ('activity_type_id', '=', env.ref('gestion_clientele_quotes.mail_activity_type_quote_followup').id),
        ])
        expired = env['customer.quote'].search_count([('state', '=', 'expired')])
        report = env['customer.quote.followup.report']
        report_seconds = {}
        for groupby in ('followup_count', 'item_kind'):
            timings = []
            for _run in range(3):
                start = time.perf_counter()
                report.formatted_read_group(
                    domain=[],
                    groupby=[groupby],
                    aggregates=['acceptance_rate:avg', 'quote_count:sum', 'accepted_count:sum', 'amount_untaxed:sum'],
                )
                timings.append(time.perf_counter() - start)
            report_seconds[groupby] = statistics.median(timings)
    return {
        'followup_seconds': followup_seconds,
        'followup_runs': followup_runs,
        'expiry_runs': expiry_runs,
        'followup_memory_mb': followup_memory,
        'activities': activities,
        'expiry_seconds': expiry_seconds,
        'expiry_memory_mb': expiry_memory,
        'expired': expired,
        'report_seconds': report_seconds,
        'peak_memory_mb': _peak_memory_mb(),
    }


def _insert_ending_subscriptions(registry, count):
    """`count` active subscriptions, held two by two by `count` / 2 customers, ending between
    today and the next 30 days (the default renewal delay), none renewed yet.

    The customers are made by the ORM; the subscriptions are inserted with SQL, as the quotes of
    the scheduled actions are: opening 100,000 of them through accepted quotes would take longer
    than the renewal measured on them.
    """
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})
        customer_ids = []
        for start in range(0, count // 2, 5000):
            customer_ids += env['res.partner'].create([
                {'name': f"Renewal customer {index}"} for index in range(start, min(start + 5000, count // 2))
            ]).ids
            env.invalidate_all()
        products = _create_taxed_items(env, "Renewal", 2)
        for product in products:
            product.write({'quote_item_kind': 'subscription', 'subscription_duration': 1,
                           'subscription_duration_unit': 'year'})
        today = date.today()
        cr.execute(SQL(
            """
            INSERT INTO customer_subscription (
                name, company_id, partner_id, customer_id, product_id, date_start, date_end, state,
                currency_id, price, create_uid, write_uid, create_date, write_date)
            SELECT 'Renewal subscription ' || n, %(company)s, customer.id, customer.id,
                   (%(products)s::int[])[1 + n %% 2],
                   %(today)s::date + (n %% 30) - 365, %(today)s::date + (n %% 30), 'active',
                   %(currency)s, 100, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM generate_series(0, %(count)s - 1) n
              JOIN LATERAL (SELECT (%(customers)s::int[])[1 + n %% %(customers_count)s] AS id) customer ON TRUE
            """,
            company=env.company.id,
            currency=env.company.currency_id.id,
            products=products.ids,
            customers=customer_ids,
            customers_count=len(customer_ids),
            today=today,
            count=count,
        ))
        cr.execute("ANALYZE customer_subscription")


def bench_renewal(registry, count):
    """The daily renewal action over `count` subscriptions ending within the renewal delay."""
    _insert_ending_subscriptions(registry, count)
    seconds, runs, memory = _run_cron(
        registry, 'gestion_clientele_quotes.ir_cron_create_customer_subscription_renewals')
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        renewed = env['customer.subscription'].search_count([('renewal_quote_id', '!=', False)])
        cr.execute("SELECT count(DISTINCT renewal_quote_id) FROM customer_subscription")
        quotes = cr.fetchone()[0]
    return {'seconds': seconds, 'runs': runs, 'memory_mb': memory, 'renewed': renewed, 'quotes': quotes}


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


def bench_invoice(registry, count, runs, lines_count=10):
    """Invoice `count` accepted quotes of `lines_count` lines at once (the dialog's "Create Draft
    Invoice"), and as many confirmed sale orders with Odoo's own sale.order._create_invoices()."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        products = _create_taxed_items(env, "Invoice", lines_count)
        partners = env['res.partner'].create([{'name': f"Invoice customer {index}"} for index in range(20)])

        def lines(quantity_field):
            return [(0, 0, {'product_id': product.id, quantity_field: 2, 'discount': 5 if index % 2 else 0})
                    for index, product in enumerate(products)]

        quotes = env['customer.quote'].create([
            {'partner_id': partners[index % 20].id, 'line_ids': lines('quantity')} for index in range(count)
        ])
        quotes.action_accept()
        orders = env['sale.order'].create([
            {'partner_id': partners[index % 20].id, 'order_line': lines('product_uom_qty')} for index in range(count)
        ])
        orders.action_confirm()
        cr.commit()
        quote_ids, order_ids = quotes.ids, orders.ids
        # Fresh statistics, as autovacuum keeps them in a live database: planned on the stale
        # ones left by the cases before, Odoo's payment-state query of new invoices
        # (account.move._compute_payment_state) once ran for minutes.
        cr.execute("ANALYZE")
    # The administrator invoices, with invoicing rights, as in the web client.

    def invoice_quotes(env):
        user_env = env(user=env.ref('base.user_admin').id)
        wizard = user_env['customer.quote.invoice'].create({'quote_ids': [(6, 0, quote_ids)]})
        wizard.action_create_invoices()

    def invoice_orders(env):
        env(user=env.ref('base.user_admin').id)['sale.order'].browse(order_ids)._create_invoices()

    quote_seconds, quote_queries = _median_run(registry, invoice_quotes, runs)
    order_seconds, order_queries = _median_run(registry, invoice_orders, runs)
    return {
        'count': count,
        'quote_ms': quote_seconds * 1000 / count,
        'quote_queries': quote_queries / count,
        'order_ms': order_seconds * 1000 / count,
        'order_queries': order_queries / count,
        'ratio': quote_seconds / order_seconds,
    }


def bench_commercial_tab(registry, runs, counts=(5, 500)):
    """Read a customer's Commercial tab as the web client does, for customers with few and many quotes."""
    # The fields the test suite's query guard reads too.
    # (imported here: the add-on is importable once Odoo has read its configuration)
    from odoo.addons.gestion_clientele_quotes.tests.common import COMMERCIAL_TAB_SPEC

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
            env['res.partner'].browse(partner_id).web_read(COMMERCIAL_TAB_SPEC)
        seconds, queries = _median_run(registry, read_tab, runs)
        results[count] = {'ms': seconds * 1000, 'queries': queries}
    return results


def _create_pricelists(env, products, count):
    """`count` price lists, each with its own rules on `products`: a % off (shown as the line's
    discount), a fixed price, and a quantity break."""
    return env['product.pricelist'].create([{
        'name': f"Benchmark rates {index}",
        'item_ids': [
            (0, 0, {'applied_on': '0_product_variant', 'product_id': product.id, **rule})
            for position, product in enumerate(products)
            for rule in (
                [{'compute_price': 'percentage', 'percent_price': 5 + index}],
                [{'compute_price': 'fixed', 'fixed_price': 8 + index + position}],
                [{'compute_price': 'fixed', 'fixed_price': 9 + position, 'min_quantity': 2},
                 {'compute_price': 'formula', 'base': 'list_price', 'price_discount': index}],
            )[position % 3]
        ],
    } for index in range(count)])


def bench_transfer(registry, customers_count, pricelists_count=0, lines_count=10):
    """One template of `lines_count` lines transferred to `customers_count` customers at once, the
    customers spread over `pricelists_count` price lists of their own, the price lists setting
    on for the time of it (0: the setting as the database has it, off on a new one)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        products = _create_taxed_items(env, f"Transfer {pricelists_count}", lines_count)
        template = env['customer.quote.template'].create({
            'name': "Benchmark template",
            'line_ids': [(0, 0, {'product_id': product.id, 'quantity': 2, 'discount': 5 * (index % 2)})
                         for index, product in enumerate(products)],
        })
        pricelists = []
        if pricelists_count:
            # Odoo prices by price list once the setting is on (a database with one currency starts without).
            env['res.config.settings'].create({'group_product_pricelist': True}).execute()
            pricelists = _create_pricelists(env, products, pricelists_count)
        customers = env['res.partner'].create([{
            'name': f"Benchmark customer {index}",
            **({'property_product_pricelist': pricelists[index % pricelists_count].id} if pricelists_count else {}),
        } for index in range(customers_count)])
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
        quotes = env['customer.quote'].search([('template_id', '=', template.id)])
        assert len(quotes) == customers_count, len(quotes)
        if pricelists_count:
            assert set(quotes.pricelist_id) == set(pricelists), quotes.pricelist_id
        cr.commit()
        if pricelists_count:
            # The other cases measure without price lists, as before them.
            env['res.config.settings'].create({'group_product_pricelist': False}).execute()
            cr.commit()
    return {
        'case': f"transfer {lines_count} lines to {customers_count}, {pricelists_count} price lists",
        'seconds': seconds,
        'queries_per_quote': queries / customers_count,
        'ms_per_quote': seconds * 1000 / customers_count,
    }


def bench_pdf(registry, base_url, counts=(1, 50, 200), order_count=50, runs=3, lines_count=10):
    """Print quotes of `lines_count` lines to PDF, `count` quotes at a time as the Print menu
    does (the add-on splits large selections into bounded wkhtmltopdf calls), and Odoo's own
    sale.order report of `order_count` orders of the same lines, with the same binary.

    wkhtmltopdf fetches the reports' stylesheets from Odoo's web server at `base_url`.
    """
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {'tracking_disable': True})
        env['ir.config_parameter'].set_param('report.url', base_url)
        products = _create_taxed_items(env, "PDF", lines_count)
        partner = env['res.partner'].create({'name': "PDF customer", 'street': "1 rue des Bains", 'city': "Lyon"})
        quote_ids = env['customer.quote'].create([{
            'partner_id': partner.id,
            'line_ids': [(0, 0, {'product_id': product.id, 'quantity': 2, 'discount': 5}) for product in products],
        } for _index in range(max(counts))]).ids
        order_ids = env['sale.order'].create([{
            'partner_id': partner.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 2, 'discount': 5})
                           for product in products],
        } for _index in range(order_count)]).ids
        cr.commit()

    def render(report, ids, repeat):
        timings, pages = [], 0
        for _run in range(repeat):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                start = time.perf_counter()
                pdf, _format = env['ir.actions.report']._render_qweb_pdf(report, ids)
                timings.append(time.perf_counter() - start)
                pages = pdf.count(b'/Type /Page') - pdf.count(b'/Type /Pages')
                assert pdf.startswith(b'%PDF'), "wkhtmltopdf did not produce a PDF"
        return {'seconds': statistics.median(timings), 'pages': pages, 'count': len(ids)}

    results = {
        f'{count} quote(s)': render('gestion_clientele_quotes.action_report_customer_quote', quote_ids[:count],
                                    runs if count == 1 else 1)
        for count in counts
    }
    results[f'{order_count} sale.order'] = render('sale.action_report_saleorder', order_ids, 1)
    return results


CASES = ('create', 'invoice', 'tab', 'transfer', 'pdf', 'scheduled', 'renewal')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--database', required=True)
    parser.add_argument('--cases', default=','.join(CASES), help=f"comma-separated, among {', '.join(CASES)}")
    parser.add_argument('--scheduled-quotes', type=int, default=100000)
    parser.add_argument('--renewal-subscriptions', type=int, default=100000)
    parser.add_argument('--transfer-customers', type=int, default=500)
    parser.add_argument('--transfer-pricelists', type=int, default=5,
                        help="price lists the customers are spread over (0: all on Odoo's default one)")
    parser.add_argument('--create-quotes', type=int, default=200)
    parser.add_argument('--invoice-quotes', type=int, default=200, help="compared with as many sale orders")
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--base-url', required=True, help="Odoo's web server, for wkhtmltopdf")
    parser.add_argument('--pdf-quotes', type=int, default=50, help="compared with as many sale orders")
    parser.add_argument('--pdf-large', type=int, default=200, help="a large selection, compared with --pdf-quotes")
    args = parser.parse_args()
    cases = set(args.cases.split(','))
    if unknown := cases.difference(CASES):
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")

    config.parse_config(['-c', args.config, '-d', args.database, '--log-level=warn'])
    load_server_wide_modules()
    registry = Registry(args.database)

    print(f"{'case':<44} {'seconds':>8} {'ms/quote':>9} {'queries/quote':>14} {'peak MB':>8}", flush=True)
    for case, bench, count in (('create', bench_create, args.create_quotes),
                               ('invoice', bench_invoice, args.invoice_quotes)):
        if case not in cases:
            continue
        figures = bench(registry, count, args.runs)
        for model, prefix in (('customer.quote', 'quote'), ('sale.order', 'order')):
            print(f"{f'{case} {count} x 10 lines, {model}':<44} {'':>8} "
                  f"{figures[prefix + '_ms']:>9.1f} {figures[prefix + '_queries']:>14.2f}")
        target = " (target at most 0.5)" if case == 'invoice' else ""
        print(f"{case} ratio customer.quote/sale.order = {figures['ratio']:.2f}{target}", flush=True)
    if 'tab' in cases:
        for count, figures in bench_commercial_tab(registry, args.runs).items():
            print(f"{f'Commercial tab, {count} quotes (ms, queries)':<44} {figures['ms'] / 1000:>8.3f} {'':>9} "
                  f"{figures['queries']:>14}", flush=True)
    if 'transfer' in cases:
        for pricelists_count in sorted({0, args.transfer_pricelists}):
            transfer = bench_transfer(registry, args.transfer_customers, pricelists_count)
            print(f"{transfer['case']:<44} {transfer['seconds']:>8.2f} {transfer['ms_per_quote']:>9.1f} "
                  f"{transfer['queries_per_quote']:>14.2f}", flush=True)
    if 'pdf' in cases:
        pdf = bench_pdf(
            registry, args.base_url, counts=(1, args.pdf_quotes, args.pdf_large), order_count=args.pdf_quotes)
        for what, figures in pdf.items():
            label = f"PDF of {what}, {figures['pages']} pages"
            print(f"{label:<44} {figures['seconds']:>8.2f} {figures['seconds'] * 1000 / figures['count']:>9.0f}")
        quotes_pdf = pdf[f'{args.pdf_quotes} quote(s)']['seconds']
        print(f"PDF ratio {args.pdf_quotes} quotes/{args.pdf_quotes} sale.order = "
              f"{quotes_pdf / pdf[f'{args.pdf_quotes} sale.order']['seconds']:.2f} (target at most 1.2)")
        print(f"PDF ratio {args.pdf_large} quotes/{args.pdf_quotes} quotes = "
              f"{pdf[f'{args.pdf_large} quote(s)']['seconds'] / quotes_pdf:.2f} "
              f"(target at most {1.1 * args.pdf_large / args.pdf_quotes:.1f}: close to linear)")
        print(f"PDF of 1 quote = {pdf['1 quote(s)']['seconds']:.2f} s (target at most 0.5 s)", flush=True)
    if 'scheduled' in cases:
        scheduled = bench_scheduled_actions(registry, args.scheduled_quotes)
        assert scheduled['activities'] == args.scheduled_quotes, scheduled
        assert scheduled['expired'] == args.scheduled_quotes, scheduled
        count = args.scheduled_quotes
        for action in ('followup', 'expiry'):
            runs = scheduled[action + '_runs']
            label = f"{action.replace('followup', 'follow-up')} action, {count} quotes, {runs} runs"
            action_seconds = scheduled[action + '_seconds']
            print(f"{label:<44} {action_seconds:>8.2f} {action_seconds * 1000 / count:>9.2f} {'':>14} "
                  f"+{scheduled[action + '_memory_mb']:>7.0f}")
        for groupby, report_seconds in scheduled['report_seconds'].items():
            print(f"{f'follow-up statistics by {groupby}, {count} quotes':<44} {report_seconds:>8.3f}", flush=True)
    if 'renewal' in cases:
        count = args.renewal_subscriptions
        renewal = bench_renewal(registry, count)
        assert renewal['renewed'] == count, renewal
        assert renewal['quotes'] == count // 2, renewal
        label = f"renewal action, {count} subscriptions, {renewal['runs']} runs"
        print(f"{label:<44} {renewal['seconds']:>8.2f} {renewal['seconds'] * 1000 / renewal['quotes']:>9.2f} "
              f"{'':>14} +{renewal['memory_mb']:>7.0f}")
        print(f"renewal: {renewal['quotes']} quotes for {count} subscriptions in {renewal['seconds']:.1f} s "
              f"(target at most {60 * count / 100000:.0f} s), memory +{renewal['memory_mb']:.0f} MB", flush=True)
    print(f"peak memory of the run: {_peak_memory_mb():.0f} MB")


if __name__ == '__main__':
    main()
