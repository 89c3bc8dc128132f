import json
from http import HTTPStatus

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_quote_integrity import LINE_FIELDS, QUOTE_FIELDS, QuoteIntegrityCommon, readable_partner_fields

ERROR_STATUS = {'UserError': HTTPStatus.UNPROCESSABLE_ENTITY, 'AccessError': HTTPStatus.FORBIDDEN}


@tagged('post_install', '-at_install')
class TestQuoteExternalApi(HttpCase, QuoteIntegrityCommon):
    """The attacks of an integration, over Odoo's external JSON API (/json/2/) with an API key:
    each is refused with a clear error, and nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_own.write({'company_ids': [Command.link(cls.company_b.id)]})
        cls.accountant = new_test_user(cls.env, login='api_accountant', groups='account.group_account_invoice')

    def _api_key(self, user):
        # Generated as the user in a superuser environment: a key without expiry, whatever the frozen clock.
        return self.env['res.users.apikeys'].with_user(user).sudo()._generate('rpc', "integration test", None)

    def _call(self, user, model, method, **params):
        response = self.url_open(
            f'/json/2/{model}/{method}',
            data=json.dumps(params),
            headers={
                'Content-Type': 'application/json',
                'Authorization': f'Bearer {self._api_key(user)}',
            },
        )
        return response.status_code, response.json()

    def _assert_refused(self, user, model, method, message, *records, error='UserError', **params):
        """Call the API as `user`: the call fails with the exception `error` (odoo.exceptions) and
        `message`, and `records` are as before."""
        def snapshot():
            self.env.invalidate_all()
            return [
                record.read(QUOTE_FIELDS if record._name == 'customer.quote' else LINE_FIELDS)
                for record in records
            ]
        before = snapshot()
        status_code, body = self._call(user, model, method, **params)
        self.assertEqual(status_code, ERROR_STATUS[error], body)
        self.assertEqual(body['name'], f'odoo.exceptions.{error}')
        self.assertIn(message, body['message'])
        self.assertEqual(snapshot(), before, "nothing changed")
        return body

    def test_api_key_works_for_the_salesperson(self):
        status, body = self._call(self.user_own, 'customer.quote', 'search_read',
                                  domain=[('id', 'in', (self.quote_own + self.quote_colleague).ids)], fields=['name'])
        self.assertEqual(status, HTTPStatus.OK, body)
        self.assertEqual(body, [{'id': self.quote_own.id, 'name': self.quote_own.name}], "own documents only")

    def test_moving_a_line_is_refused(self):
        line = self.quote_own.line_ids
        for target in (self.quote_colleague, self.quote_accepted, self.quote_b):
            with self.subTest(target=target.name):
                self._assert_refused(
                    self.user_own, 'customer.quote.line', 'write', "cannot be moved to another quote",
                    self.quote_own, target, line, ids=line.ids, vals={'quote_id': target.id})

    def test_reading_another_company_template_lines_is_refused(self):
        lines = self.template_b.line_ids
        status, body = self._call(self.user_all, 'customer.quote.template.line', 'search_read',
                                  domain=[('id', 'in', lines.ids)], fields=['price_unit'])
        self.assertEqual((status, body), (HTTPStatus.OK, []))
        status, body = self._call(self.user_all, 'customer.quote.template.line', 'read',
                                  ids=lines.ids, fields=['name', 'price_unit'])
        self.assertEqual(status, HTTPStatus.FORBIDDEN, body)
        self.assertNotIn("Lake entry", json.dumps(body))

    def test_changing_the_company_of_a_quote_with_lines_is_refused(self):
        self._assert_refused(
            self.user_own, 'customer.quote', 'write', "cannot change while it has lines",
            self.quote_own, self.quote_own.line_ids,
            ids=self.quote_own.ids, vals={'company_id': self.company_b.id},
            context={'allowed_company_ids': [self.company.id, self.company_b.id]})

    def test_reopening_an_accepted_quote_is_refused(self):
        self._assert_refused(
            self.user_own, 'customer.quote', 'write', "cannot go from Accepted to Draft",
            self.quote_accepted, self.quote_accepted.line_ids, ids=self.quote_accepted.ids, vals={'state': 'draft'})
        self._assert_refused(
            self.user_own, 'customer.quote.line', 'write', "has been accepted",
            self.quote_accepted, self.quote_accepted.line_ids,
            ids=self.quote_accepted.line_ids.ids, vals={'price_unit': 0.01})
        # Posing as an import does not open the way for a salesperson either.
        self._assert_refused(
            self.user_own, 'customer.quote', 'write', "cannot go from Accepted to Draft",
            self.quote_accepted, ids=self.quote_accepted.ids, vals={'state': 'draft'}, context={'import_file': True})

    def test_price_lists_that_do_not_apply_are_refused(self):
        """Another price list on an accepted quote, or another company's price list on an open one."""
        rates = self.env['product.pricelist'].create({'name': "Group rates"})
        lake_rates = self.env['product.pricelist'].create({'name': "Lake rates", 'company_id': self.company_b.id})
        self._assert_refused(
            self.user_own, 'customer.quote', 'write', "has been accepted",
            self.quote_accepted, self.quote_accepted.line_ids,
            ids=self.quote_accepted.ids, vals={'pricelist_id': rates.id})
        self._assert_refused(
            self.user_own, 'customer.quote', 'write', "Lake rates",
            self.quote_own, self.quote_own.line_ids, ids=self.quote_own.ids, vals={'pricelist_id': lake_rates.id})
        self.assertNotIn(self.quote_accepted.pricelist_id, rates)
        self.assertNotIn(self.quote_own.pricelist_id, lake_rates)

    def test_a_refused_quote_takes_no_number(self):
        self._assert_refused(
            self.user_own, 'customer.quote', 'create', "doesn't have 'create' access", self.quote_own,
            error='AccessError', vals_list=[{'partner_id': self.partner.id, 'user_id': self.user_own_colleague.id}])
        status, body = self._call(
            self.user_own, 'customer.quote', 'create', vals_list=[{'partner_id': self.partner.id}])
        self.assertEqual(status, HTTPStatus.OK, body)
        created = self.env['customer.quote'].browse(body)
        last = max(self.env['customer.quote'].search([
            ('company_id', '=', self.company.id), ('id', '!=', created.id)]).mapped('name'))
        prefix, number = last.rsplit('/', 1)
        self.assertEqual(created.name, f"{prefix}/{int(number) + 1:05d}", "the next number, no gap")

    def test_accountant_reads_partners_without_quote_fields(self):
        status, fields = self._call(self.accountant, 'res.partner', 'fields_get', attributes=['type'])
        self.assertEqual(status, HTTPStatus.OK, fields)
        self.assertFalse([fname for fname in fields if fname.startswith('customer_quote')])
        readable = readable_partner_fields(self.partner.with_user(self.accountant))
        status, body = self._call(self.accountant, 'res.partner', 'read', ids=self.partner.ids, fields=readable)
        self.assertEqual(status, HTTPStatus.OK, body)
        self.assertEqual(body[0]['name'], "Aqua Club")
        status, body = self._call(self.accountant, 'res.partner', 'read', ids=self.partner.ids,
                                  fields=['customer_quote_count'])
        self.assertEqual(status, HTTPStatus.FORBIDDEN, body)
