// indicators.js - what crew record. The server's catalogue (GET
// /api/v1/indicators, schema/0004_carbon.sql) is the reference: a reading's
// indicator must be in it and carry its unit. The app keeps the last copy it
// fetched (IndexedDB) and starts from this built-in copy of the same table.
// Bounds: a value is >= 0 and at most ten times the catalogue's review_above
// (a single reading above review_above is accepted but flagged by the server).
const BUILTIN = [
  // id, unit, collector, review_above, vehicle?, name_fr, name_en
  ['van_km', 'km', 'regie', 1200, true, 'Kilomètres en utilitaire', 'Van kilometres'],
  ['van_diesel_l', 'L', 'regie', 150, true, 'Gazole des véhicules', 'Vehicle diesel'],
  ['van_petrol_l', 'L', 'regie', 150, true, 'Essence des véhicules', 'Vehicle petrol'],
  [
    'car_diesel_km',
    'km',
    'regie',
    1200,
    true,
    'Kilomètres en voiture gazole',
    'Diesel car kilometres',
  ],
  [
    'car_petrol_km',
    'km',
    'regie',
    1200,
    true,
    'Kilomètres en voiture essence',
    'Petrol car kilometres',
  ],
  [
    'car_electric_km',
    'km',
    'regie',
    1200,
    true,
    'Kilomètres en voiture électrique',
    'Electric car kilometres',
  ],
  ['train_tgv_pkm', 'p.km', 'production', 20000, false, 'Trajets en TGV', 'High-speed train trips'],
  ['train_ter_pkm', 'p.km', 'production', 20000, false, 'Trajets en TER', 'Regional train trips'],
  [
    'plane_short_pkm',
    'p.km',
    'production',
    20000,
    false,
    'Vols court-courrier',
    'Short-haul flights',
  ],
  ['grid_kwh', 'kWh', 'image', 5000, false, 'Électricité du réseau', 'Grid electricity'],
  ['generator_l', 'L', 'image', 400, false, 'Gazole des groupes électrogènes', 'Generator diesel'],
  ['generator_hours', 'h', 'image', 24, false, 'Heures de groupe électrogène', 'Generator hours'],
  ['meals_vegan', 'meal', 'catering', 400, false, 'Repas végétaliens', 'Vegan meals'],
  ['meals_vegetarian', 'meal', 'catering', 400, false, 'Repas végétariens', 'Vegetarian meals'],
  ['meals_chicken', 'meal', 'catering', 400, false, 'Repas avec poulet', 'Chicken meals'],
  ['meals_fish', 'meal', 'catering', 400, false, 'Repas avec poisson blanc', 'White fish meals'],
  ['meals_beef', 'meal', 'catering', 400, false, 'Repas avec bœuf', 'Beef meals'],
  [
    'meals_unknown',
    'meal',
    'catering',
    400,
    false,
    'Repas de régime inconnu',
    'Meals of unknown diet',
  ],
  ['hotel_nights', 'night', 'production', 200, false, 'Nuits d’hôtel', 'Hotel nights'],
  [
    'waste_residual_kg',
    'kg',
    'regie',
    500,
    false,
    'Déchets résiduels (incinérés)',
    'Residual waste (incinerated)',
  ],
  ['waste_mixed_kg', 'kg', 'regie', 2000, false, 'Déchets en mélange (DIB)', 'Mixed waste (DIB)'],
  ['waste_wood_kg', 'kg', 'decor', 3000, false, 'Déchets de bois', 'Wood waste'],
  ['paper_kg', 'kg', 'production', 200, false, 'Papier acheté', 'Paper bought'],
  [
    'furniture_new_kg',
    'kg',
    'decor',
    2000,
    false,
    'Mobilier et accessoires neufs',
    'New furniture and props',
  ],
  ['storage_tb_year', 'TB.yr', 'post', 500, false, 'Stockage des rushes', 'Rushes storage'],
].map(([id, unit, collector, review, vehicle, fr, en]) => ({
  id,
  unit,
  collector,
  review_above: review,
  vehicle,
  name_fr: fr,
  name_en: en,
}));

const VEHICLE = new Set(BUILTIN.filter((i) => i.vehicle).map((i) => i.id));
let catalogue = BUILTIN;

// Replaces the built-in list with the server's (an array of its rows).
export function setCatalogue(list) {
  if (!Array.isArray(list) || !list.length) return;
  catalogue = list
    .filter((i) => i && typeof i.id === 'string' && typeof i.unit === 'string')
    .map((i) => ({
      ...i,
      vehicle: VEHICLE.has(i.id) || /^(van|car|truck)_/.test(i.id),
      review_above: Number(i.review_above) || 1e6,
    }));
}

export function all() {
  return catalogue;
}

export function indicator(id) {
  return catalogue.find((i) => i.id === id) || null;
}

export function bounds(i) {
  return { min: 0, max: i.review_above * 10 };
}

export function name(id, lang) {
  const i = indicator(id) || BUILTIN.find((x) => x.id === id);
  if (!i) return id;
  return (lang === 'en' ? i.name_en : i.name_fr) || i.name_fr || id;
}

export function guide(id, lang) {
  const i = indicator(id);
  return (i && (lang === 'en' ? i.guide_en : i.guide_fr)) || '';
}

export const DEPTS = [
  'production',
  'regie',
  'decor',
  'costumes',
  'hmc',
  'image',
  'son',
  'catering',
  'post',
];

// Parses "38,5" or "38.5"; NaN when not a plain number.
export function parseNumber(text) {
  const s = String(text ?? '')
    .trim()
    .replace(/\s/g, '')
    .replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return NaN;
  return Number(s);
}

// Local date as YYYY-MM-DD.
export function today(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
