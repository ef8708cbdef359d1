from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.853 → "85%"; nothing expected → "–"."""
    return "–" if rate is None else f"{int(rate * 100 + 0.5)}%"
