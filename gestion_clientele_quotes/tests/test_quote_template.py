from datetime import date

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestQuoteTemplate(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env['customer.quote.template'].create({
            'name': "Club season offer",
            'validity_days': 60,
            'comment': "<p>Valid for the whole club</p>",
            'line_ids': [
                Command.create({'sequence': 20, 'product_id': cls.product_cap.id, 'quantity': 12}),
                Command.create({'sequence': 10, 'product_id': cls.product_subscription.id, 'quantity': 12,
                                'discount': 15}),
                Command.create({'sequence': 30, 'product_id': cls.product_card.id, 'quantity': 2,
                                'price_unit': 40.0}),
            ],
        })
        cls.other_partner = cls.env['res.partner'].create({'name': "École Jules Ferry", 'email': "ecole@example.com"})

    def _list_context(self, partners):
        """The context of the wizard launched from the customers' list (its Action menu)."""
        return {
            'active_model': 'res.partner', 'active_id': partners[:1].id, 'active_ids': partners.ids,
            'active_domain': [('customer_rank', '>', 0)],
        }

    def _form_context(self, partner):
        """The context of the wizard launched by the Transfer button of a customer's form, as the
        web client adds it to what action_transfer_quote_template returns."""
        action = partner.action_transfer_quote_template()
        return {**action['context'], 'active_model': 'res.partner', 'active_id': partner.id, 'active_ids': partner.ids}

    def _transfer(self, partners, template=None, **values):
        wizard = self.env['customer.quote.transfer'].with_context(**self._list_context(partners)).create(
            {'template_id': (template or self.template).id, **values})
        action = wizard.action_transfer()
        return self.env['customer.quote'].search(action.get('domain') or [('id', '=', action['res_id'])])

    def test_transfer_builds_the_quote_from_the_template(self):
        self.product_subscription.list_price = 330.0  # changed after the template was made
        quote = self._transfer(self.partner, date=date(2026, 9, 1))
        self.assertRecordValues(quote, [{
            'partner_id': self.partner.id,
            'template_id': self.template.id,
            'date': date(2026, 9, 1),
            'validity_date': date(2026, 10, 31),
            'followup_date': date(2026, 9, 11),
            'state': 'draft',
        }])
        self.assertIn("whole club", quote.comment)
        self.assertRecordValues(quote.line_ids, [
            {'product_id': self.product_subscription.id, 'quantity': 12, 'price_unit': 330.0, 'discount': 15.0},
            {'product_id': self.product_cap.id, 'quantity': 12, 'price_unit': 4.90, 'discount': 0.0},
            {'product_id': self.product_card.id, 'quantity': 2, 'price_unit': 40.0, 'discount': 0.0},
        ])
        self.assertEqual(quote.line_ids.tax_ids, self.vat_20)
        self.assertEqual(quote.amount_untaxed, 3366.0 + 58.8 + 80.0)
        self.assertIn(quote, self.partner.customer_quote_ids)

    def test_template_without_validity_uses_the_company_setting(self):
        self.template.validity_days = 0
        quote = self._transfer(self.partner, date=date(2026, 9, 1))
        self.assertEqual(quote.validity_date, date(2026, 10, 1))

    def test_transfer_to_many_customers(self):
        partners = self.partner + self.other_partner
        quotes = self._transfer(partners)
        self.assertEqual(quotes.partner_id, partners)
        self.assertEqual(len(quotes), 2)
        self.assertEqual(len(set(quotes.mapped('name'))), 2)
        self.assertEqual(quotes.mapped(lambda quote: len(quote.line_ids)), [3, 3])

    def test_transfer_action_opens_the_quotes(self):
        """From the customers' list, even for one customer, the new quotes open."""
        wizard = self.env['customer.quote.transfer'].with_context(**self._list_context(self.partner)).create(
            {'template_id': self.template.id})
        action = wizard.action_transfer()
        self.assertEqual((action['res_model'], action['views'][0][1]), ('customer.quote', 'form'))
        wizard = self.env['customer.quote.transfer'].with_context(
            **self._list_context(self.partner + self.other_partner)).create({'template_id': self.template.id})
        action = wizard.action_transfer()
        self.assertEqual(action['res_model'], 'customer.quote')
        self.assertEqual(self.env['customer.quote'].search(action['domain']).partner_id, wizard.partner_ids)

    def test_transfer_from_customer_form_returns_to_it(self):
        """From a customer's form, a notification links to the new quote and the dialog closes,
        so that the form reloads with the quote in its Commercial tab."""
        wizard_form = Form(self.env['customer.quote.transfer'].with_context(**self._form_context(self.partner)))
        self.assertEqual(wizard_form.partner_ids[:], self.partner)
        wizard_form.template_id = self.template
        action = wizard_form.save().action_transfer()
        quote = self.partner.customer_quote_ids
        self.assertEqual(len(quote), 1)
        self.assertEqual(quote.template_id, self.template)
        self.assertEqual(action, {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'success',
                'title': "Quote created",
                'message': "Quote %s created for Aqua Club",
                'links': [{
                    'label': quote.name,
                    'url': f'/odoo/action-gestion_clientele_quotes.customer_quote_action/{quote.id}',
                }],
                'sticky': False,
                'next': {'type': 'ir.actions.act_window_close'},
            },
        })

    def test_transfer_from_customer_form_to_more_customers_opens_the_quotes(self):
        """Customers added in the dialog opened from one customer's form: the quotes open, as
        from the list."""
        wizard_form = Form(self.env['customer.quote.transfer'].with_context(**self._form_context(self.partner)))
        wizard_form.template_id = self.template
        wizard_form.partner_ids.add(self.other_partner)
        action = wizard_form.save().action_transfer()
        self.assertEqual(action['type'], 'ir.actions.act_window')
        quotes = self.env['customer.quote'].search(action['domain'])
        self.assertEqual(quotes.partner_id, self.partner + self.other_partner)

    def test_transfer_without_template_or_customer_creates_nothing(self):
        count = self.env['customer.quote'].search_count([])
        wizard = self.env['customer.quote.transfer'].with_context(
            active_model='res.partner', active_ids=self.partner.ids).create({})
        with self.assertRaisesRegex(UserError, "Choose the quote template"):
            wizard.action_transfer()
        wizard = self.env['customer.quote.transfer'].create({'template_id': self.template.id})
        with self.assertRaisesRegex(UserError, "Choose at least one customer"):
            wizard.action_transfer()
        self.assertEqual(self.env['customer.quote'].search_count([]), count)

    def test_customers_of_another_company_refused(self):
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        foreign = self.env['res.partner'].create({'name': "Lake customer", 'company_id': other_company.id})
        self.template.company_id = self.company
        count = self.env['customer.quote'].search_count([])
        with self.assertRaisesRegex(UserError, "Lake customer belong to another company"):
            self._transfer(self.partner + foreign)
        self.assertEqual(self.env['customer.quote'].search_count([]), count)

    def test_commercial_tab_transfer_button(self):
        action = self.partner.action_transfer_quote_template()
        self.assertEqual(action['res_model'], 'customer.quote.transfer')
        wizard_form = Form(self.env['customer.quote.transfer'].with_context(**self._form_context(self.partner)))
        self.assertEqual(wizard_form.partner_ids[:], self.partner)
        wizard_form.template_id = self.template
        self.assertEqual(wizard_form.save().action_transfer()['tag'], 'display_notification')
        self.assertEqual(self.partner.customer_quote_ids.template_id, self.template)

    def test_transfer_button_without_templates_says_where_to_make_them(self):
        self.env['customer.quote.template'].search([]).action_archive()
        action = self.partner.action_transfer_quote_template()
        self.assertEqual(action['tag'], 'display_notification')
        self.assertIn("quote template", action['params']['message'])
        self.assertTrue(action['params']['links'])

    def test_archived_templates_hidden(self):
        self.template.action_archive()
        self.assertNotIn(self.template, self.env['customer.quote.template'].search([]))
        self.assertFalse(self.env['customer.quote.template'].name_search("Club season"))

    def test_template_company_rule(self):
        other_company = self.env['res.company'].create({'name': "Piscine du Lac"})
        other_template = self.env['customer.quote.template'].create({
            'name': "Lake offer", 'company_id': other_company.id})
        templates = self.env['customer.quote.template'].with_user(self.user_all).search([])
        self.assertIn(self.template, templates)
        self.assertNotIn(other_template, templates)

    def test_template_bad_values(self):
        for values, message in [
            ({'quantity': -1}, "cannot be negative"),
            ({'price_unit': -1}, "cannot be negative"),
            ({'discount': 120}, "between 0 and 100"),
        ]:
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, message):
                with self.env.cr.savepoint():
                    self.template.line_ids[0].write(values)

    def test_save_as_template(self):
        quote = self._create_quote([
            (self.product_card, 3, {'discount': 10, 'sequence': 1}),
            (self.product_cap, 1, {'price_unit': 3.5, 'sequence': 2}),
        ], comment="<p>Family offer</p>")
        action = quote.action_save_as_template()
        template = self.env['customer.quote.template'].browse(action['res_id'])
        self.assertEqual(template.name, "10-entry card + Swim cap", "named after what it sells")
        self.assertIn("Family offer", template.comment)
        self.assertRecordValues(template.line_ids, [
            {'product_id': self.product_card.id, 'quantity': 3, 'price_unit': 45.0, 'discount': 10.0},
            {'product_id': self.product_cap.id, 'quantity': 1, 'price_unit': 3.5, 'discount': 0.0},
        ])

    def test_save_as_template_name_after_the_items(self):
        """Items in the quote's order, each once; too many for a readable name end with “…”."""
        items = self.env['product.product'].create([
            {'name': f"Summer swimming course, level {level}", 'list_price': 100.0} for level in (1, 2, 3)
        ])
        Template = self.env['customer.quote.template']
        for lines, name in [
            ([(self.product_subscription, 1, {}), (self.product_cap, 2, {}), (self.product_subscription, 1, {})],
             "Annual subscription + Swim cap"),
            ([(item, 1, {}) for item in items],
             "Summer swimming course, level 1 + …"),
            ([(self.product_cap, 1, {'sequence': 2}), (self.product_card, 1, {'sequence': 1})],
             "10-entry card + Swim cap"),
        ]:
            with self.subTest(name=name):
                template = Template.browse(self._create_quote(lines).action_save_as_template()['res_id'])
                self.assertEqual(template.name, name)
                self.assertLessEqual(len(template.name), 64)

    def test_save_as_template_without_items_named_after_the_comment(self):
        quote = self._create_quote(comment="<p></p><p>Offre rentrée 2026<br/>Valable un mois</p>")
        template = self.env['customer.quote.template'].browse(quote.action_save_as_template()['res_id'])
        self.assertEqual(template.name, "Offre rentrée 2026")
        quote = self._create_quote()
        template = self.env['customer.quote.template'].browse(quote.action_save_as_template()['res_id'])
        self.assertEqual(template.name, quote.name, "nothing else says what it offers")

    def test_template_form_says_zero_validity_is_the_company_default(self):
        """An offer validity of 0 reads “Company default”, not “0 days”."""
        arch = etree.fromstring(self.env['customer.quote.template'].get_view(view_type='form')['arch'])
        [company_default] = arch.xpath("//div[@name='validity_company_default']")
        self.assertEqual(company_default.text, "Company default")
        self.assertEqual(company_default.get('invisible'), "validity_days")
        [days] = arch.xpath("//field[@name='validity_days']/following-sibling::span[text()='days']")
        self.assertEqual(days.get('invisible'), "not validity_days")
        # And 0 still means the company's setting (30 days), as the field's help says.
        template_form = Form(self.template)
        template_form.validity_days = 0
        template_form.save()
        self.assertEqual(self._transfer(self.partner, date=date(2026, 9, 1)).validity_date, date(2026, 10, 1))


@tagged('post_install', '-at_install')
class TestQuoteTransferQueries(CustomerQuoteCommon):
    """Transferring a template is one batched create, whatever the number of customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = cls.env['product.product'].create([
            {'name': f"Item {index}", 'list_price': 10 + index, 'taxes_id': [Command.set(cls.vat_20.ids)]}
            for index in range(10)
        ])
        cls.template = cls.env['customer.quote.template'].create({
            'name': "Ten items",
            'line_ids': [Command.create({'product_id': product.id, 'quantity': 2, 'discount': 5})
                         for product in products],
        })
        cls.customers = cls.env['res.partner'].create([{'name': f"Customer {index}"} for index in range(60)])

    def _transfer_queries(self, customers):
        wizard = self.env['customer.quote.transfer'].create({
            'template_id': self.template.id,
            'partner_ids': [Command.set(customers.ids)],
        })
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        wizard.action_transfer()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_query_count_does_not_grow_with_customers(self):
        self._transfer_queries(self.customers[:1])  # warm the caches: numbering, templates, taxes
        with self.assertQueryCount(QUERIES_TRANSFER_10_CUSTOMERS):
            self._transfer_queries(self.customers[1:11])
        queries_for_50 = self._transfer_queries(self.customers[10:60])
        # Odoo inserts 100 rows per INSERT: 40 more customers × 10 lines = 4 more INSERTs of lines.
        self.assertLessEqual(queries_for_50, QUERIES_TRANSFER_10_CUSTOMERS + 4)
        self.assertEqual(self.env['customer.quote'].search_count([('template_id', '=', self.template.id)]), 61)


QUERIES_TRANSFER_10_CUSTOMERS = 34
