from . import aged_balance_line
from . import aged_balance
from . import kpi_line
from . import kpi_report
from . import litigation_file
from . import declaration_creance
from . import litigation_file_credit_insurance
