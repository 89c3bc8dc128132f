import { deserializeDate } from "@web/core/l10n/dates";
import { formatDate } from "@web/views/fields/formatters";

import { tourCookie } from "./tour_basics";

export { screenshotSteps, tourCookie } from "./tour_basics";

/**
 * Helpers shared by the add-on's tours; tests/test_ui.py is their other half.
 */

/** An ISO date from the cookie `name`, formatted the way date fields show it ("12 janv. 2027"). */
export function tourCookieDate(name) {
    const value = tourCookie(name);
    return value ? formatDate(deserializeDate(value)) : "";
}

/** From the app's Customers menu (French: "Clients"), search the customer `name` and open it. */
export function openCustomerSteps(name) {
    return [
        {
            content: "open the app's Customers menu",
            trigger: '.o_menu_sections [data-menu-xmlid="gestion_clientele_quotes.menu_customer_quote_customers"]',
            run: "click",
        },
        {
            content: "French: the customers view is titled 'Clients'",
            trigger: ".o_breadcrumb .active:contains(Clients)",
        },
        {
            content: `search the customer '${name}'`,
            trigger: ".o_control_panel .o_searchview_input",
            run: `edit ${name} && press Enter`,
        },
        {
            content: `open the customer '${name}'`,
            trigger: `.o_kanban_record:contains(${name})`,
            run: "click",
        },
        {
            content: "the customer form is open",
            trigger: `.o_breadcrumb .active:contains(${name})`,
        },
    ];
}

/** Analyse ▸ Statistiques des relances, from the app's menu (French). */
export function openFollowupStatisticsSteps() {
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
    ];
}
