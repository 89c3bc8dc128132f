import { registry } from "@web/core/registry";
import { screenshotSteps, tourCookie } from "./tour_basics";

/**
 * The customer's page of a sent quote, opened from the link of the quote's
 * email (its access token) by a visitor who is not logged in: the page is in
 * the customer's language, French. They accept the quote by signing it
 * (customer_quote_portal_accept_tour), or refuse it with a reason
 * (customer_quote_portal_refuse_tour).
 *
 * tests/test_ui_portal.py opens the page (the tour's url) and gives, as the
 * French page writes them, the quote's number, its customer, its date and its
 * total in the cookies gcq_tour_quote, gcq_tour_customer, gcq_tour_quote_date
 * and gcq_tour_total, the salesperson's message in its conversation in
 * gcq_tour_note, and the refusal's reason in gcq_tour_reason.
 *
 * The steps rely on the page's classes and ids and on these data, not on the
 * add-on's sentences, which read the same before and after their French
 * translations.
 *
 * This page runs the frontend's assets (web.assets_frontend), not the web
 * client's: ./tour_helpers.js imports the web client's formatters, which the
 * page only gets later, with its conversation's lazily loaded bundle. So that
 * the tour is registered as soon as the page is, it takes its helpers from
 * ./tour_basics.js, which imports nothing.
 */

const ACCEPT_MODAL = "#modal_customer_quote_accept";
const REFUSE_MODAL = "#modal_customer_quote_refuse";
const CONTENT = "#customer_quote_content";
const BUTTONS = "#customer_quote_sidebar_buttons";
const CHATTER = "#chatterRoot:shadow";

/** The data the test gave in its cookies; the tour fails at once without them. */
function tourData(...extraNames) {
    const data = {
        quote: tourCookie("gcq_tour_quote"),
        customer: tourCookie("gcq_tour_customer"),
        quoteDate: tourCookie("gcq_tour_quote_date"),
        total: tourCookie("gcq_tour_total"),
        note: tourCookie("gcq_tour_note"),
    };
    for (const name of extraNames) {
        data[name] = tourCookie(`gcq_tour_${name}`);
    }
    return data;
}

function checkDataStep(data) {
    return {
        content: "the quote's data were given by the test (tests/test_ui_portal.py)",
        trigger: "body",
        run() {
            const missing = Object.keys(data).filter((key) => !data[key]);
            if (missing.length) {
                throw new Error(
                    `Missing gcq_tour_* cookies (${missing.join(", ")}): run this tour from tests/test_ui_portal.py.`
                );
            }
        },
    };
}

/** The quote's page as the visitor opens it: the sent quote, to answer, in French. */
function quotePageSteps({ quote, customer, quoteDate, total, note }) {
    return [
        {
            content: "the page is ready (its scripts and components loaded)",
            trigger: "body[is-ready=true]",
        },
        {
            content: "French: the page is in the customer's language (Odoo's own 'Powered by')",
            trigger: "#sidebar_content:contains(Généré par)",
        },
        {
            content: `the quote ${quote} and its customer`,
            trigger: `${CONTENT} h2[name=quote_title]:contains(${quote})`,
        },
        {
            trigger: `${CONTENT} #customer_quote_document:contains(${customer})`,
        },
        {
            content: `French: the quote's date as France writes it (${quoteDate})`,
            trigger: `${CONTENT} #customer_quote_document:contains(${quoteDate})`,
        },
        {
            content: "its three lines, one of them with a discount",
            trigger: `${CONTENT} table[name=quote_lines] tbody:has(tr[name=tr_item]:count(3)):has(td[name=td_discount_amount] span)`,
        },
        {
            content: `its total incl. tax, in euros as France writes them: ${total}`,
            trigger: `${CONTENT} tr[name=tr_amount_total]:contains(${total})`,
        },
        {
            content: "the sidebar shows the total too",
            trigger: `#sidebar_content h2:contains(${total})`,
        },
        {
            content: "to answer: the sidebar offers to accept and to refuse",
            trigger: `${BUTTONS}:has(a.o_customer_quote_accept):has(a.o_customer_quote_refuse)`,
        },
        {
            content: "nothing answered yet",
            trigger: `${CONTENT}:not(:has(.alert-success, .alert-info, [name=online_signature]))`,
        },
        {
            content: "the conversation shows the salesperson's message, and a message box for the visitor",
            trigger: `${CHATTER} .o-mail-Chatter:has(.o-mail-Composer) .o-mail-Message:contains(${note})`,
        },
    ];
}

/** After the answer, the page shows the quote answered: no more Accept or Refuse. */
function answeredSteps(quote) {
    return [
        {
            content: "reloaded, the page is still in the customer's French",
            trigger: "#sidebar_content:contains(Généré par)",
        },
        {
            content: "the quote is answered: the sidebar no longer offers to accept or refuse",
            trigger: `${BUTTONS}:not(:has(a.o_customer_quote_accept)):not(:has(a.o_customer_quote_refuse))`,
        },
        {
            trigger: `${CONTENT} h2[name=quote_title]:contains(${quote})`,
        },
    ];
}

/** The page reloaded after the answer: `trigger` shows `what`, and the URL says `message=<message>`. */
function reloadedWithMessageStep(what, trigger, message) {
    return {
        content: `the page reloads with ${what}`,
        trigger,
        run() {
            const params = new URLSearchParams(window.location.search);
            if (params.get("message") !== message) {
                throw new Error(`Expected the page with message=${message}, not ${window.location.href}`);
            }
        },
    };
}

registry.category("web_tour.tours").add("customer_quote_portal_accept_tour", {
    steps: () => {
        const data = tourData();
        const { quote, customer, total } = data;
        return [
            checkDataStep(data),
            ...quotePageSteps(data),
            ...screenshotSteps("portal_quote_fr", "the quote's page, to answer, in French"),
            {
                content: "Accept & Sign",
                trigger: `${BUTTONS} a.o_customer_quote_accept`,
                run: "click",
            },
            {
                content: `the signing dialog recalls the quote ${quote} and its total`,
                trigger: `${ACCEPT_MODAL}.show .modal-body:contains(${quote}):contains(${total})`,
            },
            {
                content: "French: the signature form too (Odoo's 'Full Name')",
                trigger: `${ACCEPT_MODAL}.show .o_web_sign_name_group label:contains(Nom complet)`,
            },
            {
                content: `the name is the customer's: ${customer}`,
                trigger: `${ACCEPT_MODAL}.show .o_web_sign_name_input:value(${customer})`,
                run() {
                    if (this.anchor.value !== customer) {
                        throw new Error(`The signer's name is "${this.anchor.value}", not "${customer}".`);
                    }
                },
            },
            {
                content: "sign automatically, from the name",
                trigger: `${ACCEPT_MODAL}.show .o_web_sign_auto_button`,
                run: "click",
            },
            {
                trigger: `${ACCEPT_MODAL}.show .o_web_sign_auto_button.active`,
            },
            {
                content: "the name is drawn as a signature",
                trigger: `${ACCEPT_MODAL}.show canvas.o_web_sign_signature`,
                run: "canvasNotEmpty",
            },
            {
                content: "submit the signature",
                trigger: `${ACCEPT_MODAL}.show .o_portal_sign_submit:enabled`,
                run: "click",
                expectUnloadPage: true,
            },
            reloadedWithMessageStep("the thank-you message", `${CONTENT} .alert-success:contains(${quote})`, "accepted"),
            ...answeredSteps(quote),
            {
                content: `the quote shows the signature, and who signed: ${customer}`,
                trigger: `${CONTENT} [name=online_signature]:contains(${customer}) img[src^='data:image/png;base64,']`,
            },
            {
                content: "the conversation shows the customer's acceptance",
                trigger: `${CHATTER} .o-mail-Message:contains(${customer}):has(.o-mail-AttachmentImage, .o-mail-AttachmentCard)`,
            },
        ];
    },
});

registry.category("web_tour.tours").add("customer_quote_portal_refuse_tour", {
    steps: () => {
        const data = tourData("reason");
        const { quote, reason } = data;
        return [
            checkDataStep(data),
            ...quotePageSteps(data),
            {
                content: "Refuse",
                trigger: `${BUTTONS} a.o_customer_quote_refuse`,
                run: "click",
            },
            {
                content: "give the reason",
                trigger: `${REFUSE_MODAL}.show textarea[name=refusal_reason]`,
                run: `edit ${reason}`,
            },
            {
                content: "confirm the refusal",
                trigger: `${REFUSE_MODAL}.show button.o_customer_quote_refuse_confirm`,
                run: "click",
                expectUnloadPage: true,
            },
            reloadedWithMessageStep("the refusal recorded", `${CONTENT} .alert-info:contains(${quote})`, "refused"),
            ...answeredSteps(quote),
            {
                content: "no signature on a refused quote",
                trigger: `${CONTENT}:not(:has([name=online_signature]))`,
            },
            {
                content: "the conversation shows the customer's reason",
                trigger: `${CHATTER} .o-mail-Message:contains(${reason})`,
            },
        ];
    },
});
