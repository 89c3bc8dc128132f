import { registry } from "@web/core/registry";

import { tourCookie } from "./tour_helpers";

/**
 * The customer's Commercial tab at the screen width the test gives the browser
 * (tests/test_ui.py): on a desktop, the quotes list keeps its row actions in
 * view without horizontal scrolling and a click on a row opens the quote; on a
 * phone, the quotes are cards and a tap on a card opens the quote.
 *
 * The test opens the customer's form (the tour's url) and gives the quote's
 * number in the cookie gcq_tour_quote.
 */

const QUOTES = ".o_field_widget[name=customer_quote_ids]";

function desktopSteps(quoteName) {
    const row = `${QUOTES} .o_data_row:has(.o_data_cell[name=name]:text(${quoteName}))`;
    return [
        {
            content: "the quotes are a list, with the row's actions",
            trigger: `${row} button[name=action_print][data-tooltip=Imprimer]`,
        },
        {
            trigger: `${row} button[name=action_send]`,
        },
        {
            trigger: `${row} button[name=action_followup][data-tooltip=Relancer]`,
        },
        {
            content: "no horizontal scrolling: the last column and the actions are in view",
            trigger: `${QUOTES} .o_list_renderer`,
            run() {
                const renderer = this.anchor;
                if (renderer.scrollWidth > renderer.clientWidth + 1) {
                    throw new Error(
                        `The quotes list scrolls sideways at ${window.innerWidth} px (${renderer.scrollWidth} > ${renderer.clientWidth})`
                    );
                }
                const { right } = renderer.getBoundingClientRect();
                const buttons = renderer.querySelectorAll(".o_data_row button");
                const total = renderer.querySelector(".o_data_row .o_data_cell[name=amount_total]");
                for (const element of [...buttons, total]) {
                    if (element.getBoundingClientRect().right > right + 1) {
                        throw new Error(`Out of view at ${window.innerWidth} px: ${element.outerHTML}`);
                    }
                }
            },
        },
        {
            content: "no quote number or amount is cut short",
            trigger: `${QUOTES} tbody`,
            run() {
                for (const cell of this.anchor.querySelectorAll(
                    ".o_data_cell[name=name], .o_data_cell[name=amount_total]"
                )) {
                    if (cell.scrollWidth > cell.clientWidth + 1) {
                        throw new Error(`Cell cut at ${window.innerWidth} px: ${cell.textContent}`);
                    }
                }
            },
        },
        {
            content: "no column title is cut short",
            trigger: `${QUOTES} thead`,
            run() {
                for (const title of this.anchor.querySelectorAll("th .o_list_header_label, th span.d-block")) {
                    if (title.scrollWidth > title.clientWidth + 1) {
                        throw new Error(`Column title cut at ${window.innerWidth} px: ${title.textContent}`);
                    }
                }
            },
        },
        {
            content: "a click on the row opens the quote",
            trigger: `${row} .o_data_cell[name=followup_date]`,
            run: "click",
        },
    ];
}

function phoneSteps(quoteName) {
    const card = `.o_kanban_record:has(.o_field_widget[name=name]:text(${quoteName}))`;
    return [
        {
            content: "on a phone the quotes are cards",
            trigger: `${QUOTES} .o_field_x2many_kanban ${card}`,
        },
        {
            content: "with the amount and the status",
            trigger: `${QUOTES} ${card} .o_field_widget[name=amount_total]`,
        },
        {
            content: "a tap on the card opens the quote",
            trigger: `${QUOTES} ${card} .o_field_widget[name=name]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("customer_quote_commercial_tab_tour", {
    steps: () => {
        const quoteName = tourCookie("gcq_tour_quote");
        const phone = window.innerWidth < 768;
        return [
            {
                content: "the quote was given by the test (tests/test_ui.py)",
                trigger: "body",
                run() {
                    if (!quoteName) {
                        throw new Error("Missing gcq_tour_quote cookie: run this tour from tests/test_ui.py.");
                    }
                },
            },
            {
                content: "open the Commercial tab",
                trigger: ".o_form_view .o_notebook .nav-link[name=commercial]",
                run: "click",
            },
            ...(phone ? phoneSteps(quoteName) : desktopSteps(quoteName)),
            {
                content: "the quote's own form is open",
                trigger: `.o_form_view .o_field_widget[name=name]:text(${quoteName})`,
            },
            {
                content: "with the customer",
                trigger: ".o_form_view .o_field_widget[name=partner_id]",
            },
        ];
    },
});
