"""Reads an iCalendar file with Python's `icalendar` (an independent parser) and prints what the
tests check as JSON: the method and, for each event, its UID, SEQUENCE, status, summary and
start and end in UTC.

Usage: ics_read.py FILE
"""

import datetime
import json
import sys

import icalendar


def utc(value):
    dt = value.dt
    if not isinstance(dt, datetime.datetime):
        raise SystemExit(f"not a date-time: {dt!r}")
    if dt.tzinfo is None:
        raise SystemExit(f"a floating time: {dt!r}")
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    with open(sys.argv[1], "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = []
    for e in cal.walk("VEVENT"):
        events.append(
            {
                "uid": str(e.get("UID")),
                "sequence": int(e.get("SEQUENCE", 0)),
                "status": str(e.get("STATUS", "")),
                "summary": str(e.get("SUMMARY", "")),
                "start": utc(e.get("DTSTART")),
                "end": utc(e.get("DTEND")),
                "location": str(e.get("LOCATION", "")),
            }
        )
    print(json.dumps({"method": str(cal.get("METHOD", "")), "events": events}, ensure_ascii=False))


if __name__ == "__main__":
    main()
