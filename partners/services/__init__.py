"""Writes of the partners app: one typed function per state change, called by views, API, admin,
commands and tasks. Each checks permission and state first, then changes; errors are
``PermissionDenied`` or ``ValidationError`` with translated messages meant for the person.

- :mod:`.organisations`: registration, approval, members and invitations;
- :mod:`.records`: the records of the databases (create, edit, publish, pause, close, expire);
- :mod:`.engagement`: downloads of resources, applications to opportunities.
"""

from .engagement import *  # noqa: F403
from .engagement import __all__ as _engagement_names
from .organisations import *  # noqa: F403
from .organisations import __all__ as _organisation_names
from .records import *  # noqa: F403
from .records import __all__ as _record_names

__all__ = [*_engagement_names, *_organisation_names, *_record_names]
