import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { assertNothingCut } from "@account_relance_fr/../tests/tours/relance_tour_utils";

// The screens a French credit manager reads (aged balance, KPIs, worklist, relances) at 1440 px:
// the figures are those worked out by hand in test_relance_screens_tour.py, no column title nor badge
// is cut, and the visible text of each screen goes back to the test, which looks in it for English
// source texts of the addon.

const TEXTS_PARAMETER = "account_relance_fr.tour_screen_texts";
const screens = {};

function record(name) {
    screens[name] = document.body.innerText;
}

async function sendScreens() {
    await rpc("/web/dataset/call_kw/ir.config_parameter/set_param", {
        model: "ir.config_parameter",
        method: "set_param",
        args: [TEXTS_PARAMETER, JSON.stringify(screens)],
        kwargs: {},
    });
}

/** The figure of a row (data, group or footer) in the column of a field, without spaces nor currency. */
function figure(row, fieldName) {
    const title = document.querySelector(`.o_list_view thead th[data-name='${fieldName}']`);
    if (!title) {
        throw new Error(`No column ${fieldName}`);
    }
    const column = title.getBoundingClientRect();
    for (const cell of row.querySelectorAll("td")) {
        const box = cell.getBoundingClientRect();
        if (Math.abs(box.left - column.left) < 2 && Math.abs(box.right - column.right) < 2) {
            return cell.innerText.replace(/[\s€]/g, "");
        }
    }
    throw new Error(`No cell under ${fieldName}`);
}

function assertFigures(row, what, expected) {
    for (const [fieldName, value] of Object.entries(expected)) {
        const shown = figure(row, fieldName);
        if (shown !== value) {
            throw new Error(`${what}, ${fieldName}: ${shown} on screen, ${value} computed by hand`);
        }
    }
}

function groupRow(name) {
    const row = [...document.querySelectorAll(".o_list_view .o_group_header")].find((header) =>
        header.innerText.includes(name)
    );
    if (!row) {
        throw new Error(`No group ${name}`);
    }
    return row;
}

/** Odoo shows a date as a button; clicked, it becomes an input to type the date in. */
function setDate(fieldName, value, shown) {
    return [
        {
            content: `Open the date ${fieldName}`,
            trigger: `.modal .o_field_widget[name='${fieldName}'] button`,
            run: "click",
        },
        {
            content: `Type ${value}`,
            trigger: `.modal .o_field_widget[name='${fieldName}'] input`,
            run: `edit ${value} && click .modal-title`,
        },
        {
            content: `${value} is taken`,
            trigger: `.modal .o_field_widget[name='${fieldName}'] button:contains('${shown}')`,
        },
    ];
}

function openReport(menuXmlid) {
    return [
        {
            content: "Open the Reporting menu",
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_reports']",
            run: "click",
        },
        {
            content: "Choose the report",
            trigger: `.dropdown-item[data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("account_relance_fr_aged_balance", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        ...openReport("account_relance_fr.menu_relance_aged_balance"),
        ...setDate("date", "31/03/2026", "31 mars"),
        {
            content: "Show it",
            trigger: ".modal button[name='action_show']",
            run() {
                record("Balance âgée (demande)");
                this.anchor.click();
            },
        },
        {
            content: "The balance of each client by bucket, and the totals",
            trigger: ".o_list_view .o_group_header:contains('Distillerie Delta')",
            async run() {
                if (!document.querySelector(".o_control_panel").innerText.includes("Balance âgée au 31/03/2026")) {
                    throw new Error("The aged balance is titled with its date");
                }
                assertFigures(groupRow("Boulangerie Alpha"), "Alpha", {
                    amount_b1: "300,00",
                    amount_b2: "600,00",
                    amount: "900,00",
                });
                assertFigures(groupRow("Crèmerie Gamma"), "Gamma", {
                    amount_not_due: "800,00",
                    amount_b5: "200,00",
                    amount: "1000,00",
                });
                assertFigures(groupRow("Distillerie Delta"), "Delta", { amount_b3: "450,00", amount: "450,00" });
                if (document.querySelector(".o_list_view tbody").innerText.includes("Charcuterie Beta")) {
                    throw new Error("Beta paid in full: it has no row");
                }
                assertFigures(document.querySelector(".o_list_view tfoot tr"), "Total", {
                    amount_not_due: "800,00",
                    amount_b1: "300,00",
                    amount_b2: "600,00",
                    amount_b3: "450,00",
                    amount_b5: "200,00",
                    amount: "2350,00",
                });
                await assertNothingCut();
                record("Balance âgée");
                await sendScreens();
            },
        },
    ],
});

registry.category("web_tour.tours").add("account_relance_fr_kpis", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        ...openReport("account_relance_fr.menu_relance_kpi"),
        ...setDate("date_from", "01/03/2026", "1 mars"),
        ...setDate("date_to", "31/03/2026", "31 mars"),
        {
            content: "Show them",
            trigger: ".modal button[name='action_show']",
            run() {
                record("Indicateurs (demande)");
                this.anchor.click();
            },
        },
        {
            content: "The graph comes first",
            trigger: ".o_graph_view canvas",
            run() {
                record("Indicateurs (graphique)");
            },
        },
        {
            content: "The pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the month",
            trigger: ".o_pivot table:contains('mars 2026')",
            run() {
                record("Indicateurs (tableau croisé)");
            },
        },
        {
            content: "The list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "March's figures, as computed by hand",
            trigger: ".o_list_view .o_data_row td[name='month_label']:contains('mars 2026')",
            async run() {
                assertFigures(document.querySelector(".o_list_view .o_data_row"), "Mars 2026", {
                    overdue_at_start: "2250,00",
                    recovered: "1000,00",
                    recovery_rate: "44,4%",
                    paid_late_amount: "600,00",
                    average_delay: "20,0",
                    receivables: "2350,00",
                    dso: "117,9",
                });
                await assertNothingCut(".o_action_manager", ["month_label", "risk_category"]);
                record("Indicateurs (liste)");
                await sendScreens();
            },
        },
    ],
});

registry.category("web_tour.tours").add("account_relance_fr_worklist_relances_in_french", {
    url: "/odoo/action-account_relance_fr.action_relance_file_worklist",
    steps: () => [
        {
            content: "The worklist lists the late clients",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Boulangerie Alpha')",
            async run() {
                await assertNothingCut();
                record("Clients à relancer");
                this.anchor.click();
            },
        },
        {
            content: "Alpha's file, with its relances",
            trigger: ".o_form_view .o_field_widget[name='relance_ids'] .o_data_row",
            async run() {
                await assertNothingCut(".o_form_view");
                record("Dossier de relance");
            },
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Open the relances",
            trigger: ".dropdown-item[data-menu-xmlid='account_relance_fr.menu_relance_history']",
            run: "click",
        },
        {
            content: "The relances prepared by the run",
            trigger: ".o_list_view:has(th[data-name='amount_claimed']) .o_data_row td[name='partner_id']:contains('Boulangerie Alpha')",
            async run() {
                await assertNothingCut();
                record("Relances");
                this.anchor.click();
            },
        },
        {
            content: "The relance of Alpha",
            trigger: ".o_form_view:has(.o_field_widget[name='tone']) .o_field_widget[name='partner_id']:contains('Boulangerie Alpha')",
        },
        {
            content: "with its history in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Message",
            async run() {
                await assertNothingCut(".o_form_view");
                record("Relance");
            },
        },
        {
            content: "The e-mail as the client will receive it",
            trigger: ".o_notebook .nav-link[name='preview']",
            run: "click",
        },
        {
            content: "its envelope and body",
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name='preview_subject']",
            run() {
                record("Relance (aperçu)");
            },
        },
        {
            content: "The penalties period by period",
            trigger: ".o_notebook .nav-link[name='figures']",
            run: "click",
        },
        {
            content: "with their bases",
            trigger: ".o_notebook .nav-link.active[name='figures']",
            async run() {
                record("Relance (calcul des pénalités)");
                await sendScreens();
            },
        },
    ],
});
