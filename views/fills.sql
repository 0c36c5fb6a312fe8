-- v_fills: one row per LHC fill. Luminosities in pb^-1, peak_lumi in 10^30 cm^-2 s^-1.
-- stable_beams: the fill reached stable beams. Particle types follow the fill type (a PROTONS fill
-- collides protons in both beams; other types are not mapped). beta_star_start/stop: omsagg keeps
-- one beta* per fill. era and b_field come from the fill's runs (the first era; the mean field).
SELECT
  f.fill_number,
  f.fill_type_runtime,
  CASE f.fill_type_runtime WHEN 'PROTONS' THEN 'PROTON' END AS fill_type_party1,
  CASE f.fill_type_runtime WHEN 'PROTONS' THEN 'PROTON' END AS fill_type_party2,
  (SELECT min(e.era) FROM runs e WHERE e.fill_number = f.fill_number) AS era,
  f.start_time,
  f.end_time,
  f.start_stable_beam,
  f.end_stable_beam,
  CASE WHEN f.start_stable_beam IS NOT NULL THEN 1 ELSE 0 END AS stable_beams,
  f.duration,
  f.energy,
  (SELECT avg(b.b_field) FROM runs b WHERE b.fill_number = f.fill_number) AS b_field,
  f.bunches_colliding,
  f.bunches_target,
  f.bunches_beam1,
  f.bunches_beam2,
  f.peak_lumi,
  f.peak_pileup,
  f.delivered_lumi,
  f.delivered_lumi_stablebeams,
  f.recorded_lumi,
  f.recorded_lumi_stablebeams,
  CASE WHEN f.delivered_lumi > 0 THEN 100.0 * f.recorded_lumi / f.delivered_lumi ELSE NULL END AS efficiency_lumi,
  f.beta_star,
  f.beta_star AS beta_star_start,
  f.beta_star AS beta_star_stop,
  f.crossing_angle,
  f.injection_scheme,
  f.lumi_lifetime_h
FROM fills f
