from . import relance_run_wizard
from . import relance_exclusion_wizard
from . import formal_notice_wizard
from . import penalty_invoice_wizard
from . import dispute_wizard
from . import credit_override_wizard
from . import risk_force_wizard
from . import relance_schedule_wizard
