"""What every portal page shares: the menu around it, its page size, the portal's own address."""

from django.shortcuts import render

from portal_core.web.menu import menu_for

PAGE_SIZE = 50


def render_page(request, template: str, url_name: str, status: int = 200, **context):
    """A page of the portal's shell (`portal_core/<template>`), its menu entry `url_name` lit."""
    return render(request, f"portal_core/{template}", {"menu": menu_for(request, url_name), **context},
                  status=status)


def base_url(request) -> str:
    """The portal's own address, for the links its emails carry."""
    return request.build_absolute_uri("/")
