-- 0012: placeholder on branch h-foot only, so that 0013_footprint applies in
-- sequence; the lead drops it when the real 0012 (another helper's) is merged.
SELECT 1;
