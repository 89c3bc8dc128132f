from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import TODAY, CustomerQuoteCommon


def readable_partner_fields(partner):
    """The partner fields its user is shown, less the x2many ones (some of Odoo's own, such as
    rtc_session_ids, cannot be read by a user who is not an administrator)."""
    return [
        fname for fname, field in partner.fields_get(attributes=['type']).items()
        if field['type'] not in ('one2many', 'many2many')
    ]


# What a quote and its lines hold, to show that a refused change changed nothing.
QUOTE_FIELDS = ['name', 'state', 'company_id', 'user_id', 'answer_date', 'amount_untaxed', 'amount_total', 'line_ids']
LINE_FIELDS = ['quote_id', 'company_id', 'product_id', 'price_unit', 'tax_ids', 'price_subtotal']


class QuoteIntegrityCommon(CustomerQuoteCommon):
    """What a careless or hostile salesperson aims at: a colleague's quote, an accepted one, and a
    second company's quote and template."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote_own = cls._create_quote([(cls.product_card, 2, {})], user_id=cls.user_own.id)
        cls.quote_colleague = cls._create_quote([(cls.product_cap, 1, {})], user_id=cls.user_own_colleague.id)
        cls.quote_accepted = cls._create_quote([(cls.product_entry, 1, {})], user_id=cls.user_own.id)
        cls.quote_accepted.action_accept()

        cls.company_b = cls.env['res.company'].create({'name': "Piscine du Lac"})
        cls.item_b = cls.env['product.product'].create({
            'name': "Lake entry", 'list_price': 7.0, 'company_id': cls.company_b.id,
        })
        cls.partner_b = cls.env['res.partner'].create({'name': "Lake customer", 'company_id': cls.company_b.id})
        cls.quote_b = cls.env['customer.quote'].with_company(cls.company_b).create({
            'partner_id': cls.partner_b.id,
            'user_id': False,
            'line_ids': [Command.create({'product_id': cls.item_b.id})],
        })
        cls.template_b = cls.env['customer.quote.template'].create({
            'name': "Lake season",
            'company_id': cls.company_b.id,
            'line_ids': [Command.create({'product_id': cls.item_b.id, 'price_unit': 3.0, 'discount': 40})],
        })
        cls.template_shared = cls.env['customer.quote.template'].create({
            'name': "Any centre",
            'company_id': False,
            'line_ids': [Command.create({'product_id': cls.product_card.id})],
        })


@tagged('post_install', '-at_install')
class TestQuoteIntegrity(QuoteIntegrityCommon):
    """The quote's rules hold for any client: each refusal is clear and changes nothing."""

    def _snapshot(self, *quotes):
        self.env.invalidate_all()
        return [quotes_.read(QUOTE_FIELDS) for quotes_ in quotes] + [
            quotes_.line_ids.read(LINE_FIELDS) for quotes_ in quotes]

    # 1. A line stays on its quote -------------------------------------------------------------

    def test_line_cannot_be_moved_to_another_quote(self):
        line = self.quote_own.line_ids.with_user(self.user_own)
        targets = {
            "a colleague's quote": self.quote_colleague,
            "an accepted quote": self.quote_accepted,
            "another company's quote": self.quote_b,
        }
        for label, target in targets.items():
            before = self._snapshot(self.quote_own, target)
            with self.subTest(target=label), self.assertRaisesRegex(UserError, "cannot be moved to another quote"):
                with self.env.cr.savepoint():
                    line.write({'quote_id': target.id})
            self.assertEqual(self._snapshot(self.quote_own, target), before, f"{label}: nothing changed")

        line.write({'quote_id': self.quote_own.id, 'quantity': 3})  # its own quote: a plain edit
        self.assertEqual(self.quote_own.amount_untaxed, 135.0)

    def test_line_cannot_be_added_to_a_quote_out_of_reach(self):
        Line = self.env['customer.quote.line'].with_user(self.user_own)
        for label, target, error in (
            ("a colleague's quote", self.quote_colleague, AccessError),
            ("another company's quote", self.quote_b, AccessError),
            ("an accepted quote", self.quote_accepted, UserError),
        ):
            before = self._snapshot(target)
            with self.subTest(target=label), self.assertRaises(error):
                with self.env.cr.savepoint():
                    Line.create({'quote_id': target.id, 'product_id': self.product_cap.id})
            self.assertEqual(self._snapshot(target), before, f"{label}: nothing changed")

    def test_template_line_cannot_be_moved_to_another_template(self):
        line = self.template_shared.line_ids
        with self.assertRaisesRegex(UserError, "cannot be moved to another template"):
            line.write({'template_id': self.template_b.id})
        self.assertEqual(line.template_id, self.template_shared)

    # 2. Template lines follow their template's company ----------------------------------------

    def test_other_company_template_lines_are_not_readable(self):
        TemplateLine = self.env['customer.quote.template.line'].with_user(self.user_all)
        all_lines = (self.template_b + self.template_shared).line_ids
        self.assertEqual(TemplateLine.search([('id', 'in', all_lines.ids)]), self.template_shared.line_ids)
        self.assertEqual(
            TemplateLine.search_read([('id', 'in', all_lines.ids)], ['price_unit']),
            [{'id': self.template_shared.line_ids.id, 'price_unit': 0.0}])
        groups = TemplateLine._read_group([('id', 'in', all_lines.ids)], ['template_id'], ['__count'])
        self.assertEqual([(template.id, count) for template, count in groups], [(self.template_shared.id, 1)])
        with self.assertRaises(AccessError):
            self.template_b.line_ids.with_user(self.user_all).read(['name', 'price_unit', 'discount'])
        # A user of both companies sees both.
        self.user_all.write({'company_ids': [Command.link(self.company_b.id)]})
        both = TemplateLine.with_context(allowed_company_ids=[self.company.id, self.company_b.id])
        self.assertEqual(both.search([('id', 'in', all_lines.ids)]), all_lines)

    # 3. The company of a quote with lines does not change -------------------------------------

    def test_company_of_a_quote_with_lines_cannot_change(self):
        self.user_all.write({'company_ids': [Command.link(self.company_b.id)]})
        quote = self.quote_own.with_user(self.user_all).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id])
        before = self._snapshot(self.quote_own)
        with self.assertRaisesRegex(UserError, "cannot change while it has lines"):
            quote.write({'company_id': self.company_b.id})
        self.assertEqual(self._snapshot(self.quote_own), before, "taxes and totals unchanged")

        empty = self._create_quote(user_id=self.user_all.id).with_user(self.user_all).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id])
        empty.write({'company_id': self.company_b.id, 'partner_id': self.partner_b.id})
        self.assertEqual(empty.company_id, self.company_b, "a quote without lines may move")

    # 4. The status moves only as the buttons move it ------------------------------------------

    def test_accepted_quote_cannot_be_reopened_by_a_write(self):
        quote = self.quote_accepted.with_user(self.user_own)
        before = self._snapshot(self.quote_accepted)
        for state in ('draft', 'sent', 'refused', 'cancelled', 'expired'):
            with self.subTest(state=state), self.assertRaisesRegex(UserError, "cannot go from Accepted to"):
                with self.env.cr.savepoint():
                    quote.write({'state': state})
        self.assertEqual(self._snapshot(self.quote_accepted), before, "still accepted, same total")

    def test_refusals_speak_french_to_french_users(self):
        self._load_french()
        with self.assertRaisesRegex(UserError, "ne peut pas passer de l'état Accepté à l'état Brouillon"):
            self.quote_accepted.with_user(self.user_own).with_context(lang='fr_FR').write({'state': 'draft'})
        with self.assertRaisesRegex(UserError, "ne peut pas être déplacée vers un autre devis"):
            self.quote_own.line_ids.with_user(self.user_own).with_context(lang='fr_FR').write(
                {'quote_id': self.quote_colleague.id})

    def test_status_moves_follow_the_workflow(self):
        quote = self.quote_own.with_user(self.user_own)
        for state in ('sent', 'cancelled', 'draft', 'refused', 'draft', 'expired', 'draft', 'accepted'):
            quote.write({'state': state})
            self.assertEqual(quote.state, state)
        self.assertEqual(quote.answer_date, TODAY, "written as accepted: answered today")
        refused = self._create_quote(user_id=self.user_own.id).with_user(self.user_own)
        refused.write({'state': 'refused'})
        with self.assertRaisesRegex(UserError, "cannot go from Refused to Sent"):
            refused.write({'state': 'sent'})
        self.assertEqual(refused.state, 'refused')

    def test_answer_date_goes_with_the_answer(self):
        refused = self._create_quote(user_id=self.user_own.id).with_user(self.user_own)
        refused.write({'state': 'refused'})
        self.assertEqual(refused.answer_date, TODAY)
        refused.write({'state': 'draft'})
        self.assertFalse(refused.answer_date, "back to draft: no answer any more")

    def test_new_quote_starts_as_draft(self):
        Quote = self.env['customer.quote'].with_user(self.user_own)
        count = Quote.search_count([])
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            Quote.create({'partner_id': self.partner.id, 'state': 'accepted'})
        self.assertEqual(Quote.search_count([]), count)

    def test_number_cannot_be_chosen_or_changed(self):
        quote = self.env['customer.quote'].with_user(self.user_own).create({
            'partner_id': self.partner.id, 'name': self.quote_colleague.name,
        })
        self.assertNotEqual(quote.name, self.quote_colleague.name, "a number of the sequence, not the one given")
        with self.assertRaisesRegex(UserError, "number is given by its sequence"):
            quote.write({'name': "DEV/1999/00001"})

    def test_superuser_and_administrator_imports_keep_their_way_in(self):
        history = self.env['customer.quote'].create({
            'partner_id': self.partner.id, 'name': "OLD-0042", 'state': 'accepted', 'answer_date': TODAY,
        })
        self.assertEqual((history.name, history.state), ("OLD-0042", 'accepted'))
        manager = new_test_user(
            self.env, login='quote_manager', groups='gestion_clientele_quotes.group_customer_quote_manager')
        imported = self.env['customer.quote'].with_user(manager).with_context(import_file=True).create({
            'partner_id': self.partner.id, 'name': "OLD-0043", 'state': 'refused',
        })
        self.assertEqual((imported.name, imported.state), ("OLD-0043", 'refused'))
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env['customer.quote'].with_user(self.user_all).with_context(import_file=True).create({
                'partner_id': self.partner.id, 'state': 'accepted',
            })

    # 6. A refused quote takes no number --------------------------------------------------------

    def test_quote_refused_by_the_rules_takes_no_number(self):
        Quote = self.env['customer.quote'].with_user(self.user_own)
        first = Quote.create({'partner_id': self.partner.id})
        for label, vals in (
            ("a colleague's quote", {'user_id': self.user_own_colleague.id}),
            ("another company's quote", {'company_id': self.company_b.id, 'partner_id': self.partner_b.id}),
        ):
            with self.subTest(refused=label), self.assertRaises(AccessError):
                with self.env.cr.savepoint():
                    Quote.create({'partner_id': self.partner.id, **vals})
        second = Quote.create({'partner_id': self.partner.id})
        number = int(first.name.rsplit('/', 1)[1])
        self.assertEqual(second.name, f"{first.name.rsplit('/', 1)[0]}/{number + 1:05d}", "no gap")
        next_b = self.env['customer.quote'].with_company(self.company_b).create({'partner_id': self.partner_b.id})
        self.assertEqual(next_b.name, f"DEV/{TODAY.year}/00002", "the other company's numbering neither")

    # 7. Partners read by users without quote rights -------------------------------------------

    def test_partner_quote_fields_are_for_quote_users(self):
        accountant = new_test_user(self.env, login='accountant', groups='account.group_account_invoice')
        partner = self.partner.with_user(accountant)
        readable = readable_partner_fields(partner)
        self.assertFalse([fname for fname in readable if fname.startswith('customer_quote')])
        self.assertEqual(partner.read(readable)[0]['name'], "Aqua Club", "every field it is shown reads")
        with self.assertRaises(AccessError):
            partner.read(['customer_quote_count'])
        self.assertEqual(self.partner.with_user(self.user_own).customer_quote_count, 2, "their own two quotes")
