import { deserializeDate } from "@web/core/l10n/dates";
import { formatDate } from "@web/views/fields/formatters";

/**
 * Helpers shared by the add-on's tours; tests/test_ui.py is their other half.
 */

/** The value the test put in the cookie `name` ("" when absent). */
export function tourCookie(name) {
    const prefix = `${name}=`;
    const cookie = document.cookie.split("; ").find((item) => item.startsWith(prefix));
    return cookie ? decodeURIComponent(cookie.slice(prefix.length)) : "";
}

/** An ISO date from the cookie `name`, formatted the way date fields show it ("12 janv. 2027"). */
export function tourCookieDate(name) {
    const value = tourCookie(name);
    return value ? formatDate(deserializeDate(value)) : "";
}

/**
 * Ask the test for a screenshot named `name`, then wait until the test marks it
 * taken on <body>.
 */
export function screenshotSteps(name, content) {
    return [
        {
            content: `screenshot: ${content}`,
            trigger: "body",
            run() {
                // No focus ring or open tooltip on the picture.
                document.activeElement?.blur();
                console.log(`gcq-screenshot:${name}`);
            },
        },
        {
            content: `screenshot taken: ${content}`,
            trigger: `body[data-gcq-screenshot="${name}"]`,
        },
    ];
}
