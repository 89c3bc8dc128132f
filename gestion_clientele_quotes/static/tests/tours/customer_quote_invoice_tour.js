import { registry } from "@web/core/registry";

import { screenshotSteps, tourCookie } from "./tour_helpers";

/**
 * After "accepted", in French, as a quotes user with invoicing rights: accept a
 * sent quote, "Créer la facture" with a deposit of 30 %, see the draft deposit
 * invoice, go back to the quote (its invoice counted, its status "À facturer"),
 * then to the customer's Commercial tab, whose Subscriptions list shows the
 * subscription the accepted quote opened.
 *
 * tests/test_ui_invoice.py opens the quote (the tour's url) and gives the
 * customer's name and the expected deposit (formatted) in the cookies
 * gcq_tour_customer and gcq_tour_deposit.
 */

const DIALOG = ".modal:not(.o_inactive_modal)";

registry.category("web_tour.tours").add("customer_quote_invoice_tour", {
    steps: () => {
        const customer = tourCookie("gcq_tour_customer");
        const deposit = tourCookie("gcq_tour_deposit");
        return [
            {
                content: "the customer and the deposit were given by the test (tests/test_ui_invoice.py)",
                trigger: "body",
                run() {
                    if (!customer || !deposit) {
                        throw new Error("Missing gcq_tour_* cookies: run this tour from tests/test_ui_invoice.py.");
                    }
                },
            },
            {
                content: "the sent quote: accept it ('Accepter')",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_accept]:text(Accepter)",
                run: "click",
            },
            {
                content: "accepted, the quote offers 'Créer la facture' as its next step",
                trigger: ".o_form_view .o_statusbar_buttons button.btn-primary[name=action_create_invoice]:text(Créer la facture)",
                run: "click",
            },
            {
                content: "French: the dialog is titled 'Créer la facture'",
                trigger: `${DIALOG} .modal-title:text(Créer la facture)`,
            },
            {
                content: "choose a deposit as a percentage ('Acompte : un pourcentage')",
                trigger: `${DIALOG} .o_field_widget[name=method] label:text(Acompte : un pourcentage)`,
                run: "click",
            },
            {
                content: "type 30 %",
                trigger: `${DIALOG} .o_field_widget[name=amount] input`,
                run: "edit 30 && press Tab",
            },
            ...screenshotSteps("invoice_dialog_fr", "the invoice dialog with a deposit of 30 %"),
            {
                content: "'Créer la facture brouillon'",
                trigger: `${DIALOG} .modal-footer button[name=action_create_invoices]:text(Créer la facture brouillon)`,
                run: "click",
            },
            {
                content: "the draft deposit invoice opens, for the customer",
                trigger: `body:not(:has(.modal)) .o_form_view .o_field_widget[name=partner_id] input:value(${customer})`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains(Acompte de 30)",
            },
            {
                content: `its total is the deposit: ${deposit}`,
                trigger: `.o_form_view .o_field_widget[name=tax_totals]:contains(${deposit})`,
            },
            {
                content: "the invoice links back to its quote",
                trigger: ".o_form_view .oe_stat_button[name=action_open_customer_quote]:contains(DEV/)",
                run: "click",
            },
            {
                content: "back on the quote: one invoice, still 'À facturer' (the balance)",
                trigger: ".o_form_view .oe_stat_button[name=action_view_invoices] .o_stat_value:text(1)",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=invoice_status]:text(À facturer)",
            },
            {
                content: "open the customer (the accepted quote shows it as a link)",
                trigger: ".o_form_view .o_field_widget[name=partner_id] a.o_form_uri",
                run: "click",
            },
            {
                content: "open the Commercial tab",
                trigger: ".o_form_view .o_notebook .nav-link[name=commercial]",
                run: "click",
            },
            {
                content: "the customer's Subscriptions list shows the annual pass, active",
                trigger: ".o_field_widget[name=customer_subscription_ids] .o_data_row:contains(Abonnement annuel natation)",
                run() {
                    this.anchor.scrollIntoView({ block: "center" });
                },
            },
            ...screenshotSteps("subscriptions_fr", "the customer's subscriptions on the Commercial tab"),
        ];
    },
});
