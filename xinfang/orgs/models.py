"""The unit tree (DOMAIN.md section 2) and memberships (section 1).

Subtree queries ("this unit and everything below it") go through UnitLink, a
closure table holding one row per (ancestor, descendant) pair, the unit itself
included at distance 0. A subtree is then one indexed join on SQLite and on
PostgreSQL alike, with no recursion and no LIKE on a path (which SQLite would
not serve from an index).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class UnitKind(models.TextChoices):
    TERRITORIAL = "territorial", _("Territorial unit")
    DEPARTMENT = "department", _("Department")
    PETITION_OFFICE = "petition_office", _("Petition office")
    RECEPTION_CENTRE = "reception_centre", _("Reception centre")
    MEDIATION_CENTRE = "mediation_centre", _("Mediation centre")
    MEDIATION_COMMITTEE = "mediation_committee", _("Professional mediation committee")


# What an accusation (检举控告) may name as the accused unit: organs and their
# offices, not the mediation bodies.
ACCUSABLE_KINDS = frozenset(
    {
        UnitKind.TERRITORIAL,
        UnitKind.DEPARTMENT,
        UnitKind.PETITION_OFFICE,
        UnitKind.RECEPTION_CENTRE,
    }
)


class MediationType(models.TextChoices):
    """The eight professional mediation committees (专业调解组织)."""

    TRAFFIC = "traffic", _("Traffic accidents")
    MEDICAL = "medical", _("Medical")
    ENVIRONMENT = "environment", _("Environment")
    LAND = "land", _("Land")
    EDUCATION = "education", _("Education")
    CONSUMER = "consumer", _("Consumer")
    LABOR = "labor", _("Labour")
    PROPERTY = "property", _("Property management")


class Role(models.TextChoices):
    """Roles of DOMAIN.md section 1 held by staff in a unit (the petitioner has no login)."""

    CLERK = "clerk", _("Registration clerk")
    DISPATCHER = "dispatcher", _("Dispatcher")
    HANDLER = "handler", _("Handler")
    UNIT_HEAD = "unit_head", _("Unit head")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Case-owning leader")
    LIAISON = "liaison", _("Village liaison")
    MEDIATOR = "mediator", _("Mediator")
    ANALYST = "analyst", _("Analyst")


def with_township(village: str, township: str) -> str:
    """ "孙寨村（八台镇）": a village named with its township."""
    return _("%(village)s (%(township)s)") % {"village": village, "township": township}


class Unit(models.Model):
    """An organisation in the tree: a territorial unit or a functional one at a level."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    formal_name = models.CharField(
        _("name as issuer"),
        max_length=100,
        blank=True,
        help_text=_(
            "The organ's full name on written notices and agreements, e.g. 八台镇人民政府. "
            "Empty: derived from the name."
        ),
    )
    superior_organ_name = models.CharField(
        _("organ above this system"),
        max_length=100,
        blank=True,
        help_text=_(
            "Only on the top unit of the tree: the organ one level above it, outside this "
            "system, e.g. 平顶山市人民政府. It reviews the top unit's answers and re-reviews "
            "its reviews; petitioners are told to go there. "
            "Empty: “the people's government one level up”."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    mediation_type = models.CharField(
        _("mediation type"), max_length=16, choices=MediationType.choices, blank=True
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    on_system = models.BooleanField(
        _("connected to the system"),
        default=True,
        help_text=_("Takes part in the petition information system (接入系统)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Where the place lies (WGS-84 degrees), for the map of matters by place: a
    # township's approximate centre is enough. Optional: a unit without them is
    # left off the map (its figures stay in the tables).
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["depth", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="unit_committee_has_mediation_type",
                condition=(
                    Q(kind=UnitKind.MEDIATION_COMMITTEE) & ~Q(mediation_type="")
                    | ~Q(kind=UnitKind.MEDIATION_COMMITTEE) & Q(mediation_type="")
                ),
            ),
            models.CheckConstraint(
                name="unit_root_is_territorial",
                condition=Q(parent__isnull=False) | Q(kind=UnitKind.TERRITORIAL),
            ),
        ]
        indexes = [models.Index(fields=["kind", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_township(self) -> str:
        """A village's name with its township, "孙寨村（八台镇）": village names repeat
        across townships. Other units: the name."""
        if self.level == Level.VILLAGE and self.parent_id:
            return with_township(self.name, self.parent.name)
        return self.name

    @property
    def is_territorial(self) -> bool:
        return self.kind == UnitKind.TERRITORIAL

    @property
    def organ_name(self) -> str:
        """The name that issues a written notice. A territorial unit acts through its
        organ: the people's government of a city or township (a street's office, 街道
        办事处), the villagers' or residents' committee of a village or community."""
        if self.formal_name:
            return self.formal_name
        if self.kind != UnitKind.TERRITORIAL:
            return self.name
        name = self.name
        if self.level == Level.VILLAGE:
            if name.endswith("社区"):
                return name + "居民委员会"
            return name + "民委员会" if name.endswith("村") else name + "村民委员会"
        if name.endswith("街道"):
            return name + "办事处"
        return name + "人民政府"


class UnitLink(models.Model):
    """Closure table: `ancestor` is `descendant` or above it, `distance` steps up."""

    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="descendant_links")
    descendant = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ancestor_links")
    distance = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("unit link")
        verbose_name_plural = _("unit links")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="unitlink_unique_pair"),
        ]
        # The unique constraint's index serves "descendants of X"; this one serves
        # "ancestors of Y" (who may see Y).
        indexes = [models.Index(fields=["descendant", "ancestor"], name="unitlink_desc_anc")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} > {self.descendant_id} ({self.distance})"


class Membership(models.Model):
    """A user holds a role in a unit. One user may hold several memberships."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_primary = models.BooleanField(
        _("primary"), default=False, help_text=_("The membership the user starts in.")
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_user_unit_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
