"""Template helpers of the catalogue pages.

`{% select_field form.level %}` renders a bound choice field as a plain `<select>` in Python: Django's
template-based widget renders one sub-template per option, which cost a third of the list page.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def select_field(bound_field, css_class: str = "form-select"):
    value = bound_field.value()
    current = "" if value is None else str(value)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, " selected" if str(choice) == current else "", label)
            for choice, label in bound_field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="{}">{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        css_class,
        options,
    )
