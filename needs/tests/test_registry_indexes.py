"""The partial indexes of the public registry cover the rows it shows: an index whose condition
drifted from the public statuses would silently stop being used."""

import pytest

from needs.models import PUBLIC_STATUSES, Need

CASES = [
    (Need, "need_public_newest", set(PUBLIC_STATUSES)),
    (Need, "need_public_counts", set(PUBLIC_STATUSES)),
]


@pytest.mark.parametrize(("model", "name", "statuses"), CASES)
def test_a_public_list_index_has_the_public_statuses(model, name, statuses):
    [index] = [index for index in model._meta.indexes if index.name == name]
    condition = dict(index.condition.children)
    assert set(condition.pop("status__in")) == statuses
    assert condition == {"visibility": Need.Visibility.PUBLIC}
