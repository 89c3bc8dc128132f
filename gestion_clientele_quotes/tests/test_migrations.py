import importlib.util

from odoo.tests import tagged
from odoo.tools import file_path

from .test_quote_pricelist import PricelistCommon


def run_migration(env, version, step, installed_version):
    """Run migrations/<version>/<step>.py of the add-on as Odoo's upgrade does, on env's cursor."""
    path = file_path(f'gestion_clientele_quotes/migrations/{version}/{step}.py')
    spec = importlib.util.spec_from_file_location(f'gcq_migration_{step}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(env.cr, installed_version)


@tagged('post_install', '-at_install')
class TestMigration1910(PricelistCommon):
    """19.0.1.1.0: lines made before price lists had no technical price, so every price read as
    typed by hand; the migration recognizes those that are the price list's."""

    def _as_before_price_lists(self, lines):
        """Lines as a database made before price lists has them: no technical price."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE customer_quote_line SET technical_price_unit = NULL WHERE id IN %s", [tuple(lines.ids)])
        lines.invalidate_recordset(['technical_price_unit'])

    def _saved_values(self, lines):
        return lines.read(['price_unit', 'discount', 'discount_amount', 'price_subtotal', 'price_total'])

    def test_price_list_prices_are_recognized_and_typed_prices_kept(self):
        listed = self._line(self.council, self.product_entry, 5)          # 5.50, the sales price
        typed = self._line(self.council, self.product_entry, 5)
        typed.price_unit = 4.2                                             # typed by hand
        discounted = self._line(self.member, self.product_subscription)   # 320.00 and 15 % off
        accepted = self._line(self.council, self.product_card)            # 38.00, then accepted
        accepted.quote_id.action_accept()
        lines = listed | typed | discounted | accepted
        self._as_before_price_lists(lines)
        self.assertTrue(listed._has_manual_price(), "the defect: a price list price reads as typed by hand")
        before = self._saved_values(lines)

        run_migration(self.env, '19.0.1.1.0', 'post-migrate', '19.0.1.0.0')

        self.assertEqual(self._saved_values(lines), before, "no price, discount or amount changes")
        self.assertRecordValues(lines, [
            {'technical_price_unit': 5.5},
            {'technical_price_unit': 0.0},
            {'technical_price_unit': 320.0},
            {'technical_price_unit': 0.0},   # accepted: locked, nothing to re-price
        ])
        # The recognized price follows the price list again; the typed one stays.
        (listed | typed).quantity = 10
        self.assertEqual(listed.price_unit, 4.5, "the works council's price from 10 entries")
        self.assertEqual(typed.price_unit, 4.2)

    def test_nothing_on_a_new_install(self):
        line = self._line(self.council, self.product_entry, 5)
        self._as_before_price_lists(line)
        run_migration(self.env, '19.0.1.1.0', 'post-migrate', None)
        self.assertEqual(line.technical_price_unit, 0.0)
