-- 0011_productions: a company and its productions made through the product
-- itself (issue 17): the first-start setup token, company administrators,
-- and everything a production's office edits (phases, days off, locations,
-- departments, crew size, budget, reporting rhythm, archiving).
-- SQL for these tables lives in sync/domain/company.c and production.c.

-- Where the company is based (the setup screen asks for it).
ALTER TABLE company ADD COLUMN city TEXT NOT NULL DEFAULT ''
    CHECK (length(city) <= 100);

-- One-time setup tokens: created on first start while no account exists,
-- redeemed once to create the company and its first administrator. Only a
-- BLAKE2b-256 hash is stored, so a copy of the database cannot claim the
-- server (docs/security.md, "First start").
CREATE TABLE setup_token (
    token_hash BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER                           -- unix ms; NULL = still usable
) STRICT;

-- Who runs the company: its administrators create and archive productions.
-- Roles inside a production stay in member.role.
CREATE TABLE company_account (
    company_id TEXT NOT NULL REFERENCES company (id),
    account_id TEXT NOT NULL REFERENCES account (id),
    role       TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('admin')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, account_id)
) STRICT;
CREATE INDEX company_account_account ON company_account (account_id);

-- Until now a production's administrators ran it alone: they become
-- administrators of its company, so an existing database keeps working.
INSERT OR IGNORE INTO company_account (company_id, account_id, role, created_at)
    SELECT p.company_id, m.account_id, 'admin', m.created_at
    FROM member m JOIN production p ON p.id = m.production_id
    WHERE m.role = 'admin' AND m.account_id IS NOT NULL AND m.removed_at IS NULL;

-- Office members invited by email: the link /#join=<token> lets them choose
-- their own password and binds the account to the member. Only the hash of
-- the token is stored; single use, 7 days.
CREATE TABLE account_invite (
    token_hash    BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    member_id     TEXT NOT NULL REFERENCES member (id),
    production_id TEXT NOT NULL REFERENCES production (id),
    email         TEXT NOT NULL COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
    created_by    TEXT,                          -- account id
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
) STRICT;
CREATE INDEX account_invite_email ON account_invite (production_id, email);

-- Shorts join the kinds. SQLite cannot alter a CHECK constraint, and
-- rebuilding production would need foreign keys off (a migration runs in a
-- transaction, where that pragma is a no-op); widening a CHECK does not
-- change any stored row, which is the case sqlite.org/lang_altertable.html
-- allows through writable_schema; the schema cookie changes with the rest
-- of this migration's DDL, so other connections reload the new text.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''series'', ''other'')',
                                       '''series'', ''short'', ''other'')')
    WHERE type = 'table' AND name = 'production';
-- RESET turns writing off and reloads this connection's parsed schema: ALTER
-- TABLE below (and later migrations) edit the text at offsets taken from it.
PRAGMA writable_schema = RESET;

-- starts_on/ends_on (0001) stay the shooting phase; preparation and
-- post-production are optional phases around it (production_dates_check
-- keeps them in order).
ALTER TABLE production ADD COLUMN prep_from TEXT;
ALTER TABLE production ADD COLUMN prep_to TEXT;
ALTER TABLE production ADD COLUMN post_from TEXT;
ALTER TABLE production ADD COLUMN post_to TEXT;
-- JSON array of ISO days inside the shooting phase that are not shot (rest
-- days, days off): the shooting days are the phase minus these.
ALTER TABLE production ADD COLUMN days_off TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(days_off) AND json_type(days_off) = 'array');
-- JSON array of {"name","commune"|"lat","lon","protected":bool}.
ALTER TABLE production ADD COLUMN locations TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(locations) AND json_type(locations) = 'array');
-- JSON array of department ids in use (the indicator catalogue's names).
ALTER TABLE production ADD COLUMN departments TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(departments) AND json_type(departments) = 'array');
ALTER TABLE production ADD COLUMN crew_size INTEGER CHECK (crew_size BETWEEN 1 AND 100000);
ALTER TABLE production ADD COLUMN budget_eur INTEGER CHECK (budget_eur BETWEEN 0 AND 10000000000);
-- 1: the reporting rhythm follows kind and length (collect_default_frequency);
-- 0: the office chose production.rhythm and the schedule uses it.
ALTER TABLE production ADD COLUMN rhythm_auto INTEGER NOT NULL DEFAULT 1
    CHECK (rhythm_auto IN (0, 1));
-- unix ms; an archived production refuses phone pushes (409) and stays readable.
ALTER TABLE production ADD COLUMN archived_at INTEGER;

-- Two productions of a company never share a title: every screen shows it.
-- Titles shared before this rule get their id appended, so the upgrade of
-- an existing database cannot fail on the index.
UPDATE production SET title = substr(title, 1, 150) || ' (' || substr(id, 1, 40) || ')'
    WHERE is_company_space = 0 AND rowid NOT IN (
        SELECT min(rowid) FROM production WHERE is_company_space = 0
        GROUP BY company_id, title COLLATE NOCASE);
CREATE UNIQUE INDEX production_title ON production (company_id, title COLLATE NOCASE)
    WHERE is_company_space = 0;
