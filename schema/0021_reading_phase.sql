-- 0021_reading_phase: each reading may say its phase (docs/carbon.md,
-- "Phases").
--
-- "phase" is one of the production's phase ids (preparation, shooting,
-- post_production: the keys of production.phases, 0011). The spec only
-- bounds it: carbon_validate_op refuses any other value with its own code
-- (invalid_phase), so the phone can say which values are allowed. A reading
-- without a phase takes the one its date falls in (production_phase_of).
UPDATE sync_collection
   SET spec = json_set(spec, '$.fields.phase', json('{"type": "string", "max": 32}'))
 WHERE name = 'readings';

-- The footprint splits each line by phase (phase_sql, carbon.c) from the
-- same index as its totals: reading_days (0006) gains the phase before the
-- value, which stays last so the footprint's GROUP BY and the schedule's
-- day ranges are still answered from the index alone. Without the phase in
-- it, 1,000,000 readings took 5.2 s instead of well under one.
DROP INDEX reading_days;
CREATE INDEX reading_days ON sync_fact (production_id, json_extract(fields, '$.indicator'),
    json_extract(fields, '$.dept'), substr(json_extract(fields, '$.at'), 1, 10),
    json_extract(fields, '$.phase'), json_extract(fields, '$.value'))
    WHERE col = 'readings' AND superseded = 0 AND void = 0;
