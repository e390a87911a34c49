-- 0013_footprint: one method per source (issue 18).
--
-- The fleet: the production's vehicles and generators, registered by the
-- office (name, class, fuel). A reading of a vehicle indicator names one of
-- them by id in its "vehicle" field; the phone offers them as a choice.
INSERT INTO sync_collection (name, type, spec) VALUES
('fleet', 'record', json('{"fields": {
    "name": {"type": "string", "max": 64},
    "kind": {"type": "string", "enum": ["vehicle", "generator"]},
    "class": {"type": "string", "enum": ["car", "light_van", "minibus", "truck", "coach", "generator"]},
    "fuel": {"type": "string", "enum": ["diesel", "petrol", "electric", "hybrid", "hvo", "b100", "battery"]},
    "note": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": false}'));

-- What an indicator measures of its source. Two indicators measuring one
-- source (a van's kilometres and its litres) must not both be counted: for
-- a vehicle and a period, litres ("fuel") replace kilometres ("distance").
-- "hours" (generator hours) is tracked, never converted.
ALTER TABLE indicator ADD COLUMN measures TEXT CHECK (measures IN ('distance', 'fuel', 'hours'));
UPDATE indicator SET measures = 'distance'
    WHERE id IN ('van_km', 'car_diesel_km', 'car_petrol_km', 'car_electric_km');
UPDATE indicator SET measures = 'fuel' WHERE id IN ('van_diesel_l', 'van_petrol_l', 'generator_l');
UPDATE indicator SET measures = 'hours' WHERE id = 'generator_hours';
