"""`make run`'s mail server: an SMTP server on loopback (aiosmtpd) that the demo portal sends
through. It prints each email's recipient, subject and text (links included) and keeps the
whole message in .local/mail/ to open in a mail client."""

import email
import email.policy
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

MAIL_DIR = Path(__file__).resolve().parent.parent / ".local" / "mail"


class PrintAndKeep:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        MAIL_DIR.mkdir(parents=True, exist_ok=True)
        path = MAIL_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-{abs(hash(envelope.content)) % 10**6}.eml"
        path.write_bytes(envelope.content)
        body = message.get_body(preferencelist=("plain",))
        print(f"\n--- Email para {message['To']}: {str(message['Subject']).strip()}\n"
              f"{body.get_content().strip() if body else ''}\n--- ({path})\n", flush=True)
        return "250 OK"


def main(port: int) -> None:
    controller = Controller(PrintAndKeep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]))
