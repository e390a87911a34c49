-- 0001_init: the database's identity, companies and their productions.
-- Forward-only: never edit a migration that has shipped; add a new one.

-- Key/value facts about this database file. database_id tells a sync cursor
-- minted here from one minted by another database (a restored copy, a
-- different server), so a phone never trusts a cursor that does not apply.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES
    ('database_id', lower(hex(randomblob(16)))),
    ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- A production company: the tenant. Its directory of suppliers is shared by
-- all its productions.
CREATE TABLE company (
    id         TEXT PRIMARY KEY NOT NULL,   -- client-style id (uuid)
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    siret      TEXT,                        -- French company number, optional
    created_at INTEGER NOT NULL              -- unix ms
) STRICT;

-- A film, series or programme. Every synced record belongs to one.
CREATE TABLE production (
    id          TEXT PRIMARY KEY NOT NULL,
    company_id  TEXT NOT NULL REFERENCES company (id),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL CHECK (kind IN ('fiction', 'documentary', 'animation',
                                              'flux', 'advertising', 'series', 'other')),
    -- How often crew report: daily (short shoots), weekly, monthly (animation).
    rhythm      TEXT NOT NULL DEFAULT 'weekly'
                CHECK (rhythm IN ('daily', 'weekly', 'monthly')),
    starts_on   TEXT,                        -- ISO date, first shooting day
    ends_on     TEXT,                        -- ISO date, last shooting day
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX production_company ON production (company_id);
