"""Template helpers of the public pages."""

from django import template

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    """The field's widget, tied to its help and error texts for screen readers
    (aria-describedby) and marked invalid when it has errors."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return field.as_widget(attrs=attrs)
