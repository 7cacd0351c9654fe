"""What a screen of the aged balance asks of the server, as the web client asks it: shared by
the benchmark's step ``aged`` (bench_step.py) and the synthetic ledger's measure
(bench_aged_synthetic.py), both run in ``odoo shell``, which find this file through
BENCH_DIR (setup/bench.sh sets it; by default tests/bench below the current directory)."""

from lxml import etree


def aged_list_read(action, env):
    """What the list of the rows asks for when it opens (the web client's ``_webReadGroup``):
    grouped by client (the action's default), the first 80 groups folded, with the aggregates
    the client asks for (``getAggregateSpecifications``): every field of the list with an
    aggregator and, for a monetary one, its currency's ``array_agg_distinct`` and its
    ``sum_currency``."""
    Line = env['account.relance.aged.balance.line'].with_context(**action['context'], read_group_expand=True)
    views = Line.get_views([(False, 'list')])
    described = views['models'][Line._name]['fields']
    names = dict.fromkeys(etree.fromstring(views['views']['list']['arch']).xpath('//field/@name'))
    fields = [described[name] for name in names if name in described]
    aggregates = [
        f"{field['name']}:{field['aggregator']}"
        for field in fields
        if field.get('aggregator') and field['type'] in ('float', 'integer', 'monetary')
    ]
    for field in fields:
        if field.get('aggregator') and field.get('currency_field'):
            for spec in (f"{field['currency_field']}:array_agg_distinct", f"{field['name']}:sum_currency"):
                if spec not in aggregates:
                    aggregates.append(spec)
    return Line.web_read_group(
        action['domain'],
        ['partner_id'],
        aggregates,
        limit=80,
        offset=0,
        order='',
        auto_unfold=False,
        opening_info=[],
        unfold_read_specification={},
        groupby_read_specification={},
    )
