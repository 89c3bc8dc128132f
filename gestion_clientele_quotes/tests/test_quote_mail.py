from unittest.mock import patch

from freezegun import freeze_time
from lxml import html

from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import format_amount

from .common import FROZEN_NOW, CustomerQuoteCommon

REPORT = 'gestion_clientele_quotes.action_report_customer_quote'


@tagged('post_install', '-at_install')
@freeze_time(FROZEN_NOW)  # stated here too: the fixed dates below are read against this day
class TestQuoteMail(MailCommon, CustomerQuoteCommon):
    """Send by Email: the composer as the web client drives it, the chatter, the mail queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()

        cls.template = cls.env.ref('gestion_clientele_quotes.mail_template_customer_quote')
        cls.report = cls.env.ref(REPORT)
        cls.user_sales = mail_new_test_user(
            cls.env, login='camille.martin', name="Camille Martin", email="camille.martin@example.com",
            groups='gestion_clientele_quotes.group_customer_quote_user_all',
            lang='en_US', notification_type='email', signature="Camille Martin, accueil",
        )
        cls.partner_fr, cls.partner_en, cls.partner_en_2, cls.partner_no_email = cls.env['res.partner'].create([{
            'name': "Association Les Dauphins",
            'lang': 'fr_FR',
            'email': "contact@dauphins.example.com",
        }, {
            'name': "Harbour Swim Club",
            'lang': 'en_US',
            'email': "office@harbour-swim.example.com",
        }, {
            'name': "Lagoon Divers",
            'lang': 'en_US',
            'email': "hello@lagoon-divers.example.com",
        }, {
            'name': "Club Sans Courriel",
            'lang': 'fr_FR',
        }])

    def _create_sendable_quote(self, partner, **values):
        return self._create_quote(
            lines=[(self.product_card, 3, {'discount': 10.0}), (self.product_cap, 2, {})],
            **{
                'partner_id': partner.id,
                'user_id': self.user_sales.id,
                'date': '2026-06-01',
                'comment': "<p>Offre spéciale rentrée : deux bonnets offerts.</p>",
                **values,
            },
        )

    def _composer_form(self, quotes):
        """Open the composer the way the web client does: the action's context on top of the user's."""
        action = quotes.with_user(self.user_sales).action_send()
        self.assertEqual(action['res_model'], 'mail.compose.message')
        self.assertEqual(action['target'], 'new')
        self.assertEqual(action['context']['default_template_id'], self.template.id)
        self.assertEqual(action['context']['default_res_ids'], quotes.ids)
        # Render real PDFs (tests otherwise get the report's HTML).
        return Form(self.env['mail.compose.message'].with_user(self.user_sales).with_context(
            **action['context'], lang=self.user_sales.lang, force_report_rendering=True,
        ))

    def _expected(self, quote):
        """Subject and attachment name, in the customer's language."""
        company = quote.company_id.name
        if quote.partner_id.lang == 'fr_FR':
            return f"Votre devis {quote.name} – {company}", f"Devis - {quote.name}.pdf"
        return f"Your quote {quote.name} from {company}", f"Quote - {quote.name}.pdf"

    @staticmethod
    def _text(body):
        return ' '.join(html.fromstring(str(body)).text_content().replace('\xa0', ' ').split())

    def _comments(self, quote):
        return quote.message_ids.filtered(lambda message: message.message_type == 'comment')

    def assertQuotePdf(self, attachments, quote):
        _subject, attachment_name = self._expected(quote)
        self.assertEqual(len(attachments), 1)
        self.assertEqual(attachments.name, attachment_name)
        self.assertEqual(attachments.mimetype, 'application/pdf')
        self.assertTrue(attachments.raw.startswith(b'%PDF'))

    # ------------------------------------------------------------
    # Composer defaults
    # ------------------------------------------------------------

    def test_composer_defaults_english(self):
        quote = self._create_sendable_quote(self.partner_en)
        composer_form = self._composer_form(quote)
        self.assertEqual(composer_form.template_id, self.template)
        self.assertEqual(composer_form.composition_mode, 'comment')
        self.assertEqual(composer_form.subject, f"Your quote {quote.name} from {quote.company_id.name}")
        body = self._text(composer_form.body)
        amount = format_amount(self.env, quote.amount_total, quote.currency_id, lang_code='en_US').replace('\xa0', ' ')
        for expected in (
            "Hello Harbour Swim Club,",
            f"Please find attached our quote {quote.name} amounting to {amount} incl. tax.",
            "This offer is valid until 07/01/2026.",
            "Offre spéciale rentrée : deux bonnets offerts.",
            "Approved and accepted",
            "Camille Martin, accueil",
        ):
            self.assertIn(expected, body)
        composer = composer_form.save()
        self.assertEqual(composer.partner_ids, self.partner_en)
        self.assertQuotePdf(composer.attachment_ids, quote)

    def test_composer_defaults_french(self):
        quote = self._create_sendable_quote(self.partner_fr)
        composer_form = self._composer_form(quote)
        self.assertEqual(composer_form.subject, f"Votre devis {quote.name} – {quote.company_id.name}")
        body = self._text(composer_form.body)
        amount = format_amount(self.env, quote.amount_total, quote.currency_id, lang_code='fr_FR').replace('\xa0', ' ')
        for expected in (
            "Bonjour Association Les Dauphins,",
            f"Veuillez trouver ci-joint notre devis {quote.name} d'un montant de {amount} TTC.",
            "Cette offre est valable jusqu'au 01/07/2026.",
            "Offre spéciale rentrée : deux bonnets offerts.",
            "« Bon pour accord »",
        ):
            self.assertIn(expected, body)
        self.assertNotIn("Please find attached", body)
        composer = composer_form.save()
        self.assertEqual(composer.partner_ids, self.partner_fr)
        self.assertQuotePdf(composer.attachment_ids, quote)

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def test_send_posts_emails_and_marks_sent(self):
        quote = self._create_sendable_quote(self.partner_en)
        self.assertEqual(quote.state, 'draft')
        composer = self._composer_form(quote).save()
        with self.mock_mail_gateway():
            composer.action_send_mail()

        self.assertEqual(quote.state, 'sent')
        message = self._comments(quote)
        self.assertEqual(len(message), 1)
        subject, _attachment_name = self._expected(quote)
        self.assertMessageFields(message, {
            'author_id': self.user_sales.partner_id,
            'model': 'customer.quote',
            'res_id': quote.id,
            'partner_ids': self.partner_en,
            'subject': subject,
            'subtype_id': self.env.ref('mail.mt_comment'),
        })
        self.assertIn("This offer is valid until", message.body)
        self.assertQuotePdf(message.attachment_ids, quote)
        self.assertEqual(
            (message.attachment_ids.res_model, message.attachment_ids.res_id), ('customer.quote', quote.id),
            "The PDF stays on the quote's chatter",
        )
        self.assertMailMail(
            self.partner_en, 'sent',
            mail_message=message,
            author=self.user_sales.partner_id,
            content=quote.name,
            fields_values={
                'subject': subject,
                'email_from': self.user_sales.email_formatted,
            },
            email_values={
                'attachments_info': [{'name': f"Quote - {quote.name}.pdf", 'type': 'application/pdf'}],
            },
        )

    def test_resend_sent_quote(self):
        quote = self._create_sendable_quote(self.partner_en)
        for _attempt in range(2):
            with self.mock_mail_gateway():
                self._composer_form(quote).save().action_send_mail()
            self.assertEqual(quote.state, 'sent')
        self.assertEqual(len(self._comments(quote)), 2)

    def test_chatter_note_does_not_mark_sent(self):
        quote = self._create_sendable_quote(self.partner_en)
        quote.with_user(self.user_sales).message_post(body="Called the customer.", message_type='comment')
        self.assertEqual(quote.state, 'draft')

    def test_send_several_quotes_at_once(self):
        """Mass mode: one message per quote and one email per customer, each with its own PDF."""
        quotes = (
            self._create_sendable_quote(self.partner_fr)
            + self._create_sendable_quote(self.partner_en)
            + self._create_sendable_quote(self.partner_en_2)
        )
        composer_form = self._composer_form(quotes)
        self.assertEqual(composer_form.composition_mode, 'comment')
        composer = composer_form.save()
        self.assertTrue(composer.composition_batch)
        # The reports are made when sending, one per quote.
        self.assertFalse(composer.attachment_ids)

        IrActionsReport = type(self.env['ir.actions.report'])
        with self.mock_mail_gateway(), patch.object(
            IrActionsReport, '_render_qweb_pdf', autospec=True, side_effect=IrActionsReport._render_qweb_pdf,
        ) as render_pdf:
            composer.action_send_mail()

        rendered = sorted(
            (call.args[1].id if hasattr(call.args[1], 'id') else call.args[1], tuple(call.args[2]))
            for call in render_pdf.call_args_list
        )
        self.assertEqual(rendered, sorted((self.report.id, (quote.id,)) for quote in quotes))
        self.assertEqual(len(self._new_mails), 3, "One email per customer")
        for quote in quotes:
            with self.subTest(customer=quote.partner_id.name):
                self.assertEqual(quote.state, 'sent')
                message = self._comments(quote)
                self.assertEqual(len(message), 1, "One message per quote")
                subject, _attachment_name = self._expected(quote)
                self.assertEqual(message.subject, subject)
                self.assertEqual(message.partner_ids, quote.partner_id)
                self.assertQuotePdf(message.attachment_ids, quote)
                self.assertEqual(message.attachment_ids.res_id, quote.id)
                self.assertIn(quote.name, message.body)
                self.assertIn("Offre spéciale rentrée", message.body)
                # Queued in the mail queue, not sent while the user waits.
                mail = self.assertMailMail(
                    quote.partner_id, 'outgoing',
                    mail_message=message,
                    author=self.user_sales.partner_id,
                    fields_values={'subject': subject},
                )
                self.assertEqual(mail.attachment_ids, message.attachment_ids)
        self.assertIn("Cette offre est valable jusqu'au", self._comments(quotes[0]).body)
        self.assertIn("This offer is valid until", self._comments(quotes[1]).body)
        self.assertEqual(len(set(self._new_mails.attachment_ids.mapped('checksum'))), 3)

    # ------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------

    def test_send_to_customer_without_email(self):
        quote = self._create_sendable_quote(self.partner_no_email)
        other = self._create_sendable_quote(self.partner_en)
        for quotes in (quote, other + quote):
            with self.subTest(quotes=quotes.mapped('name')):
                messages = quotes.message_ids
                with self.mock_mail_gateway(), self.assertRaises(UserError) as caught:
                    quotes.with_user(self.user_sales).action_send()
                self.assertIn("Club Sans Courriel", str(caught.exception))
                self.assertIn("email", str(caught.exception))
                self.assertEqual(set(quotes.mapped('state')), {'draft'})
                self.assertEqual(quotes.message_ids, messages)
                self.assertFalse(self._new_mails)
                self.assertNotSentEmail()

    def test_send_closed_quote_refused(self):
        for action in ('action_accept', 'action_cancel', 'action_refuse'):
            quote = self._create_sendable_quote(self.partner_en)
            getattr(quote, action)()
            state = quote.state
            with self.subTest(state=state):
                messages = quote.message_ids
                with self.mock_mail_gateway(), self.assertRaises(UserError):
                    quote.with_user(self.user_sales).action_send()
                self.assertEqual(quote.state, state)
                self.assertEqual(quote.message_ids, messages)
                self.assertFalse(self._new_mails)
