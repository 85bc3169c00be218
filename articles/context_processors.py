from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Category, SiteBlock


def site(request):
    """Site-wide template context; each query runs only if a template uses its value."""
    return {
        "magazine_name": settings.MAGAZINE_NAME,
        "nav_categories": SimpleLazyObject(lambda: list(Category.objects.all())),
        "site_blocks": SimpleLazyObject(
            lambda: {block.kind: block for block in SiteBlock.objects.filter(is_active=True)}
        ),
    }
