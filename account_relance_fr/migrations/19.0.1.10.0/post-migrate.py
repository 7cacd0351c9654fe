"""Each client's relance file, rebuilt from the relances that went out before files existed.

The first released version kept no relance file: each relance said its level and its date,
and nothing said where the client stood. After an upgrade the first daily run found no file
and treated every open debt as new: it started at the highest written reminder the lateness
had passed, so a client whose last relance was a cordial reminder received the severe one,
skipping the steps in between.

Here each client that has no file in a company gets one that continues its history: the
relances that went out since the oldest one still claiming an unpaid installment, and the
relance waiting for validation or failed, join it. The file then reads its level, the date
of its last relance and whether a written reminder went out from them, as every file does,
and the next run moves one step from there. A client whose reminded invoices are all paid
gets no file: its next lateness starts at the first reminder, as after a file closed paid.

The levels of the first released version belonged to the company, not to a scenario: they
join the company's standard scenario first (the one of occasional late payers), so that a
file at one of them continues in that scenario.

Runs after the module is loaded, through the ORM (other modules' ``create`` and defaults
apply). Idempotent: a client with a file, or a level with a scenario, is left alone.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, api
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.account_relance_fr.models.relance import PENDING

#: Relances that reached the client: only they move a file (``_compute_from_relances``).
WENT_OUT = ('sent', 'done')
#: The scenario of the company that its first levels become (the standard one).
STANDARD_CATEGORY = 'occasional'


def attach_levels_to_scenarios(env):
    """Give the levels without a scenario (the company's own levels in the first released
    version) their company's standard scenario, created when the company has none. A level
    at the same delay as an active level already in that scenario is archived: the history
    that reached it keeps it, the scenario keeps one step a day."""
    Level, Scenario = env['account.relance.level'], env['account.relance.scenario']
    # Read in SQL: the field is required now, so the ORM takes "no scenario" for impossible.
    orphans = Level.browse(
        [
            level_id
            for [level_id] in env.execute_query(SQL("SELECT id FROM account_relance_level WHERE scenario_id IS NULL"))
        ]
    )
    for company, levels in orphans.grouped('company_id').items():
        scenarios = Scenario.search([('company_id', '=', company.id)])
        scenario = scenarios.filtered(lambda s: s.risk_category == STANDARD_CATEGORY)[:1] or scenarios[:1]
        if not scenario:
            scenario = Scenario.create(
                {'name': "Occasional late payers", 'risk_category': STANDARD_CATEGORY, 'company_id': company.id}
            )
        taken = set(scenario.level_ids.filtered('active').mapped('delay'))
        clashing = levels.filtered(lambda level, taken=taken: level.active and level.delay in taken)
        # Archived first: the scenario's check of its levels never sees two at one delay.
        clashing.write({'active': False})
        levels.write({'scenario_id': scenario.id})
    return orphans


def rebuild_files(env):
    """Open the relance file of each client that has none, from its relances (see the module
    docstring). Returns the files created."""
    Relance = env['account.relance']
    File = env['account.relance.file'].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )
    unfiled = Relance.search(
        [('file_id', '=', False), ('tone', '!=', 'preventive'), ('state', 'in', WENT_OUT + PENDING)],
        order='date, id',
    )
    if not unfiled:
        return File.browse()
    filed = {
        (company.id, partner.id)
        for company, partner in File.with_context(active_test=False)._read_group(
            [('partner_id', 'in', unfiled.partner_id.ids)], ['company_id', 'partner_id']
        )
    }
    claimed = unfiled.filtered(lambda r: r.state in WENT_OUT).invoice_line_ids.move_line_id
    unpaid = set(
        env['account.move.line']
        .search(Domain('id', 'in', claimed.ids) & env['account.relance.installment']._line_domain())
        .ids
    )
    histories = defaultdict(Relance.browse)
    for relance in unfiled:
        key = (relance.company_id.id, relance.partner_id.id)
        if key not in filed:
            histories[key] |= relance
    vals_list, members = [], []
    for (company_id, partner_id), relances in histories.items():
        # The oldest relance that went out and still claims an unpaid installment: the client
        # has been late ever since, so every later relance belongs to the same file.
        start = next(
            (
                relance
                for relance in relances
                if relance.state in WENT_OUT and unpaid & set(relance.invoice_line_ids.move_line_id.ids)
            ),
            None,
        )
        if start is None:
            continue
        episode = relances.filtered(
            lambda r, start=start: r.state in PENDING or (r.date, r.id) >= (start.date, start.id)
        )
        vals_list.append({'company_id': company_id, 'partner_id': partner_id, 'opened_on': start.date})
        members.append(episode)
    files = File.create(vals_list)
    for file, episode in zip(files, members):
        episode.write({'file_id': file.id})
    files._message_log_batch(
        bodies={
            file.id: Markup("<p>%s</p>")
            % env._(
                "Relance file rebuilt at the upgrade from the relances that went out since %(date)s.",
                date=file.opened_on,
            )
            for file in files
        }
    )
    return files


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    attach_levels_to_scenarios(env)
    rebuild_files(env)
