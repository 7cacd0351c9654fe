"""Prints the Markdown table of a benchmark run (setup/bench.sh) from its results file (one JSON
object per measured step and repetition): medians of wall time, SQL queries and peak RSS, what
the step made, and OCA's figures beside ours with the ratio OCA / ours when they were measured."""

import argparse
import json
import statistics
from collections import defaultdict

LABELS = {
    'prepare': "Daily run, preparation (relances waiting for validation)",
    'cron': "Daily run through `_cron_daily_relance` (batched, committed)",
    'send': "Daily run with e-mails, auto-send (no PDF attached; letters rendered)",
    'send_email': "Daily run with e-mails, auto-send, e-mail only (no PDF)",
    'rerun': "Same-day rerun right after a run",
    'validate_send': "Relances waiting for validation, selected and sent in one click",
    'floor_prepare': "Floor of the preparation: open items read, rows written (SQL alone)",
    'floor_send_email': "Floor of the run with e-mails: open items read, rows written (SQL alone)",
    'aged': "Aged balance of all open items (rows on screen)",
    'aged_after_run': "Aged balance after the day's run (rows on screen)",
    'aged_xlsx': "Aged balance, XLSX export",
    'risk': "Nightly risk categories (cron)",
    'letters': "Letters of 100 relances by post (PDFs, `_make_letters`)",
}
MEASURES = ('step', 'rep', 'seconds', 'queries', 'rss_mb')


def medians(results):
    by_step = defaultdict(list)
    for result in results:
        by_step[result['step']].append(result)
    summary = {}
    for step, runs in by_step.items():
        counts = {key: value for key, value in runs[0].items() if key not in MEASURES}
        summary[step] = {
            'seconds': statistics.median(run['seconds'] for run in runs),
            'queries': int(statistics.median(run['queries'] for run in runs)),
            'rss_mb': int(statistics.median(run['rss_mb'] for run in runs)),
            'counts': ", ".join(f"{key} {value}" for key, value in counts.items()),
            'runs': len(runs),
        }
    return summary


def table(summary):
    ours = [step for step in LABELS if step in summary]
    with_oca = any(step.startswith('oca_') for step in summary)
    header = ["Step", "Ours (s)", "Queries", "Peak RSS (MB)", "Made"]
    if with_oca:
        header += ["OCA (s)", "OCA queries", "OCA RSS (MB)", "OCA made", "OCA / ours"]
    rows = [header, ["---"] * len(header)]
    for step in ours:
        mine = summary[step]
        row = [LABELS[step], f"{mine['seconds']:.2f}", str(mine['queries']), str(mine['rss_mb']), mine['counts']]
        if with_oca:
            oca = summary.get('oca_send' if step == 'send_email' else f'oca_{step}')
            if oca:
                ratio = oca['seconds'] / mine['seconds'] if mine['seconds'] else float('inf')
                row += [f"{oca['seconds']:.2f}", str(oca['queries']), str(oca['rss_mb']), oca['counts'], f"{ratio:.2f}"]
            else:
                row += ["", "", "", "", ""]
        rows.append(row)
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('results')
    parser.add_argument('--title', default="")
    parser.add_argument('--build', default="")
    args = parser.parse_args()
    with open(args.results) as handle:
        results = [json.loads(line) for line in handle if line.strip()]
    summary = medians(results)
    if args.title:
        print(f"\n{args.title}\n")
    print(table(summary))
    if args.build:
        print(f"\nTemplate: {args.build}")


if __name__ == '__main__':
    main()
