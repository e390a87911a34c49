-- 0004_carbon: the indicator catalogue (C7), versioned emission factors and
-- saved footprints (C8). Factors are data: a new set of values is a new
-- factor_set version added by a later migration, never an edit of this one,
-- and every saved footprint records the version it used.

-- Current facts become a column check instead of a NOT EXISTS per row: the
-- footprint sums a million readings in well under a second (bench/).
ALTER TABLE sync_fact ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
UPDATE sync_fact SET superseded = 1 WHERE EXISTS (
    SELECT 1 FROM sync_fact s WHERE s.col = sync_fact.col AND s.supersedes = sync_fact.rid);
CREATE INDEX sync_fact_current ON sync_fact (production_id, col) WHERE superseded = 0 AND void = 0;
-- Covering index of current readings by (indicator, department, value): the
-- footprint's GROUP BY walks it in order without touching the table or
-- sorting, and the review flags are range scans on value within a group.
CREATE INDEX reading_totals ON sync_fact (production_id, json_extract(fields, '$.indicator'),
    json_extract(fields, '$.dept'), json_extract(fields, '$.value'))
    WHERE col = 'readings' AND superseded = 0 AND void = 0;

CREATE TABLE factor_set (
    version   INTEGER PRIMARY KEY,
    published TEXT NOT NULL,          -- ISO date the set was assembled
    note      TEXT NOT NULL
) STRICT;

-- One emission factor: kgCO2e per unit of activity.
CREATE TABLE emission_factor (
    version       INTEGER NOT NULL REFERENCES factor_set (version),
    id            TEXT NOT NULL,          -- stable key, e.g. 'diesel_road_l'
    value         REAL NOT NULL CHECK (value >= 0),
    unit          TEXT NOT NULL,          -- activity unit: 'L', 'kWh', 'km', 'p.km', 'meal', 'kg', 'night', 'TB.yr'
    name_fr       TEXT NOT NULL,
    official_name TEXT,                   -- the source's own label
    official_id   TEXT,                   -- Base Carbone element id, when known
    year          INTEGER,
    source_url    TEXT NOT NULL,
    uncertainty   REAL NOT NULL CHECK (uncertainty BETWEEN 0 AND 2), -- relative, 0.1 = ±10 %
    confirmed     INTEGER NOT NULL CHECK (confirmed IN (0, 1)),     -- 0: no primary source found
    note          TEXT,
    PRIMARY KEY (version, id)
) STRICT;

-- What a production collects. unit is the only unit a reading may carry.
-- review_above: a single reading above it is accepted but flagged for review.
CREATE TABLE indicator (
    id           TEXT PRIMARY KEY NOT NULL,
    name_fr      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    unit         TEXT NOT NULL,
    theme        TEXT NOT NULL CHECK (theme IN ('food', 'waste', 'energy', 'mobility', 'purchases')),
    category     TEXT NOT NULL CHECK (category IN ('production', 'locations', 'sets', 'hmc_costume',
                                                   'transport', 'logistics', 'equipment',
                                                   'postproduction')),
    factor_id    TEXT,                    -- NULL: tracked, not converted (say what to record instead)
    collector    TEXT NOT NULL,           -- department that usually reports it
    review_above REAL NOT NULL,
    guide_fr     TEXT NOT NULL,           -- how to collect it, in one or two sentences
    guide_en     TEXT NOT NULL
) STRICT;

CREATE TABLE footprint (
    id             TEXT PRIMARY KEY NOT NULL,
    production_id  TEXT NOT NULL REFERENCES production (id),
    kind           TEXT NOT NULL CHECK (kind IN ('provisional', 'final')),
    factor_version INTEGER NOT NULL REFERENCES factor_set (version),
    computed_at    INTEGER NOT NULL,
    total_kg       REAL NOT NULL,
    uncertainty_kg REAL NOT NULL,
    detail         TEXT NOT NULL CHECK (json_valid(detail))
) STRICT;
CREATE INDEX footprint_production ON footprint (production_id, computed_at);

-- Planned quantities per indicator (the provisional footprint's input),
-- edited by the office like any synced record.
INSERT INTO sync_collection (name, type, spec) VALUES
('estimates', 'record', json('{"fields": {
    "indicator": {"type": "string", "max": 64},
    "value": {"type": "number", "min": 0, "max": 1e12},
    "unit": {"type": "string", "max": 16},
    "dept": {"type": "string", "max": 32},
    "note": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": false}'));

INSERT INTO factor_set (version, published, note) VALUES
(1, '2026-11-28', 'ADEME Base Carbone / Base Empreinte values and the 2017 transport GES arrêté, as collected in docs/carbon.md; unconfirmed values flagged');

INSERT INTO emission_factor (version, id, value, unit, name_fr, official_name, official_id, year,
                             source_url, uncertainty, confirmed, note) VALUES
(1, 'diesel_road_l', 3.10, 'L', 'Gazole routier (amont + combustion)', 'Gazole routier B7', '25775', 2023,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/transport/voiture.publicodes', 0.10, 0,
 'Value from NGC (v23.6); the Base Carbone id and split are unconfirmed'),
(1, 'diesel_offroad_l', 3.17, 'L', 'Gazole non routier (groupes électrogènes)', 'Gazole non routier', NULL, 2017,
 'https://legal.tricoteuses.fr/articles/JORFARTI000034502756', 0.10, 1,
 'Arrêté of 26 April 2017, information GES des prestations de transport'),
(1, 'petrol_l', 2.70, 'L', 'Essence (SP95, E10, SP98)', 'Supercarburant sans plomb (95, 95-E10, 98)', '25763', 2023,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/transport/voiture.publicodes', 0.10, 0,
 'Base Carbone id unconfirmed'),
(1, 'grid_kwh', 0.052, 'kWh', 'Électricité réseau, mix moyen France', 'Electricité - 2022 - mix moyen - consommation', '42513', 2022,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.10, 1, NULL),
(1, 'car_diesel_km', 0.227, 'km', 'Voiture gazole', 'Voiture - Motorisation gazole - 2018', '27966', 2018,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.20, 1, NULL),
(1, 'car_petrol_km', 0.239, 'km', 'Voiture essence', 'Voiture - Motorisation essence - 2018', '27965', 2018,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.20, 1, NULL),
(1, 'car_electric_km', 0.103, 'km', 'Voiture électrique (compacte)', 'Voiture - Motorisation électrique', '28007', 2018,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.20, 1, NULL),
(1, 'van_km', 0.227, 'km', 'Utilitaire léger (approximation : voiture gazole)', NULL, NULL, 2018,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.50, 0,
 'No light-van factor found: the diesel car value is a lower bound. Prefer recording litres of fuel.'),
(1, 'train_tgv_pkm', 0.00293, 'p.km', 'TGV', 'TGV (données SNCF 2022)', NULL, 2022,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/transport/train.publicodes', 0.20, 1, NULL),
(1, 'train_ter_pkm', 0.0277, 'p.km', 'TER', 'TER traction moyenne 2022', NULL, 2022,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/transport/train.publicodes', 0.20, 1,
 '2021 value 31.7 g is Base Carbone id 37141'),
(1, 'train_intercites_pkm', 0.00898, 'p.km', 'Intercités', 'Intercités 2022', NULL, 2022,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/transport/train.publicodes', 0.20, 1, NULL),
(1, 'plane_short_pkm', 0.259, 'p.km', 'Avion court-courrier (avec traînées)', 'Avion passagers - Court courrier, 2018 - AVEC trainées', '28130', 2018,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.70, 1, 'Includes 0.117 for contrails; ±70 %'),
(1, 'hotel_night', 6.93, 'night', 'Nuit d''hôtel en France (hors petit-déjeuner)', NULL, NULL, 2020,
 'https://nosgestesclimat.fr/en/documentation/logement/vacances/empreinte-hotel-par-nuit', 0.50, 1,
 'ADEME report (2020), not a Base Carbone element; 4.73 (unclassified) to 17.11 (5 stars)'),
(1, 'meal_vegan', 0.39, 'meal', 'Repas végétalien', NULL, '20683', NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed as a Base Carbone id'),
(1, 'meal_vegetarian', 0.51, 'meal', 'Repas végétarien', NULL, NULL, NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed'),
(1, 'meal_chicken', 1.58, 'meal', 'Repas avec poulet', NULL, NULL, NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed'),
(1, 'meal_white_fish', 1.98, 'meal', 'Repas avec poisson blanc', NULL, NULL, NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed'),
(1, 'meal_oily_fish', 1.11, 'meal', 'Repas avec poisson gras', NULL, NULL, NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed'),
(1, 'meal_beef', 7.26, 'meal', 'Repas avec bœuf', NULL, NULL, NULL,
 'https://github.com/incubateur-ademe/impactco2/blob/HEAD/src/data/categories/repas.json', 0.30, 0, 'Id unconfirmed'),
(1, 'waste_residual_incineration_kg', 0.374, 'kg', 'Ordures résiduelles incinérées', 'Ordures ménagères résiduelles - Incinération - Impacts', NULL, NULL,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/alimentation/mod%C3%A8le%20d%C3%A9chets/omr.yaml', 0.30, 1, '374 kgCO2e/t'),
(1, 'waste_residual_landfill_kg', 0.412, 'kg', 'Ordures résiduelles enfouies', 'Ordures ménagères résiduelles - Stockage - Impacts', NULL, NULL,
 'https://github.com/incubateur-ademe/nosgestesclimat/blob/HEAD/data/alimentation/mod%C3%A8le%20d%C3%A9chets/omr.yaml', 0.30, 1, '412 kgCO2e/t'),
(1, 'waste_mixed_kg', 0.087, 'kg', 'DIB en mélange, fin de vie moyenne', 'Déchets non dangereux en mélange (DIB)', '34682', NULL,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.30, 1, '87 kgCO2e/t'),
(1, 'waste_wood_kg', 0.122, 'kg', 'Déchets de bois de construction (classe B)', 'Bois de construction classe B, fin de vie moyenne', '34678', NULL,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.30, 1, '122 kgCO2e/t'),
(1, 'paper_kg', 0.919, 'kg', 'Papier (moyenne, fabrication)', 'Papier, moyenne', '24309', NULL,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.20, 1, NULL),
(1, 'furniture_new_kg', 1.833, 'kg', 'Mobilier neuf (fabrication)', 'Mobilier, fabrication', '20907', NULL,
 'https://github.com/ABC-TransitionBasCarbone/bilan-carbone', 0.50, 1, '1,833 kgCO2e/t'),
(1, 'storage_tb_year', 208.0, 'TB.yr', 'Stockage de données (par To et par an)', NULL, NULL, 2021,
 'https://recapp.ch/?p=7147', 0.70, 0, 'Öko-Institut/UBA 2021, not an ADEME factor');

INSERT INTO indicator (id, name_fr, name_en, unit, theme, category, factor_id, collector, review_above, guide_fr, guide_en) VALUES
('van_diesel_l', 'Gazole des véhicules', 'Vehicle diesel', 'L', 'mobility', 'transport', 'diesel_road_l', 'regie', 150,
 'Au plein, notez les litres du ticket de la station, véhicule par véhicule.', 'At each fill-up, record the litres on the receipt, vehicle by vehicle.'),
('van_petrol_l', 'Essence des véhicules', 'Vehicle petrol', 'L', 'mobility', 'transport', 'petrol_l', 'regie', 150,
 'Au plein, notez les litres du ticket.', 'At each fill-up, record the litres on the receipt.'),
('van_km', 'Kilomètres en utilitaire', 'Van kilometres', 'km', 'mobility', 'transport', 'van_km', 'regie', 1200,
 'Chaque soir, relevez le compteur et notez les kilomètres du jour.', 'Each evening, read the odometer and record the day''s kilometres.'),
('car_diesel_km', 'Kilomètres en voiture gazole', 'Diesel car kilometres', 'km', 'mobility', 'transport', 'car_diesel_km', 'regie', 1200,
 'Kilomètres du jour au compteur.', 'The day''s kilometres from the odometer.'),
('car_petrol_km', 'Kilomètres en voiture essence', 'Petrol car kilometres', 'km', 'mobility', 'transport', 'car_petrol_km', 'regie', 1200,
 'Kilomètres du jour au compteur.', 'The day''s kilometres from the odometer.'),
('car_electric_km', 'Kilomètres en voiture électrique', 'Electric car kilometres', 'km', 'mobility', 'transport', 'car_electric_km', 'regie', 1200,
 'Kilomètres du jour au compteur.', 'The day''s kilometres from the odometer.'),
('train_tgv_pkm', 'Trajets en TGV', 'High-speed train trips', 'p.km', 'mobility', 'transport', 'train_tgv_pkm', 'production', 20000,
 'Pour chaque billet : distance × nombre de voyageurs.', 'For each ticket: distance × number of travellers.'),
('train_ter_pkm', 'Trajets en TER', 'Regional train trips', 'p.km', 'mobility', 'transport', 'train_ter_pkm', 'production', 20000,
 'Pour chaque billet : distance × nombre de voyageurs.', 'For each ticket: distance × number of travellers.'),
('plane_short_pkm', 'Vols court-courrier', 'Short-haul flights', 'p.km', 'mobility', 'transport', 'plane_short_pkm', 'production', 20000,
 'Pour chaque vol : distance × nombre de voyageurs.', 'For each flight: distance × number of travellers.'),
('grid_kwh', 'Électricité du réseau', 'Grid electricity', 'kWh', 'energy', 'locations', 'grid_kwh', 'image', 5000,
 'Relevez le compteur du branchement forain au début et à la fin de la journée.', 'Read the temporary connection meter at the start and end of the day.'),
('generator_l', 'Gazole des groupes électrogènes', 'Generator diesel', 'L', 'energy', 'equipment', 'diesel_offroad_l', 'image', 400,
 'Notez les litres versés dans le groupe (ou la jauge avant et après).', 'Record the litres poured into the generator (or the gauge before and after).'),
('generator_hours', 'Heures de groupe électrogène', 'Generator hours', 'h', 'energy', 'equipment', NULL, 'image', 24,
 'Relevez le compteur horaire. Notez aussi les litres : ce sont eux qui comptent pour le bilan.', 'Read the hour meter. Also record the litres: they are what the footprint counts.'),
('meals_vegan', 'Repas végétaliens', 'Vegan meals', 'meal', 'food', 'logistics', 'meal_vegan', 'catering', 400,
 'Comptez les repas servis par régime à chaque service.', 'Count meals served by diet at each service.'),
('meals_vegetarian', 'Repas végétariens', 'Vegetarian meals', 'meal', 'food', 'logistics', 'meal_vegetarian', 'catering', 400,
 'Comptez les repas servis par régime à chaque service.', 'Count meals served by diet at each service.'),
('meals_chicken', 'Repas avec poulet', 'Chicken meals', 'meal', 'food', 'logistics', 'meal_chicken', 'catering', 400,
 'Comptez les repas servis par régime à chaque service.', 'Count meals served by diet at each service.'),
('meals_fish', 'Repas avec poisson blanc', 'White fish meals', 'meal', 'food', 'logistics', 'meal_white_fish', 'catering', 400,
 'Comptez les repas servis par régime à chaque service.', 'Count meals served by diet at each service.'),
('meals_beef', 'Repas avec bœuf', 'Beef meals', 'meal', 'food', 'logistics', 'meal_beef', 'catering', 400,
 'Comptez les repas servis par régime à chaque service.', 'Count meals served by diet at each service.'),
('hotel_nights', 'Nuits d''hôtel', 'Hotel nights', 'night', 'mobility', 'logistics', 'hotel_night', 'production', 200,
 'Nombre de chambres × nuits, d''après les factures.', 'Rooms × nights, from the invoices.'),
('waste_residual_kg', 'Déchets résiduels (incinérés)', 'Residual waste (incinerated)', 'kg', 'waste', 'logistics', 'waste_residual_incineration_kg', 'regie', 500,
 'Pesez les sacs du bac gris avant l''enlèvement.', 'Weigh the grey-bin bags before collection.'),
('waste_mixed_kg', 'Déchets en mélange (DIB)', 'Mixed waste (DIB)', 'kg', 'waste', 'logistics', 'waste_mixed_kg', 'regie', 2000,
 'Poids indiqué sur le bon d''enlèvement de la benne.', 'The weight on the skip collection slip.'),
('waste_wood_kg', 'Déchets de bois', 'Wood waste', 'kg', 'waste', 'sets', 'waste_wood_kg', 'decor', 3000,
 'Poids des chutes de bois évacuées (bon d''enlèvement).', 'Weight of wood offcuts removed (collection slip).'),
('paper_kg', 'Papier acheté', 'Paper bought', 'kg', 'purchases', 'production', 'paper_kg', 'production', 200,
 'Une ramette A4 pèse 2,5 kg.', 'A ream of A4 weighs 2.5 kg.'),
('furniture_new_kg', 'Mobilier et accessoires neufs', 'New furniture and props', 'kg', 'purchases', 'sets', 'furniture_new_kg', 'decor', 2000,
 'Poids des achats neufs (fiche produit ou pesée). Le réemploi ne compte pas.', 'Weight of new purchases (product sheet or scale). Reuse does not count.'),
('storage_tb_year', 'Stockage des rushes', 'Rushes storage', 'TB.yr', 'energy', 'postproduction', 'storage_tb_year', 'post', 500,
 'Téraoctets conservés × années de conservation prévues.', 'Terabytes kept × years of planned retention.');
