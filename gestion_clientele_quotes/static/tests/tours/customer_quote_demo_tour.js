import { registry } from "@web/core/registry";
import { formatFloat } from "@web/views/fields/formatters";
import { stepUtils } from "@web_tour/tour_utils";

import {
    openCustomerSteps,
    openFollowupStatisticsSteps,
    screenshotSteps,
    tourCookie,
    tourCookieDate,
} from "./tour_helpers";

/**
 * The README's pictures, taken on the add-on's demo ("Centre aquatique Les
 * Ondines") as the admin sees it in French (tests/test_ui_demo.py):
 * - customer_quote_demo_tour (a desktop): the app opens on the admin's quotes
 *   ("Mes devis"); the customer "Aqua Club Les Dauphins" and its Commercial
 *   tab; its season quote, with its lines and totals; the Transfer dialog with
 *   the demo template "Offre de saison club" chosen (then left, nothing
 *   transferred); Analyse ▸ Statistiques des relances;
 * - customer_quote_demo_phone_tour (a phone): the club's Commercial tab, its
 *   quotes as cards;
 * - customer_quote_demo_pricelist_tour (a desktop): the member "Lucas Bernard"
 *   (price list "Adhérents") gets a new quote from his Commercial tab; the
 *   annual subscription comes at 320,00 with the members' 15 % off.
 *
 * The amounts are the demo's; what depends on the day or the database comes in
 * cookies: gcq_tour_admin (the admin's name), gcq_tour_my_quote_count,
 * gcq_tour_today and the season quote's gcq_tour_quote_date,
 * gcq_tour_validity_date and gcq_tour_followup_date (ISO, shown the way date
 * fields show them), gcq_tour_statistics (the statistics rows, JSON:
 * [number of follow-ups or "total", acceptance rate or null, quotes, accepted
 * quotes]) and, for the phone, gcq_tour_quote (the season quote's number).
 * A step logging "gcq-screenshot:<name>" asks the test for a picture and the
 * next step waits until the test marks it taken on <body>.
 */

const CUSTOMER = "Aqua Club Les Dauphins";
const TEMPLATE = "Offre de saison club";
const QUOTES = ".o_field_widget[name=customer_quote_ids]";
const LINES = ".o_field_widget[name=line_ids]";
const DIALOG = ".modal:not(.o_inactive_modal)";
const PIVOT = ".o_pivot_view .o_pivot table";
// The season quote: 12 × Abonnement annuel at 320,00 − 10 % and 12 × Bonnet de bain at 4,90, 20 % VAT.
const SEASON_TOTAL = /4\s217,76\s€/;
// The pivot's rows by number of follow-ups, in French.
const FOLLOWUP_RANGES = {
    total: "Total",
    0: "Aucune relance",
    1: "1 relance",
    2: "2 relances",
    "3_or_more": "3 relances ou plus",
};

/** Scroll `selector` to the top of its view and the open tab into view, for the picture. */
function scrollToTopStep(selector) {
    return {
        content: "scroll for the picture",
        trigger: selector,
        run() {
            // A little room above it, clear of the sticky bars.
            this.anchor.style.scrollMarginTop = "16px";
            this.anchor.scrollIntoView({ block: "start" });
            // On a phone the tabs scroll sideways: show the open one.
            document
                .querySelector(".o_notebook .nav-link.active")
                ?.scrollIntoView({ block: "nearest", inline: "center" });
        },
    };
}

function quotesListSteps(admin, myQuoteCount) {
    return [
        {
            content: "French: the app opens on the quotes list, 'Devis'",
            trigger: ".o_list_view .o_breadcrumb .active:text(Devis)",
        },
        {
            content: "filtered on the admin's own quotes: 'Mes devis'",
            trigger: ".o_searchview_facet:contains(Mes devis)",
        },
        {
            content: "French column titles: 'Fin d'offre', 'Relance le', 'Vendeur', 'Total TTC'",
            trigger: `.o_list_view thead th[data-name=validity_date]:contains("Fin d'offre")`,
        },
        {
            trigger: ".o_list_view thead th[data-name=followup_date]:contains(Relance le)",
        },
        {
            trigger: ".o_list_view thead th[data-name=user_id]:contains(Vendeur)",
        },
        {
            trigger: ".o_list_view thead th[data-name=amount_total]:contains(Total TTC)",
        },
        {
            content: `the admin's ${myQuoteCount} quotes are listed`,
            trigger: `.o_list_view tbody:has(.o_data_row:nth-child(${myQuoteCount})):not(:has(.o_data_row:nth-child(${
                myQuoteCount + 1
            })))`,
        },
        {
            content: `all of them the admin's (${admin})`,
            trigger: `.o_list_view tbody:not(:has(.o_data_row .o_data_cell[name=user_id]:not(:contains(${admin}))))`,
        },
        {
            content: "the club's season quote, in euros, a draft ('Brouillon')",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}):has(.o_data_cell[name=amount_total]:contains(${SEASON_TOTAL})) .o_data_cell[name=state]:text(Brouillon)`,
        },
        {
            content: "the quote to follow up today is highlighted",
            trigger: ".o_list_view .o_data_row:has(.o_data_cell[name=state]:text(Envoyé)) .o_data_cell[name=followup_date].text-warning",
        },
        ...screenshotSteps("quotes_list_fr", "the admin's quotes"),
    ];
}

function commercialTabSteps(expected) {
    return [
        ...openCustomerSteps(CUSTOMER),
        {
            content: "open the Commercial tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=commercial]:text(Commercial)",
            run: "click",
        },
        {
            content: "French: the quotes section, 'Devis', with 'Transférer' and 'Ajouter'",
            trigger: ".o_notebook .tab-pane h4:text(Devis)",
        },
        {
            trigger: ".o_notebook button[name=action_transfer_quote_template]:contains(Transférer)",
        },
        {
            trigger: ".o_notebook button[name=action_add_customer_quote]:contains(Ajouter)",
        },
        {
            content: "the club's statistics: 4 quotes, 2 accepted out of 3 answered, the season quote open (untaxed)",
            trigger: "[name=customer_quote_statistics]:contains(Devis :) .o_field_widget[name=customer_quote_count]:text(4)",
        },
        {
            trigger: "[name=customer_quote_statistics]:contains(Taux d'acceptation :) .o_field_widget[name=customer_quote_acceptance_rate]:contains(/66,67\\s?%/)",
        },
        {
            trigger: "[name=customer_quote_statistics]:contains(Montant en cours :) .o_field_widget[name=customer_quote_open_amount]:contains(/3\\s514,80\\s€/)",
        },
        {
            trigger: `[name=customer_quote_statistics]:contains(Prochaine relance :) .o_field_widget[name=customer_quote_next_followup_date]:text(${expected.followup})`,
        },
        {
            content: "its 4 quotes, the latest first: the season quote, a draft",
            trigger: `${QUOTES} tbody:has(.o_data_row:nth-child(4)):not(:has(.o_data_row:nth-child(5)))`,
        },
        {
            trigger: `${QUOTES} .o_data_row:first-child:has(.o_data_cell[name=amount_total]:contains(${SEASON_TOTAL})) .o_data_cell[name=state]:text(Brouillon)`,
        },
        {
            content: "then, older, one refused and two accepted",
            trigger: `${QUOTES} .o_data_row:nth-child(2) .o_data_cell[name=state]:text(Refusé)`,
        },
        {
            trigger: `${QUOTES} .o_data_row:nth-child(3) .o_data_cell[name=state]:text(Accepté)`,
        },
        {
            trigger: `${QUOTES} .o_data_row:nth-child(4) .o_data_cell[name=state]:text(Accepté)`,
        },
        scrollToTopStep(".o_form_view .o_form_sheet_bg"),
        ...screenshotSteps("commercial_tab_fr", "the club's Commercial tab"),
    ];
}

function quoteFormSteps(expected, admin) {
    return [
        {
            content: "open the season quote from its row",
            trigger: `${QUOTES} .o_data_row:first-child .o_data_cell[name=followup_date]`,
            run: "click",
        },
        {
            content: "the quote opens, numbered, a draft",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(DEV/)",
        },
        {
            trigger: ".o_form_view .o_statusbar_status:has(button.o_arrow_button_current:text(Brouillon))",
        },
        {
            content: `the club's quote, followed by the admin (${admin})`,
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${CUSTOMER})`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name=user_id] input:value(${admin})`,
        },
        {
            content: "the customer's address, from the demo",
            trigger: ".o_form_view .o_field_widget[name=partner_address]:contains(69003 Lyon)",
        },
        {
            content: `French: 'Date du devis' ${expected.date}, 'Date de fin d'offre' ${expected.validity}, 'Date de relance' ${expected.followup}`,
            trigger: `.o_form_view .o_form_label[for^=date_]:contains(Date du devis)`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name=date] .o_input:text(${expected.date})`,
        },
        {
            trigger: `.o_form_view .o_form_label[for^=validity_date_]:contains("Date de fin d'offre")`,
        },
        {
            trigger: `.o_form_view .o_field_widget[name=validity_date] .o_input:text(${expected.validity})`,
        },
        {
            trigger: ".o_form_view .o_form_label[for^=followup_date_]:contains(Date de relance)",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=followup_date] .o_input:text(${expected.followup})`,
        },
        {
            content: "its lines, in French: 12 annual subscriptions at 320,00 less 10 %, 12 swim caps",
            trigger: `${LINES} .o_data_row:nth-child(1):contains(Abonnement annuel):has(.o_data_cell[name=discount]:text(10,00)) .o_data_cell[name=price_subtotal]:contains(/3\\s456,00/)`,
        },
        {
            trigger: `${LINES} .o_data_row:nth-child(2):contains(Bonnet de bain) .o_data_cell[name=price_subtotal]:contains(58,80)`,
        },
        {
            trigger: `${LINES} .o_data_row .o_data_cell[name=tax_ids]:contains(TVA 20 %)`,
        },
        {
            content: "the totals in euros: 'Remises accordées', 'Total HT', 'TVA', 'Total TTC'",
            trigger: ".o_form_view .o_form_label[for^=amount_discount_]:text(Remises accordées)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=amount_discount]:contains(/384,00\\s€/)",
        },
        {
            trigger: ".o_form_view .o_form_label[for^=amount_untaxed_]:text(Total HT)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=amount_untaxed]:contains(/3\\s514,80\\s€/)",
        },
        {
            trigger: ".o_form_view .o_form_label[for^=amount_tax_]:text(TVA)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=amount_tax]:contains(/702,96\\s€/)",
        },
        {
            trigger: ".o_form_view .o_form_label[for^=amount_total_]:text(Total TTC)",
        },
        {
            trigger: `.o_form_view .o_field_widget[name=amount_total]:contains(${SEASON_TOTAL})`,
        },
        {
            content: "the quote's comment, as the demo wrote it",
            trigger: ".o_form_view .o_field_widget[name=comment]:contains(Offre de saison pour les nageurs du club)",
        },
        ...screenshotSteps("quote_form_fr", "the club's season quote"),
        {
            content: "back to the customer",
            trigger: `.o_breadcrumb .breadcrumb-item a:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            trigger: `.o_breadcrumb .active:contains(${CUSTOMER})`,
        },
    ];
}

function transferDialogSteps(expected) {
    return [
        {
            content: "the Commercial tab again",
            trigger: ".o_form_view .o_notebook .nav-link[name=commercial]",
            run: "click",
        },
        {
            content: "click 'Transférer'",
            trigger: ".o_notebook button[name=action_transfer_quote_template]:contains(Transférer)",
            run: "click",
        },
        {
            content: "French: the dialog is titled 'Transférer un modèle de devis'",
            trigger: `${DIALOG} .modal-title:contains(Transférer un modèle de devis)`,
        },
        {
            content: "the customer is prefilled",
            trigger: `${DIALOG} .o_field_widget[name=partner_ids] .o_tag:contains(${CUSTOMER})`,
        },
        {
            content: `the quote date is today (${expected.today})`,
            trigger: `${DIALOG} .o_field_widget[name=date] .o_input:text(${expected.today})`,
        },
        {
            content: "French: 'Modèle de devis'",
            trigger: `${DIALOG} .o_form_label[for^=template_id_]:contains(Modèle de devis)`,
        },
        {
            content: "open the templates: the demo's two, in French",
            trigger: `${DIALOG} .o_field_widget[name=template_id] input`,
            run: "click",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(Trimestre scolaire, 25 élèves)",
        },
        {
            content: `choose '${TEMPLATE}'`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${TEMPLATE})`,
            run: "click",
        },
        {
            content: "the template is chosen",
            trigger: `${DIALOG} .o_field_widget[name=template_id] input:value(${TEMPLATE})`,
        },
        {
            content: "the suggestions are closed",
            trigger: "body:not(:has(.o-autocomplete--dropdown-menu))",
        },
        {
            content: "French: the dialog's buttons, 'Transférer' and 'Abandonner'",
            trigger: `${DIALOG} .modal-footer button[name=action_transfer]:text(Transférer)`,
        },
        {
            trigger: `${DIALOG} .modal-footer button.btn-secondary:text(Abandonner)`,
        },
        ...screenshotSteps("transfer_dialog_fr", "the Transfer dialog with the club's template chosen"),
        {
            content: "leave the dialog: nothing is transferred",
            trigger: `${DIALOG} .modal-footer button.btn-secondary:text(Abandonner)`,
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${QUOTES} tbody:has(.o_data_row:nth-child(4)):not(:has(.o_data_row:nth-child(5)))`,
        },
    ];
}

function statisticsSteps(rows) {
    const steps = [
        ...openFollowupStatisticsSteps(),
        {
            content: "on this year's quotes",
            trigger: ".o_searchview_facet:contains(Date du devis)",
        },
    ];
    if (!rows.length) {
        // Early in January the demo's quotes all date from last year.
        return [...steps, { content: "no quote this year", trigger: ".o_pivot_view .o_view_sample_data" }];
    }
    steps.push(
        {
            content: "French measures: 'Taux d'acceptation (%)', 'Devis', 'Devis acceptés'",
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(1):text("Taux d'acceptation (%)")`,
        },
        {
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(2):text(Devis)`,
        },
        {
            trigger: `${PIVOT} thead th.o_pivot_measure_row:nth-of-type(3):text(Devis acceptés)`,
        },
        {
            content: `${rows.length} rows: the total and one by number of follow-ups`,
            trigger: `${PIVOT} tbody:has(tr:nth-child(${rows.length})):not(:has(tr:nth-child(${rows.length + 1})))`,
        }
    );
    for (const [range, rate, quotes, accepted] of rows) {
        const label = FOLLOWUP_RANGES[range];
        const row = `${PIVOT} tbody tr:has(th:text(${label}))`;
        if (rate !== null) {
            const shown = formatFloat(rate, { digits: [16, 2] });
            steps.push({
                content: `row "${label}": acceptance rate ${shown} %`,
                trigger: `${row} td:nth-of-type(1):text(${shown})`,
            });
        }
        steps.push(
            {
                content: `row "${label}": ${quotes} quote(s), ${accepted} accepted`,
                trigger: `${row} td:nth-of-type(2):text(${quotes})`,
            },
            {
                trigger: `${row} td:nth-of-type(3):text(${accepted})`,
            }
        );
    }
    return [...steps, ...screenshotSteps("followup_statistics_fr", "the follow-up statistics")];
}

registry.category("web_tour.tours").add("customer_quote_demo_tour", {
    url: "/odoo",
    steps: () => {
        const admin = tourCookie("gcq_tour_admin");
        const myQuoteCount = Number(tourCookie("gcq_tour_my_quote_count"));
        const statistics = tourCookie("gcq_tour_statistics");
        const expected = {
            today: tourCookieDate("gcq_tour_today"),
            date: tourCookieDate("gcq_tour_quote_date"),
            validity: tourCookieDate("gcq_tour_validity_date"),
            followup: tourCookieDate("gcq_tour_followup_date"),
        };
        return [
            {
                content: "the expected values were given by the test (tests/test_ui_demo.py)",
                trigger: "body",
                run() {
                    if (!admin || !myQuoteCount || !statistics || Object.values(expected).some((date) => !date)) {
                        throw new Error("Missing gcq_tour_* cookies: run this tour from tests/test_ui_demo.py.");
                    }
                },
            },
            ...stepUtils.goToAppSteps(
                "gestion_clientele_quotes.menu_customer_quote_root",
                "Open the Customer Quotes app"
            ),
            ...quotesListSteps(admin, myQuoteCount),
            ...commercialTabSteps(expected),
            ...quoteFormSteps(expected, admin),
            ...transferDialogSteps(expected),
            ...statisticsSteps(statistics ? JSON.parse(statistics) : []),
        ];
    },
});

registry.category("web_tour.tours").add("customer_quote_demo_phone_tour", {
    steps: () => {
        const quoteName = tourCookie("gcq_tour_quote");
        const card = `${QUOTES} .o_kanban_record:has(.o_field_widget[name=name]:text(${quoteName}))`;
        return [
            {
                content: "the season quote was given by the test (tests/test_ui_demo.py)",
                trigger: "body",
                run() {
                    if (!quoteName) {
                        throw new Error("Missing gcq_tour_quote cookie: run this tour from tests/test_ui_demo.py.");
                    }
                },
            },
            {
                content: "the club's form is open",
                trigger: `.o_form_view .o_field_widget[name=name] input:value(${CUSTOMER})`,
            },
            {
                content: "open the Commercial tab",
                trigger: ".o_form_view .o_notebook .nav-link[name=commercial]:text(Commercial)",
                run: "click",
            },
            {
                content: "the club's statistics, in French",
                trigger: "[name=customer_quote_statistics]:contains(Devis :):contains(Taux d'acceptation :):contains(Montant en cours :)",
            },
            {
                content: "on a phone the club's 4 quotes are cards",
                trigger: `${QUOTES} .o_field_x2many_kanban:has(.o_kanban_record:not(.o_kanban_ghost):nth-child(4)):not(:has(.o_kanban_record:not(.o_kanban_ghost):nth-child(5)))`,
            },
            {
                content: "the season quote's card: its total in euros and 'Brouillon'",
                trigger: `${card} .o_field_widget[name=amount_total]:contains(${SEASON_TOTAL})`,
            },
            {
                trigger: `${card} .o_field_widget[name=state]:text(Brouillon)`,
            },
            {
                content: "the answered quotes: 'Accepté', 'Refusé'",
                trigger: `${QUOTES} .o_kanban_record .o_field_widget[name=state]:text(Accepté)`,
            },
            {
                trigger: `${QUOTES} .o_kanban_record .o_field_widget[name=state]:text(Refusé)`,
            },
            scrollToTopStep(".o_form_view .o_notebook"),
            ...screenshotSteps("commercial_tab_phone_fr", "the club's Commercial tab on a phone"),
        ];
    },
});

registry.category("web_tour.tours").add("customer_quote_demo_pricelist_tour", {
    url: "/odoo",
    steps: () => {
        const member = "Lucas Bernard";
        const item = "Abonnement annuel";
        return [
            ...stepUtils.goToAppSteps(
                "gestion_clientele_quotes.menu_customer_quote_root",
                "Open the Customer Quotes app"
            ),
            ...openCustomerSteps(member),
            {
                content: "open the Commercial tab",
                trigger: ".o_form_view .o_notebook .nav-link[name=commercial]:text(Commercial)",
                run: "click",
            },
            {
                content: "click 'Ajouter' in the quotes section",
                trigger: ".o_notebook button[name=action_add_customer_quote]:contains(Ajouter)",
                run: "click",
            },
            {
                content: "a new quote for the member",
                trigger: `.o_form_view .o_field_widget[name=partner_id] input:value(${member})`,
            },
            {
                content: "French: 'Liste de prix', the member's: 'Adhérents'",
                trigger: ".o_form_view .o_form_label[for^=pricelist_id_]:contains(Liste de prix)",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=pricelist_id] input:value(Adhérents)",
            },
            {
                content: "add a line",
                trigger: `${LINES} .o_field_x2many_list_row_add a:text(Ajouter une ligne)`,
                run: "click",
            },
            {
                content: `search the item '${item}'`,
                trigger: `${DIALOG} .o_field_widget[name=product_id] input`,
                run: `edit ${item}`,
            },
            {
                content: `pick '${item}'`,
                trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains(${item})`,
                run: "click",
            },
            {
                content: "the members' price: 320,00 less 15 %, 48,00 off",
                trigger: `${DIALOG} .o_field_widget[name=price_unit] input:value(320,00)`,
            },
            {
                trigger: `${DIALOG} .o_field_widget[name=discount] input:value(15,00)`,
            },
            {
                trigger: `${DIALOG} .o_field_widget[name=discount_amount] input:value(48,00)`,
            },
            {
                trigger: `${DIALOG} .o_field_widget[name=price_subtotal]:contains(272,00)`,
            },
            {
                content: "save the line",
                trigger: `${DIALOG} .modal-footer .o_form_button_save:contains(Enregistrer)`,
                run: "click",
            },
            {
                content: "the line in the quote: 15 % off, 272,00",
                trigger: `body:not(:has(.modal)) ${LINES} .o_data_row:contains(${item}):has(.o_data_cell[name=discount]:text(15,00)) .o_data_cell[name=price_subtotal]:contains(272,00)`,
            },
            ...stepUtils.saveForm(),
            {
                content: "the quote is saved and numbered",
                trigger: ".o_form_view .o_field_widget[name=name]:contains(DEV/)",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=amount_untaxed]:contains(/272,00\\s€/)",
            },
            ...screenshotSteps("pricelist_quote_fr", "the member's new quote at the members' price"),
        ];
    },
});
