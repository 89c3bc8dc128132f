from datetime import timedelta

from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = 'res.company'

    _check_quote_validity_days = models.Constraint(
        'CHECK(quote_validity_days >= 0)',
        "The offer validity of quotes cannot be a negative number of days.",
    )
    _check_quote_followup_days = models.Constraint(
        'CHECK(quote_followup_days >= 0)',
        "The follow-up delay of quotes cannot be a negative number of days.",
    )

    _check_quote_followup_max = models.Constraint(
        'CHECK(quote_followup_max >= 0)',
        "The maximum number of follow-ups of a quote cannot be negative.",
    )

    quote_validity_days = fields.Integer(
        string="Offer Validity",
        default=30,
        help="Days between the quote date and the offer end date of new quotes.",
    )
    quote_followup_days = fields.Integer(
        string="Follow-up Delay",
        default=15,
        help="Days between the quote date and the follow-up date of new quotes, "
             "and between a follow-up and the next one.",
    )
    quote_followup_max = fields.Integer(
        string="Maximum Follow-ups",
        default=3,
        help="After this number of follow-ups no further follow-up is planned (0: no limit).",
    )
    quote_followup_reminder = fields.Boolean(
        string="Email Follow-up Reminders",
        help="When a quote's follow-up date comes, also email the customer a reminder with the quote "
             "attached; the reminder counts as a follow-up.",
    )

    # ------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_customer_quote_sequence()
        return companies

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _quote_next_followup_date(self, followup_count, today):
        """When to follow up a quote next, after its `followup_count`-th follow-up made `today`:
        after the follow-up delay, or never (False) once the maximum is reached."""
        self.ensure_one()
        if self.quote_followup_max and followup_count >= self.quote_followup_max:
            return False
        return today + timedelta(days=self.quote_followup_days)

    @api.model
    def _setup_customer_quote_sequences(self):
        """At install, every existing company gets its numbering."""
        self.search([])._create_customer_quote_sequence()  # pylint: disable=no-search-all  # every company, once

    def _create_customer_quote_sequence(self):
        """Each company numbers its quotes on its own: DEV/<year>/00001."""
        existing = self.env['ir.sequence'].sudo().search([
            ('code', '=', 'customer.quote'),
            ('company_id', 'in', self.ids),
        ]).company_id
        self.env['ir.sequence'].sudo().create([{
            'name': f"Customer quotes — {company.name}",
            'code': 'customer.quote',
            'prefix': 'DEV/%(range_year)s/',
            'use_date_range': True,
            'padding': 5,
            'company_id': company.id,
        } for company in self - existing])

    # ------------------------------------------------------------
    # SUBSCRIPTIONS AND INVOICING
    # ------------------------------------------------------------

    _check_quote_renewal_days = models.Constraint(
        'CHECK(quote_renewal_days >= 0)',
        "The renewal delay of subscriptions cannot be a negative number of days.",
    )

    quote_renewal_days = fields.Integer(
        string="Renewal Delay",
        default=30,
        help="Days before a subscription ends on which a draft renewal quote is proposed to its customer "
             "(0: no renewal quotes).",
    )
    quote_portal_signature = fields.Boolean(
        string="Online Signature",
        default=True,
        help="Customers accept quotes online, from the link of the quote's email, by signing them. "
             "Off: they print, sign and send back the quote; the page still shows it.")
    quote_deposit_product_id = fields.Many2one(
        comodel_name='product.product',
        string="Deposit Item",
        domain="[('sale_ok', '=', True), ('company_id', 'in', (False, id))]",
        help="Item of the deposit (down payment) lines of invoices made from quotes",
    )
