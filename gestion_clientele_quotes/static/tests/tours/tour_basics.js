/**
 * Helpers of the add-on's tours that need nothing of the web client: the customer's page
 * (portal) uses them too. tour_helpers.js re-exports them for the back-end tours.
 */

/** The value the test put in the cookie `name` ("" when absent). */
export function tourCookie(name) {
    const prefix = `${name}=`;
    const cookie = document.cookie.split("; ").find((item) => item.startsWith(prefix));
    return cookie ? decodeURIComponent(cookie.slice(prefix.length)) : "";
}

/**
 * Ask the test for a screenshot named `name`, then wait until the test marks it
 * taken on <body> (tests/test_ui_demo.py, screenshot_hook).
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
