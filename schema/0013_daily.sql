-- 0013_daily: entry the way crews count (docs/pwa.md "Quick entry").
--
-- A kilometre reading may carry the odometer at the start and at the end of
-- the day it was computed from (its value is their difference): the office
-- can then check a figure against the counter, and a correction keeps both.
UPDATE sync_collection
   SET spec = json_set(spec,
       '$.fields.odometer_start', json('{"type": "number", "min": 0, "max": 1e9}'),
       '$.fields.odometer_end', json('{"type": "number", "min": 0, "max": 1e9}'))
 WHERE name = 'readings';
