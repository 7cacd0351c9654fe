import { registry } from "@web/core/registry";
import { assertNothingCut } from "@account_relance_fr/../tests/tours/relance_tour_utils";

// The credit manager's morning, in French: from the worklist, read the e-mail of a relance and
// validate it, send a failed e-mail by letter instead, record a call, grant the schedule a
// client asked for, sign a mise en demeure. After each action, back on the worklist, the client's row already says
// what comes next and when: nobody runs the relances to see it.

// Today for the company (Paris), and a day from it, as UTC midnights.
function day(offset = 0) {
    const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" })
        .format(new Date())
        .split("-")
        .map(Number);
    return new Date(Date.UTC(y, m - 1, d + offset));
}

// "16 déc.": a near date as the worklist writes it, with the year when not this one.
function shortDay(offset) {
    const when = day(offset);
    const options = { day: "numeric", month: "short", timeZone: "UTC" };
    if (when.getUTCFullYear() !== day().getUTCFullYear()) {
        options.year = "numeric";
    }
    return new Intl.DateTimeFormat("fr-FR", options).format(when);
}

// "16/12/2026": what a French user types in a date field.
function numericDay(offset) {
    return new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC" }).format(day(offset));
}

function row(client) {
    return `.o_list_view .o_data_row:has(td[name='partner_id']:contains("${client}"))`;
}

function openFile(client, label) {
    return [
        {
            content: `${client}: ${label}`,
            trigger: `${row(client)} td[name='next_action_label']:contains("${label}")`,
        },
        {
            content: `Open the file of ${client}`,
            trigger: `${row(client)} td[name='partner_id']`,
            run: "click",
        },
        {
            content: "The file is open",
            trigger: `.o_form_view .o_field_widget[name='partner_id']:contains("${client}")`,
        },
    ];
}

function openPending() {
    return [
        {
            content: "Open the relance waiting",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_pending']:contains('Ouvrir la relance en attente')",
            run: "click",
        },
        {
            content: "The relance is open",
            trigger: ".o_form_view .o_statusbar_status",
        },
    ];
}

// Back to the worklist by its breadcrumb; the row of the client says what comes next.
function backToWorklist(client, label, date) {
    return [
        {
            content: "Back to the worklist",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Clients à relancer')",
            run: "click",
        },
        {
            content: `${client} now: ${label}`,
            trigger: `${row(client)} td[name='next_action_label']:contains("${label}")`,
        },
        {
            content: `${client}: ${date || "no date"}`,
            trigger: `${row(client)} td[name='worklist_date']`,
            run() {
                const shown = this.anchor.innerText.trim();
                if (shown !== (date || "")) {
                    throw new Error(`${client}: "When" reads "${shown}", not "${date}"`);
                }
            },
        },
    ];
}

registry.category("web_tour.tours").add("account_relance_fr_morning", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        // 1. The cordial reminder of the cheese maker: read it as the client will, validate it.
        ...openFile("Fromagerie du Matin", "Valider la relance"),
        ...openPending(),
        {
            content: "Open the preview of the e-mail",
            trigger: ".o_form_view .o_notebook a[name='preview']:contains('Aperçu')",
            run: "click",
        },
        {
            content: "The preview shows the subject",
            trigger: ".o_form_view div[name='preview_subject']:contains('factures en attente de règlement')",
        },
        {
            content: "The preview shows whom it goes to",
            trigger: ".o_form_view div[name='preview_email_to']:contains('matin@example.com')",
        },
        {
            content: "Validate and send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send_and_tell']:contains('Envoyer')",
            run: "click",
        },
        {
            content: "A notice says it was sent",
            trigger: ".o_notification:contains('Relance envoyée')",
        },
        {
            content: "It is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Envoyée')",
        },
        // The second reminder comes 10 days after the due date (yesterday).
        ...backToWorklist("Fromagerie du Matin", `Rien avant le ${shortDay(9)}`, shortDay(9)),

        // 2. The garage has no e-mail address: its relance failed; it goes by letter instead.
        ...openFile("Garage sans courriel", "Échec : renvoyer ou envoyer par courrier"),
        ...openPending(),
        {
            content: "Send it by letter instead",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send_letter_instead_and_tell']:contains('Envoyer par courrier à la place')",
            run: "click",
        },
        {
            content: "It is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Envoyée')",
        },
        // The letter is to post today.
        ...backToWorklist("Garage sans courriel", "Lettre à poster", shortDay(0)),

        // 3. The butcher is to call: he promises to pay in 10 days.
        ...openFile("Boucherie à appeler", "Appeler"),
        {
            content: "Record the outcome of the call",
            trigger: ".o_form_view .o_form_statusbar button[name='action_record_call_outcome']:contains(\"Résultat de l'appel\")",
            run: "click",
        },
        {
            content: "The client promises to pay",
            trigger: ".modal .o_field_widget[name='outcome'] label:contains('promet de payer')",
            run: "click",
        },
        {
            content: "By the day he said",
            trigger: ".modal .o_field_widget[name='promise_date'] input",
            run: `edit ${numericDay(10)}`,
        },
        {
            content: "Record it",
            trigger: ".modal footer button[name='action_apply']:contains('Enregistrer')",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
        // Relances paused until the promised day plus 3 days of grace: nothing before the day after.
        ...backToWorklist("Boucherie à appeler", `Rien avant le ${shortDay(14)}`, shortDay(14)),

        // 4. The joiner asked for a payment schedule on its page: propose it and agree it.
        ...openFile("Menuiserie Échelon", `Rien avant le ${shortDay(5)}`),
        {
            content: "Propose the schedule the client asked for",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_schedule_request']:contains(\"Proposer l'échéancier demandé\")",
            run: "click",
        },
        {
            content: "Three installments, as asked",
            trigger: ".modal .o_field_widget[name='installment_count'] input:value(3)",
        },
        {
            content: "Propose",
            trigger: ".modal footer button[name='action_propose']:contains('Proposer')",
            run: "click",
        },
        {
            content: "The client agreed",
            trigger: ".o_form_view .o_form_statusbar button[name='action_agree']:contains(\"Valider l'accord\")",
            run: "click",
        },
        {
            content: "The schedule is agreed",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Accordé')",
        },
        ...backToWorklist("Menuiserie Échelon", "Rien de prévu", false),
        {
            content: "The flag says the schedule and its next installment, whole, as every title and badge",
            trigger: `${row("Menuiserie Échelon")} td[name='flags_label']:contains("Échéancier, prochaine le ${shortDay(10)}")`,
            async run() {
                await assertNothingCut(".o_action_manager", ["flags_label"]);
            },
        },

        // 5. The caterer's mise en demeure: the collector signs it, in the function she gives.
        ...openFile("Traiteur en demeure", "Valider la mise en demeure"),
        ...openPending(),
        {
            content: "Sign and send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_sign_wizard']:contains('Signer et envoyer')",
            run: "click",
        },
        {
            content: "The collector signs, in the function she had so far",
            trigger: ".modal .o_field_widget[name='signatory_function'] input",
            run() {
                const signatory = document.querySelector(".modal .o_field_widget[name='signatory_id']");
                if (!signatory.innerText.includes("Claire Recouvrement") && !signatory.querySelector("input")?.value.includes("Claire Recouvrement")) {
                    throw new Error(`The signatory proposed is not the collector: ${signatory.innerText}`);
                }
                if (this.anchor.value !== "Comptable") {
                    throw new Error(`The function proposed is "${this.anchor.value}", not "Comptable"`);
                }
            },
        },
        {
            content: "Her function for a mise en demeure",
            trigger: ".modal .o_field_widget[name='signatory_function'] input",
            run: "edit Responsable du recouvrement",
        },
        {
            content: "Sign and send",
            trigger: ".modal footer button[name='action_sign_and_send']",
            run: "click",
        },
        {
            content: "It is sent",
            trigger: "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Envoyée')",
        },
        // The registered letter is to post today; nothing comes after a mise en demeure.
        ...backToWorklist("Traiteur en demeure", "Lettre à poster", shortDay(0)),
        {
            content: "No column title, badge or flag cut at 1440 px",
            trigger: `${row("Traiteur en demeure")}`,
            async run() {
                await assertNothingCut(".o_action_manager", ["flags_label"]);
            },
        },
    ],
});

// The worklist as the collector finds it in the morning, before acting: nothing cut.
registry.category("web_tour.tours").add("account_relance_fr_morning_start", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        {
            content: "The worklist with the caterer's mise en demeure to validate",
            trigger: `${row("Traiteur en demeure")} td[name='next_action_label']:contains("Valider la mise en demeure")`,
            async run() {
                await assertNothingCut(".o_action_manager", ["flags_label"]);
            },
        },
    ],
});
