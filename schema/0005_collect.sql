-- 0005_collect: the collection schedule (C7): per production and indicator,
-- who collects it (a department, optionally one named member) and how often.
-- A row is the office's choice; an indicator without a row follows the
-- default derived from the production's kind and length (sync/collect.h), so
-- the default changes with the production's dates and nobody has to fill it.
CREATE TABLE collect_schedule (
    production_id TEXT NOT NULL REFERENCES production (id),
    indicator     TEXT NOT NULL REFERENCES indicator (id),
    -- 'none': this production does not collect the indicator at all.
    frequency     TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'once', 'none')),
    dept          TEXT NOT NULL CHECK (length(dept) BETWEEN 1 AND 32),
    member_id     TEXT REFERENCES member (id),   -- NULL: anyone in dept
    updated_at    INTEGER NOT NULL,
    updated_by    TEXT,                          -- member id of the office user
    PRIMARY KEY (production_id, indicator)
) STRICT;
