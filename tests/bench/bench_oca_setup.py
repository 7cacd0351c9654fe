"""Gives OCA's account_credit_control a policy equivalent to ours, on the benchmark's ledger
(setup/bench.sh --compare-oca), inside `odoo shell`.

One policy on the receivable account, its levels by days overdue after the due date (as the
levels of our standard scenario: 1, 10, 30, 45 and 60 days), all on the e-mail channel, with
a copy of OCA's e-mail template that attaches no PDF (neither side attaches one). The policy
is the company's and every client's. Its id is recorded with the ledger.
"""

import json

env = env(
    context=dict(
        env.context,
        tracking_disable=True,
        mail_notrack=True,
        mail_create_nolog=True,
    )
)
Param = env['ir.config_parameter']
ledger = json.loads(Param.get_param('relance_bench.ledger'))
company = env['res.company'].browse(ledger['company_id'])
template = env.ref('account_credit_control.email_template_credit_control_base').copy(
    {'name': "Credit Control Email (benchmark, no PDF)", 'report_template_ids': [(5, 0, 0)]}
)
receivable = env['account.account'].search([('account_type', '=', 'asset_receivable')])
levels = [
    (1, "Premier rappel", 1),
    (2, "Deuxième rappel", 10),
    (3, "Relance ferme", 30),
    (4, "Dernier rappel", 45),
    (5, "Mise en demeure", 60),
]
policy = env['credit.control.policy'].create(
    {
        'name': "Relance (benchmark)",
        'company_id': company.id,
        'account_ids': [(6, 0, receivable.ids)],
        'level_ids': [
            (
                0,
                0,
                {
                    'name': name,
                    'level': level,
                    'computation_mode': 'net_days',
                    'delay_days': days,
                    'channel': 'email',
                    'email_template_id': template.id,
                    'mail_show_invoice_detail': True,
                    'custom_text': f"{name} : factures impayées",
                    'custom_mail_text': f"<p>{name} : factures impayées.</p>",
                },
            )
            for level, name, days in levels
        ],
    }
)
company.credit_policy_id = policy
clients = env['res.partner'].search([('name', '=like', 'Bench client %')])
clients.write({'credit_policy_id': policy.id})
ledger['oca_policy_id'] = policy.id
Param.set_param('relance_bench.ledger', json.dumps(ledger))
env.cr.commit()
print("BENCH_OCA " + json.dumps({'policy': policy.id, 'levels': len(levels), 'clients': len(clients)}), flush=True)
