-- 0008_fewer_indexes: two indexes of sync_fact that no query needs any more.
--
-- Every reading pushed is inserted into each index of sync_fact, and each
-- index entry of a reading runs json_extract over its fields; the fewer
-- indexes, the cheaper a push (bench/README.md, session 3).
--  - reading_totals (0004) is a prefix of reading_days (0006) but for the
--    day: the footprint's GROUP BY (indicator, department) and the review
--    flags' range on value within a group now walk reading_days, which holds
--    every column they read.
--  - sync_fact_current (production_id, col) WHERE current: the queries on
--    current readings use reading_days (same condition, col = 'readings'),
--    the others sync_fact_production (production_id, col).
DROP INDEX reading_totals;
DROP INDEX sync_fact_current;
