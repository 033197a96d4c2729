"""Object permissions of the Bio-Bridge workflow (django-rules), autodiscovered at start-up.

Matches are in this module; pilot projects in ``rules_projects``, loaded below.
"""

from . import rules_projects  # noqa: F401  (registers the projects' permissions)
