"""19.0.1.1.0: lines without a technical price get the one that tells an automatic price from
one typed by hand.

The column technical_price_unit came with price lists and was added empty to existing lines;
lines created by the server with a discount amount or taxes given (the demo's among them) also
got none until 19.0.1.1.0. Their prices all read as typed by hand: changing a quantity or the
quote's date no longer re-priced them. Lines of quotes that can still change (all but accepted
ones) whose current price is the one their price list gives get it as technical price; other
prices stay manual.

How migrations of this add-on are written (Odoo runs them on `-u`, for a database whose
installed version is older than the folder's name):
- a change of data or schema bumps the manifest's version (19.0.x.y.z) and adds
  migrations/<new version>/ with pre-migrate.py (before the module's models and data are
  loaded: rename a column or table so that the ORM does not drop and re-create it),
  post-migrate.py (after: fill new fields with the ORM) or end-migrate.py (after all modules);
- each defines migrate(cr, version), where version is the installed one (None on install);
- the work itself lives in a model method, tested by the suite like any other code;
- tools/upgrade-check upgrades a database made with the previous version to this one.
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    lines = env['customer.quote.line'].search([
        ('quote_id.state', '!=', 'accepted'),
        ('technical_price_unit', 'in', [0, False]),
        ('price_unit', '!=', 0),
    ])
    lines._recognize_price_list_prices()
