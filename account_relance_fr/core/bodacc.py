"""The procédures collectives published in the BODACC (bulletin A), read from the DILA's open data.

Dataset ``annonces-commerciales`` served by the Opendatasoft Explore API v2.1, endpoint
``GET {base}/catalog/datasets/annonces-commerciales/records`` with the parameters ``where``
(ODSQL), ``order_by``, ``limit`` (at most 100) and ``offset`` (``offset + limit`` at most
10 000). The answer is ``{"total_count": n, "results": [record, ...]}``, each record a flat
object of the dataset's fields. The fields read here:

- ``id`` (e.g. ``A202400611234``) and ``numeroannonce``: the announcement;
- ``registre``: the SIREN of the debtor, given twice (``["833 310 592", "833310592"]``; older
  exports give one string ``"833 310 592,833310592"``);
- ``familleavis`` (``collective`` for the procédures collectives), ``familleavis_lib``,
  ``typeavis`` (``annonce``, ``rectificatif``, ``annulation``), ``dateparution`` (ISO date),
  ``tribunal``, ``commercant`` (the debtor's name);
- ``jugement``: a JSON text ``{"famille", "nature", "date", "complementJugement", "type"}``,
  ``nature`` saying which judgment it is ("Jugement d'ouverture d'une procédure de redressement
  judiciaire", "Jugement de conversion en liquidation judiciaire", "Jugement de clôture pour
  insuffisance d'actif"...), ``date`` the judgment date (ISO, or French text such as
  "12 mars 2024" in older announcements).

Pure functions: the Odoo layer downloads the answers and decides what to record.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

DATASET = "annonces-commerciales"
DEFAULT_BASE_URL = "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1"
PAGE_SIZE = 100  # the records endpoint's maximum
OFFSET_CAP = 10000  # offset + limit may not exceed it
BATCH_SIZE = 40  # SIRENs per request: keeps the URL short

FRENCH_MONTHS = {
    'janvier': 1,
    'fevrier': 2,
    'mars': 3,
    'avril': 4,
    'mai': 5,
    'juin': 6,
    'juillet': 7,
    'aout': 8,
    'septembre': 9,
    'octobre': 10,
    'novembre': 11,
    'decembre': 12,
}
OPENINGS = ('sauvegarde', 'redressement', 'liquidation')


class BodaccFormatError(ValueError):
    """The answer is not the dataset's: nothing is recorded from it."""


@dataclass(frozen=True)
class Notice:
    """One announcement of a judgment of a procédure collective."""

    reference: str  # the record's id
    number: str  # numeroannonce
    sirens: tuple
    published: date
    court: str
    judgment_date: date
    nature: str
    complement: str
    notice_type: str  # annonce, rectificatif, annulation
    kind: str  # sauvegarde, redressement, liquidation (openings); plan, conversion, closure, other


def records_url(base_url):
    return f"{base_url.rstrip('/')}/catalog/datasets/{DATASET}/records"


def batches(sirens, size=BATCH_SIZE):
    sirens = sorted(set(sirens))
    return [sirens[i : i + size] for i in range(0, len(sirens), size)]


def where_clause(sirens, since):
    """ODSQL: the procédures collectives of these SIRENs published since ``since``. One equality
    per SIREN (a multivalued field matches when one of its values does)."""
    for siren in sirens:
        if not re.fullmatch(r"\d{9}", siren):
            raise ValueError(f"not a SIREN: {siren!r}")
    registre = " OR ".join(f'registre="{siren}"' for siren in sirens)
    return f'familleavis="collective" AND dateparution>=date\'{since.isoformat()}\' AND ({registre})'


def query_params(sirens, since, offset=0):
    return {
        'where': where_clause(sirens, since),
        'order_by': 'dateparution',
        'limit': PAGE_SIZE,
        'offset': offset,
    }


def next_offset(payload, offset):
    """The offset of the next page, None when the answer was the last one."""
    following = offset + PAGE_SIZE
    if following >= payload['total_count'] or following + PAGE_SIZE > OFFSET_CAP:
        return None
    return following


def _plain(text):
    """Lower case without accents, for reading the nature of a judgment."""
    decomposed = unicodedata.normalize('NFKD', text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().replace("’", "'")


def judgment_kind(nature, complement=""):
    """What the judgment does, from its nature (its complement when the nature says nothing).

    Openings: ``sauvegarde``, ``redressement``, ``liquidation``; later judgments: ``plan``,
    ``conversion`` (to liquidation), ``closure``; anything else ``other``."""
    for text in (nature, complement):
        kind = _kind_of(_plain(text))
        if kind != 'other':
            return kind
    return 'other'


def _kind_of(text):
    if not text:
        return 'other'
    if 'cloture' in text:
        return 'closure'
    if 'conversion' in text or 'convertissant' in text:
        # A sauvegarde may also be converted to a redressement: an opening of that kind.
        return 'redressement' if 'liquidation' not in text and 'redressement' in text else 'conversion'
    if 'plan' in text and ('arret' in text or 'adopt' in text or 'homolog' in text):
        return 'plan'
    if 'ouverture' in text or 'prononcant' in text or 'ouvrant' in text:
        if 'liquidation judiciaire' in text:
            return 'liquidation'
        if 'redressement judiciaire' in text:
            return 'redressement'
        if 'sauvegarde' in text:
            return 'sauvegarde'
    return 'other'


def parse_date(text):
    """An ISO date, or a French one ("12 mars 2024", "1er avril 2024"); None when neither."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    match = re.fullmatch(r"(\d{1,2})(?:er)?\s+([a-zéû]+)\s+(\d{4})", _plain(text))
    if match and match.group(2) in FRENCH_MONTHS:
        try:
            return date(int(match.group(3)), FRENCH_MONTHS[match.group(2)], int(match.group(1)))
        except ValueError:
            return None
    return None


def sirens_of(registre):
    """The SIRENs of the ``registre`` field (a list, or one comma-separated string)."""
    if isinstance(registre, str):
        registre = registre.split(",")
    found = []
    for value in registre or ():
        digits = re.sub(r"\D", "", str(value))
        if len(digits) == 9 and digits not in found:
            found.append(digits)
    return tuple(found)


def parse_page(payload):
    """(notices, skipped) of one answer of the records endpoint: the announcements of
    procédures collectives read, and the ids of those that could not be (no judgment, no
    date). BodaccFormatError when the answer itself is not the documented one."""
    if not isinstance(payload, dict):
        raise BodaccFormatError("the answer is not a JSON object")
    results, total = payload.get('results'), payload.get('total_count')
    if not isinstance(results, list) or not isinstance(total, int):
        raise BodaccFormatError("no results list and total_count")
    notices, skipped = [], []
    for record in results:
        notice = parse_record(record) if isinstance(record, dict) else None
        if notice:
            notices.append(notice)
        else:
            skipped.append(record.get('id') if isinstance(record, dict) else repr(record)[:40])
    return notices, skipped


def parse_record(record):
    """The Notice of one record, None when it is not a readable judgment of a procédure
    collective."""
    if record.get('familleavis') not in (None, 'collective'):
        return None
    raw = record.get('jugement')
    try:
        judgment = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    if not isinstance(judgment, dict):
        return None
    published = parse_date(record.get('dateparution'))
    sirens = sirens_of(record.get('registre'))
    if not published or not sirens or not record.get('id'):
        return None
    nature = str(judgment.get('nature') or "")
    complement = str(judgment.get('complementJugement') or "")
    return Notice(
        reference=str(record['id']),
        number=str(record.get('numeroannonce') or ""),
        sirens=sirens,
        published=published,
        court=str(record.get('tribunal') or "").strip(),
        judgment_date=parse_date(judgment.get('date')) or published,
        nature=nature,
        complement=complement,
        notice_type=str(record.get('typeavis') or 'annonce'),
        kind=judgment_kind(nature, complement),
    )
