"""Formatted XLSX workbooks written row after row (xlsxwriter, constant memory mode).

The workbooks of the addon (balance âgée, KPIs, relevé de compte) are French documents, like
the letters: a credit manager hands them to the accountant, the collection agency or the
commissaire de justice. Their fixed texts are therefore written in French here, whatever the
language of the user who exports them.

Constant memory mode keeps one row in memory per sheet: rows of a sheet must be written in
order, which ``Table`` guarantees, and totals are summed as rows go by (then written as
SUM formulas carrying their value, so that a reader that does not calculate still shows it).
"""

from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

# MONEY and INTEGER (counts) columns are totalled; STOCK columns are amounts at a date (a
# balance) and NUMBER columns (days overdue) are not: adding them up would mean nothing.
TEXT, DATE, MONEY, STOCK, INTEGER, NUMBER, DAYS, PERCENT = (
    'text',
    'date',
    'money',
    'stock',
    'integer',
    'number',
    'days',
    'percent',
)


def new_workbook(stream):
    """A workbook writing into ``stream`` (a file object) in constant memory mode."""
    return xlsxwriter.Workbook(
        stream,
        {
            'constant_memory': True,
            'in_memory': False,  # constant memory needs temporary files
            'strings_to_numbers': False,
            'strings_to_formulas': False,  # a client called "=SUM(...)" stays text
            'remove_timezone': True,
        },
    )


class Formats:
    """The cell formats of one workbook, amounts in ``currency_symbol``."""

    def __init__(self, workbook, currency_symbol="€"):
        money = f'#,##0.00 "{currency_symbol}";-#,##0.00 "{currency_symbol}"'
        add = workbook.add_format
        self.title = add({'bold': True, 'font_size': 14})
        self.subtitle = add({'italic': True, 'font_color': '#555555'})
        self.header = add(
            {
                'bold': True,
                'bg_color': '#1F3864',
                'font_color': '#FFFFFF',
                'border': 1,
                'text_wrap': True,
                'valign': 'vcenter',
                'align': 'center',
            }
        )
        self.cell = {
            TEXT: add({}),
            DATE: add({'num_format': 'dd/mm/yyyy'}),
            MONEY: add({'num_format': money}),
            STOCK: add({'num_format': money}),
            INTEGER: add({'num_format': '0'}),
            NUMBER: add({'num_format': '0'}),
            DAYS: add({'num_format': '0.0'}),
            PERCENT: add({'num_format': '0.00 %'}),
        }
        self.total = {
            TEXT: add({'bold': True, 'top': 2}),
            MONEY: add({'bold': True, 'top': 2, 'num_format': money}),
            INTEGER: add({'bold': True, 'top': 2, 'num_format': '0'}),
        }


class Table:
    """One sheet: a few title lines, a header row frozen with the first column, then rows.

    ``columns`` are ``(title, width, kind)``; the MONEY and INTEGER columns are totalled.
    """

    def __init__(self, workbook, formats, name, columns, titles=()):
        self.sheet = workbook.add_worksheet(name[:31])
        self.formats = formats
        self.kinds = [kind for _title, _width, kind in columns]
        self.totals = [Decimal(0) if kind in (MONEY, INTEGER) else None for kind in self.kinds]
        self.row_index = 0
        for col, (_title, width, _kind) in enumerate(columns):
            self.sheet.set_column(col, col, width)
        for index, title in enumerate(titles):
            self.sheet.write_string(self.row_index, 0, str(title), formats.title if index == 0 else formats.subtitle)
            self.row_index += 1
        if titles:
            self.row_index += 1
        self.header_row = self.row_index
        self.sheet.set_row(self.header_row, 30)
        for col, (title, _width, _kind) in enumerate(columns):
            self.sheet.write_string(self.header_row, col, title, formats.header)
        self.row_index += 1
        self.sheet.freeze_panes(self.row_index, 1)
        self.first_data_row = self.row_index

    def add(self, values):
        for col, (value, kind) in enumerate(zip(values, self.kinds)):
            self._write(self.row_index, col, value, self.formats.cell[kind], kind)
            if self.totals[col] is not None and value is not None:
                self.totals[col] += Decimal(str(value))
        self.row_index += 1

    def _write(self, row, col, value, cell_format, kind):
        if value is None or value is False:
            self.sheet.write_blank(row, col, None, cell_format)
        elif kind == TEXT:
            self.sheet.write_string(row, col, str(value), cell_format)
        elif kind == DATE:
            self.sheet.write_datetime(row, col, value, cell_format)
        else:
            self.sheet.write_number(row, col, float(value), cell_format)

    def close(self, label="Total"):
        """The totals row under the data; the autofilter on the header row."""
        last = self.row_index - 1
        if last >= self.first_data_row:
            self.sheet.autofilter(self.header_row, 0, last, len(self.kinds) - 1)
        self.sheet.write_string(self.row_index, 0, label, self.formats.total[TEXT])
        for col, total in enumerate(self.totals):
            if total is None or col == 0:
                continue
            cell_format = self.formats.total[self.kinds[col]]
            if last >= self.first_data_row:
                formula = f"=SUM({xl_rowcol_to_cell(self.first_data_row, col)}:{xl_rowcol_to_cell(last, col)})"
                self.sheet.write_formula(self.row_index, col, formula, cell_format, float(total))
            else:
                self.sheet.write_number(self.row_index, col, 0, cell_format)
        self.row_index += 1
        return self.totals
