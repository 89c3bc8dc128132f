import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

import { openCustomerSteps, openFollowupStatisticsSteps, tourCookie, tourCookieDate } from "./tour_helpers";

/**
 * Following up a quote, then the follow-up statistics, in French, as a quotes
 * user who sees all documents: open the app's quotes list (Devis), filter on
 * "À relancer aujourd'hui", select the sent quote due today and check that
 * Actions ▸ Relancer offers it; then open the customer's Commercial tab,
 * "Relancer" the quote from its row with a note in the dialog, "Enregistrer la
 * relance", click the row to open the quote, check the form (Relances = 1, next
 * follow-up date) and the chatter ("Relance n° 1." and the note), then open
 * Analyse ▸ Statistiques des relances and check the pivot by number of
 * follow-ups.
 *
 * Data and expected values come from tests/test_ui.py:
 * - the quote to follow up (its number) arrives in the cookie
 *   gcq_tour_followup_quote, the expected next follow-up date (ISO) in
 *   gcq_tour_next_followup_date; the tour formats the date the way date fields
 *   show it;
 * - the statistics rows expected after the follow-up are fixed by the quotes
 *   the test prepares (see FOLLOWUP_STATISTICS).
 */

const CUSTOMER = "Club Nautique de Vaise";
const NOTE = "Le président rappelle vendredi.";
const DIALOG = ".modal:not(.o_inactive_modal)";
const PIVOT = ".o_pivot_view .o_pivot table";

// Pivot rows after the tour's follow-up: [number of follow-ups, acceptance rate (%), quotes, accepted quotes].
// The followed-up quote moves from row 0 to row 1; open quotes count in "Devis", not in the rate.
const FOLLOWUP_STATISTICS = [
    ["Total", "45,45", "12", "5"],
    ["Aucune relance", "50,00", "4", "2"],
    ["1 relance", "66,67", "4", "2"],
    ["2 relances", "33,33", "3", "1"],
    ["3 relances ou plus", "0,00", "1", "0"],
];

function pivotRowSteps([label, rate, quotes, accepted]) {
    const row = `${PIVOT} tbody tr:has(th:text(${label}))`;
    return [
        {
            content: `statistics, row "${label}": acceptance rate ${rate} %`,
            trigger: `${row} td:nth-of-type(1):text(${rate})`,
        },
        {
            content: `statistics, row "${label}": ${quotes} quote(s)`,
            trigger: `${row} td:nth-of-type(2):text(${quotes})`,
        },
        {
            content: `statistics, row "${label}": ${accepted} accepted`,
            trigger: `${row} td:nth-of-type(3):text(${accepted})`,
        },
    ];
}

function followupSteps(quoteName, nextFollowup) {
    const QUOTES = ".o_field_widget[name=customer_quote_ids]";
    const row = `${QUOTES} .o_data_row:has(.o_data_cell[name=name]:text(${quoteName}))`;
    return [
        // The quotes list, filtered on the quotes to follow up today.
        {
            content: "open the app's quotes list",
            trigger: '.o_menu_sections [data-menu-xmlid="gestion_clientele_quotes.menu_customer_quote"]',
            run: "click",
        },
        {
            content: "French: the quotes list is titled 'Devis'",
            trigger: ".o_list_view .o_breadcrumb .active:text(Devis)",
        },
        {
            content: "open the search panel's filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "filter 'À relancer aujourd'hui'",
            trigger: `.o_search_bar_menu .o_filter_menu .o_menu_item:text("À relancer aujourd'hui")`,
            run: "click",
        },
        {
            content: "the filter is applied",
            trigger: `.o_searchview_facet:contains("À relancer aujourd'hui")`,
        },
        {
            content: "close the search panel",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_search_bar_menu))",
        },
        {
            content: "only the quote due today is listed",
            trigger: `.o_list_view .o_data_row:contains(${quoteName}):contains(${CUSTOMER})`,
        },
        {
            trigger: ".o_list_view tbody:not(:has(.o_data_row:nth-child(2)))",
        },
        // Several quotes can be followed up at once from the list: select, Actions ▸ Relancer.
        {
            content: "select the quote in the list",
            trigger: ".o_list_view .o_data_row .o_list_record_selector input",
            run: "click",
        },
        {
            content: "open the list's Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus .dropdown-toggle:contains(Actions)",
            run: "click",
        },
        {
            content: "Actions ▸ Relancer",
            trigger: ".o-dropdown--menu .o-dropdown-item:text(Relancer)",
            run: "click",
        },
        {
            content: "the follow-up dialog opens for the selected quote",
            trigger: `${DIALOG} .modal-title:text(Relancer)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=quote_ids] .o_tag:contains(${quoteName})`,
        },
        {
            content: "not now: close the dialog",
            trigger: `${DIALOG} .modal-footer button.btn-secondary`,
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        // The customer's Commercial tab: follow up from the quote's row.
        ...openCustomerSteps(CUSTOMER),
        {
            content: "open the Commercial tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=commercial]",
            run: "click",
        },
        {
            content: "the quote due today has a 'Relancer' button on its row",
            trigger: `${row} button[name=action_followup][data-tooltip=Relancer]`,
        },
        {
            content: "quotes not sent have none (the accepted ones, for example)",
            trigger: `${QUOTES} .o_data_row:has(.o_field_widget[name=state]:text(Accepté)):not(:has(button[name=action_followup]))`,
        },
        {
            content: "click 'Relancer' on the row",
            trigger: `${row} button[name=action_followup]`,
            run: "click",
        },
        {
            content: "French: the dialog is titled 'Relancer'",
            trigger: `${DIALOG} .modal-title:text(Relancer)`,
        },
        {
            content: "the dialog names the quote",
            trigger: `${DIALOG} .o_field_widget[name=quote_ids] .o_tag:contains(${quoteName})`,
        },
        {
            content: `French: the next follow-up is announced ('Prochaine relance', ${nextFollowup})`,
            trigger: `${DIALOG} .o_form_label[for^=next_followup_date_]:contains(Prochaine relance)`,
        },
        {
            trigger: `${DIALOG} .o_field_widget[name=next_followup_date]:text(${nextFollowup})`,
        },
        {
            content: "French: the note is labelled 'Ce qui a été dit'",
            trigger: `${DIALOG} .o_form_label[for^=note_]:contains(Ce qui a été dit)`,
        },
        {
            content: `type the note '${NOTE}'`,
            trigger: `${DIALOG} .o_field_widget[name=note] textarea`,
            run: `edit ${NOTE}`,
        },
        {
            content: "click 'Enregistrer la relance'",
            trigger: `${DIALOG} .modal-footer button[name=action_record]:text(Enregistrer la relance)`,
            run: "click",
        },
        // Back on the customer: the row shows the next follow-up date.
        {
            content: "the dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: `the row's follow-up date is now ${nextFollowup}`,
            trigger: `${row} .o_data_cell[name=followup_date]:text(${nextFollowup})`,
        },
        // A click on the row opens the quote.
        {
            content: "click the quote's row",
            trigger: `${row} .o_data_cell[name=followup_date]`,
            run: "click",
        },
        {
            content: "the quote opens in its own form",
            trigger: `.o_form_view .o_field_widget[name=name]:text(${quoteName})`,
        },
        {
            trigger: `.o_breadcrumb .breadcrumb-item:contains(${CUSTOMER})`,
        },
        {
            content: "French: the form shows 'Relances' = 1",
            trigger: ".o_form_view .o_form_label[for^=followup_count_]:contains(Relances)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=followup_count]:text(1)",
        },
        {
            content: `the next follow-up is planned on ${nextFollowup}`,
            trigger: `.o_form_view .o_field_widget[name=followup_date] .o_input:text(${nextFollowup})`,
        },
        {
            content: "French: the follow-up status badge reads 'Planifiée'",
            trigger: ".o_form_view .o_field_widget[name=followup_status]:text(Planifiée)",
        },
        {
            content: "the chatter shows 'Relance n° 1.' with the note",
            trigger: `.o-mail-Chatter .o-mail-Message-body:contains("Relance n° 1."):contains("${NOTE}")`,
        },
        {
            content: "and when the next follow-up is",
            trigger: `.o-mail-Chatter .o-mail-Message-body:contains("Relance n° 1."):contains(Prochaine relance le)`,
        },
    ];
}

function statisticsSteps() {
    return [
        ...openFollowupStatisticsSteps(),
        {
            content: "French: the default filter is this year's quote dates",
            trigger: ".o_searchview_facet:contains(Date du devis)",
        },
        {
            content: "French: the measures 'Taux d'acceptation (%)', 'Devis' and 'Devis acceptés'",
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(1):text("Taux d'acceptation (%)")`,
        },
        {
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(2):text(Devis)`,
        },
        {
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(3):text(Devis acceptés)`,
        },
        {
            content: "rows named by number of follow-ups, from none to 3 or more, nothing more",
            trigger: `${PIVOT} tbody:has(tr:nth-child(${FOLLOWUP_STATISTICS.length})):not(:has(tr:nth-child(${
                FOLLOWUP_STATISTICS.length + 1
            })))`,
        },
        ...FOLLOWUP_STATISTICS.flatMap(pivotRowSteps),
    ];
}

registry.category("web_tour.tours").add("customer_quote_followup_tour", {
    url: "/odoo",
    steps: () => {
        const quoteName = tourCookie("gcq_tour_followup_quote");
        const nextFollowup = tourCookieDate("gcq_tour_next_followup_date");
        return [
            {
                content: "the quote and its next follow-up date were given by the test (tests/test_ui.py)",
                trigger: "body",
                run() {
                    if (!quoteName || !nextFollowup) {
                        throw new Error(
                            "Missing gcq_tour_* cookies: run this tour from tests/test_ui.py."
                        );
                    }
                },
            },
            ...stepUtils.goToAppSteps(
                "gestion_clientele_quotes.menu_customer_quote_root",
                "Open the Customer Quotes app"
            ),
            ...followupSteps(quoteName, nextFollowup),
            ...statisticsSteps(),
        ];
    },
});
