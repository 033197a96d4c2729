"""Object permissions of monitoring (django-rules), autodiscovered at start-up.

- Dashboards, indicator pages, the gap analysis, country profiles, national node pages and
  published evaluations are public (no rule: anyone may read them).
- A country profile (maturity level, national CHM website, support asked for) and the country's
  national node (introduction, institutions, news) are kept by the country's active focal points,
  of any kind; the help desk and site administrators may edit any. The object is the Country, or
  a record with a ``country_id`` (a profile, a node).
- Evaluations are written and published by the help desk and site administrators, in the admin.
- Staff in the help desk or site administrators may ask for a recompute of the indicators.
- The admin of the national nodes (``view_``/``add_``/``change_``/``delete_`` of the node, its
  institutions and news) is the help desk's and site administrators': the rules answer Django's
  model permissions, so no group needs them granted by a data migration.
"""

import rules

from chm_portal.accounts.predicates import (
    is_focal_point_of_object_country,
    is_helpdesk_or_site_admin,
)

can_edit_country_profile = is_focal_point_of_object_country | is_helpdesk_or_site_admin

rules.add_perm("monitoring.edit_country_profile", can_edit_country_profile)
rules.add_perm("monitoring.edit_national_node", can_edit_country_profile)
rules.add_perm("monitoring.manage_evaluations", is_helpdesk_or_site_admin)
rules.add_perm("monitoring.request_recompute", is_helpdesk_or_site_admin)

for _model in ("nationalnode", "nodeinstitution", "nodenewsitem"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"monitoring.{_action}_{_model}", is_helpdesk_or_site_admin)
