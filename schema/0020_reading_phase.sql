-- 0020_reading_phase: each reading may say its phase (docs/carbon.md,
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
