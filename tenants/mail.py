"""SMTP connections: a company's own server ("Envío de email") or the platform's.

Emails to a company's customers and suppliers go out through the company's server. The
platform's server (EMAIL_* environment variables) only sends what concerns the platform
itself, such as a portal admin's password recovery before the company configured email.
"""

import functools
import ipaddress
import smtplib
import socket
import ssl
import threading
import time
from email.utils import formataddr

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal_core.errors import DomainError

from .crypto import decrypt
from .models import Company, EmailSettings


def email_settings_for(company: Company) -> EmailSettings | None:
    """The company's SMTP settings, or None while it has not configured email."""
    try:
        return EmailSettings.objects.get(company_id=company.pk)
    except EmailSettings.DoesNotExist:
        return None


# The ports mail submission uses. Anything else, like any private address, would let a portal
# probe the platform's own network through "Enviar prueba".
SMTP_PORTS = {25, 465, 587, 2525}


class SmtpHostRefused(DomainError, OSError):
    """A port or an address a company's SMTP server may not use: an OSError, like any connection
    that fails, and coded with its message (portal_core.errors' convention)."""

    PORT = "port"
    PRIVATE = "private"

    MESSAGES = {
        PORT: gettext_lazy("Use uno de los puertos de envío de correo: 587 (STARTTLS), 465 (SSL/TLS), 25 o 2525."),
        PRIVATE: gettext_lazy("El servidor de correo debe ser una dirección pública de internet, como "
                              "smtp.gmail.com."),
    }


def smtp_addresses(host: str, port: int) -> tuple[str, ...]:
    """The addresses `host` resolves to, looked up once: the connection goes to exactly these, so
    DNS cannot answer the check with a public address and the connection with a private one.
    Refuses ports that are not SMTP's and any non-public address (SmtpHostRefused), unless
    COMPANY_SMTP_ALLOW_PRIVATE (local runs and tests); a name that does not resolve raises
    socket.gaierror."""
    checked = not settings.COMPANY_SMTP_ALLOW_PRIVATE
    if checked and port not in SMTP_PORTS:
        raise SmtpHostRefused(SmtpHostRefused.PORT)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:  # not a host name at all, such as "smtp..com"
        raise socket.gaierror(socket.EAI_NONAME, str(error)) from error
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if checked and not all(address_is_public(address) for address in addresses):
        raise SmtpHostRefused(SmtpHostRefused.PRIVATE)
    return addresses


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_is_public(address: str) -> bool:
    """A global address, and so is any IPv4 address it carries (IPv4-mapped, 6to4, Teredo,
    NAT64: Python calls `64:ff9b::a00:1` global, and a NAT64 gateway takes it to 10.0.0.1)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global:
        return False
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None,
                    ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None]
        return all(inner.is_global for inner in embedded if inner is not None)
    return True


def smtp_host_check(host: str, port: int) -> None:
    """`smtp_addresses` for the settings form: a name that does not resolve is left to "Enviar
    prueba", which reports it."""
    if settings.COMPANY_SMTP_ALLOW_PRIVATE:
        return
    try:
        smtp_addresses(host, port)
    except socket.gaierror:
        return


def _connect_first(addresses: tuple[str, ...], port: int, timeout, source_address,
                   deadline: float) -> socket.socket:
    """A connection to the first of `addresses` that answers, as socket.create_connection tries
    each address a name resolves to; none tried past `deadline` (time.monotonic())."""
    failure = TimeoutError("no time left to connect")
    for address in addresses:
        left = deadline - time.monotonic()
        if timeout is not None:
            left = min(timeout, left)
        if left <= 0:
            break
        try:
            return socket.create_connection((address, port), left, source_address)
        except OSError as error:
            failure = error
    raise failure


class _Pinned:
    """An smtplib client connected to addresses checked beforehand. The host name stays `_host`,
    which smtplib gives TLS as server_hostname: the certificate is verified against the name.

    The session has EMAIL_SESSION_TIMEOUT in all, connecting included: EMAIL_TIMEOUT bounds each
    read, and a server answering a byte at a time would hold the sender without end. At the
    deadline the connection is shut down through a duplicate of its socket, which TLS (SSL, or
    STARTTLS later) does not detach: whatever read or write is blocked ends at once."""

    def __init__(self, host: str, port: int, *, addresses: tuple[str, ...], seen=None, **kwargs):
        self.addresses = addresses
        self.deadline_passed, self._deadline, self._killer = False, None, None
        if seen is not None:
            seen(self)  # before connecting: the backend knows this session even if the greeting fails
        super().__init__(host, port, **kwargs)

    def _pinned_socket(self, port, timeout) -> socket.socket:
        ends = time.monotonic() + settings.EMAIL_SESSION_TIMEOUT
        raw = _connect_first(self.addresses, port, timeout, self.source_address, deadline=ends)
        self._killer = raw.dup()
        self._deadline = threading.Timer(max(ends - time.monotonic(), 0), self._deadline_reached)
        self._deadline.daemon = True
        self._deadline.start()
        return raw

    def _deadline_reached(self):
        self.deadline_passed = True
        self._killer_close(shutdown=True)

    def _killer_close(self, *, shutdown: bool = False):
        killer, self._killer = self._killer, None
        if killer is None:
            return
        try:
            if shutdown:
                killer.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        killer.close()

    def close(self):
        if self._deadline is not None:
            self._deadline.cancel()
        self._killer_close()
        super().close()


class PinnedSMTP(_Pinned, smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        return self._pinned_socket(port, timeout)


class PinnedSMTP_SSL(_Pinned, smtplib.SMTP_SSL):
    def _get_socket(self, host, port, timeout):
        return self.context.wrap_socket(self._pinned_socket(port, timeout), server_hostname=self._host)


class PinnedEmailBackend(EmailBackend):
    """Django's SMTP backend that looks the host up once per connection, through
    `smtp_addresses`, and connects to the addresses that passed its check (`addresses`)."""

    addresses: tuple[str, ...] = ()
    _session = None  # the smtplib client of the latest open(), even one whose greeting failed

    def open(self):
        if self.connection:
            return False
        try:
            self.addresses = smtp_addresses(self.host, self.port)
        except OSError:
            if not self.fail_silently:
                raise
            return None
        self._session = None
        return super().open()

    def send_messages(self, email_messages):
        """A session past EMAIL_SESSION_TIMEOUT fails as a timeout, in the admin's words too."""
        try:
            return super().send_messages(email_messages)
        except OSError as error:  # SMTP's errors, TLS's and the socket's: all of them once shut down
            if getattr(self._session, "deadline_passed", False):
                raise TimeoutError(f"SMTP session over {settings.EMAIL_SESSION_TIMEOUT} s") from error
            raise

    def _seen(self, session) -> None:
        self._session = session

    @property
    def connection_class(self):
        smtp = PinnedSMTP_SSL if self.use_ssl else PinnedSMTP
        return functools.partial(smtp, addresses=self.addresses, seen=self._seen)


def company_connection(email_settings: EmailSettings) -> PinnedEmailBackend:
    """The company's server. Its name is checked when the connection opens (SmtpHostRefused for
    a port or address it may not use), and the address checked is the one connected to."""
    return PinnedEmailBackend(
        host=email_settings.host, port=email_settings.port,
        username=email_settings.username or None, password=decrypt(email_settings.password_encrypted) or None,
        use_tls=email_settings.security == EmailSettings.Security.STARTTLS,
        use_ssl=email_settings.security == EmailSettings.Security.SSL,
        timeout=settings.EMAIL_TIMEOUT, fail_silently=False,
    )


def company_sender(company: Company, email_settings: EmailSettings) -> tuple[str, list[str]]:
    """From and Reply-To of the company's emails: its sender, named after its trade name."""
    name = email_settings.from_name or company.display_name
    reply_to = [email_settings.reply_to] if email_settings.reply_to else []
    return formataddr((name, email_settings.from_email)), reply_to


def platform_connection() -> EmailBackend:
    # The EMAIL_BACKEND setting, so local runs print platform emails on the console.
    from django.core.mail import get_connection

    return get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)


def smtp_failure_message(error: BaseException, *, host: str = "", port: int | None = None) -> str:
    """An SMTP failure in plain words, for the admin who configures email."""
    where = f"{host}:{port}" if host else _("el servidor")
    if isinstance(error, SmtpHostRefused):
        return error.message
    if isinstance(error, UnicodeError):
        return _("El usuario o la contraseña del servidor de correo tienen tildes o eñes, que SMTP no admite.")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("El servidor rechazó el usuario o la contraseña. Revíselos e intente de nuevo.")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("El servidor no acepta enviar desde «%(sender)s». Use una dirección de su propio "
                 "dominio o la que le indicó su proveedor de correo.") % {"sender": error.sender}
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("El servidor rechazó al destinatario: %(recipients)s.") % {
            "recipients": ", ".join(error.recipients)}
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _("El servidor no ofrece STARTTLS: elija otra seguridad (SSL/TLS o ninguna).")
    if isinstance(error, (ssl.SSLError, smtplib.SMTPServerDisconnected)) and not isinstance(
            error, ConnectionRefusedError):
        return _("Falló la conexión segura con %(where)s. Verifique el puerto y la seguridad elegida "
                 "(587 suele usar STARTTLS; 465, SSL/TLS).") % {"where": where}
    if isinstance(error, socket.gaierror):
        return _("No se encontró el servidor «%(host)s». Revise el nombre.") % {"host": host}
    if isinstance(error, ConnectionRefusedError):
        return _("%(where)s rechazó la conexión: revise el servidor y el puerto.") % {"where": where}
    if isinstance(error, (TimeoutError, socket.timeout)):
        return _("%(where)s no respondió a tiempo: revise el servidor, el puerto y que su red "
                 "permita la conexión.") % {"where": where}
    if isinstance(error, smtplib.SMTPResponseException):
        detail = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return _("El servidor respondió con un error (%(code)s): %(detail)s") % {
            "code": error.smtp_code, "detail": detail}
    if isinstance(error, OSError):
        return _("No se pudo conectar con %(where)s: %(detail)s") % {"where": where, "detail": error}
    return _("No se pudo enviar: %(detail)s") % {"detail": error}
