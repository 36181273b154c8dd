"""FastSelect gives the HTML Django's own Select gives, for every kind of option."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core.widgets import FastSelect

CHOICES = [
    ("", _("Choose the place")),
    (1, "舞钢市"),
    ("八台镇", [(2, "八台镇（镇本级）"), (3, 'A & B <"村">')]),
    ("空", []),
    (4, "尹集镇"),
]


@pytest.mark.parametrize("value", [None, "", 3, "3", 4, "99"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_place", "required": True, "aria-x": False}])
def test_it_renders_as_djangos_select(value, attrs):
    ours = FastSelect(choices=CHOICES).render("place", value, attrs=attrs)
    theirs = forms.Select(choices=CHOICES).render("place", value, attrs=attrs)
    assert str(ours) == str(theirs)
    assert "&lt;&quot;村&quot;&gt;" in str(ours)  # labels escaped
