"""Tags of the petitions pages: `{% days d %}`, the days left to a deadline."""

from django import template

from ..views.rows import days_html

register = template.Library()


@register.simple_tag
def days(d):
    """`d` as views.common.days gives it: overdue, due today or days left."""
    return days_html(d)
