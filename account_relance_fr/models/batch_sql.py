"""Set-based reads and writes of the daily run: a whole batch of records in one statement.

The ORM's ``create`` works record by record (company checks, chatter, cache); the daily run
creates thousands of relances, lines and files a day from values it read in company-filtered
queries. These helpers insert them in one statement, then tell the ORM what ``create`` would
have told it: the cache of the inverse one2many fields, the fields that depend on the new
records (``modified(create=True)``), the stored computed fields left to compute, the
constraints and the access rights.
"""

from contextlib import contextmanager

from markupsafe import Markup, escape

from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

LOG_ACCESS = ('create_uid', 'write_uid', 'create_date', 'write_date')


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


def insert_rows(model, rows, returning='id'):
    """Insert ``rows`` (dicts of column values, ``False`` for NULL) in the table of ``model``
    in one statement; returns the rows of ``returning`` (the new ids by default)."""
    if not rows:
        return []
    env = model.env
    now = env.cr.now()
    fnames = sorted({fname for row in rows for fname in row} - set(LOG_ACCESS))

    columns = [_array(model._fields[fname], [row.get(fname, False) for row in rows]) for fname in fnames]
    columns += [SQL("%s::int[]", [env.uid] * len(rows))] * 2 + [SQL("%s::timestamp[]", [now] * len(rows))] * 2
    return env.execute_query(
        SQL(
            "INSERT INTO %s (%s) SELECT * FROM unnest(%s) RETURNING %s",
            SQL.identifier(model._table),
            SQL(", ").join(SQL.identifier(fname) for fname in [*fnames, *LOG_ACCESS]),
            SQL(", ").join(columns),
            SQL(returning),
        )
    )


def _array(field, values):
    """The values of a column as a typed SQL array: ``False`` is NULL, but for a boolean. A
    company-dependent field's values are those of one company, typed as the field is."""
    if field.type == 'boolean':
        values = [bool(value) for value in values]
    else:
        values = [None if value is False else value for value in values]
    column_type = field._column_type if field.company_dependent else field.column_type
    return SQL("%s::%s[]", values, SQL(column_type[1]))


def insert_records(model, rows, key):
    """Create records of ``model`` from ``rows`` in one INSERT, as ``create`` would
    (``created``), with the "created" note in their chatter (``log_creation``); ``key`` is a
    column whose value is unique among the rows (the client of a batch): the records are
    returned in the order of the rows."""
    if not rows:
        return model.browse()
    ids_of = {value: record_id for record_id, value in insert_rows(model, rows, f'id, {key}')}
    records = model.browse([ids_of[row[key]] for row in rows])
    created(records, {fname for row in rows for fname in row})
    log_creation(records)
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


def created(records, fnames):
    """What the ORM's ``create`` does once ``records`` were inserted with the fields ``fnames``:
    the inverse one2many fields of their many2one fields are read again, the fields that depend
    on them are recomputed, their stored computed fields not given are computed, their
    constraints are checked and the creation is checked against the access rights."""
    env, pool = records.env, records.pool
    records.invalidate_recordset()
    for fname in fnames:
        field = records._fields[fname]
        if field.type == 'many2one':
            for inverse in pool.field_inverses[field]:
                co_records = env[field.comodel_name].browse(set(records.mapped(f'{fname}.id')))
                co_records.invalidate_recordset([inverse.name])
    for field in records._fields.values():
        if field.store and field.compute and field.name not in fnames:
            env.add_to_compute(field, records)
    records.modified([fname for fname in records._fields if fname not in LOG_ACCESS], create=True)
    records._validate_fields(fnames)
    records.check_access('create')
    return records


def log_creation(records):
    """The "<document> created" note of mail.thread in the chatter of each record, in one
    insert for all of them (``_message_log_batch`` builds a message record by record)."""
    if not records:
        return
    env = records.env
    author_id, email_from = records._message_compute_author(None, None)
    body = Markup('<p>%s</p>') % escape(records[:1]._creation_message())
    reply_to = env['mail.thread']._notify_get_reply_to(default=email_from, author_id=author_id)[False]
    subtype_id = env['ir.model.data']._xmlid_to_res_id('mail.mt_note')
    Message = env['mail.message']
    insert_rows(
        Message,
        [
            {
                'model': records._name,
                'res_id': record_id,
                'body': body,
                'message_type': 'notification',
                'subtype_id': subtype_id,
                'author_id': author_id,
                'email_from': email_from,
                'is_internal': True,
                'email_add_signature': False,
                'message_id': generate_tracking_message_id('message-notify'),
                'reply_to': reply_to,
                'date': env.cr.now(),
            }
            for record_id in records.ids
        ],
    )
    records.invalidate_recordset(['message_ids'])
