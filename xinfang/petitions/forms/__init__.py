"""Forms of the staff pages. They parse what was typed; the rules are the services'.

A form turns strings into the values a service takes (a category, a unit, a date,
a number) and offers the choices that make sense on the page. Whether a matter
may be registered, forwarded or replied to is decided by the service; its field
errors are put back next to the fields by core.forms.submit (with
`petitioner_placer` for the petitioner rows).

- choices: places, categories, units;
- registration: the registration form and its petitioner rows;
- lists: the list filters;
- window: the reception window's search and the query code issued again;
- actions: one form per action a matter's page offers (ACTION_FORMS).
"""

from .actions import ACTION_FORMS, ActionForm, DecisionForm, DraftForm, DraftStepForm, ListForm
from .choices import (
    accused_unit_choices,
    category_choices,
    place_choices,
    responsible_unit_choices,
    territory_of,
)
from .lists import ColourSettingsForm, ListFilterForm, filter_unit_ids
from .registration import (
    PageForm,
    PetitionerForm,
    PetitionerFormSet,
    RegistrationForm,
    id_warnings,
    petitioner_placer,
    petitioner_rows,
)
from .window import ReissueForm, WindowSearchForm

__all__ = [
    "ACTION_FORMS",
    "ActionForm",
    "ColourSettingsForm",
    "DecisionForm",
    "DraftForm",
    "DraftStepForm",
    "ListFilterForm",
    "filter_unit_ids",
    "ListForm",
    "PageForm",
    "PetitionerForm",
    "PetitionerFormSet",
    "RegistrationForm",
    "ReissueForm",
    "WindowSearchForm",
    "accused_unit_choices",
    "category_choices",
    "id_warnings",
    "petitioner_placer",
    "petitioner_rows",
    "place_choices",
    "responsible_unit_choices",
    "territory_of",
]
