"""Set-based reads and updates of the daily run, and its creation of records in bulk.

Records are created by the ORM's ``create`` (it inserts them by hundreds), quietly for the
chatter (``create_quietly``); SQL reads whole batches (``rows_by_key``) and updates the addon's
own columns of many records in one statement (``update_rows``). One fast path remains, for the
relance lines only (``insert_rows``, see its docstring): the thousands of lines of a run.
"""

import json
from contextlib import contextmanager

from markupsafe import Markup

from odoo import models
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
def planner_setting(env, name, value):
    """The planner setting ``name`` at ``value`` for the statements of the block (in this
    transaction), its previous value back after it."""
    [[previous, _set]] = env.execute_query(
        SQL("SELECT current_setting(%s), set_config(%s, %s, true)", name, name, value)
    )
    try:
        yield
    finally:
        env.execute_query(SQL("SELECT set_config(%s, %s, true)", name, previous))


@contextmanager
def without_jit(env):
    """PostgreSQL's JIT off for the statements of the block (in this transaction): once the
    planner has statistics, a query over a large ledger costs more than ``jit_above_cost`` and
    PostgreSQL compiles it first, which takes longer than these index lookups and joins take to
    run (the aged balance at M after ANALYZE: 0.77 s with it, 0.34 s without)."""
    with planner_setting(env, 'jit', 'off'):
        yield


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


# Where the classes of this addon and the ORM's own live: an override of ``create`` from any
# other module sends a model's records through ``create``.
_OWN_MODULES = ('odoo.addons.account_relance_fr.', 'odoo.orm.')
_MAGIC_COLUMNS = ('id', 'create_uid', 'create_date', 'write_uid', 'write_date')
# Field types whose value is its column's (ids, dates, plain text, selection keys): the
# conversion of ``create`` gives them back unchanged (PostgreSQL casts the dates).
_AS_GIVEN = ('many2one', 'date', 'selection', 'text')


def extended_elsewhere(model):
    """Whether a module other than this addon extends ``model`` where an INSERT would skip it:
    an override of ``create`` or ``_create``, or a stored computed field (other than a related
    one). Then ``insert_rows`` is not used and ``create`` runs."""
    for klass in type(model).__mro__:
        if ('create' in vars(klass) or '_create' in vars(klass)) and not klass.__module__.startswith(_OWN_MODULES):
            return True
    return any(
        field.store and field.column_type and field.compute and not field.related for field in model._fields.values()
    )


def insert_rows(model, vals_list):
    """Create records of ``model`` from ``vals_list`` with the rows ``create`` would write, in
    one INSERT: the one fast path of the daily run, kept for the relance lines alone.

    Why: ``create`` rounds each monetary value through a new record of its currency (a line has
    four); at 2,000 clients a preparation writes ~8,700 lines, and creating them through
    ``create`` made it 2.4 times slower than this INSERT (docs/benchmark.md). What it does as
    ``create`` does: the access check, the defaults of the fields not given (``default_get``),
    each value converted by its field (monetary values rounded to their currency), the related
    stored fields copied from their record, the creation stamps, then the ORM told of the new
    rows (``modified`` with ``create=True``: what depends on them is recomputed; the lists of
    records holding them are read again). ``test_relance_line_insert`` checks that the rows are
    those of ``create``, value for value.

    When another module extends ``model`` (``extended_elsewhere``), its records go through
    ``create``, so that the override and its defaults run."""
    if not vals_list:
        return model.browse()
    if extended_elsewhere(model):
        return model.create(vals_list)
    return insert_rows_sql(model, vals_list)


def insert_rows_sql(model, vals_list):
    """The INSERT of ``insert_rows``, whoever extends ``model`` (its parity test calls it)."""
    model.check_access('create')
    fields_ = model._fields
    given = {name for vals in vals_list for name in vals}
    stored = [
        field for field in fields_.values() if field.store and field.column_type and field.name not in _MAGIC_COLUMNS
    ]
    defaults = model.default_get([field.name for field in stored if not field.related])
    related = [field for field in stored if field.related and field.name not in given]
    names = sorted((given | set(defaults)) - {field.name for field in related})
    convert = _ColumnValues(model)
    columns = {name: [] for name in names}
    for vals in vals_list:
        vals = {**defaults, **vals}
        for name in names:
            columns[name].append(convert(fields_[name], vals.get(name), vals))
    for field in related:
        columns[field.name] = _related_column(model, field, columns, convert)
    records = model.browse(_insert(model, columns))
    _tell_the_orm(records, sorted(columns), related)
    return records


class _ColumnValues:
    """Each value of a row as ``create`` converts it for its column: monetary values rounded to
    their currency, found once per currency field and record it is read from (``create``
    builds a new record for each value to find it), JSON dumped, the rest by its field."""

    def __init__(self, model):
        self.model = model
        self.currencies = {}

    def currency(self, name, vals):
        """The currency of a monetary value: the record's currency field ``name``, given or
        reached through the record it is related to."""
        currency_field = self.model._fields[name]
        first, *rest = currency_field.related.split('.') if currency_field.related else (name,)
        key = (name, vals.get(first))
        if key not in self.currencies:
            target = self.model.env[self.model._fields[first].comodel_name].browse(vals.get(first) or ())
            self.currencies[key] = target.mapped('.'.join(rest)) if rest else target
        return self.currencies[key]

    def __call__(self, field, value, vals):
        if value is None or value is False:
            return False if field.type == 'boolean' else None
        if field.type == 'monetary':
            currency = self.currency(field.get_currency_field(self.model), vals)
            return currency.round(value) if currency else float(value)
        if field.type == 'json':
            return json.dumps(value)
        plain = field.type in _AS_GIVEN and not getattr(field, 'translate', False)
        if plain and not isinstance(value, models.BaseModel):
            return value
        return field.convert_to_column_insert(value, self.model, vals)


def _related_column(model, field, columns, convert):
    """The values of the related stored ``field`` for the rows of ``columns``, read from the
    records the rows point to, as ``create`` copies them."""
    first, *rest = field.related if isinstance(field.related, (list, tuple)) else field.related.split('.')
    targets = model.env[model._fields[first].comodel_name].browse(columns[first])
    values = [target[rest[0]] if len(rest) == 1 else target.mapped('.'.join(rest)) for target in targets]
    return [
        convert(field, field.convert_to_write(value, model), {}) if target else None
        for target, value in zip(targets, values)
    ]


def _insert(model, columns):
    """One INSERT of the rows given as {column: [values]}, with the creation stamps: their ids."""
    env = model.env
    names = sorted(columns)
    model.flush_model()
    now = env.cr.now()
    return [
        id_
        for [id_] in env.execute_query(
            SQL(
                "INSERT INTO %(table)s (%(names)s, create_uid, create_date, write_uid, write_date)"
                " SELECT *, %(uid)s, %(now)s, %(uid)s, %(now)s FROM unnest(%(columns)s) RETURNING id",
                table=SQL.identifier(model._table),
                names=SQL(", ").join(SQL.identifier(name) for name in names),
                columns=SQL(", ").join(_array(model._fields[name], columns[name]) for name in names),
                uid=env.uid,
                now=now,
            )
        )
    ]


def _tell_the_orm(records, names, related):
    """What ``create`` tells the ORM of new rows: what holds them (a one2many of their
    many2one) is read again when next asked, and what depends on them is recomputed; the
    related stored fields were written with the rows, nothing is left to compute of them."""
    env = records.env
    for name in names:
        for inverse in env.registry.field_inverses[records._fields[name]]:
            env[inverse.model_name].invalidate_model([inverse.name])
    records.modified(names, create=True)
    for field in related:
        env.remove_to_compute(field, records)
