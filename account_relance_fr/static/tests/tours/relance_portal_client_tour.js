import { registry } from "@web/core/registry";

// A date `days` from today, as an <input type="date"> takes it.
function inDays(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

function setValue(value) {
    return function () {
        this.anchor.value = value;
    };
}

// The client opened the link of the relance e-mail (no account): reads what is owed,
// downloads the statement, promises to pay, contests an invoice.
const clientSteps = () => [
    {
        content: "The client's page shows the client and what is owed",
        trigger: ".o_relance_portal .o_relance_client:contains('Boulangerie du Portail')",
    },
    {
        content: "The invoices link to Odoo's invoice page, where the client can pay",
        trigger: ".o_relance_invoices tr[data-invoice] a.o_relance_invoice_open[href*='/my/invoices/']",
    },
    {
        content: "Download the statement",
        trigger: "a.o_relance_statement_download[href*='/statement']",
        // What the link downloads (a click would hand the PDF to the browser's download bar).
        run: async function () {
            const response = await fetch(this.anchor.href);
            const disposition = response.headers.get("Content-Disposition") || "";
            if (!response.ok || !disposition.includes("attachment")) {
                throw new Error(`The statement did not download: ${response.status} ${disposition}`);
            }
        },
    },
    {
        content: "Promise to pay in ten days",
        trigger: ".o_relance_promise_form input[name='promise_date']",
        run: setValue(inDays(10)),
    },
    {
        content: "Part of the amount",
        trigger: ".o_relance_promise_form input[name='amount']",
        run: "edit 500",
    },
    {
        content: "Record the promise",
        trigger: ".o_relance_promise_form button[type='submit']",
        run: "click",
        expectUnloadPage: true,
    },
    {
        content: "The promise is recorded",
        trigger: ".o_relance_done_promise",
    },
    {
        content: "The promise is shown",
        trigger: ".o_relance_open_promise",
    },
    {
        content: "Contest an invoice",
        trigger: ".o_relance_invoices details.o_relance_dispute:last summary",
        run: "click",
    },
    {
        content: "Say why",
        trigger: ".o_relance_invoices details.o_relance_dispute:last textarea[name='reason']",
        run: "edit Farine livrée humide",
    },
    {
        content: "Send the dispute",
        trigger: ".o_relance_invoices details.o_relance_dispute:last button[type='submit']",
        run: "click",
        expectUnloadPage: true,
    },
    {
        content: "The dispute is recorded",
        trigger: ".o_relance_done_dispute",
    },
    {
        content: "The invoice shows as contested",
        trigger: ".o_relance_invoices tr[data-invoice] .badge:contains('Contestée')",
    },
];

registry.category("web_tour.tours").add("account_relance_fr_portal_client", {
    steps: clientSteps,
});

// A portal user of the client, logged in: from "My account" to the page, then the same.
registry.category("web_tour.tours").add("account_relance_fr_portal_user", {
    url: "/my",
    steps: () => [
        {
            content: "My account lists the relance file",
            trigger: "a[href='/my/relances']",
            run: "click",
            expectUnloadPage: true,
        },
        ...clientSteps(),
    ],
});
