import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

import { screenshotSteps, tourCookie, tourCookieDate } from "./tour_helpers";

/**
 * Following up a quote, then the follow-up statistics, in French, as a quotes
 * user who sees all documents: open the app's quotes list (Devis), filter on
 * "À relancer aujourd'hui", open the sent quote due today, "Relancer" it with a
 * note in the dialog, "Enregistrer la relance", check the form (Relances = 1,
 * next follow-up date) and the chatter ("Relance n° 1." and the note), then open
 * Analyse ▸ Statistiques des relances and check the pivot by number of
 * follow-ups.
 *
 * Data, expected values and screenshots come from tests/test_ui.py:
 * - the quote to follow up (its number) arrives in the cookie
 *   gcq_tour_followup_quote, the expected next follow-up date (ISO) in
 *   gcq_tour_next_followup_date; the tour formats the date the way date fields
 *   show it;
 * - the statistics rows expected after the follow-up are fixed by the quotes
 *   the test prepares (see FOLLOWUP_STATISTICS);
 * - a step logging "gcq-screenshot:<name>" asks the test for a screenshot and
 *   the next step waits until the test marks it taken on <body>.
 */

const CUSTOMER = "Club Nautique de Vaise";
const NOTE = "Le président rappelle vendredi.";
const DIALOG = ".modal:not(.o_inactive_modal)";
const PIVOT = ".o_pivot_view .o_pivot table";

// Pivot rows after the tour's follow-up: [follow-ups, acceptance rate (%), quotes, accepted quotes].
// The followed-up quote moves from row 0 to row 1; open quotes count in "Devis", not in the rate.
const FOLLOWUP_STATISTICS = [
    ["Total", "45,45", "12", "5"],
    ["0", "50,00", "4", "2"],
    ["1", "66,67", "4", "2"],
    ["2", "33,33", "3", "1"],
    ["3", "0,00", "1", "0"],
];

function pivotRowSteps([label, rate, quotes, accepted]) {
    const row = `${PIVOT} tbody tr:has(th:text(${label}))`;
    return [
        {
            content: `statistics, ${label} follow-up(s): acceptance rate ${rate} %`,
            trigger: `${row} td:nth-of-type(1):text(${rate})`,
        },
        {
            content: `statistics, ${label} follow-up(s): ${quotes} quote(s)`,
            trigger: `${row} td:nth-of-type(2):text(${quotes})`,
        },
        {
            content: `statistics, ${label} follow-up(s): ${accepted} accepted`,
            trigger: `${row} td:nth-of-type(3):text(${accepted})`,
        },
    ];
}

function followupSteps(quoteName, nextFollowup) {
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
        {
            content: `open the quote ${quoteName}`,
            trigger: `.o_list_view .o_data_row .o_data_cell[name=name]:contains(${quoteName})`,
            run: "click",
        },
        // The quote form: due today.
        {
            content: "the quote is open",
            trigger: `.o_form_view .o_field_widget[name=name]:text(${quoteName})`,
        },
        {
            content: "French: the follow-up status badge reads 'Aujourd'hui'",
            trigger: `.o_form_view .o_field_widget[name=followup_status]:text("Aujourd'hui")`,
        },
        {
            content: "not followed up yet: no follow-up counter",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=followup_count]))",
        },
        // Follow up.
        {
            content: "click 'Relancer'",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_followup]:text(Relancer)",
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
        // Back on the quote: counted, planned again, noted in the chatter.
        {
            content: "the dialog is closed",
            trigger: "body:not(:has(.modal))",
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
        {
            content: "French: open the 'Analyse' menu",
            trigger: '.o_menu_sections button[data-menu-xmlid="gestion_clientele_quotes.menu_customer_quote_reporting"]:text(Analyse)',
            run: "click",
        },
        {
            content: "French: open 'Statistiques des relances'",
            trigger: '.dropdown-item[data-menu-xmlid="gestion_clientele_quotes.menu_customer_quote_followup_report"]:text(Statistiques des relances)',
            run: "click",
        },
        {
            content: "the statistics open as a pivot",
            trigger: ".o_pivot_view .o_breadcrumb .active:text(Statistiques des relances)",
        },
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
            content: "rows by number of follow-ups: 0 to 3, nothing more",
            trigger: `${PIVOT} tbody:has(tr:nth-child(${FOLLOWUP_STATISTICS.length})):not(:has(tr:nth-child(${
                FOLLOWUP_STATISTICS.length + 1
            })))`,
        },
        ...FOLLOWUP_STATISTICS.flatMap(pivotRowSteps),
        ...screenshotSteps("followup_statistics_fr", "the follow-up statistics pivot"),
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
