"""The steps of tools/upgrade-check, run inside `odoo-bin shell` (which gives `env`, as superuser).

GCQ_UPGRADE_STEP picks one; files go to GCQ_UPGRADE_DIR:
- populate (previous version's code): quotes with lines in every state, templates, follow-ups
  and their activities, subscriptions, on top of the demo; some lines are set back to how
  databases made before price lists have them (no technical price). Committed.
- snapshot (either version's code): every stored field of the add-on's records, the quotes'
  follow-up activities and messages, the quote sequences, the templates' French names,
  written to snapshot-<GCQ_UPGRADE_LABEL>.json.
- compare (new code, after -u): the upgraded snapshot holds everything the previous one held,
  with the same values, but for the changes the migrations make (checked here); then a new
  quote takes the next number. Nothing of this step is committed.

This file runs against both versions of the add-on: it uses only what both have, and reads
fields from the registry rather than naming them.
"""
# ruff: noqa: F821  (env is given by odoo-bin shell)
import json
import os
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.fields import Command

STEP = os.environ['GCQ_UPGRADE_STEP']
WORKDIR = Path(os.environ['GCQ_UPGRADE_DIR'])
MODELS = (
    'customer.quote', 'customer.quote.line', 'customer.quote.template', 'customer.quote.template.line',
    'customer.subscription',
)
# Changed by the migrations on purpose, and checked by compare() instead.
MIGRATED = {'customer.quote.line': {'technical_price_unit'}}
SKIPPED = {'write_date', 'write_uid'}  # the upgrade itself may touch records


def populate():
    today = fields.Date.context_today(env.user)
    company = env.company
    company.write({'quote_validity_days': 30, 'quote_followup_days': 7})
    entry, cap, annual = env['product.product'].create([
        {'name': "Upgrade check: single entry", 'list_price': 6.0, 'quote_item_kind': 'access', 'access_entries': 1},
        {'name': "Upgrade check: swim cap", 'list_price': 8.5, 'quote_item_kind': 'article', 'type': 'consu'},
        {'name': "Upgrade check: annual pass", 'list_price': 300.0, 'quote_item_kind': 'subscription',
         'subscription_duration': 1, 'subscription_duration_unit': 'year'},
    ])
    customers = env['res.partner'].create([
        {'name': f"Upgrade check customer {index}", 'lang': lang, 'email': f'customer{index}@example.com'}
        for index, lang in enumerate(('fr_FR', 'en_US', 'fr_FR', 'fr_FR', 'en_US'))
    ])
    template = env['customer.quote.template'].create({
        'name': "Season pass and caps",
        'validity_days': 45,
        'comment': "<p>Prices valid for the season.</p>",
        'line_ids': [
            Command.create({'product_id': annual.id, 'quantity': 2, 'sequence': 1}),
            Command.create({'product_id': cap.id, 'quantity': 10, 'price_unit': 7.0, 'discount': 5, 'sequence': 2}),
        ],
    })
    template.with_context(lang='fr_FR').name = "Abonnement de saison et bonnets"
    env['customer.quote.template'].create({'name': "Old offer", 'active': False, 'line_ids': [
        Command.create({'product_id': entry.id, 'quantity': 20})]})

    transfer = env['customer.quote.transfer'].create({
        'template_id': template.id, 'partner_ids': [Command.set(customers[:3].ids)]})
    transfer.action_transfer()
    transferred = env['customer.quote'].search([('partner_id', 'in', customers[:3].ids)], order='id')

    own = env['customer.quote'].create([{
        'partner_id': customer.id,
        'date': today - timedelta(days=10),
        'line_ids': [
            Command.create({'product_id': entry.id, 'quantity': 12, 'sequence': 1}),
            Command.create({'product_id': cap.id, 'quantity': 3, 'discount_amount': 2.5, 'sequence': 2}),
            Command.create({'product_id': annual.id, 'quantity': 1, 'discount': 10, 'sequence': 3}),
        ],
    } for customer in customers])
    # States: sent, accepted (opens subscriptions), refused, cancelled; one stays draft.
    transferred[0].action_mark_sent()
    transferred[1].action_mark_sent()
    transferred[1].action_accept()
    own[0].action_mark_sent()
    own[1].action_refuse()
    own[2].action_cancel()

    # Follow-ups: recorded by hand on two open quotes, and the daily action's activities.
    followup = env['customer.quote.followup'].create({
        'quote_ids': [Command.set((transferred[0] | own[0]).ids)], 'note': "Called, will answer next week."})
    followup.action_record()
    (own[3] | own[4]).write({'followup_date': today - timedelta(days=1)})
    env['customer.quote']._cron_schedule_followups()

    # Lines as databases made before price lists have them: no technical price. One at its
    # item's sales price (the migration recognizes it), one typed by hand (it stays manual).
    listed = own[3].line_ids.filtered(lambda line: line.product_id == entry)
    typed = own[4].line_ids.filtered(lambda line: line.product_id == entry)
    typed.price_unit = 5.2
    env.flush_all()
    env.cr.execute(
        "UPDATE customer_quote_line SET technical_price_unit = NULL WHERE id IN %s", [(listed.id, typed.id)])
    (WORKDIR / 'populated.json').write_text(json.dumps({'listed_line': listed.id, 'typed_line': typed.id}))
    env.cr.commit()
    print(f"populated: {len(transferred) + len(own)} quotes, 2 templates, "
          f"{env['mail.activity'].search_count([('res_model', '=', 'customer.quote')])} follow-up activities")


def plain(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


def records(model):
    Model = env[model].with_context(active_test=False)
    names = sorted(
        name for name, field in Model._fields.items()
        if field.store and field.type != 'binary' and name not in SKIPPED)
    rows = Model.search([], order='id').read(names, load=None)
    return {str(row['id']): {name: plain(row[name]) for name in names} for row in rows}


def snapshot():
    quotes = env['customer.quote'].with_context(active_test=False).search([], order='id')
    activities = env['mail.activity'].search([('res_model', '=', 'customer.quote')], order='id')
    messages = env['mail.message']._read_group([('model', '=', 'customer.quote')], ['res_id'], ['__count'])
    sequences = env['ir.sequence'].search([('code', '=', 'customer.quote')], order='id')
    data = {
        'version': env['ir.module.module'].search([('name', '=', 'gestion_clientele_quotes')]).latest_version,
        'records': {model: records(model) for model in MODELS},
        'activities': [
            [activity.res_id, activity.activity_type_id.id, str(activity.date_deadline), activity.user_id.id]
            for activity in activities
        ],
        'messages': {str(res_id): count for res_id, count in messages},
        'sequences': {
            str(sequence.id): [sequence.prefix, sequence.number_next_actual]
            + [[str(dr.date_from), dr.number_next_actual] for dr in sequence.date_range_ids.sorted('date_from')]
            for sequence in sequences
        },
        'template_names_fr': env['customer.quote.template'].with_context(lang='fr_FR', active_test=False)
        .search([], order='id').mapped('name'),
        'quote_count': len(quotes),
    }
    path = WORKDIR / f"snapshot-{os.environ['GCQ_UPGRADE_LABEL']}.json"
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
    print(f"snapshot {path.name}: version {data['version']}, {len(quotes)} quotes, "
          + ", ".join(f"{len(rows)} {model}" for model, rows in data['records'].items()))


def compare():
    before = json.loads((WORKDIR / 'snapshot-before.json').read_text())
    after = json.loads((WORKDIR / 'snapshot-after.json').read_text())
    populated = json.loads((WORKDIR / 'populated.json').read_text())
    problems = []
    expected_version = os.environ['GCQ_UPGRADE_VERSION']
    if after['version'] != expected_version:
        problems.append(f"installed version is {after['version']}, not {expected_version}")
    for model, rows in before['records'].items():
        rows_after = after['records'].get(model, {})
        if missing := sorted(set(rows) - set(rows_after), key=int):
            problems.append(f"{model}: {len(missing)} records lost, ids {missing[:10]}")
        if added := sorted(set(rows_after) - set(rows), key=int):
            problems.append(f"{model}: {len(added)} records appeared, ids {added[:10]}")
        for record_id, values in rows.items():
            values_after = rows_after.get(record_id)
            if values_after is None:
                continue
            for name, value in values.items():
                if name in MIGRATED.get(model, ()):
                    continue
                if name not in values_after:
                    problems.append(f"{model}: field {name} is gone")
                elif values_after[name] != value:
                    problems.append(f"{model} {record_id}: {name} was {value!r}, is {values_after[name]!r}")
    for key in ('activities', 'messages', 'template_names_fr', 'quote_count'):
        if before[key] != after[key]:
            problems.append(f"{key} changed: {before[key]!r} -> {after[key]!r}")
    for sequence_id, state in before['sequences'].items():
        if after['sequences'].get(sequence_id) != state:
            problems.append(f"quote sequence {sequence_id} was {state}, is {after['sequences'].get(sequence_id)}")

    # 19.0.1.1.0: lines without a technical price, on quotes not accepted, may get their current
    # price as technical price (when it is the price list's); every other technical price stays.
    lines_before = before['records']['customer.quote.line']
    lines_after = after['records']['customer.quote.line']
    quote_states = {quote_id: values['state'] for quote_id, values in before['records']['customer.quote'].items()}
    recognized = []
    for line_id, values in lines_before.items():
        technical = values['technical_price_unit'] or 0.0
        got = (lines_after.get(line_id) or {}).get('technical_price_unit') or 0.0
        if got == technical:
            continue
        if technical == 0.0 and got == values['price_unit'] and quote_states[str(values['quote_id'])] != 'accepted':
            recognized.append(line_id)
        else:
            problems.append(f"customer.quote.line {line_id}: technical price was {technical!r}, is {got!r}")
    listed, typed = str(populated['listed_line']), str(populated['typed_line'])
    if listed not in recognized:
        problems.append(f"customer.quote.line {listed}: its sales price was not recognized as such")
    if typed in recognized:
        problems.append(f"customer.quote.line {typed}: its price typed by hand became automatic")

    # Numbering goes on after the upgrade: a new quote takes a number no quote had.
    customer = env['res.partner'].search([('name', '=', "Upgrade check customer 0")], limit=1)
    quote = env['customer.quote'].create({'partner_id': customer.id})
    names = {values['name'] for values in before['records']['customer.quote'].values()}
    next_number = quote.name
    if not next_number or next_number in names:
        problems.append(f"a quote made after the upgrade is numbered {next_number!r}")
    env.cr.rollback()

    if problems:
        print("upgrade check: FAILED")
        for problem in problems[:100]:
            print("  " + problem)
        raise SystemExit(1)
    counts = ", ".join(f"{len(rows)} {model}" for model, rows in before['records'].items())
    print(f"upgrade check: nothing lost from {before['version']} to {after['version']}: {counts}, "
          f"{len(before['activities'])} follow-up activities, {sum(before['messages'].values())} messages; "
          f"technical price recognized on {len(recognized)} lines (ids {', '.join(sorted(recognized, key=int))}), "
          f"kept manual on line {typed}; next number {next_number}")


{'populate': populate, 'snapshot': snapshot, 'compare': compare}[STEP]()
