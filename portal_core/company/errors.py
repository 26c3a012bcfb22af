"""The refusals of the company's settings: an uploaded image (Empresa's logo, Perfil's image)
that cannot be used. Its codes and messages live with the image checks in tenants.images, the
platform's side of storing it; the company's services raise it and its views take it from here."""

from tenants.images import ImageRejected

__all__ = ["ImageRejected"]
