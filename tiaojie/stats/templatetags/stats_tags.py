from django import template

register = template.Library()


@register.filter
def pct(value, digits=2):
    """0.9012 → "90.12%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}%}"


@register.filter
def get_item(d, key):
    return d.get(key) if d else None


@register.filter
def field(obj, name):
    """An attribute of a record by name (for columns chosen by the view)."""
    return getattr(obj, name, None)
