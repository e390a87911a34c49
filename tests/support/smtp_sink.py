#!/usr/bin/env python3
"""A real SMTP server on loopback for the email tests (Debian's python3-aiosmtpd).

usage: smtp_sink.py PORT OUTDIR

Accepts every message and writes OUTDIR/msg-N.json: the envelope, the
headers and every MIME part decoded (text as text, other parts base64).
Refuses with 550 any recipient whose address contains "bounce", like a
mailbox that does not exist. Writes OUTDIR/ready once listening; stops on
SIGTERM.
"""
import base64
import email
import email.policy
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            raw = part.get_payload(decode=True) or b""
            entry = {
                "type": part.get_content_type(),
                "filename": part.get_filename(),
                "charset": part.get_content_charset(),
            }
            if part.get_content_maintype() == "text" or part.get_content_type() == "application/json":
                entry["content"] = raw.decode(part.get_content_charset() or "utf-8")
            else:
                entry["base64"] = base64.b64encode(raw).decode()
            parts.append(entry)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "to": str(msg["to"]),
            "content_type": msg.get_content_type(),
            "content_language": str(msg.get("content-language")),
            "alternative": [p.get_content_type() for p in msg.walk()
                            if p.get_content_maintype() == "text" and not p.get_filename()],
            "parts": parts,
        }
        with self.lock:
            self.count += 1
            n = self.count
        tmp = os.path.join(self.outdir, "msg-%d.tmp" % n)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(tmp, os.path.join(self.outdir, "msg-%d.json" % n))
        return "250 Message accepted for delivery"


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(outdir), hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(outdir, "ready"), "w") as f:
        f.write(str(port))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
