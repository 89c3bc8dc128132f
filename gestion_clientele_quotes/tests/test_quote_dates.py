from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import CustomerQuoteCommon


@tagged('post_install', '-at_install')
class TestQuoteDates(CustomerQuoteCommon):

    @freeze_time('2026-03-02')
    def test_dates_default_from_company_settings(self):
        quote = self._create_quote()
        self.assertEqual(quote.date, date(2026, 3, 2))
        self.assertEqual(quote.validity_date, date(2026, 4, 1), "30 days of validity")
        self.assertEqual(quote.followup_date, date(2026, 3, 12), "10 days before follow-up")

    def test_settings_change_applies_to_new_quotes(self):
        settings = self.env['res.config.settings'].create({
            'quote_validity_days': 7,
            'quote_followup_days': 3,
        })
        settings.execute()
        self.assertEqual(self.company.quote_validity_days, 7)
        quote = self._create_quote(date='2026-05-10')
        self.assertEqual(quote.validity_date, date(2026, 5, 17))
        self.assertEqual(quote.followup_date, date(2026, 5, 13))

    def test_dates_follow_quote_date_in_form(self):
        with Form(self.env['customer.quote']) as quote_form:
            quote_form.partner_id = self.partner
            quote_form.date = date(2026, 1, 10)
            self.assertEqual(quote_form.validity_date, date(2026, 2, 9))
            self.assertEqual(quote_form.followup_date, date(2026, 1, 20))
            quote_form.date = date(2026, 2, 1)
            self.assertEqual(quote_form.validity_date, date(2026, 3, 3))
            self.assertEqual(quote_form.followup_date, date(2026, 2, 11))
        quote = quote_form.record
        self.assertEqual(quote.validity_date, date(2026, 3, 3))

    def test_dates_editable_by_hand(self):
        with Form(self.env['customer.quote']) as quote_form:
            quote_form.partner_id = self.partner
            quote_form.date = date(2026, 1, 10)
            quote_form.validity_date = date(2026, 6, 30)
            quote_form.followup_date = date(2026, 1, 11)
        quote = quote_form.record
        self.assertEqual(quote.validity_date, date(2026, 6, 30))
        self.assertEqual(quote.followup_date, date(2026, 1, 11))

        quote.date = date(2026, 1, 15)
        self.assertEqual(quote.validity_date, date(2026, 2, 14), "a new quote date recomputes both dates")
        self.assertEqual(quote.followup_date, date(2026, 1, 25))

    def test_other_company_uses_its_own_delays(self):
        other_company = self.env['res.company'].create({
            'name': "Piscine du Lac",
            'quote_validity_days': 60,
            'quote_followup_days': 5,
        })
        partner = self.env['res.partner'].create({'name': "Lake customer", 'company_id': other_company.id})
        quote = self.env['customer.quote'].with_company(other_company).create({
            'partner_id': partner.id,
            'date': '2026-01-01',
        })
        self.assertEqual(quote.company_id, other_company)
        self.assertEqual(quote.validity_date, date(2026, 3, 2))
        self.assertEqual(quote.followup_date, date(2026, 1, 6))
