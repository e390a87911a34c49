#!/usr/bin/python3
"""Reads an .ics file with python3-icalendar, a parser independent of the
libical that wrote it, and prints what a calendar program would show:
the VTIMEZONE's TZID, then each event's start in UTC, its duration in
minutes, summary and location, one per line. Exit 1 if it does not parse."""
import sys

import icalendar
from datetime import timezone

with open(sys.argv[1], "rb") as f:
    cal = icalendar.Calendar.from_ical(f.read())
for tz in cal.walk("VTIMEZONE"):
    print("TZID", str(tz["TZID"]))
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    print("START", start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"))
    print("MINUTES", int(ev.decoded("DURATION").total_seconds() // 60))
    print("SUMMARY", str(ev["SUMMARY"]))
    print("LOCATION", str(ev.get("LOCATION", "")))
