"""Object permissions of monitoring (django-rules), autodiscovered at start-up.

- Dashboards, indicator pages, the gap analysis, country profiles and published evaluations are
  public (no rule: anyone may read them).
- A country profile (maturity level, national CHM website, support asked for) is kept by the
  country's focal points; the help desk and site administrators may edit any.
- Evaluations are written and published by the help desk and site administrators, in the admin.
- Staff in the help desk or site administrators may ask for a recompute of the indicators.
"""

import rules

from chm_portal.accounts.predicates import (
    is_focal_point_of_object_country,
    is_helpdesk_or_site_admin,
)

can_edit_country_profile = is_focal_point_of_object_country | is_helpdesk_or_site_admin

rules.add_perm("monitoring.edit_country_profile", can_edit_country_profile)
rules.add_perm("monitoring.manage_evaluations", is_helpdesk_or_site_admin)
rules.add_perm("monitoring.request_recompute", is_helpdesk_or_site_admin)
