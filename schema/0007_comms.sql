-- 0005_comms: what communications (C5) need besides the synced records:
-- each person's contact and accessibility preferences, the email outbox,
-- and the receipts phones send (read, acknowledged). SQL: sync/commstore.c.

-- How each person wants to be reached and what they need. A crew member
-- without an office account still has an address for the email channel.
-- channels: JSON array of "app", "email", "print", "audio".
-- needs: JSON array of "falc" (easy-to-read), "large_print", "audio".
ALTER TABLE member ADD COLUMN email TEXT
    CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);
ALTER TABLE member ADD COLUMN channels TEXT NOT NULL DEFAULT '["app"]'
    CHECK (json_valid(channels) AND json_type(channels) = 'array');
ALTER TABLE member ADD COLUMN needs TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(needs) AND json_type(needs) = 'array');

-- Every email ever queued, with the exact bytes handed to SMTP, so a
-- message survives a server that is down (retried with backoff) and a
-- bounce stays visible to the office. Rows are never deleted.
CREATE TABLE comms_outbox (
    id               INTEGER PRIMARY KEY,
    production_id    TEXT NOT NULL REFERENCES production (id),
    communication_id TEXT NOT NULL,
    member_id        TEXT NOT NULL REFERENCES member (id),
    address          TEXT NOT NULL,
    message          TEXT NOT NULL,                 -- RFC 5322 message, 7-bit, CRLF lines
    status           TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sent', 'bounced', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          INTEGER NOT NULL,              -- unix ms of the next try
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    done_at          INTEGER                        -- sent, bounced or given up
) STRICT;
CREATE INDEX comms_outbox_due ON comms_outbox (status, next_at);
CREATE INDEX comms_outbox_comm ON comms_outbox (communication_id);

-- Receipts from the phones: "read" when shown, "ack" when the person taps
-- "compris". Facts, so a phone records them offline and syncs later; member
-- must be the sender's own (sync/authz.c).
INSERT INTO sync_collection (name, type, spec) VALUES
('receipts', 'fact', json('{"fields": {
    "communication": {"type": "string", "max": 64, "required": true},
    "member": {"type": "string", "max": 64, "required": true},
    "kind": {"type": "string", "enum": ["read", "ack"], "required": true},
    "at": {"type": "string", "max": 32}
  }, "extra": false}'));
