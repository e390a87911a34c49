/*
 * clock.h - the wall clock, in one place so every layer reads time the same
 * way (and a test can find every reader with one grep). Thread-safe.
 */
#ifndef EP_CLOCK_H
#define EP_CLOCK_H

#include <stdint.h>

/* Wall-clock time in unix milliseconds. */
int64_t clock_now_ms(void);

/* Monotonic milliseconds, for deadlines: a wall-clock jump must not cut a
 * request short nor give it an hour. Only differences are meaningful. */
int64_t clock_mono_ms(void);

#endif
