from . import test_relance_levels
from . import test_relance_run
from . import test_relance_channels
from . import test_relance_actions
from . import test_relance_views
from . import test_relance_security
from . import test_relance_queries
