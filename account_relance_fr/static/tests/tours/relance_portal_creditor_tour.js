import { registry } from "@web/core/registry";

// A client of Atelier Durand SARL (not the website's company) opens the link of its relance,
// logged out: the creditor is on the page, in the header and the footer; a promise typed
// as a French person types it is taken, "NaN" is refused in French.
function inDays(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

function setValue(value) {
    return function () {
        this.anchor.value = value;
    };
}

function noHostCompany() {
    const text = document.body.innerText;
    for (const name of ["Société Hébergeuse", "YourCompany", "Your logo"]) {
        if (text.includes(name)) {
            throw new Error(`The page shows ${name}, not the creditor`);
        }
    }
}

registry.category("web_tour.tours").add("account_relance_fr_portal_creditor", {
    steps: () => [
        {
            content: "The header names the creditor",
            trigger: "header .o_relance_header_name:contains('Atelier Durand SARL'), header img.o_relance_header_logo[alt='Atelier Durand SARL']",
        },
        {
            content: "The page says whose client account it is",
            trigger: ".o_relance_company_name:contains('Atelier Durand SARL')",
        },
        {
            content: "The footer identifies the creditor, with its SIREN",
            trigger: ".o_relance_creditor_footer .o_relance_creditor_legal:contains('812 345 678')",
        },
        {
            content: "Odoo's copyright line is the creditor's",
            trigger: ".o_footer_copyright_name:contains('Atelier Durand SARL')",
            run: noHostCompany,
        },
        {
            content: "Promise to pay in ten days",
            trigger: ".o_relance_promise_form input[name='promise_date']",
            run: setValue(inDays(10)),
        },
        {
            content: "A hostile amount",
            trigger: ".o_relance_promise_form input[name='amount']",
            run: "edit NaN",
        },
        {
            content: "Send it",
            trigger: ".o_relance_promise_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Refused in French, the page still the creditor's",
            trigger: ".o_relance_error:contains('pas un nombre')",
            run: noHostCompany,
        },
        {
            content: "Promise to pay in ten days, again",
            trigger: ".o_relance_promise_form input[name='promise_date']",
            run: setValue(inDays(10)),
        },
        {
            content: "An amount as a French person types it",
            trigger: ".o_relance_promise_form input[name='amount']",
            run: "edit 250,50",
        },
        {
            content: "Record the promise",
            trigger: ".o_relance_promise_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded and shown",
            trigger: ".o_relance_done_promise",
        },
        {
            content: "The promise shows its amount",
            trigger: ".o_relance_open_promise:contains('250,50')",
            run: noHostCompany,
        },
    ],
});
