/* ical.c - iCalendar invitations with libical (see ical.h). */
#include "ical.h"

#include "err.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ZONE "Europe/Paris"

/* n decimal digits of s as an int, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Parses "YYYY-MM-DDTHH:MM" into t (floating). Returns 0 or EP_EINVAL. */
static int parse_start(const char *text, struct icaltimetype *t)
{
    int y, mo, d, h, mi;

    if (text == NULL || strlen(text) != 16 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':')
        return EP_EINVAL;
    y = digits(text, 4);
    mo = digits(text + 5, 2);
    d = digits(text + 8, 2);
    h = digits(text + 11, 2);
    mi = digits(text + 14, 2);
    if (y < 2000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        d > icaltime_days_in_month(mo, y))
        return EP_EINVAL;
    *t = icaltime_null_time();
    t->year = y;
    t->month = mo;
    t->day = d;
    t->hour = h;
    t->minute = mi;
    t->is_date = 0;
    return EP_OK;
}

int ical_start_ok(const char *text)
{
    struct icaltimetype t;
    return parse_start(text, &t) == EP_OK;
}

/* A mailto: property (ORGANIZER or ATTENDEE) with its common name. */
static icalproperty *person(icalproperty *p, const struct ical_person *who)
{
    if (p != NULL && who->name != NULL && who->name[0] != '\0')
        icalproperty_add_parameter(p, icalparameter_new_cn(who->name));
    return p;
}

static icalproperty *mailto(int organizer, const struct ical_person *who)
{
    char uri[300];
    snprintf(uri, sizeof(uri), "mailto:%s", who->email);
    return person(organizer ? icalproperty_new_organizer(uri) : icalproperty_new_attendee(uri),
                  who);
}

/*
 * Europe/Paris as calendar programs write it (Outlook, Google): today's rule
 * only, under the same TZID the event names. libical's built-in zone is
 * named "/freeassociation.sourceforge.net/Europe/Paris", which did not match
 * the event's TZID=Europe/Paris (some clients then guess the time), and it
 * lists every transition since 1891 (most of the file).
 */
static const char paris_vtimezone[] = "BEGIN:VTIMEZONE\r\n"
                                      "TZID:" ZONE "\r\n"
                                      "BEGIN:DAYLIGHT\r\n"
                                      "TZOFFSETFROM:+0100\r\n"
                                      "TZOFFSETTO:+0200\r\n"
                                      "TZNAME:CEST\r\n"
                                      "DTSTART:19700329T020000\r\n"
                                      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
                                      "END:DAYLIGHT\r\n"
                                      "BEGIN:STANDARD\r\n"
                                      "TZOFFSETFROM:+0200\r\n"
                                      "TZOFFSETTO:+0100\r\n"
                                      "TZNAME:CET\r\n"
                                      "DTSTART:19701025T030000\r\n"
                                      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
                                      "END:STANDARD\r\n"
                                      "END:VTIMEZONE\r\n";

int ical_build(const struct ical_event *e, char **out)
{
    icaltimezone *tz;
    icalcomponent *cal = NULL, *ev = NULL, *vtz;
    icalproperty *p;
    struct icaltimetype start;
    char *text;
    int rc;

    *out = NULL;
    if (parse_start(e->starts_at, &start) != EP_OK || e->duration_min <= 0 ||
        e->duration_min > 7 * 24 * 60)
        return EP_EINVAL;
    tz = icaltimezone_get_builtin_timezone(ZONE);
    if (tz == NULL)
        return EP_EIO;
    icaltime_set_timezone(&start, tz);
    cal = icalcomponent_new_vcalendar();
    ev = icalcomponent_new_vevent();
    if (cal == NULL || ev == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//ecoplateau//communications//FR"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_REQUEST));
    vtz = icalparser_parse_string(paris_vtimezone);
    if (vtz == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    icalcomponent_add_component(cal, vtz);

    icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(
        ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
                (time_t)(e->now_ms / 1000), 0, icaltimezone_get_utc_timezone())));
    p = icalproperty_new_dtstart(start);
    /* libical 3.0 writes the local time without saying whose: name the zone. */
    if (icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) == NULL)
        icalproperty_add_parameter(p, icalparameter_new_tzid(ZONE));
    icalcomponent_add_property(ev, p);
    icalcomponent_add_property(
        ev, icalproperty_new_duration(icaldurationtype_from_int(e->duration_min * 60)));
    icalcomponent_add_property(ev, icalproperty_new_summary(e->summary));
    if (e->description != NULL && e->description[0] != '\0')
        icalcomponent_add_property(ev, icalproperty_new_description(e->description));
    if (e->location != NULL && e->location[0] != '\0')
        icalcomponent_add_property(ev, icalproperty_new_location(e->location));
    icalcomponent_add_property(ev, icalproperty_new_sequence(0));
    icalcomponent_add_property(ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
    icalcomponent_add_property(ev, mailto(1, &e->organizer));
    for (size_t i = 0; i < e->nattendees; i++) {
        p = mailto(0, &e->attendees[i]);
        icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
        icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
        icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
        icalcomponent_add_property(ev, p);
    }
    icalcomponent_add_component(cal, ev);
    ev = NULL; /* owned by cal now */
    text = icalcomponent_as_ical_string_r(cal);
    if (text == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    *out = strdup(text);
    icalmemory_free_buffer(text);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    if (ev != NULL)
        icalcomponent_free(ev);
    if (cal != NULL)
        icalcomponent_free(cal);
    return rc;
}
