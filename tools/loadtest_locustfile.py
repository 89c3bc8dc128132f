"""Load test of the customer quotes over Odoo's external JSON API (/json/2), run by tools/loadtest.

This file has three uses:

- ``locust -f tools/loadtest_locustfile.py ...``: phase 2, the timed load. Each
  simulated salesperson, in a loop, creates a quote for a demo customer with 3
  lines (``customer.quote/create``), then reads it back (``customer.quote/read``).
- ``python tools/loadtest_locustfile.py first-quotes``: phase 1, "first quotes of
  a new year". N clients, each on its own HTTP session and thread, released at
  the same instant by a barrier, create one quote each dated in a year that has
  no quote yet; the outcome and the numbers (DEV/<year>/00001, ...) are checked.
- ``python tools/loadtest_locustfile.py summary``: the closing summary of both
  phases, from their result files.

Run as a script, it does not import locust (which patches the standard library
for gevent when imported): phase 1 uses plain operating-system threads.

Settings come from the environment (set by tools/loadtest):
GCQ_LOADTEST_URL (http://127.0.0.1:<port>), GCQ_LOADTEST_DB, GCQ_LOADTEST_API_KEY
(a short-lived API key of the salesperson, never written to a file),
GCQ_LOADTEST_PARTNER_IDS (demo customers, comma-separated), GCQ_LOADTEST_USERS,
GCQ_LOADTEST_OUT (folder of the result files).
"""

import argparse
import datetime
import json
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import requests

RUN_BY_LOCUST = __name__ != '__main__'
if RUN_BY_LOCUST:
    from locust import HttpUser, constant, events, task

REQUEST_TIMEOUT = 120          # seconds; Odoo's own limit_time_real is 120 s too
BARRIER_TIMEOUT = 60           # seconds the phase 1 clients wait for each other
MAX_YEARS_AHEAD = 100          # years tried when looking for one without quotes
LINES_PER_QUOTE = 3
READ_FIELDS = ['name', 'state', 'date', 'partner_id', 'amount_untaxed', 'amount_total', 'line_ids']
FIRST_QUOTES_FILE = 'loadtest-first-quotes.json'
TIMED_LOAD_FILE = 'loadtest-timed-load.json'
NUMBER_RE = r'DEV/{year}/(\d{{5}})'


# ---------------------------------------------------------------------------
# Settings and JSON-2 calls
# ---------------------------------------------------------------------------

def setting(name):
    value = os.environ.get(f'GCQ_LOADTEST_{name}', '')
    if not value:
        sys.exit(f"loadtest: GCQ_LOADTEST_{name} is not set; run this through tools/loadtest.")
    return value


def base_url():
    url = setting('URL').rstrip('/')
    if urlsplit(url).hostname != '127.0.0.1':
        sys.exit(f"loadtest: only http://127.0.0.1:<port> is allowed, not {url}")
    return url


def partner_ids():
    return [int(pid) for pid in setting('PARTNER_IDS').split(',') if pid]


def json2_headers():
    return {
        'Authorization': f"Bearer {setting('API_KEY')}",
        'X-Odoo-Database': setting('DB'),
    }


def new_session():
    session = requests.Session()
    session.headers.update(json2_headers())
    return session


class Json2Error(Exception):
    """An error answered by /json/2: HTTP status and Odoo's error name and message."""

    def __init__(self, status, name, message):
        super().__init__(f"{name}: {message}" if name else message)
        self.status = status
        self.name = name
        self.message = message


def json2_error(response):
    """Json2Error from an error response: Odoo answers {"name", "message", ...} in JSON."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and 'message' in body:
        return Json2Error(response.status_code, body.get('name', ''), body['message'])
    text = ' '.join(response.text.split())[:300]
    return Json2Error(response.status_code, f"HTTP {response.status_code}", text)


def json2(session, model, method, **params):
    """POST /json/2/<model>/<method> with the keyword arguments (and optional ids, context)."""
    response = session.post(f"{base_url()}/json/2/{model}/{method}", json=params, timeout=REQUEST_TIMEOUT)
    if response.status_code != 200:
        raise json2_error(response)
    return response.json()


def quote_lines(products, count):
    """`count` one2many create commands for lines of distinct random items."""
    items = random.sample(products, count) if len(products) >= count else random.choices(products, k=count)
    return [[0, 0, {'product_id': pid, 'quantity': random.randint(1, 5)}] for pid in items]


def sale_items(session):
    """Ids of the items that can be sold (sale_ok), found once at start."""
    return json2(session, 'product.product', 'search', domain=[('sale_ok', '=', True)], order='id')


# ---------------------------------------------------------------------------
# Phase 1: first quotes of a new year, all created at the same instant
# ---------------------------------------------------------------------------

def year_is_free(session, year):
    """No quote dated in `year` (that this user sees), and no numbering range for it yet."""
    first, last = f'{year}-01-01', f'{year}-12-31'
    quotes = json2(session, 'customer.quote', 'search_count',
                   domain=[('date', '>=', first), ('date', '<=', last)])
    ranges = json2(session, 'ir.sequence.date_range', 'search_count',
                   domain=[('sequence_id.code', '=', 'customer.quote'),
                           ('date_from', '<=', last), ('date_to', '>=', first)])
    return quotes == 0 and ranges == 0


def find_free_year(session):
    start = datetime.date.today().year + 1
    for year in range(start, start + MAX_YEARS_AHEAD):
        if year_is_free(session, year):
            return year
    return None


def create_at_barrier(barrier, vals, outcome):
    """One client: its own HTTP session, waits for the others, then creates its quote."""
    session = new_session()
    try:
        barrier.wait(timeout=BARRIER_TIMEOUT)
    except threading.BrokenBarrierError:
        outcome['error'] = "the clients were not all ready within the barrier timeout"
        return
    started = time.monotonic()
    try:
        ids = json2(session, 'customer.quote', 'create', vals_list=[vals])
        outcome['id'] = ids[0]
    except Json2Error as error:
        outcome['error'] = str(error)
    except requests.RequestException as error:
        outcome['error'] = f"{type(error).__name__}: {error}"
    finally:
        outcome['ms'] = round((time.monotonic() - started) * 1000)
        session.close()


def check_numbers(year, names):
    """(unique, gap_free, problems) for the numbers given to the created quotes."""
    problems = []
    numbers = []
    for name in names:
        match = re.fullmatch(NUMBER_RE.format(year=year), name or '')
        if match:
            numbers.append(int(match.group(1)))
        else:
            problems.append(f"number {name!r} is not of the form DEV/{year}/<5 digits>")
    unique = len(set(numbers)) == len(numbers)
    gap_free = sorted(numbers) == list(range(1, len(names) + 1))
    return unique, gap_free, problems


def first_quotes(out_dir):
    clients = int(setting('USERS'))
    session = new_session()
    try:
        partners = partner_ids()
        items = sale_items(session)
        year = find_free_year(session)
        if year is None:
            print(f"loadtest: no year without quotes in the next {MAX_YEARS_AHEAD} years", file=sys.stderr)
            return 2
    except Json2Error as error:
        hint = ''
        if error.status in (401, 404):
            hint = (f"\n  Is the Odoo at {base_url()} using this checkout's database server (same PGPORT)"
                    f" and database {setting('DB')}?")
        print(f"loadtest: the server refused the first call: {error}{hint}", file=sys.stderr)
        return 2
    except requests.RequestException as error:
        print(f"loadtest: no answer from {base_url()}: {error}", file=sys.stderr)
        return 2
    if not items:
        print("loadtest: no item can be sold (no product with sale_ok)", file=sys.stderr)
        return 2

    print(f"\n=== Phase 1: first quotes of a new year: {clients} clients create a quote dated "
          f"{year}-01-02 at the same instant ===", flush=True)
    barrier = threading.Barrier(clients)
    outcomes = [{} for _index in range(clients)]
    threads = []
    for index in range(clients):
        vals = {
            'partner_id': partners[index % len(partners)],
            'date': f'{year}-01-02',
            'line_ids': quote_lines(items, 1),
        }
        thread = threading.Thread(target=create_at_barrier, args=(barrier, vals, outcomes[index]), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + BARRIER_TIMEOUT + REQUEST_TIMEOUT + 10
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for outcome in outcomes:
        if not outcome.get('id') and not outcome.get('error'):
            outcome['error'] = "no answer in time"

    created = [outcome['id'] for outcome in outcomes if outcome.get('id')]
    errors = [outcome['error'] for outcome in outcomes if outcome.get('error')]
    names = []
    ranges = None
    try:
        if created:
            records = json2(session, 'customer.quote', 'read', ids=created, fields=['name'])
            names = sorted(record['name'] for record in records)
        ranges = json2(session, 'ir.sequence.date_range', 'search_count',
                       domain=[('sequence_id.code', '=', 'customer.quote'),
                               ('date_from', '<=', f'{year}-12-31'), ('date_to', '>=', f'{year}-01-01')])
    except (Json2Error, requests.RequestException) as error:
        errors.append(f"reading the created quotes back failed: {error}")
    unique, gap_free, problems = check_numbers(year, names)
    numbering_ok = unique and gap_free and not problems and len(names) == len(created)

    times = sorted(outcome['ms'] for outcome in outcomes if 'ms' in outcome)
    print(f"  created: {len(created)} of {clients}"
          + (f"   (answer times {times[0]}-{times[-1]} ms)" if times else ''))
    if errors:
        print(f"  failed: {len(errors)}; error messages, verbatim (count x message):")
        for message, count in Counter(errors).most_common():
            print(f"    {count} x {message}")
    print(f"  numbers: {', '.join(names) if names else '(none)'}")
    print(f"  unique: {'yes' if unique else 'NO'}; gap-free from {year}/00001: {'yes' if gap_free else 'NO'}"
          + (f"; numbering ranges for {year}: {ranges}" if ranges is not None else ''))
    for problem in problems:
        print(f"  {problem}")
    ok = not errors and numbering_ok
    print(f"  phase 1: {'OK' if ok else 'FAILED'}", flush=True)

    result = {
        'year': year, 'clients': clients, 'created': len(created), 'errors': errors,
        'numbers': names, 'unique': unique, 'gap_free': gap_free, 'ok': ok,
    }
    Path(out_dir, FIRST_QUOTES_FILE).write_text(json.dumps(result, indent=2), encoding='utf-8')
    return 0 if ok else 1


# ---------------------------------------------------------------------------
# Phase 2: the timed load (locust)
# ---------------------------------------------------------------------------

def load_catalogue():
    """(items, customers): found once, when locust loads this file (not counted in the figures)."""
    session = new_session()
    try:
        items = sale_items(session)
        customers = json2(session, 'res.partner', 'search', domain=[('id', 'in', partner_ids())])
    except (Json2Error, requests.RequestException) as error:
        sys.exit(f"loadtest: could not read the items and demo customers: {error}")
    finally:
        session.close()
    if not items or not customers:
        sys.exit("loadtest: no item for sale or no demo customer available to this user")
    return items, customers


def entry_figures(name, entry):
    return {
        'name': name,
        'requests': entry.num_requests,
        'failures': entry.num_failures,
        'p50_ms': entry.get_response_time_percentile(0.5),
        'p95_ms': entry.get_response_time_percentile(0.95),
        'rps': round(entry.total_rps, 2),
    }


if RUN_BY_LOCUST:
    SALE_ITEMS, CUSTOMERS = load_catalogue()

    @events.quitting.add_listener
    def save_figures(environment, **_kwargs):
        """The final figures, once every client has stopped (locust's CSV files are written every second)."""
        stats = environment.stats
        figures = {
            'endpoints': [entry_figures(name, entry) for (name, _method), entry in sorted(stats.entries.items())],
            'all': entry_figures('all', stats.total),
            'errors': [{'name': error.name, 'error': str(error.error), 'occurrences': error.occurrences}
                       for error in stats.errors.values()],
        }
        Path(setting('OUT'), TIMED_LOAD_FILE).write_text(json.dumps(figures, indent=2), encoding='utf-8')

    class QuoteSalesperson(HttpUser):
        """A salesperson who creates quotes back to back and reads each one back."""

        wait_time = constant(0)

        def on_start(self):
            self.client.headers.update(json2_headers())

        def call(self, model, method, check, **params):
            """POST a JSON-2 call, counted as '<model>/<method>'; None when it failed."""
            with self.client.post(f'/json/2/{model}/{method}', json=params, name=f'{model}/{method}',
                                  timeout=REQUEST_TIMEOUT, catch_response=True) as response:
                if not response.status_code:
                    response.failure(f"no answer: {response.error}")
                    return None
                if response.status_code != 200:
                    response.failure(str(json2_error(response)))
                    return None
                try:
                    result = response.json()
                except ValueError:
                    response.failure(f"not JSON: {response.text[:200]}")
                    return None
                problem = check(result)
                if problem:
                    response.failure(problem)
                    return None
                response.success()
                return result

        @task
        def create_and_read_quote(self):
            vals = {
                'partner_id': random.choice(CUSTOMERS),
                'line_ids': quote_lines(SALE_ITEMS, LINES_PER_QUOTE),
            }
            ids = self.call(
                'customer.quote', 'create', vals_list=[vals],
                check=lambda res: None if isinstance(res, list) and len(res) == 1 else f"unexpected answer {res!r}")
            if not ids:
                return

            def check_read(res):
                if not (isinstance(res, list) and len(res) == 1 and res[0].get('id') == ids[0]):
                    return f"unexpected answer {res!r}"[:300]
                if len(res[0].get('line_ids') or ()) != LINES_PER_QUOTE:
                    return f"quote {res[0].get('name')} has {len(res[0].get('line_ids') or ())} lines"
                if not str(res[0].get('name', '')).startswith('DEV/'):
                    return f"quote {ids[0]} has no number: {res[0].get('name')!r}"
                return None

            self.call('customer.quote', 'read', ids=ids, fields=READ_FIELDS, check=check_read)


# ---------------------------------------------------------------------------
# Closing summary
# ---------------------------------------------------------------------------

def summary(out_dir, users, duration):
    """Print the summary of both phases; exit status 1 when anything failed."""
    failed = False
    print("\n================ tools/loadtest summary ================")
    first = Path(out_dir, FIRST_QUOTES_FILE)
    if first.exists():
        result = json.loads(first.read_text(encoding='utf-8'))
        print(f"Phase 1 (first quotes of {result['year']}, {result['clients']} clients at once): "
              f"{'OK' if result['ok'] else 'FAILED'}")
        print(f"  created {result['created']} of {result['clients']}; numbers unique: "
              f"{'yes' if result['unique'] else 'NO'}, gap-free from 00001: {'yes' if result['gap_free'] else 'NO'}")
        for message, count in Counter(result['errors']).most_common():
            print(f"  error ({count}x): {message}")
        failed |= not result['ok']
    else:
        print("Phase 1: no result (it did not run to its end)")
        failed = True

    timed = Path(out_dir, TIMED_LOAD_FILE)
    if not timed.exists():
        print("Phase 2: no result (locust did not run to its end)")
        print("Result: FAILED")
        return 1
    figures = json.loads(timed.read_text(encoding='utf-8'))
    print(f"Phase 2 (timed load): {users} clients for {duration} s")
    header = f"  {'endpoint':<28} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}"
    rule = '  ' + '-' * (len(header) - 2)
    print(header)
    print(rule)
    for row in [*figures['endpoints'], None, figures['all']]:
        if row is None:
            print(rule)
            continue
        print(f"  {row['name']:<28} {row['requests']:>9} {row['failures']:>9} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['rps']:>8.1f}")
    for error in figures['errors']:
        print(f"  failure ({error['occurrences']}x) on {error['name']}: {error['error']}")
    total = figures['all']
    failed |= total['failures'] > 0 or total['requests'] == 0
    print(f"Result: {'FAILED' if failed else 'OK'}")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    first = commands.add_parser('first-quotes', help="phase 1: N clients create the first quotes of a new year")
    first.add_argument('--out', required=True, help="folder for the result file")
    report = commands.add_parser('summary', help="print the summary of both phases")
    report.add_argument('--out', required=True, help="folder of the result files")
    report.add_argument('--users', required=True)
    report.add_argument('--duration', required=True)
    args = parser.parse_args()
    if args.command == 'first-quotes':
        return first_quotes(args.out)
    return summary(args.out, args.users, args.duration)


if __name__ == '__main__':
    sys.exit(main())
