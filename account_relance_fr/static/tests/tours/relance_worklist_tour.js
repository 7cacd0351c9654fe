import { registry } from "@web/core/registry";

// The credit manager's worklist in French: the most urgent group first and open, each row
// saying what to do; validating sends and says so; no English source text on the screen.
const ENGLISH = ["To validate", "Failed", "Due today", "To do", "Flags", "Validate the relance", "Nothing before"];

registry.category("web_tour.tours").add("account_relance_fr_worklist", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        {
            content: "The first group is the relances to validate, open",
            trigger: ".o_list_view tbody .o_group_header:first:contains('À valider')",
        },
        {
            content: "Its row says what to do, in a collector's words",
            trigger: ".o_data_row:has(td[name='partner_id']:contains('Fromagerie du Tour')) td[name='next_action_label']:contains('Valider la relance')",
        },
        {
            content: "The failed relance comes next, with its remedy",
            trigger: ".o_data_row:has(td[name='partner_id']:contains('Garage sans e-mail')) td[name='next_action_label']:contains('Échec : renvoyer ou envoyer par courrier')",
        },
        {
            content: "Column titles are short and French",
            trigger: ".o_list_view thead th[data-name='next_action_label']:contains('À faire')",
            run() {
                const text = document.querySelector(".o_list_view").innerText;
                for (const english of ENGLISH) {
                    if (text.includes(english)) {
                        throw new Error(`English text on the worklist: ${english}`);
                    }
                }
            },
        },
    ],
});
