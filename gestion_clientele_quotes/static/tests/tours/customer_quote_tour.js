import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

import { openCustomerSteps, tourCookieDate } from "./tour_helpers";

/**
 * The seed procedure (steps 1 to 8, then 10), in French, as a quotes user: open
 * the customer from the app's Customers menu, Commercial tab, Ajouter, check the
 * offer end and follow-up dates, add two items (one through autocomplete, one
 * through "Recherche avancée..."), set their offer settings in the line dialog,
 * save the quote and find it back on the customer's Commercial tab.
 * Step 10: Transférer on the Commercial tab, choose the quote template "Offre
 * saison club" in the dialog, Transférer, check the new quote, and find it on
 * the Commercial tab beside the first one.
 *
 * Data and expected dates come from tests/test_ui.py:
 * - the expected dates (ISO) arrive in the cookies gcq_tour_quote_date,
 *   gcq_tour_validity_date, gcq_tour_followup_date and
 *   gcq_tour_transfer_validity_date (offer end of the transferred quote, from
 *   the template's validity); the tour formats them the way the date fields
 *   show them ("12 janv. 2027").
 */

const CUSTOMER = "Piscine des Lilas";
const TEMPLATE = "Offre saison club";
const QUOTES = ".o_field_widget[name=customer_quote_ids]";
const LINES = ".o_field_widget[name=line_ids]";

function openCommercialTabSteps() {
    return [
        {
            content: "step 3: click the Commercial tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=commercial]:text(Commercial)",
            run: "click",
        },
        {
            content: "the Commercial tab is open",
            trigger: ".o_notebook .nav-link.active[name=commercial]",
        },
        {
            content: "French: the quotes section is titled 'Devis'",
            trigger: ".o_notebook .tab-pane h4:text(Devis)",
        },
        {
            content: "French: the add button reads 'Ajouter'",
            trigger: ".o_notebook button[name=action_add_customer_quote]:contains(Ajouter)",
        },
        {
            content: "French: the quotes list has the columns 'Fin d'offre' and 'Relance le'",
            trigger: `${QUOTES} thead th:contains("Fin d'offre")`,
        },
        {
            trigger: `${QUOTES} thead th:contains(Relance le)`,
        },
    ];
}

function addLineSteps({ search, kind, searchMore, product, listPrice, sequence, quantity, price, discount }) {
    const dialog = ".modal:not(.o_inactive_modal)";
    const steps = [
        {
            content: `step 6: add an item (${product})`,
            trigger: `${LINES} .o_field_x2many_list_row_add a:text(Ajouter une ligne)`,
            run: "click",
        },
        {
            content: "French: the line dialog is titled after a quote line ('Ligne de devis')",
            trigger: `${dialog} .modal-title:contains(Ligne de devis)`,
        },
        {
            content: "French: the line dialog shows 'Ordre d'affichage'",
            trigger: `${dialog} .o_form_label[for^=sequence_]:contains("Ordre d'affichage")`,
        },
        {
            content: "French: the line dialog shows 'Tarif actuel', 'Remise' and '% de remise'",
            trigger: `${dialog} .o_form_label[for^=price_unit_]:contains(Tarif actuel)`,
        },
        {
            trigger: `${dialog} .o_form_label[for^=discount_amount_]:contains(Remise)`,
        },
        {
            trigger: `${dialog} .o_form_label[for^=discount_]:not([for^=discount_amount_]):contains(% de remise)`,
        },
    ];
    if (kind) {
        steps.push(
            {
                content: `step 6: one click on the kind '${kind}' above the item`,
                trigger: `${dialog} .o_field_widget[name=item_kind_filter] label:text(${kind})`,
                run: "click",
            },
            {
                content: "open the item suggestions",
                trigger: `${dialog} .o_field_widget[name=product_id] input`,
                run: "click",
            },
            {
                content: `only items of the kind '${kind}' are suggested`,
                trigger: `.o-autocomplete--dropdown-menu:has(.o-autocomplete--dropdown-item a:contains(${product})):not(:has(a:contains(Pass Aquagym))):not(:has(a:contains(Bonnet)))`,
            }
        );
    } else {
        steps.push({
            content: `step 6: search the item: type '${search}'`,
            trigger: `${dialog} .o_field_widget[name=product_id] input`,
            run: `edit ${search}`,
        });
    }
    if (searchMore) {
        steps.push(
            {
                content: `nothing is called '${search}': the dropdown says so`,
                trigger: ".o-autocomplete--dropdown-menu .o_m2o_no_result",
            },
            {
                content: "step 6: 'Recherche avancée...' (the binoculars) is still offered: open it",
                trigger: ".o-autocomplete--dropdown-menu .o_m2o_dropdown_option_search_more a:contains(Recherche avancée)",
                run: "click",
            },
            {
                content: "the item list opens on every item, with the kinds in a side panel",
                trigger: `.modal .o_search_panel .o_search_panel_category_value:contains(${searchMore})`,
            },
            {
                content: "no cost price for the front desk; the kind is a column",
                trigger: ".modal .o_list_view thead:not(:has(th[data-name=standard_price])):has(th[data-name=quote_item_kind])",
            },
            {
                trigger: ".modal .o_list_view .o_data_row:contains(Pass Aquagym annuel)",
            },
            {
                content: `one click on the kind '${searchMore}'`,
                trigger: `.modal .o_search_panel .o_search_panel_category_value header:contains(${searchMore})`,
                run: "click",
            },
            {
                content: `only items of the kind '${searchMore}' are left`,
                trigger: `.modal .o_list_view tbody:has(.o_data_row:contains(${product})):not(:has(.o_data_row:contains(Pass Aquagym)))`,
            },
            {
                content: `step 6: pick '${product}' in the list of items`,
                trigger: `.modal .o_list_view .o_data_row .o_data_cell:contains(${product})`,
                run: "click",
            }
        );
    } else {
        steps.push({
            content: `step 6: pick '${product}' in the suggestions`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${product})`,
            run: "click",
        });
    }
    steps.push(
        {
            content: "the item is set and its current price proposed",
            trigger: `${dialog} .o_field_widget[name=product_id] input:value(${product})`,
        },
        {
            trigger: `${dialog} .o_field_widget[name=price_unit] input:value(${listPrice})`,
        },
        {
            content: `step 7: display order ${sequence}`,
            trigger: `${dialog} .o_field_widget[name=sequence] input`,
            run: `edit ${sequence} && press Tab`,
        },
        {
            content: `step 7: quantity ${quantity}`,
            trigger: `${dialog} .o_field_widget[name=quantity] input`,
            run: `edit ${quantity} && press Tab`,
        },
        {
            content: `step 7: current price ${price}`,
            trigger: `${dialog} .o_field_widget[name=price_unit] input`,
            run: `edit ${price} && press Tab`,
        }
    );
    if (discount.amount) {
        steps.push(
            {
                content: `step 7: discount amount ${discount.amount}`,
                trigger: `${dialog} .o_field_widget[name=discount_amount] input`,
                run: `edit ${discount.amount} && press Tab`,
            },
            {
                content: `the discount % follows: ${discount.percent}`,
                trigger: `${dialog} .o_field_widget[name=discount] input:value(${discount.percent})`,
            }
        );
    } else {
        steps.push(
            {
                content: `step 7: discount % ${discount.percent}`,
                trigger: `${dialog} .o_field_widget[name=discount] input`,
                run: `edit ${discount.percent} && press Tab`,
            },
            {
                content: `the discount amount follows: ${discount.expectedAmount}`,
                trigger: `${dialog} .o_field_widget[name=discount_amount] input:value(${discount.expectedAmount})`,
            },
            {
                content: `the typed % stays as typed: ${discount.percentShown}`,
                trigger: `${dialog} .o_field_widget[name=discount] input:value(${discount.percentShown})`,
            }
        );
    }
    steps.push(
        {
            content: `the subtotal is ${discount.subtotal}`,
            trigger: `${dialog} .o_field_widget[name=price_subtotal]:contains(${discount.subtotal})`,
        },
        {
            content: "step 7: OK (save the item)",
            trigger: `${dialog} .modal-footer .o_form_button_save:contains(Enregistrer)`,
            run: "click",
        },
        {
            content: "step 8: the item is added to the quote's listing",
            trigger: `body:not(:has(.modal)) ${LINES} .o_data_row:contains(${product})`,
        }
    );
    return steps;
}

/** The Commercial tab's rows keep their actions in view: no horizontal scrolling. */
function rowActionsInViewSteps() {
    return [
        {
            content: "the quotes list needs no horizontal scrolling: the row actions are in view",
            trigger: `${QUOTES} .o_list_renderer:has(.o_data_row button[name=action_print])`,
            run() {
                const table = this.anchor;
                if (table.scrollWidth > table.clientWidth + 1) {
                    throw new Error(
                        `The Commercial tab's quotes list scrolls sideways (${table.scrollWidth} > ${table.clientWidth} px)`
                    );
                }
                const { right } = table.getBoundingClientRect();
                for (const button of table.querySelectorAll(".o_data_row button[name=action_print]")) {
                    if (button.getBoundingClientRect().right > right) {
                        throw new Error("A row's Print button is out of view");
                    }
                }
            },
        },
    ];
}

function transferTemplateSteps(expected) {
    const dialog = ".modal:not(.o_inactive_modal)";
    return [
        // Step 10: "Transférer" a quote template to the customer.
        {
            content: "step 10: click 'Transférer' beside 'Ajouter' in the quotes section",
            trigger: ".o_notebook button[name=action_transfer_quote_template]:contains(Transférer)",
            run: "click",
        },
        {
            content: "French: the dialog is titled 'Transférer un modèle de devis'",
            trigger: `${dialog} .modal-title:contains(Transférer un modèle de devis)`,
        },
        {
            content: "step 10: the customer is prefilled",
            trigger: `${dialog} .o_field_widget[name=partner_ids] .o_tag:contains(${CUSTOMER})`,
        },
        {
            content: `step 10: the quote date is today (${expected.date})`,
            trigger: `${dialog} .o_field_widget[name=date] .o_input:text(${expected.date})`,
        },
        {
            content: "French: the template field is labelled 'Modèle de devis'",
            trigger: `${dialog} .o_form_label[for^=template_id_]:contains(Modèle de devis)`,
        },
        {
            content: `step 10: search the template '${TEMPLATE}'`,
            trigger: `${dialog} .o_field_widget[name=template_id] input`,
            run: "edit Offre saison",
        },
        {
            content: `step 10: pick '${TEMPLATE}' in the suggestions`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${TEMPLATE})`,
            run: "click",
        },
        {
            content: "the template is chosen",
            trigger: `${dialog} .o_field_widget[name=template_id] input:value(${TEMPLATE})`,
        },
        {
            content: "the suggestions are closed",
            trigger: "body:not(:has(.o-autocomplete--dropdown-menu))",
        },
        {
            content: "step 10: click the dialog's 'Transférer'",
            trigger: `${dialog} .modal-footer button[name=action_transfer]:contains(Transférer)`,
            run: "click",
        },
        // Back on the customer's Commercial tab, as the seed has it, with a notification.
        {
            content: "the dialog closes on the customer's Commercial tab",
            trigger: `body:not(:has(.modal)) .o_breadcrumb .active:contains(${CUSTOMER})`,
        },
        {
            content: "a notification names the new quote, with a link to open it",
            trigger: `.o_notification:contains(${CUSTOMER}) .o_notification_content a:contains(DEV/)`,
        },
        {
            content: "the transferred quote is listed on the Commercial tab, highlighted",
            trigger: `${QUOTES} .o_data_row.text-info:contains(DEV/):contains(${expected.transferValidity}):contains(873,60)`,
        },
        {
            content: "beside the quote made with 'Ajouter', not highlighted",
            trigger: `${QUOTES} .o_data_row:not(.text-info):contains(DEV/):contains(${expected.validity}):contains(/1\\s424,66/)`,
        },
        {
            trigger: `${QUOTES} tbody:has(.o_data_row:nth-child(2)):not(:has(.o_data_row:nth-child(3)))`,
        },
        {
            content: "the customer's quote counter shows 2",
            trigger: ".oe_stat_button[name=action_view_customer_quotes] .o_stat_value:text(2)",
        },
        // Open it from its row.
        {
            content: "click the transferred quote's row",
            trigger: `${QUOTES} .o_data_row:contains(873,60) .o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "the transferred quote opens, numbered",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(DEV/)",
        },
        {
            content: "it is the customer's quote, made from the template",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CUSTOMER})`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name=template_id]:contains(${TEMPLATE})`,
        },
        {
            content: `the offer end date comes from the template (${expected.transferValidity})`,
            trigger: `.o_field_widget[name=validity_date] .o_input:text(${expected.transferValidity})`,
        },
        {
            content: "the template's lines, in the template's order, at their prices",
            trigger: `${LINES} .o_data_row:nth-child(1):contains(Pass Aquagym mensuel) .o_data_cell[name=price_unit]:text(30,00)`,
        },
        {
            trigger: `${LINES} .o_data_row:nth-child(2):contains(Entrée piscine adulte) .o_data_cell[name=price_unit]:text(6,00)`,
        },
        {
            trigger: `${LINES} .o_data_row:nth-child(3):contains(Bonnet de bain silicone) .o_data_cell[name=price_unit]:text(4,90)`,
        },
        {
            content: "the template's comment is copied",
            trigger: ".o_field_widget[name=comment]:contains(Tarif réservé aux clubs affiliés)",
        },
        {
            content: "the totals show 873,60 incl. tax ('Total TTC')",
            trigger: ".o_field_widget[name=amount_total]:contains(873,60)",
        },
        {
            content: "go back to the customer",
            trigger: `.o_breadcrumb .breadcrumb-item a:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb .active:contains(${CUSTOMER})`,
        },
    ];
}

registry.category("web_tour.tours").add("gestion_clientele_quotes_tour", {
    url: "/odoo",
    steps: () => {
        const expected = {
            date: tourCookieDate("gcq_tour_quote_date"),
            validity: tourCookieDate("gcq_tour_validity_date"),
            followup: tourCookieDate("gcq_tour_followup_date"),
            transferValidity: tourCookieDate("gcq_tour_transfer_validity_date"),
        };
        return [
            {
                content: "the expected dates were given by the test (tests/test_ui.py)",
                trigger: "body",
                run() {
                    if (Object.values(expected).some((date) => !date)) {
                        throw new Error(
                            "Missing gcq_tour_* cookies: run this tour from tests/test_ui.py."
                        );
                    }
                },
            },
            // Steps 1-2: log in (done by the test) and open the customer.
            ...stepUtils.goToAppSteps(
                "gestion_clientele_quotes.menu_customer_quote_root",
                "Open the Customer Quotes app"
            ),
            ...openCustomerSteps(CUSTOMER),
            // Step 3: the Commercial box (tab).
            ...openCommercialTabSteps(),
            {
                content: "no quote yet for this customer",
                trigger: `${QUOTES} tbody:not(:has(.o_data_row))`,
            },
            // Step 4: "Ajouter".
            {
                content: "step 4: click 'Ajouter' in the quotes section",
                trigger: ".o_notebook button[name=action_add_customer_quote]",
                run: "click",
            },
            // Step 5: the new quote: dates and customer information.
            {
                content: "step 5: a new quote opens for the customer",
                trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CUSTOMER})`,
            },
            {
                content: "step 5: the customer's email, phone and address are shown",
                trigger: ".o_field_widget[name=partner_email]:contains(accueil@piscine-lilas.example)",
            },
            {
                trigger: ".o_field_widget[name=partner_phone]:contains(+33 4 72 00 00 02)",
            },
            {
                trigger: ".o_field_widget[name=partner_address]:contains(69003 Lyon)",
            },
            {
                content: `step 5: the quote date is today (${expected.date})`,
                trigger: `.o_field_widget[name=date] .o_input:text(${expected.date})`,
            },
            {
                content: "French: the form shows 'Date de fin d'offre' and 'Date de relance'",
                trigger: `.o_form_view .o_form_label[for^=validity_date_]:contains("Date de fin d'offre")`,
            },
            {
                trigger: ".o_form_view .o_form_label[for^=followup_date_]:contains(Date de relance)",
            },
            {
                content: `step 5: the offer end date comes from the settings (${expected.validity})`,
                trigger: `.o_field_widget[name=validity_date] .o_input:text(${expected.validity})`,
            },
            {
                content: `step 5: the follow-up date comes from the settings (${expected.followup})`,
                trigger: `.o_field_widget[name=followup_date] .o_input:text(${expected.followup})`,
            },
            // Steps 6-8: two items with their offer settings.
            ...addLineSteps({
                search: "Pass Aquagym",
                searchMore: false,
                product: "Pass Aquagym annuel",
                listPrice: "320,00",
                sequence: "2",
                quantity: "4",
                price: "300,00",
                discount: { percent: "5", expectedAmount: "60,00", percentShown: "5,00", subtotal: "/1\\s140,00/" },
            }),
            ...addLineSteps({
                search: "Bonnet rouge",
                searchMore: "Article",
                product: "Bonnet de bain silicone",
                listPrice: "4,90",
                sequence: "1",
                quantity: "10",
                price: "4,50",
                discount: { amount: "3,00", percent: "6,67", subtotal: "42,00" },
            }),
            // 5 % of 5,50 is 0,275: the amount is rounded to 0,28, the typed 5 % stays 5,00 %.
            ...addLineSteps({
                kind: "Accès",
                product: "Entrée piscine adulte",
                listPrice: "6,00",
                sequence: "3",
                quantity: "1",
                price: "5,50",
                discount: { percent: "5", expectedAmount: "0,28", percentShown: "5,00", subtotal: "5,22" },
            }),
            {
                content: "French: the totals read as on the printed quote: 'Total HT', 'TVA', 'Total TTC'",
                trigger: ".o_form_view .o_form_label[for^=amount_untaxed_]:text(Total HT)",
            },
            {
                trigger: ".o_form_view .o_form_label[for^=amount_tax_]:text(TVA)",
            },
            {
                trigger: ".o_form_view .o_form_label[for^=amount_total_]:text(Total TTC)",
            },
            {
                content: "the totals show 1 424,66 incl. tax",
                trigger: ".o_field_widget[name=amount_total]:contains(/1\\s424,66/)",
            },
            // Step 8: "Ok" validates the quote.
            ...stepUtils.saveForm(),
            {
                content: "the quote got its number",
                trigger: ".o_form_view .o_field_widget[name=name]:contains(DEV/)",
            },
            {
                content: "the items are listed in display order",
                trigger: `${LINES} .o_data_row:first:contains(Bonnet de bain silicone)`,
            },
            {
                trigger: `${LINES} .o_data_row:nth-child(2):contains(Pass Aquagym annuel)`,
            },
            {
                trigger: `${LINES} .o_data_row:last:contains(Entrée piscine adulte)`,
            },
            {
                content: "saved, the typed 5 % still reads 5,00 in the listing",
                trigger: `${LINES} .o_data_row:last .o_data_cell[name=discount]:text(5,00)`,
            },
            // Back on the customer: the new quote is in the Commercial tab.
            {
                content: "go back to the customer",
                trigger: `.o_breadcrumb .breadcrumb-item a:contains(${CUSTOMER})`,
                run: "click",
            },
            {
                trigger: `.o_breadcrumb .active:contains(${CUSTOMER})`,
            },
            ...openCommercialTabSteps(),
            {
                content: "the new quote is listed on the Commercial tab",
                trigger: `${QUOTES} .o_data_row:contains(DEV/):contains(${expected.validity}):contains(/1\\s424,66/)`,
            },
            {
                content: "the customer's quote counter shows 1",
                trigger: ".oe_stat_button[name=action_view_customer_quotes] .o_stat_value:text(1)",
            },
            ...rowActionsInViewSteps(),
            {
                content: "a click on the row opens the quote",
                trigger: `${QUOTES} .o_data_row:contains(/1\\s424,66/) .o_data_cell[name=followup_date]`,
                run: "click",
            },
            {
                content: "the quote's own form is open, with its buttons",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_send]",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=name]:contains(DEV/)",
            },
            {
                content: "back to the customer",
                trigger: `.o_breadcrumb .breadcrumb-item a:contains(${CUSTOMER})`,
                run: "click",
            },
            {
                trigger: `.o_breadcrumb .active:contains(${CUSTOMER})`,
            },
            ...openCommercialTabSteps(),
            // Step 10: transfer a quote template to the customer.
            ...transferTemplateSteps(expected),
        ];
    },
});
