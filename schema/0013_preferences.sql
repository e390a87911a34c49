-- 0013_preferences: how each person wants to be reached, as synced records
-- (docs/communications.md, "Each person's channels and needs"), so a phone
-- sets its owner's choices offline and the office sets them for people
-- without a phone. One record per member and author: id "self-<member>"
-- (written from the person's own phone) or "office-<member>" (written by
-- the office). Per field, the person's own choice wins over the office's,
-- which wins over the member row (0007_comms) and the office account's
-- address. Entries of channels and needs, addresses and phone numbers are
-- checked by sync/domain/prefs.c; who may write which record by
-- sync/domain/authz.c.
INSERT INTO sync_collection (name, type, spec) VALUES
('preferences', 'record', json('{"fields": {
    "email": {"type": "string", "max": 254},
    "phone": {"type": "string", "max": 24},
    "language": {"type": "string", "enum": ["fr", "en"]},
    "channels": {"type": "array"},
    "needs": {"type": "array"}
  }, "extra": false}'));
