"""A real SMTP server on loopback for the tests (aiosmtpd): every message it accepts is written
as one JSON file in the mailbox folder, decoded with Python's own e-mail parser (an independent
reading of what Accord sent).

Recipients at refused.invalid are refused for good (550), at later.invalid for now (451), so the
tests see both kinds of failure as a real server gives them.

Usage: sink.py PORT MAILBOX_DIR
"""

import asyncio
import email
import itertools
import json
import os
import signal
import sys
from email import policy

from aiosmtpd.controller import Controller


class Mailbox:
    def __init__(self, folder):
        self.folder = folder
        self.count = itertools.count()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.invalid"):
            return "550 5.1.1 No such mailbox here"
        if address.endswith("@later.invalid"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.content, policy=policy.default)
        plain = m.get_body(("plain",))
        html = m.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": m.get("Message-ID", ""),
            "subject": str(m.get("Subject", "")),
            "date": m.get("Date", ""),
            "content_types": [p.get_content_type() for p in m.walk()],
            "text": plain.get_content() if plain is not None else "",
            "html": html.get_content() if html is not None else "",
            "calendars": [
                {"method": p.get_param("method", ""), "content": p.get_content()}
                for p in m.walk()
                if p.get_content_type() == "text/calendar"
            ],
        }
        n = next(self.count)
        path = os.path.join(self.folder, f"{os.getpid()}-{n:08d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        return "250 Message accepted"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Mailbox(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    loop.run_until_complete(stop)
    controller.stop()


if __name__ == "__main__":
    main()
