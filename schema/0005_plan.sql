-- 0005_plan: the company's shared directory (C3), the action library (C4),
-- people's profiles, advice notes and checkpoints (C6). docs/plan.md and
-- docs/sync-protocol.md ("Company scope").

-- Each company gets one "company space": a production row that no member
-- belongs to, whose records are the company's shared ones (the directory and
-- its criteria). Records of a collection whose spec says "scope": "company"
-- are stored in the space of the pushing production's company, and a pull
-- returns them to every production of that company. A space is a production
-- row so the op log, its foreign keys and the merge need no change.
ALTER TABLE production ADD COLUMN is_company_space INTEGER NOT NULL DEFAULT 0
    CHECK (is_company_space IN (0, 1));

INSERT INTO production (id, company_id, title, kind, created_at, is_company_space)
    SELECT 'co:' || id, id, name, 'other', created_at, 1 FROM company;

CREATE TRIGGER company_space_create AFTER INSERT ON company
BEGIN
    INSERT INTO production (id, company_id, title, kind, created_at, is_company_space)
    VALUES ('co:' || NEW.id, NEW.id, NEW.name, 'other', NEW.created_at, 1);
END;

-- The directory: partners, service providers, materials and tools, assessed
-- against the criteria the company defined beforehand (collection
-- "criteria"). criteria_met lists the ids of the criteria met; evidence says
-- how it was checked (certificate number, menu, invoice...).
UPDATE sync_collection SET spec = json('{"scope": "company", "fields": {
    "name": {"type": "string", "max": 200},
    "kind": {"type": "string", "enum": ["partner", "provider", "material", "tool"]},
    "scope": {"type": "string", "enum": ["catering", "transport", "accommodation", "costumes",
              "makeup", "sets", "energy", "equipment", "digital", "waste", "other"]},
    "location": {"type": "string", "max": 200},
    "contact": {"type": "string", "max": 300},
    "price_level": {"type": "integer", "min": 1, "max": 3},
    "budget": {"type": "string", "max": 200},
    "constraints": {"type": "string", "max": 2000},
    "criteria_met": {"type": "array"},
    "evidence": {"type": "string", "max": 2000},
    "feedback": {"type": "string", "max": 4000},
    "rating": {"type": "integer", "min": 1, "max": 5},
    "_deleted": {"type": "boolean"}
  }, "extra": true}') WHERE name = 'suppliers';

INSERT INTO sync_collection (name, type, spec) VALUES
('criteria', 'record', json('{"scope": "company", "fields": {
    "label": {"type": "string", "max": 200},
    "scope": {"type": "string", "enum": ["catering", "transport", "accommodation", "costumes",
              "makeup", "sets", "energy", "equipment", "digital", "waste", "other", "all"]},
    "description": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": false}')),
-- C6: what the eco-referent knows of each person, to decide who gets what.
-- member is the member id; levels are 0 (none) to 3 (high).
('profiles', 'record', json('{"fields": {
    "member": {"type": "string", "max": 64},
    "name": {"type": "string", "max": 200},
    "role": {"type": "string", "max": 100},
    "dept": {"type": "string", "max": 32},
    "level": {"type": "integer", "min": 0, "max": 9},
    "knowledge": {"type": "integer", "min": 0, "max": 3},
    "skill": {"type": "integer", "min": 0, "max": 3},
    "appetite": {"type": "integer", "min": 0, "max": 3},
    "note": {"type": "string", "max": 2000},
    "_deleted": {"type": "boolean"}
  }, "extra": false}')),
-- Advice notes to other departments, drafted from the plan and edited.
('advice', 'record', json('{"fields": {
    "dept": {"type": "string", "max": 32},
    "title": {"type": "string", "max": 300},
    "body": {"type": "string", "max": 8000},
    "actions": {"type": "array"},
    "status": {"type": "string", "enum": ["draft", "sent"]},
    "_deleted": {"type": "boolean"}
  }, "extra": false}'));

-- Checkpoints: planned, then recorded (held_on and notes).
UPDATE sync_collection SET spec = json('{"fields": {
    "title": {"type": "string", "max": 300},
    "date": {"type": "string", "max": 32},
    "held_on": {"type": "string", "max": 32},
    "with": {"type": "array"},
    "notes": {"type": "string", "max": 8000},
    "_deleted": {"type": "boolean"}
  }, "extra": true}') WHERE name = 'checkpoints';

-- The action library: common actions to start a plan from. Tags name what
-- each serves: "afnor:<chapter>" for the 7 chapters of AFNOR SPEC 2308 and
-- "ecoprod:<post>" for the 10 posts of the Ecoprod label's referential
-- (docs/plan.md lists them). Chapters and posts only: the criteria's own
-- numbers are not public in our sources, so none is invented here.
CREATE TABLE action_library (
    id         TEXT PRIMARY KEY NOT NULL,
    theme      TEXT NOT NULL CHECK (theme IN ('food', 'waste', 'energy', 'mobility',
                                              'purchases', 'carbon', 'other')),
    dept       TEXT NOT NULL,
    title_fr   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    objective  TEXT NOT NULL,               -- French, editable once started
    means      TEXT NOT NULL,
    indicator  TEXT,                        -- an indicator of the catalogue, or NULL
    measure    TEXT NOT NULL DEFAULT 'total' CHECK (measure IN ('total', 'share')),
    direction  TEXT NOT NULL CHECK (direction IN ('down', 'up', 'none')),
    tags       TEXT NOT NULL CHECK (json_valid(tags))
) STRICT;

INSERT INTO action_library VALUES
('lib-veggie-meal', 'food', 'catering', 'Un repas végétarien par semaine',
 'One vegetarian meal a week',
 '−15 % de carbone sur la cantine grâce à un repas végétarien par semaine',
 'Brief du traiteur, menu affiché la veille', 'meals_vegetarian', 'share', 'up',
 '["afnor:purchasing_food_waste", "ecoprod:regie"]'),
('lib-carafes', 'waste', 'regie', 'Carafes et gourdes, zéro bouteille plastique',
 'Jugs and bottles, no plastic bottles',
 'Supprimer les bouteilles d’eau jetables sur le plateau',
 'Gourdes distribuées, fontaines ou carafes à la cantine', NULL, 'total', 'none',
 '["afnor:purchasing_food_waste", "ecoprod:regie"]'),
('lib-sorting', 'waste', 'regie', 'Tri des déchets en cinq flux',
 'Five-stream waste sorting',
 'Trier papier, plastique, verre, biodéchets et ordures résiduelles',
 'Bacs étiquetés, filière de collecte, pesée hebdomadaire', 'waste_residual_kg', 'total', 'down',
 '["afnor:purchasing_food_waste", "ecoprod:regie", "ecoprod:locations"]'),
('lib-grid-power', 'energy', 'image', 'Raccordement au réseau plutôt que groupe',
 'Grid connection instead of a generator',
 'Réduire le gazole des groupes électrogènes',
 'Demande de raccordement forain, batteries pour les petits besoins', 'generator_l', 'total',
 'down', '["afnor:energy_mobility", "ecoprod:technical"]'),
('lib-led', 'energy', 'image', 'Projecteurs LED', 'LED lighting',
 'Remplacer les sources à incandescence et HMI par des LED',
 'Liste de matériel revue avec le chef électricien', NULL, 'total', 'none',
 '["afnor:energy_mobility", "ecoprod:technical"]'),
('lib-carpool', 'mobility', 'regie', 'Covoiturage et navettes', 'Car-pooling and shuttles',
 'Moins de kilomètres en voiture individuelle',
 'Plan de navettes, tableau de covoiturage', 'car_diesel_km', 'total', 'down',
 '["afnor:energy_mobility", "ecoprod:travel"]'),
('lib-train', 'mobility', 'production', 'Le train plutôt que l’avion', 'Train rather than plane',
 'Aucun vol sur les trajets de moins de 5 heures en train',
 'Règle de réservation, budget transport revu', 'plane_short_pkm', 'total', 'down',
 '["afnor:energy_mobility", "ecoprod:travel"]'),
('lib-electric-vehicles', 'mobility', 'regie', 'Véhicules électriques ou hybrides',
 'Electric or hybrid vehicles',
 'Part des véhicules de production électriques',
 'Loueur sélectionné dans l’annuaire, bornes sur la base', 'car_electric_km', 'total', 'up',
 '["afnor:energy_mobility", "ecoprod:travel"]'),
('lib-reuse-sets', 'purchases', 'deco', 'Décors de réemploi', 'Reused sets',
 'Construire avec des matériaux de réemploi et donner les décors',
 'Ressourcerie, location, plan de démontage sélectif', 'furniture_new_kg', 'total', 'down',
 '["afnor:purchasing_food_waste", "ecoprod:sets"]'),
('lib-costume-rental', 'purchases', 'costumes', 'Costumes loués ou de seconde main',
 'Rented or second-hand costumes',
 'Privilégier location et seconde main aux achats neufs',
 'Costumiers loueurs de l’annuaire, dons en fin de tournage', NULL, 'total', 'none',
 '["afnor:purchasing_food_waste", "ecoprod:hmc"]'),
('lib-brush-station', 'purchases', 'makeup', 'Station de nettoyage des pinceaux à eau recyclée',
 'Water-recycling brush station',
 'Moins d’eau et de solvants au maquillage', 'Station louée, produits sans solvant', NULL,
 'total', 'none', '["afnor:purchasing_food_waste", "ecoprod:hmc"]'),
('lib-data-retention', 'carbon', 'post', 'Transferts de fichiers à courte rétention',
 'Short-retention file transfers',
 'Limiter les copies et la durée de stockage des rushes en ligne',
 'Liens de transfert à 7 jours, politique de sauvegarde écrite', 'storage_tb_year', 'total', 'down',
 '["afnor:digital", "ecoprod:postproduction"]'),
('lib-kickoff', 'other', 'production', 'Réunion de lancement éco-responsable',
 'Eco-responsible kick-off meeting',
 'Chaque chef de poste connaît le plan et ses indicateurs',
 'Réunion avant tournage, fiche par département', NULL, 'total', 'none',
 '["afnor:governance", "afnor:training", "ecoprod:commitment"]'),
('lib-biodiversity', 'other', 'regie', 'Charte des décors naturels', 'Natural locations charter',
 'Remettre les lieux en état, sans trace ni dérangement de la faune',
 'Repérage avec le gestionnaire du site, consignes affichées', NULL, 'total', 'none',
 '["afnor:biodiversity", "ecoprod:locations"]');
