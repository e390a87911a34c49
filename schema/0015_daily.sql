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

-- Meals as the caterer counts them: a total and the diets it knows. The rest
-- is a meal of unknown diet, converted with the average meal of factor set 2
-- (meal_average, derived, ±100 %), so the footprint shows it as uncertain.
INSERT INTO indicator (id, name_fr, name_en, unit, theme, category, factor_id, collector,
                       review_above, guide_fr, guide_en, measures) VALUES
('meals_unknown', 'Repas de régime inconnu', 'Meals of unknown diet', 'meal', 'food', 'logistics',
 'meal_average', 'catering', 400,
 'Le total des repas moins ceux dont le régime est connu : saisissez le total et les régimes connus, le reste est calculé.',
 'The total of meals less those whose diet is known: enter the total and the known diets, the rest is computed.',
 NULL);
