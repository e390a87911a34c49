-- 0017_untracked_factors: four posts that were recorded without a factor get
-- one in factor set 4 (sync/domain/data/factors-0004.json, docs/carbon.md
-- "The factor catalogue"): ferries, sorted glass, sorted metals, biowaste.
--
-- A production pinned to an earlier set keeps them untracked: the join on
-- (factor_id, version) finds no factor there, so a filed footprint never
-- changes until the office moves the production to set 4.
UPDATE indicator SET factor_id = 'ferry_pkm',
    guide_fr = 'Distance × nombre de passagers.',
    guide_en = 'Distance × number of passengers.'
WHERE id = 'ferry_pkm';
UPDATE indicator SET factor_id = 'waste_glass_kg',
    guide_fr = 'Kilos remis à la filière (bon d''enlèvement).',
    guide_en = 'Kilograms handed to the recycler (collection slip).'
WHERE id = 'waste_glass_kg';
UPDATE indicator SET factor_id = 'waste_metal_kg',
    guide_fr = 'Kilos remis à la filière. Facteur estimé par prudence (voir la table des facteurs).',
    guide_en = 'Kilograms handed to the recycler. A cautious estimated factor (see the factor table).'
WHERE id = 'waste_metal_kg';
UPDATE indicator SET factor_id = 'waste_biowaste_kg',
    guide_fr = 'Kilos remis au composteur ou à la filière. Facteur estimé (ordre de grandeur).',
    guide_en = 'Kilograms handed to the composter or collector. An estimated factor (order of magnitude).'
WHERE id = 'waste_biowaste_kg';
