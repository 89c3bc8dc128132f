from datetime import timedelta

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import FROZEN_NOW, TODAY, CustomerQuoteCommon

# Who may do what, one row a model of the add-on, one column a role (see ROLE_GROUPS):
# r read, w write, c create, u unlink. A model added to the add-on needs its row here.
ROLES = ('employee', 'portal', 'own', 'all', 'manager')
ACCESS = {
    'customer.quote':                 ('', 'r', 'rwcu', 'rwcu', 'rwcu'),
    'customer.quote.line':            ('', 'r', 'rwcu', 'rwcu', 'rwcu'),
    'customer.quote.template':        ('', '', 'r', 'r', 'rwcu'),
    'customer.quote.template.line':   ('', '', 'r', 'r', 'rwcu'),
    'customer.quote.transfer':        ('', '', 'rwc', 'rwc', 'rwc'),
    'customer.quote.followup':        ('', '', 'rwc', 'rwc', 'rwc'),
    'customer.quote.invoice':         ('', '', 'rwc', 'rwc', 'rwc'),
    'customer.quote.followup.report': ('', '', '', 'r', 'r'),
    'customer.subscription':          ('', '', 'rwc', 'rwc', 'rwcu'),
}
ROLE_GROUPS = {
    'employee': 'base.group_user',
    'portal': 'base.group_portal',
    'own': 'gestion_clientele_quotes.group_customer_quote_user',
    'all': 'gestion_clientele_quotes.group_customer_quote_user_all',
    'manager': 'gestion_clientele_quotes.group_customer_quote_manager',
}
OPERATIONS = {'r': 'read', 'w': 'write', 'c': 'create', 'u': 'unlink'}


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # the records below are made on the frozen day, as in the parent class
class TestQuoteAccessMatrix(CustomerQuoteCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            role: new_test_user(cls.env, login=f'matrix_{role}', groups=group)
            for role, group in ROLE_GROUPS.items()
        }

        # One record of each company-bound model in a second company, and its twin in the first.
        cls.company_b = cls.env['res.company'].create({'name': "Piscine du Lac"})
        cls.records = {}
        for company in (cls.company, cls.company_b):
            partner = cls.env['res.partner'].create({'name': f"Customer of {company.name}", 'company_id': company.id})
            quote = cls.env['customer.quote'].with_company(company).create({
                'partner_id': partner.id,
                'user_id': False,
                'line_ids': [Command.create({'product_id': cls.product_cap.id})],
            })
            template = cls.env['customer.quote.template'].create({
                'name': f"Season at {company.name}",
                'company_id': company.id,
                'line_ids': [Command.create({'product_id': cls.product_card.id})],
            })
            cls.env.flush_all()
            cls.records[company] = {
                'customer.quote': quote,
                'customer.quote.line': quote.line_ids,
                'customer.quote.template': template,
                'customer.quote.template.line': template.line_ids,
                'customer.quote.followup.report': cls.env['customer.quote.followup.report'].search(
                    [('quote_id', '=', quote.id)]),
                'customer.subscription': cls.env['customer.subscription'].create({
                    'partner_id': partner.id,
                    'product_id': cls.product_subscription.id,
                    'quote_id': quote.id,
                    'company_id': company.id,
                    'date_start': TODAY,
                    'date_end': TODAY + timedelta(days=364),
                }),
            }

    def test_every_model_has_a_row(self):
        names = {name for name, model in self.registry.items() if model._original_module == 'gestion_clientele_quotes'}
        self.assertEqual(names, set(ACCESS), "each model of the add-on is in the access table")

    def test_access_rights_by_role(self):
        Access = self.env['ir.model.access']
        for model, allowed_by_role in ACCESS.items():
            for role, allowed in zip(ROLES, allowed_by_role, strict=True):
                user = self.role_users[role]
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            Access.with_user(user).check(model, operation, raise_exception=False),
                            letter in allowed)

    def test_records_of_another_company_by_role(self):
        """A reader of a model sees its records of their companies, and not the others'."""
        for role, user in self.role_users.items():
            if role == 'portal':
                continue  # a customer reads the quotes sent to them, whatever the company (test_quote_portal.py)
            for model, allowed_by_role in ACCESS.items():
                if 'r' not in allowed_by_role[ROLES.index(role)] or model not in self.records[self.company]:
                    continue
                mine, theirs = self.records[self.company][model], self.records[self.company_b][model]
                with self.subTest(role=role, model=model):
                    self.assertTrue(mine, f"a {model} record to look for")
                    Model = self.env[model].with_user(user)
                    self.assertEqual(Model.search([('id', 'in', (mine + theirs).ids)]).ids, mine.ids)
                    self.assertFalse(Model.browse(theirs.ids).has_access('read'))
                    self.assertTrue(Model.browse(mine.ids).has_access('read'))
                    # Given the second company too, the user sees both.
                    user.company_ids = [Command.link(self.company_b.id)]
                    both = Model.with_context(allowed_company_ids=(self.company + self.company_b).ids)
                    found = both.search([('id', 'in', (mine + theirs).ids)])
                    self.assertEqual(sorted(found.ids), sorted((mine + theirs).ids))
                    user.company_ids = [Command.unlink(self.company_b.id)]
