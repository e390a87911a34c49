-- 0002_sync: the sync engine's tables (docs/sync-protocol.md).

-- Collections are data: adding a kind of record is an INSERT here (in a
-- migration), not a protocol change. spec is a JSON object describing the
-- fields ops may carry: {"fields": {"name": {"type": "string", "max": 200,
-- "required": true, "enum": [...], "min": 0}}, "extra": false}.
CREATE TABLE sync_collection (
    name TEXT PRIMARY KEY NOT NULL CHECK (name GLOB '[a-z]*' AND length(name) <= 32),
    type TEXT NOT NULL CHECK (type IN ('record', 'fact')),
    spec TEXT NOT NULL CHECK (json_valid(spec))
) STRICT;

-- The op log: every accepted op once, in arrival order. seq is the pull
-- cursor; op_id makes push idempotent; digest tells a resent op (same bytes)
-- from a reused id (different bytes).
CREATE TABLE sync_op (
    seq           INTEGER PRIMARY KEY,
    op_id         TEXT NOT NULL UNIQUE,
    production_id TEXT NOT NULL REFERENCES production (id),
    col           TEXT NOT NULL REFERENCES sync_collection (name),
    rid           TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('put', 'add')),
    hlc           TEXT NOT NULL,
    dev           TEXT NOT NULL,
    body          TEXT NOT NULL,          -- the op, canonical JSON (sorted keys)
    digest        BLOB NOT NULL,          -- BLAKE2b-128 of body
    received_at   INTEGER NOT NULL        -- server unix ms
) STRICT;
CREATE INDEX sync_op_production ON sync_op (production_id, seq);

-- Editable records: the merged state, derived from sync_version, kept for
-- queries. (col, rid) is global so a record id cannot be reused by another
-- production.
CREATE TABLE sync_record (
    col           TEXT NOT NULL,
    rid           TEXT NOT NULL,
    production_id TEXT NOT NULL REFERENCES production (id),
    state         TEXT NOT NULL DEFAULT '{}',   -- winning value of each field
    deleted       INTEGER NOT NULL DEFAULT 0,
    conflicts     INTEGER NOT NULL DEFAULT 0,   -- open conflicts (losing leaves)
    updated_seq   INTEGER NOT NULL,
    PRIMARY KEY (col, rid)
) STRICT;
CREATE INDEX sync_record_production ON sync_record (production_id, col);

-- Every value ever written to a field. leaf = no other version names this
-- one in its base. The field's value is the greatest leaf by (hlc, dev, op).
CREATE TABLE sync_version (
    col    TEXT NOT NULL,
    rid    TEXT NOT NULL,
    field  TEXT NOT NULL,
    op_id  TEXT NOT NULL,
    hlc    TEXT NOT NULL,
    dev    TEXT NOT NULL,
    value  TEXT NOT NULL,                -- JSON
    leaf   INTEGER NOT NULL,
    PRIMARY KEY (col, rid, field, op_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_version_leaf ON sync_version (col, rid, field, leaf, hlc, dev, op_id);

-- "op X's author had seen version Y of this field": edges of the version
-- graph, kept even when Y has not arrived yet (ops arrive in any order).
CREATE TABLE sync_base (
    col    TEXT NOT NULL,
    rid    TEXT NOT NULL,
    field  TEXT NOT NULL,
    seen   TEXT NOT NULL,                -- op id of the superseded version
    by_op  TEXT NOT NULL,
    PRIMARY KEY (col, rid, field, seen, by_op)
) STRICT, WITHOUT ROWID;

-- Append-only facts (indicator readings...). Immutable once added.
CREATE TABLE sync_fact (
    col           TEXT NOT NULL,
    rid           TEXT NOT NULL,
    production_id TEXT NOT NULL REFERENCES production (id),
    op_id         TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    dev           TEXT NOT NULL,
    fields        TEXT NOT NULL,         -- JSON object
    supersedes    TEXT,                  -- rid of the fact this corrects or voids
    void          INTEGER NOT NULL DEFAULT 0,
    seq           INTEGER NOT NULL,
    PRIMARY KEY (col, rid)
) STRICT;
CREATE INDEX sync_fact_supersedes ON sync_fact (col, supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX sync_fact_production ON sync_fact (production_id, col);

-- Ops whose clock was too far ahead of the server's: kept, not applied, until
-- the office releases (re-stamps) or dismisses them. Never deleted.
CREATE TABLE sync_quarantine (
    op_id         TEXT PRIMARY KEY NOT NULL,
    production_id TEXT NOT NULL REFERENCES production (id),
    dev           TEXT NOT NULL,
    body          TEXT NOT NULL,
    reason        TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    resolved_at   INTEGER,
    resolution    TEXT CHECK (resolution IN ('released', 'dismissed'))
) STRICT;

-- The server's hybrid logical clock, persisted so it never goes backwards.
INSERT INTO meta (key, value) VALUES ('hlc', '000000000000-0000');

-- The collections of ecoplateau v1. Facts: readings (indicators, C7) and
-- questions (crew dialogue, C5). Records: everything that is edited.
INSERT INTO sync_collection (name, type, spec) VALUES
('readings', 'fact', json('{"fields": {
    "indicator": {"type": "string", "max": 64, "required": true},
    "value": {"type": "number", "min": -1e12, "max": 1e12},
    "unit": {"type": "string", "max": 16},
    "dept": {"type": "string", "max": 32, "required": true},
    "at": {"type": "string", "max": 32, "required": true},
    "note": {"type": "string", "max": 2000},
    "vehicle": {"type": "string", "max": 64},
    "supersedes": {"type": "string", "max": 64},
    "void": {"type": "boolean"}
  }, "extra": false}')),
('questions', 'fact', json('{"fields": {
    "communication": {"type": "string", "max": 64},
    "text": {"type": "string", "max": 4000, "required": true},
    "member": {"type": "string", "max": 64},
    "supersedes": {"type": "string", "max": 64},
    "void": {"type": "boolean"}
  }, "extra": true}')),
('actions', 'record', json('{"fields": {
    "title": {"type": "string", "max": 300},
    "theme": {"type": "string", "enum": ["food", "waste", "energy", "mobility", "purchases", "carbon", "other"]},
    "dept": {"type": "string", "max": 32},
    "owner": {"type": "string", "max": 64},
    "status": {"type": "string", "enum": ["draft", "planned", "in_progress", "done", "dropped"]},
    "indicator": {"type": "string", "max": 64},
    "baseline": {"type": "number"},
    "target": {"type": "number"},
    "objective": {"type": "string", "max": 2000},
    "means": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": true}')),
('tasks', 'record', json('{"fields": {
    "title": {"type": "string", "max": 300},
    "action": {"type": "string", "max": 64},
    "assignee": {"type": "string", "max": 64},
    "dept": {"type": "string", "max": 32},
    "due": {"type": "string", "max": 32},
    "done": {"type": "boolean"},
    "note": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": true}')),
('suppliers', 'record', json('{"fields": {"name": {"type": "string", "max": 200}, "_deleted": {"type": "boolean"}}, "extra": true}')),
('communications', 'record', json('{"fields": {"title": {"type": "string", "max": 300}, "_deleted": {"type": "boolean"}}, "extra": true}')),
('diagnostics', 'record', json('{"fields": {"_deleted": {"type": "boolean"}}, "extra": true}')),
('checkpoints', 'record', json('{"fields": {"_deleted": {"type": "boolean"}}, "extra": true}'));
