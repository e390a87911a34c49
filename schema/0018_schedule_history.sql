-- 0018_schedule_history: every edit of the collection schedule, with its
-- author and time (issue 20: "each edit with author and time, seen on the
-- page"). The schedule itself stays a server table (collect_schedule, 0006),
-- not a synced collection: phones only read it through collect/mine, so
-- syncing it would add a collection for no reader. The history is appended
-- in the transaction of each change and never rewritten; a reset is a row
-- with frequency NULL (back to the default), and a group edit writes one row
-- per indicator with the group's name.
CREATE TABLE collect_schedule_history (
    production_id TEXT NOT NULL REFERENCES production (id),
    indicator     TEXT NOT NULL REFERENCES indicator (id),
    frequency     TEXT CHECK (frequency IN ('daily', 'weekly', 'monthly', 'once', 'none')),
    dept          TEXT,
    member_id     TEXT,
    grp           TEXT,                 -- the group edited in one step ('meals'), else NULL
    at            INTEGER NOT NULL,     -- ms since 1970
    by            TEXT                  -- member id of the office user
) STRICT;
CREATE INDEX collect_schedule_history_prod ON collect_schedule_history (production_id, at);

-- The group a line was set with ('meals'), NULL when set on its own: a
-- period of a grouped line is reported when any indicator of the group has
-- a reading in it (a caterer who served no fish that day still reported
-- the meals; the meals of unknown diet exist only when the total exceeds
-- the diets known).
ALTER TABLE collect_schedule ADD COLUMN grp TEXT;
