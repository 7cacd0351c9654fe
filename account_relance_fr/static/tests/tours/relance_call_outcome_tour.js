import { registry } from "@web/core/registry";

// The collector called the client of a call-level relance and records what the call gave:
// no answer, then a wrong contact, then a dispute, then a promise to pay.
// A date `days` from today as the date field of an English user reads it (MM/DD/YYYY).
function inDays(days) {
    const day = new Date(Date.now() + days * 86400000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(day.getMonth() + 1)}/${pad(day.getDate())}/${day.getFullYear()}`;
}

function outcome(label, extra = []) {
    return [
        {
            content: "Open the call outcome",
            trigger: ".o_form_view .o_form_statusbar button:contains('Call outcome')",
            run: "click",
        },
        {
            content: `Outcome: ${label}`,
            trigger: `.modal .o_field_widget[name='outcome'] label:contains('${label}')`,
            run: "click",
        },
        ...extra,
        {
            content: "Record it",
            trigger: ".modal footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

registry.category("web_tour.tours").add("account_relance_fr_call_outcome", {
    steps: () => [
        {
            content: "The call relance is open",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Boulangerie du Portail')",
        },
        ...outcome("No answer"),
        ...outcome("Wrong contact", [
            {
                content: "The right contact",
                trigger: ".modal .o_field_widget[name='contact_id'] input",
                run: "edit Comptab",
            },
            {
                content: "Pick the contact",
                trigger: ".o-autocomplete--dropdown-item:contains('Comptabilité Portail')",
                run: "click",
            },
        ]),
        ...outcome("contests an invoice", [
            {
                content: "The contested invoice",
                trigger: ".modal .o_field_widget[name='move_id'] input",
                run: "edit INV",
            },
            {
                content: "Pick the invoice",
                trigger: ".o-autocomplete--dropdown-item:contains('INV/'):first",
                run: "click",
            },
            {
                content: "The invoice is chosen",
                trigger: ".modal .o_field_widget[name='move_id']:not(.o_field_invalid) input:value('INV/')",
            },
            {
                content: "Why",
                trigger: ".modal .o_field_widget[name='reason'] input",
                run: "edit Prix non conforme au devis",
            },
        ]),
        ...outcome("promises to pay", [
            {
                content: "Pays by",
                trigger: ".modal .o_field_widget[name='promise_date'] input",
                run: `edit ${inDays(10)}`,
            },
            {
                content: "Amount",
                trigger: ".modal .o_field_widget[name='promise_amount'] input",
                run: "edit 300",
            },
        ]),
    ],
});
