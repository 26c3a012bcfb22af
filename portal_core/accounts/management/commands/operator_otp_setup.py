from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal_core.accounts import two_factor


class Command(BaseCommand):
    help = ("Configura la verificación en dos pasos de un operador (el admin del dominio raíz la exige): "
            "muestra la dirección otpauth:// para la aplicación de autenticación, opcionalmente guarda su "
            "código QR como SVG, y muestra diez códigos de recuperación. Reemplaza la configuración anterior.")

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="El email del operador.")
        parser.add_argument("--qr-svg", type=Path, help="Guardar el código QR en este archivo SVG.")

    def handle(self, *args, email, qr_svg=None, **options):
        connection.set_schema_to_public()
        user = get_user_model().objects.filter(email=email.strip().lower(), is_staff=True).first()
        if user is None:
            raise CommandError(f"No existe un operador con el email «{email}».")
        enrolment = two_factor.operator_enrol(user=user)
        uri = two_factor.totp_uri(device=enrolment.device, issuer=two_factor.current_issuer())
        self.stdout.write("Agregue esta cuenta en su aplicación de autenticación:")
        self.stdout.write(f"  {uri}")
        self.stdout.write(f"  Clave para escribirla a mano: {two_factor.secret_for_display(enrolment.device)}")
        if qr_svg is not None:
            qr_svg.write_text(two_factor.qr_svg(uri, label="otpauth"), encoding="utf-8")
            qr_svg.chmod(0o600)
            self.stdout.write(f"  Código QR guardado en {qr_svg} (bórrelo después de escanearlo).")
        self.stdout.write("Códigos de recuperación (cada uno sirve una vez; guárdelos, no se vuelven a mostrar):")
        for code in enrolment.recovery_codes:
            self.stdout.write(f"  {code}")
        self.stdout.write(self.style.SUCCESS(f"Verificación en dos pasos configurada para «{user.email}»."))
