-- 0012_footprint: one method per source (issue 18).
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

-- Hotels are accommodation, not mobility: the theme list gains
-- 'accommodation'. A CHECK cannot be altered, so the table is rebuilt;
-- collect_schedule's foreign key is checked at commit (deferred), once the
-- new table carries the same ids.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE indicator_new (
    id           TEXT PRIMARY KEY NOT NULL,
    name_fr      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    unit         TEXT NOT NULL,
    theme        TEXT NOT NULL CHECK (theme IN ('food', 'waste', 'energy', 'mobility', 'purchases',
                                                'accommodation')),
    category     TEXT NOT NULL CHECK (category IN ('production', 'locations', 'sets', 'hmc_costume',
                                                   'transport', 'logistics', 'equipment',
                                                   'postproduction')),
    factor_id    TEXT,
    collector    TEXT NOT NULL,
    review_above REAL NOT NULL,
    guide_fr     TEXT NOT NULL,
    guide_en     TEXT NOT NULL,
    measures     TEXT CHECK (measures IN ('distance', 'fuel', 'hours'))
) STRICT;
INSERT INTO indicator_new SELECT id, name_fr, name_en, unit, theme, category, factor_id, collector,
    review_above, guide_fr, guide_en, measures FROM indicator;
DROP TABLE indicator;
ALTER TABLE indicator_new RENAME TO indicator;
UPDATE indicator SET theme = 'accommodation' WHERE id = 'hotel_nights';

-- The factor catalogue is data: sets are JSON files (sync/domain/data/),
-- compiled into the binary and loaded at start by carbon_factor_sets_load.
-- Each factor says how far to trust it.
ALTER TABLE emission_factor ADD COLUMN status TEXT
    CHECK (status IN ('official', 'derived', 'estimate'));
ALTER TABLE emission_factor ADD COLUMN method TEXT; -- the computation of a derived or estimated value
UPDATE emission_factor SET status = CASE confirmed WHEN 1 THEN 'official' ELSE 'estimate' END;

-- The factor set a production's footprint is computed with. A new set is
-- used only when the office moves the production to it: a filed footprint
-- never changes silently. No row: the latest set.
CREATE TABLE production_factor_set (
    production_id TEXT PRIMARY KEY NOT NULL REFERENCES production (id),
    version       INTEGER NOT NULL REFERENCES factor_set (version),
    pinned_at     INTEGER NOT NULL
) STRICT;

-- Posts a real shoot has (issue 18). Their factors come with factor set 2
-- (sync/domain/data/factors-0002.json); under set 1 they are tracked only.
INSERT INTO indicator (id, name_fr, name_en, unit, theme, category, factor_id, collector, review_above, guide_fr, guide_en, measures) VALUES
('hvo_l', 'HVO des groupes électrogènes', 'Generator HVO', 'L', 'energy', 'equipment', 'hvo_l', 'image', 400,
 'Litres de HVO versés dans le groupe (bon de livraison).', 'Litres of HVO poured into the generator (delivery note).', 'fuel'),
('b100_l', 'B100 des groupes électrogènes', 'Generator B100', 'L', 'energy', 'equipment', 'b100_l', 'image', 400,
 'Litres de B100 versés dans le groupe (bon de livraison).', 'Litres of B100 poured into the generator (delivery note).', 'fuel'),
('battery_kwh', 'Groupes à batteries : recharge', 'Battery generators: charging', 'kWh', 'energy', 'equipment', 'grid_kwh', 'image', 2000,
 'kWh pris au réseau pour recharger les batteries (compteur de la borne).', 'kWh drawn from the grid to charge the batteries (charger meter).', NULL),
('office_kwh', 'Électricité des bureaux de production', 'Production office electricity', 'kWh', 'energy', 'production', 'grid_kwh', 'production', 5000,
 'Relevé du compteur ou facture des bureaux, au prorata de la période.', 'Office meter or bill, pro rata of the period.', NULL),
('plane_medium_pkm', 'Vols moyen-courrier', 'Medium-haul flights', 'p.km', 'mobility', 'transport', 'plane_medium_pkm', 'production', 40000,
 'Pour chaque vol de 1 000 à 3 500 km : distance × nombre de voyageurs.', 'For each 1,000-3,500 km flight: distance × number of travellers.', NULL),
('plane_long_pkm', 'Vols long-courrier', 'Long-haul flights', 'p.km', 'mobility', 'transport', 'plane_long_pkm', 'production', 100000,
 'Pour chaque vol de plus de 3 500 km : distance × nombre de voyageurs.', 'For each flight over 3,500 km: distance × number of travellers.', NULL),
('taxi_km', 'Taxis et VTC', 'Taxis and ride-hailing', 'km', 'mobility', 'transport', 'car_diesel_km', 'production', 1200,
 'Kilomètres de chaque course (reçu).', 'Kilometres of each ride (receipt).', NULL),
('breakfasts', 'Petits-déjeuners', 'Breakfasts', 'meal', 'food', 'logistics', 'breakfast', 'catering', 400,
 'Nombre de petits-déjeuners servis ou payés.', 'Number of breakfasts served or paid for.', NULL),
('storage_cloud_tb_year', 'Stockage en ligne (cloud)', 'Cloud storage', 'TB.yr', 'energy', 'postproduction', 'storage_cloud_tb_year', 'post', 500,
 'Téraoctets gardés en ligne × années de conservation prévues.', 'Terabytes kept online × years of planned retention.', NULL),
('storage_lto_tb_year', 'Archives sur bandes LTO', 'LTO tape archives', 'TB.yr', 'energy', 'postproduction', NULL, 'post', 500,
 'Téraoctets archivés sur bande × années. Pas encore de facteur : noté, non converti.', 'Terabytes archived on tape × years. No factor yet: recorded, not converted.', NULL);
UPDATE indicator SET name_fr = 'Stockage des rushes sur disques', name_en = 'Rushes storage on disks'
    WHERE id = 'storage_tb_year';

-- Readings that name a vehicle, for the one-method-per-source rule: the
-- footprint finds them without reading every row (1,000,000 readings: the
-- footprint went from 0.4 s to 1.2 s without it). Only readings with a
-- vehicle pay for this index.
CREATE INDEX reading_vehicles ON sync_fact (production_id, json_extract(fields, '$.vehicle'),
    json_extract(fields, '$.indicator'), substr(json_extract(fields, '$.at'), 1, 10))
    WHERE col = 'readings' AND superseded = 0 AND void = 0
      AND json_extract(fields, '$.vehicle') IS NOT NULL;
