-- v_runs: one row per run; summaries materialised by the generator, as OMS does. The stripped keys
-- and modes are the stored keys without their prefix (l1_key 'l1_trg_collisions2018/v60' →
-- 'collisions2018/v60'; trigger_mode 'l1_hlt_collisions2018/v120' → l1_hlt_mode_stripped
-- 'collisions2018/v120', l1_hlt_mode 'collisions2018'). Fill type, crossing angle and beta* come
-- from the run's fill: omsagg keeps one crossing angle and one beta* per fill, so start = stop.
-- number_of_lumisections counts the run's lumisections.
SELECT
  r.run_number,
  r.fill_number,
  r.start_time,
  r.end_time,
  r.duration,
  r.last_lumisection_number,
  (SELECT count(*) FROM lumisections n WHERE n.run_number = r.run_number) AS number_of_lumisections,
  r.sequence,
  r.era,
  r.l1_menu,
  r.l1_key,
  CASE WHEN substr(r.l1_key, 1, 7) = 'l1_trg_' THEN substr(r.l1_key, 8) ELSE r.l1_key END AS l1_key_stripped,
  r.hlt_key,
  r.cmssw_version,
  r.b_field,
  r.energy,
  r.stable_beam,
  r.components,
  r.components_out,
  r.initial_prescale_index,
  r.clock_type,
  r.trigger_mode,
  CASE
    WHEN substr(r.trigger_mode, 1, 7) = 'l1_hlt_' AND rtrim(substr(r.trigger_mode, 8), '0123456789') LIKE '%/v'
      THEN substr(r.trigger_mode, 8, length(rtrim(substr(r.trigger_mode, 8), '0123456789')) - 2)
    WHEN substr(r.trigger_mode, 1, 7) = 'l1_hlt_' THEN substr(r.trigger_mode, 8)
    ELSE r.trigger_mode
  END AS l1_hlt_mode,
  CASE WHEN substr(r.trigger_mode, 1, 7) = 'l1_hlt_' THEN substr(r.trigger_mode, 8) ELSE r.trigger_mode END AS l1_hlt_mode_stripped,
  f.fill_type_runtime,
  CASE f.fill_type_runtime WHEN 'PROTONS' THEN 'PROTON' END AS fill_type_party1,
  CASE f.fill_type_runtime WHEN 'PROTONS' THEN 'PROTON' END AS fill_type_party2,
  f.crossing_angle AS crossing_angle_start,
  f.crossing_angle AS crossing_angle_stop,
  f.beta_star AS beta_star_start,
  f.beta_star AS beta_star_stop,
  r.l1_rate,
  r.hlt_physics_rate,
  r.l1_triggers_counter,
  r.hlt_physics_counter,
  r.init_lumi,
  r.end_lumi,
  r.delivered_lumi,
  r.recorded_lumi,
  r.beamactive_total_deadtime
FROM runs r
LEFT JOIN fills f ON f.fill_number = r.fill_number
