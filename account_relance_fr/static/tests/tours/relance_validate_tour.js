import { registry } from "@web/core/registry";

// A credit manager opens the relances waiting for validation, reads the e-mail as it will go
// out, and sends it.
registry.category("web_tour.tours").add("account_relance_fr_validate", {
    url: "/odoo/action-account_relance_fr.action_relance_to_validate",
    steps: () => [
        {
            content: "The relance waiting for validation is listed",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Fromagerie du Tour')",
            run: "click",
        },
        {
            content: "Its invoices are shown",
            trigger: ".o_form_view div[name='invoice_line_ids'] .o_data_row",
        },
        {
            content: "Open the preview of the e-mail",
            trigger: ".o_form_view .o_notebook a[name='preview']",
            run: "click",
        },
        {
            content: "The e-mail reads as it will be sent",
            trigger: ".o_form_view div[name='preview_html']:contains('420')",
        },
        {
            content: "The preview says who it goes to and its subject",
            trigger: ".o_form_view div[name='preview_email_to']:contains('@')",
        },
        {
            content: "Send it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_send_and_tell']",
            run: "click",
        },
        {
            content: "A notice says what was done",
            trigger: ".o_notification:contains('e-mail')",
        },
        {
            content: "It is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sent')",
        },
    ],
});
