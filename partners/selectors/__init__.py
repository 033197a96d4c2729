"""Reads of the partners app: functions returning QuerySets with their related rows loaded.

- :mod:`.public`: what anyone may see (the databases' lists and pages);
- :mod:`.organisations`: organisations, members and invitations of a person;
- :mod:`.manage`: a member's view of their organisations' records, in every status;
- :mod:`.engagement`: applications to opportunities;
- :mod:`.indicators`: counts for monitoring (activities 2, 6, 7, 11, 12 and 14).
"""

from .engagement import *  # noqa: F403
from .indicators import *  # noqa: F403
from .manage import *  # noqa: F403
from .organisations import *  # noqa: F403
from .public import *  # noqa: F403
