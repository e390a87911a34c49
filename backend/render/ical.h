/*
 * ical.h - calendar invitations (iCalendar, RFC 5545) for briefings and
 * checkpoints, built with libical: one VCALENDAR (METHOD:REQUEST) holding
 * the Europe/Paris VTIMEZONE and one VEVENT whose start carries
 * TZID=Europe/Paris, the organizer and the attendees.
 *
 * Thread-safe: libical keeps its scratch buffers per thread and loads the
 * built-in time zones under its own lock.
 */
#ifndef EP_ICAL_H
#define EP_ICAL_H

#include <stddef.h>
#include <stdint.h>

struct ical_person {
    const char *email; /* bare address */
    const char *name;  /* UTF-8, may be NULL */
};

struct ical_event {
    const char *uid;         /* stable: the same event updated keeps it */
    const char *summary;     /* UTF-8 */
    const char *description; /* UTF-8, may be NULL */
    const char *location;    /* UTF-8, may be NULL */
    const char *starts_at;   /* local Paris time, "YYYY-MM-DDTHH:MM" */
    int duration_min;        /* > 0 */
    struct ical_person organizer;
    const struct ical_person *attendees;
    size_t nattendees;
    int64_t now_ms; /* DTSTAMP */
};

/*
 * Writes the invitation into *out (free()). Returns 0, EP_EINVAL (a start
 * that is not "YYYY-MM-DDTHH:MM" or not a real time, a duration <= 0) or
 * EP_ENOMEM / EP_EIO (no Europe/Paris zone data).
 */
int ical_build(const struct ical_event *e, char **out);

/* Whether text is a valid "YYYY-MM-DDTHH:MM" local time. */
int ical_start_ok(const char *text);

#endif
