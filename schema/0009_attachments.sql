-- 0009_attachments: photos attached to readings, actions, tasks,
-- communications and checkpoints (issue 10, docs/sync-protocol.md
-- "Attachments"). The metadata is a synced fact, pushed like any op so a
-- phone records it offline; the bytes arrive afterwards, chunk by chunk,
-- through PUT /api/v1/sync/attachments/{id}. SQL: sync/attach.c.

INSERT INTO sync_collection (name, type, spec) VALUES
('attachments', 'fact', json('{"fields": {
    "target_col": {"type": "string", "enum": ["readings", "actions", "tasks", "communications", "checkpoints"], "required": true},
    "target_id": {"type": "string", "max": 64, "required": true},
    "content_type": {"type": "string", "enum": ["image/jpeg", "image/png", "image/webp"], "required": true},
    "size": {"type": "integer", "min": 1, "max": 52428800, "required": true},
    "sha256": {"type": "string", "max": 64, "required": true},
    "caption": {"type": "string", "max": 500},
    "member": {"type": "string", "max": 64},
    "taken_at": {"type": "string", "max": 32},
    "keep_location": {"type": "boolean"},
    "lat": {"type": "number", "min": -90, "max": 90},
    "lon": {"type": "number", "min": -180, "max": 180},
    "supersedes": {"type": "string", "max": 64},
    "void": {"type": "boolean"}
  }, "extra": false}'));

-- Where the upload of each attachment stands. One row from its first chunk
-- (or its refusal) on; id is the attachments fact's id, unique across
-- productions like every fact id. state: receiving (received < size),
-- complete (the final blob is in attach_blob), refused (code and reason say
-- why; the office shows "photo refusée : <reason>").
CREATE TABLE attach_upload (
    id            TEXT PRIMARY KEY NOT NULL,
    production_id TEXT NOT NULL REFERENCES production (id),
    size          INTEGER NOT NULL CHECK (size > 0),   -- declared by the fact
    received      INTEGER NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND size),
    state         TEXT NOT NULL DEFAULT 'receiving'
                  CHECK (state IN ('receiving', 'complete', 'refused')),
    code          TEXT,                                  -- refusal or last failure code
    reason        TEXT,                                  -- its human-readable text
    content_type  TEXT,                                  -- sniffed, once complete
    stored_size   INTEGER,                               -- bytes kept after stripping
    updated_at    INTEGER NOT NULL                       -- server unix ms
) STRICT;
CREATE INDEX attach_upload_production ON attach_upload (production_id, state);

-- Acknowledged chunks, each committed before its 200, so a crash never
-- loses one. Deleted once the upload completes or is refused.
CREATE TABLE attach_chunk (
    id     TEXT NOT NULL REFERENCES attach_upload (id),
    start  INTEGER NOT NULL CHECK (start >= 0),
    data   BLOB NOT NULL,
    PRIMARY KEY (id, start)
) STRICT;

-- The final bytes (location metadata stripped unless kept), apart from
-- attach_upload so listing uploads never reads photos.
CREATE TABLE attach_blob (
    id    TEXT PRIMARY KEY NOT NULL REFERENCES attach_upload (id),
    data  BLOB NOT NULL
) STRICT;

-- Removing a photo (a void fact) removes its bytes: a photo taken back,
-- perhaps because it showed too much, must not linger in the file nor reach
-- the next backups. Only within the void's own production.
CREATE TRIGGER attach_void_purge AFTER INSERT ON sync_fact
WHEN NEW.col = 'attachments' AND NEW.void = 1 AND NEW.supersedes IS NOT NULL
BEGIN
    DELETE FROM attach_blob WHERE id = NEW.supersedes AND id IN
        (SELECT id FROM attach_upload WHERE production_id = NEW.production_id);
    DELETE FROM attach_chunk WHERE id = NEW.supersedes AND id IN
        (SELECT id FROM attach_upload WHERE production_id = NEW.production_id);
END;
