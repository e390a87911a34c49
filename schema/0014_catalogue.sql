-- 0014_catalogue: the posts of a Carbon'Clap form (docs/carbon.md, "The
-- factor catalogue"), and every production pinned to the factor set it is
-- computed with.
--
-- Their factors come with factor set 3 (sync/domain/data/factors-0003.json);
-- under an earlier set, and where no factor exists at all (factor_id NULL:
-- rented and second-hand costumes, panels, reused materials, ferries,
-- rentals, equipment days, glass, metals, biowaste, textiles, hazardous
-- waste), they are recorded and listed as untracked, never counted as zero.
INSERT INTO indicator (id, name_fr, name_en, unit, theme, category, factor_id, collector, review_above, guide_fr, guide_en, measures) VALUES
-- Purchases by euros spent (monetary ratios), when no physical quantity is known.
('purchase_services_eur', 'Achats de services (imprimerie, publicité, nettoyage, gardiennage)', 'Services bought (printing, advertising, cleaning, security)', 'EUR', 'purchases', 'production', 'eur_services', 'production', 50000,
 'Montant HT des factures de la période.', 'Amount before tax of the period''s invoices.', NULL),
('purchase_transport_eur', 'Prestations de transport (en euros, sans tonnes·km)', 'Transport services (in euros, without tonne-km)', 'EUR', 'purchases', 'transport', 'eur_land_transport', 'regie', 50000,
 'Montant HT, seulement si les tonnes·km ne sont pas connues (sinon : fret).', 'Amount before tax, only when the tonne-km are unknown (otherwise: freight).', NULL),
('purchase_manufactured_eur', 'Accessoires, mobilier et objets achetés', 'Props, furniture and goods bought', 'EUR', 'purchases', 'sets', 'eur_manufactured', 'decor', 50000,
 'Montant HT des achats d''objets (accessoires, mobilier), neufs.', 'Amount before tax of goods bought new (props, furniture).', NULL),
('purchase_equipment_eur', 'Matériel technique acheté', 'Technical equipment bought', 'EUR', 'purchases', 'equipment', 'eur_machines', 'image', 50000,
 'Montant HT du matériel acheté (pas loué).', 'Amount before tax of equipment bought (not rented).', NULL),
('purchase_repair_eur', 'Réparations et installation de matériel', 'Equipment repair and installation', 'EUR', 'purchases', 'equipment', 'eur_repair', 'image', 50000,
 'Montant HT des réparations et installations.', 'Amount before tax of repairs and installation.', NULL),
('purchase_catering_eur', 'Restauration et hébergement payés en euros', 'Catering and lodging paid in euros', 'EUR', 'purchases', 'logistics', 'eur_catering', 'regie', 50000,
 'Seulement quand le nombre de repas ou de nuits n''est pas connu.', 'Only when the number of meals or nights is unknown.', NULL),
('purchase_telecom_eur', 'Télécommunications', 'Telecommunications', 'EUR', 'purchases', 'production', 'eur_telecom', 'production', 20000,
 'Forfaits et abonnements de la période, HT.', 'Plans and subscriptions of the period, before tax.', NULL),
('purchase_insurance_eur', 'Assurances, banque, conseil et honoraires', 'Insurance, banking, advice and fees', 'EUR', 'purchases', 'production', 'eur_insurance', 'production', 100000,
 'Montant HT de la période.', 'Amount before tax of the period.', NULL),
('purchase_mail_eur', 'Courrier et coursiers', 'Mail and couriers', 'EUR', 'purchases', 'production', 'eur_mail', 'production', 10000,
 'Montant HT de la période.', 'Amount before tax of the period.', NULL),
('set_paint_eur', 'Peintures, vernis et produits du décor', 'Set paint, varnish and products', 'EUR', 'purchases', 'sets', 'eur_chemicals', 'decor', 20000,
 'Montant HT des peintures et produits achetés.', 'Amount before tax of paint and products bought.', NULL),
('hmc_products_eur', 'Produits de maquillage et de coiffure', 'Make-up and hair products', 'EUR', 'purchases', 'hmc_costume', 'eur_chemicals', 'hmc', 10000,
 'Montant HT des produits achetés.', 'Amount before tax of the products bought.', NULL),
('snacks_drinks_eur', 'Collations et boissons (café, eau, en-cas)', 'Snacks and drinks (coffee, water, snacks)', 'EUR', 'food', 'logistics', 'eur_snacks_drinks', 'catering', 10000,
 'Montant HT des collations et boissons de la période.', 'Amount before tax of the period''s snacks and drinks.', NULL),
-- Equipment and post-production.
('equipment_rental_days', 'Location de matériel technique', 'Technical equipment rental', 'day', 'purchases', 'equipment', NULL, 'image', 2000,
 'Jours de location × nombre de lots (bon de location). Pas encore de facteur : noté, non converti.', 'Rental days × number of kits (rental slip). No factor yet: recorded, not converted.', NULL),
('postprod_days', 'Jours de postproduction (montage, étalonnage, mixage)', 'Post-production days (editing, grading, mixing)', 'day', 'energy', 'postproduction', 'postprod_day', 'post', 200,
 'Jours × salles occupées (planning de postproduction).', 'Days × rooms in use (post-production schedule).', NULL),
-- Costumes and HMC.
('costume_new_pieces', 'Costumes achetés neufs', 'Costumes bought new', 'piece', 'purchases', 'hmc_costume', 'garment_new', 'costumes', 500,
 'Nombre de pièces achetées neuves.', 'Number of pieces bought new.', NULL),
('costume_rented_pieces', 'Costumes loués', 'Costumes rented', 'piece', 'purchases', 'hmc_costume', NULL, 'costumes', 1000,
 'Nombre de pièces louées. Pas de facteur : noté, non converti.', 'Number of pieces rented. No factor: recorded, not converted.', NULL),
('costume_secondhand_pieces', 'Costumes de seconde main', 'Second-hand costumes', 'piece', 'purchases', 'hmc_costume', NULL, 'costumes', 1000,
 'Nombre de pièces achetées d''occasion. Pas de facteur : noté, non converti.', 'Number of pieces bought second hand. No factor: recorded, not converted.', NULL),
-- Set materials.
('set_timber_new_kg', 'Bois neuf du décor', 'New set timber', 'kg', 'purchases', 'sets', 'timber_new_kg', 'decor', 5000,
 'Kilos de bois acheté neuf (bon de livraison).', 'Kilograms of timber bought new (delivery note).', NULL),
('set_panels_new_kg', 'Panneaux neufs du décor (contreplaqué, médium)', 'New set panels (plywood, MDF)', 'kg', 'purchases', 'sets', NULL, 'decor', 5000,
 'Kilos de panneaux achetés neufs. Pas encore de facteur : noté, non converti.', 'Kilograms of panels bought new. No factor yet: recorded, not converted.', NULL),
('set_steel_new_kg', 'Acier neuf du décor', 'New set steel', 'kg', 'purchases', 'sets', 'steel_new_kg', 'decor', 5000,
 'Kilos d''acier acheté neuf.', 'Kilograms of steel bought new.', NULL),
('set_reused_kg', 'Matériaux de décor réemployés', 'Reused set materials', 'kg', 'purchases', 'sets', NULL, 'decor', 10000,
 'Kilos de matériaux réemployés (stock, ressourcerie). Noté pour le rapport, non converti.', 'Kilograms of reused materials (stock, reuse centre). Recorded for the report, not converted.', NULL),
-- Freight and transport of people.
('freight_rigid_tkm', 'Fret en porteur (12 à 20 t)', 'Freight by rigid truck (12-20 t)', 't.km', 'mobility', 'transport', 'freight_rigid_tkm', 'regie', 20000,
 'Tonnes transportées × km, par le transporteur.', 'Tonnes carried × km, by the carrier.', NULL),
('freight_articulated_tkm', 'Fret en semi-remorque (34 à 40 t)', 'Freight by articulated truck (34-40 t)', 't.km', 'mobility', 'transport', 'freight_articulated_tkm', 'regie', 50000,
 'Tonnes transportées × km, par le transporteur.', 'Tonnes carried × km, by the carrier.', NULL),
('truck_km', 'Camions de la production', 'Production trucks', 'km', 'mobility', 'transport', 'truck_km', 'regie', 1500,
 'Kilomètres du compteur, camion par camion ; ses litres, s''ils sont notés, les remplacent.', 'Odometer kilometres, truck by truck; its litres, when recorded, replace them.', 'distance'),
('coach_pkm', 'Autocars', 'Coaches', 'p.km', 'mobility', 'transport', 'coach_pkm', 'production', 50000,
 'Distance × nombre de passagers.', 'Distance × number of passengers.', NULL),
('ferry_pkm', 'Ferries', 'Ferries', 'p.km', 'mobility', 'transport', NULL, 'production', 20000,
 'Distance × nombre de passagers. Pas encore de facteur : noté, non converti.', 'Distance × number of passengers. No factor yet: recorded, not converted.', NULL),
-- Accommodation.
('hotel_nights_unclassified', 'Nuitées en hôtel non classé', 'Nights in unclassified hotels', 'night', 'accommodation', 'logistics', 'hotel_night_unclassified', 'regie', 200,
 'Nombre de personnes × nuits.', 'Number of people × nights.', NULL),
('hotel_nights_5star', 'Nuitées en hôtel 5 étoiles', 'Nights in 5-star hotels', 'night', 'accommodation', 'logistics', 'hotel_night_5star', 'regie', 100,
 'Nombre de personnes × nuits.', 'Number of people × nights.', NULL),
('rental_nights', 'Nuitées en location (meublé, gîte)', 'Nights in rentals (flat, cottage)', 'night', 'accommodation', 'logistics', NULL, 'regie', 200,
 'Nombre de personnes × nuits. Pas encore de facteur : noté, non converti.', 'Number of people × nights. No factor yet: recorded, not converted.', NULL),
-- Recycling streams.
('waste_cardboard_kg', 'Carton trié', 'Sorted cardboard', 'kg', 'waste', 'logistics', 'waste_cardboard_kg', 'regie', 1000,
 'Kilos remis à la filière (bon d''enlèvement).', 'Kilograms handed to the recycler (collection slip).', NULL),
('waste_plastic_kg', 'Plastiques triés', 'Sorted plastics', 'kg', 'waste', 'logistics', 'waste_plastic_kg', 'regie', 500,
 'Kilos remis à la filière.', 'Kilograms handed to the recycler.', NULL),
('waste_wood_packaging_kg', 'Bois d''emballage et palettes triés', 'Sorted packaging wood and pallets', 'kg', 'waste', 'logistics', 'waste_wood_packaging_kg', 'regie', 2000,
 'Kilos remis à la filière.', 'Kilograms handed to the recycler.', NULL),
('waste_glass_kg', 'Verre trié', 'Sorted glass', 'kg', 'waste', 'logistics', NULL, 'regie', 500,
 'Kilos remis à la filière. Pas encore de facteur : noté, non converti.', 'Kilograms handed to the recycler. No factor yet: recorded, not converted.', NULL),
('waste_metal_kg', 'Métaux triés', 'Sorted metals', 'kg', 'waste', 'logistics', NULL, 'regie', 2000,
 'Kilos remis à la filière. Pas encore de facteur : noté, non converti.', 'Kilograms handed to the recycler. No factor yet: recorded, not converted.', NULL),
('waste_biowaste_kg', 'Biodéchets', 'Biowaste', 'kg', 'waste', 'logistics', NULL, 'catering', 500,
 'Kilos remis au composteur ou à la filière. Pas encore de facteur : noté, non converti.', 'Kilograms handed to the composter or collector. No factor yet: recorded, not converted.', NULL),
('waste_textile_kg', 'Textiles triés', 'Sorted textiles', 'kg', 'waste', 'hmc_costume', NULL, 'costumes', 500,
 'Kilos remis à la filière. Pas encore de facteur : noté, non converti.', 'Kilograms handed to the recycler. No factor yet: recorded, not converted.', NULL),
('waste_hazardous_kg', 'Déchets dangereux (peintures, solvants, piles)', 'Hazardous waste (paint, solvents, batteries)', 'kg', 'waste', 'sets', NULL, 'decor', 200,
 'Kilos remis à la filière agréée. Pas encore de facteur : noté, non converti.', 'Kilograms handed to the approved collector. No factor yet: recorded, not converted.', NULL);

-- A production's footprint never changes silently when a new set arrives:
-- every production is pinned to the set it was computed with (the latest
-- one loaded before this migration), new ones at creation
-- (production_create). The office moves it explicitly.
INSERT INTO production_factor_set (production_id, version, pinned_at)
SELECT p.id, (SELECT max(version) FROM factor_set), CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM production p
WHERE p.is_company_space = 0
  AND NOT EXISTS (SELECT 1 FROM production_factor_set s WHERE s.production_id = p.id);

-- The forecast as filed (docs/carbon.md, "The forecast, filed"): each time
-- the office files the provisional footprint (with the budget, then at each
-- revision), its quantities and the footprint they gave are frozen here. A
-- later revision is a new version; a filed one never changes, whatever
-- happens to the estimates or the factor sets afterwards.
CREATE TABLE forecast_version (
    production_id  TEXT NOT NULL REFERENCES production (id),
    version        INTEGER NOT NULL CHECK (version >= 1),
    label          TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
    filed_at       INTEGER NOT NULL,
    filed_by       TEXT NOT NULL,   -- the member who filed it
    factor_version INTEGER NOT NULL,
    items          TEXT NOT NULL CHECK (json_valid(items)),     -- the estimates as filed
    footprint      TEXT NOT NULL CHECK (json_valid(footprint)), -- the provisional footprint then
    PRIMARY KEY (production_id, version)
) STRICT;
CREATE TRIGGER forecast_version_frozen BEFORE UPDATE ON forecast_version
BEGIN
    SELECT RAISE(ABORT, 'a filed forecast is never changed');
END;

-- An action's objective can be stated in kgCO2e avoided ("target_kg"), and
-- an action that raises one indicator to replace another (vegetarian meals
-- for beef ones, HVO for diesel) names what it replaces ("replaces"): the
-- plan then shows the emissions it avoided against its baseline
-- (docs/plan.md, "Avoided emissions").
UPDATE sync_collection SET spec = json_set(spec,
    '$.fields.target_kg', json('{"type": "number", "min": 0, "max": 1e9}'),
    '$.fields.replaces', json('{"type": "string", "max": 64}'))
WHERE name = 'actions';
