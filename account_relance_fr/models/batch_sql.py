"""Set-based reads and updates of the daily run, and its creation of records in bulk.

Records are created by the ORM's ``create`` (it inserts them by hundreds), quietly for the
chatter (``create_quietly``); SQL reads whole batches (``rows_by_key``) and updates the addon's
own columns of many records in one statement (``update_rows``).
"""

from contextlib import contextmanager

from markupsafe import Markup

from odoo.tools import SQL

# mail.thread's context flags for records created in bulk: no tracking, no "created" note
# and no subscription of the creator per record (``create_quietly`` logs the notes at once).
MAIL_QUIET = {
    'tracking_disable': True,
    'mail_create_nolog': True,
    'mail_create_nosubscribe': True,
    'mail_notrack': True,
}


def rows_by_key(env, keys, lookup, *, to_flush=()):
    """The rows of ``lookup`` for each of ``keys``, one index lookup per key: ``lookup`` is an
    SQL subquery reading ``key.id``. Written as a LATERAL subquery the planner cannot flatten,
    so that a batch reads what its own keys match, whatever the planner's statistics (without
    them, ``column = ANY(keys)`` reads the whole table: its cost grows with the ledger, not
    with the batch). Such a plan is costed high without statistics, which would make
    PostgreSQL compile it with JIT (100 ms for a few ms of lookups): not for this query."""
    if not keys:
        return []
    query = SQL(
        "SELECT found.* FROM unnest(%s::int[]) AS key(id), LATERAL (%s OFFSET 0) AS found",
        sorted(set(keys)),
        lookup,
        to_flush=to_flush,
    )
    with without_jit(env):
        return env.execute_query(query)


@contextmanager
def without_jit(env):
    """PostgreSQL's JIT off for the statements of the block (in this transaction): once the
    planner has statistics, a query over a large ledger costs more than ``jit_above_cost`` and
    PostgreSQL compiles it first, which takes longer than these index lookups and joins take to
    run (the aged balance at M after ANALYZE: 0.77 s with it, 0.34 s without)."""
    [[previous, _off]] = env.execute_query(SQL("SELECT current_setting('jit'), set_config('jit', 'off', true)"))
    try:
        yield
    finally:
        env.execute_query(SQL("SELECT set_config('jit', %s, true)", previous))


def _array(field, values):
    """The values of a column as a typed SQL array: ``False`` is NULL, but for a boolean. A
    company-dependent field's values are those of one company, typed as the field is."""
    if field.type == 'boolean':
        values = [bool(value) for value in values]
    else:
        values = [None if value is False else value for value in values]
    column_type = field._column_type if field.company_dependent else field.column_type
    return SQL("%s::%s[]", values, SQL(column_type[1]))


def create_quietly(model, vals_list):
    """Create records of ``model`` from ``vals_list`` through the ORM's batched ``create``
    (every module's override and default runs), without mail.thread's per-record work (the
    tracking, the "created" note and the subscription of the creator), then give each the
    "created" note in one batch (``_message_log_batch``). For the records a scheduled run
    creates by the thousand: nobody follows them at birth."""
    if not vals_list:
        return model.browse()
    records = model.with_context(**MAIL_QUIET).create(vals_list).with_env(model.env)
    body = Markup('<p>%s</p>') % records[:1]._creation_message()
    records._message_log_batch(bodies=dict.fromkeys(records.ids, body))
    return records


def update_rows(records, values):
    """Write in each of ``records`` its own values, in one UPDATE: ``values`` is a list of
    dicts of column values in the order of ``records``, with the same keys. The values are
    written as they are (an HTML field is not sanitized again: give what was sanitized once).
    A company-dependent field gets its value in the company of the environment, the values
    of the other companies kept, as ``write`` does.
    Then tells the ORM what ``write`` would: the cache and the fields depending on these."""
    if not records:
        return
    env = records.env
    fnames = sorted(values[0])
    records.check_access('write')
    records.flush_recordset(fnames)

    def assign(fname):
        column = SQL.identifier(fname)
        if records._fields[fname].company_dependent:
            return SQL(
                "%s = COALESCE(target.%s, '{}'::jsonb) || jsonb_build_object(%s, new.%s)",
                column,
                column,
                str(env.company.id),
                column,
            )
        return SQL("%s = new.%s", column, column)

    env.execute_query(
        SQL(
            "UPDATE %(table)s AS target SET %(assign)s, write_uid = %(uid)s, write_date = %(now)s"
            " FROM unnest(%(ids)s::int[], %(columns)s) AS new(id, %(names)s) WHERE target.id = new.id",
            table=SQL.identifier(records._table),
            assign=SQL(", ").join(assign(fname) for fname in fnames),
            uid=env.uid,
            now=env.cr.now(),
            ids=records.ids,
            columns=SQL(", ").join(_array(records._fields[fname], [row[fname] for row in values]) for fname in fnames),
            names=SQL(", ").join(SQL.identifier(fname) for fname in fnames),
        )
    )
    records.invalidate_recordset([*fnames, 'write_uid', 'write_date'])
    records.modified(fnames)
