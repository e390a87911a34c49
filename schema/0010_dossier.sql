-- 0010_dossier: the candidate's own text of each part of the professional
-- dossier (sync/dossier.c). One record per part, its id the part's
-- ("methodologie", "diagnostic"...): an edited "text" replaces the generated
-- draft of that part, "competencies" the margin references computed for it,
-- "include" false leaves the part out. Records merge field by field like any
-- other, concurrent edits kept as conflicts. Written by the office roles
-- (admin, eco-referent: sync/authz.c refuses the others by default).
-- A part's text is bounded by the size of one op (16 KiB, sync/op.c).
INSERT INTO sync_collection (name, type, spec) VALUES
('dossier_parts', 'record', json('{"fields": {
    "text": {"type": "string", "max": 16000},
    "competencies": {"type": "array"},
    "include": {"type": "boolean"},
    "_deleted": {"type": "boolean"}
  }, "extra": false}'));
