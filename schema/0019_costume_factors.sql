-- 0019_costume_factors: four posts that were recorded without a factor get
-- one in factor set 5 (sync/domain/data/factors-0005.json, docs/carbon.md
-- "The factor catalogue"): rented and second-hand costumes, furnished
-- rentals, sorted textiles. All four are estimates with their method.
--
-- A production pinned to an earlier set keeps them untracked: the join on
-- (factor_id, version) finds no factor there, so a filed footprint never
-- changes until the office moves the production to set 5.
UPDATE indicator SET factor_id = 'garment_rented',
    guide_fr = 'Nombre de pièces louées, par production. Facteur estimé (voir la table des facteurs).',
    guide_en = 'Number of pieces rented, per production. An estimated factor (see the factor table).'
WHERE id = 'costume_rented_pieces';
UPDATE indicator SET factor_id = 'garment_secondhand',
    guide_fr = 'Nombre de pièces achetées d''occasion. Facteur estimé (voir la table des facteurs).',
    guide_en = 'Number of pieces bought second hand. An estimated factor (see the factor table).'
WHERE id = 'costume_secondhand_pieces';
UPDATE indicator SET factor_id = 'rental_night',
    guide_fr = 'Nombre de personnes × nuits. Facteur estimé (nuit d''hôtel non classé).',
    guide_en = 'Number of people × nights. An estimated factor (an unclassified hotel night).'
WHERE id = 'rental_nights';
UPDATE indicator SET factor_id = 'waste_textile_kg',
    guide_fr = 'Kilos remis à la filière. Facteur estimé (ordre de grandeur).',
    guide_en = 'Kilograms handed to the recycler. An estimated factor (order of magnitude).'
WHERE id = 'waste_textile_kg';
