-- v_fills: one row per LHC fill. Luminosities in pb^-1, peak_lumi in 10^30 cm^-2 s^-1.
SELECT
  f.fill_number,
  f.fill_type_runtime,
  f.start_time,
  f.end_time,
  f.start_stable_beam,
  f.end_stable_beam,
  f.duration,
  f.energy,
  f.bunches_colliding,
  f.bunches_beam1,
  f.bunches_beam2,
  f.peak_lumi,
  f.peak_pileup,
  f.delivered_lumi,
  f.recorded_lumi,
  CASE WHEN f.delivered_lumi > 0 THEN 100.0 * f.recorded_lumi / f.delivered_lumi ELSE NULL END AS efficiency_lumi,
  f.beta_star,
  f.crossing_angle,
  f.injection_scheme,
  f.lumi_lifetime_h
FROM fills f
