-- 0008_attachments: placeholder so that 0009_dossier applies in sequence on
-- the h-dossier branch. The attachments branch (h-attsrv) owns this number:
-- on merge, its file replaces this one.
SELECT 1;
