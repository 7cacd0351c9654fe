// What the tours of the addon share.

/** Column titles, badges and the cells of ``fields`` in the lists under ``scope`` that do not fit
 * their column, and lists wider than the screen, once the list has given its columns their widths
 * (the frame after it is shown). */
export async function assertNothingCut(scope = ".o_action_manager", fields = []) {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const list = `${scope} .o_list_view`;
    const selectors = [
        `${list} thead th[data-name] .text-truncate`,
        `${list} td .badge`,
        ...fields.map((name) => `${list} td[name='${name}']`),
    ];
    const cut = [];
    for (const element of document.querySelectorAll(selectors.join(", "))) {
        if (element.scrollWidth > element.clientWidth) {
            cut.push(`${element.innerText} (${element.scrollWidth} px in ${element.clientWidth} px)`);
        }
    }
    for (const table of document.querySelectorAll(`${list} .o_list_renderer`)) {
        if (table.scrollWidth > table.clientWidth + 1) {
            cut.push(`the list itself (${table.scrollWidth} px in ${table.clientWidth} px)`);
        }
    }
    if (cut.length) {
        throw new Error(`Cut at ${window.innerWidth} px: ${cut.join(", ")}`);
    }
}
