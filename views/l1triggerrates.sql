-- v_l1triggerrates: L1 accept counters per lumisection, flat; the resource nests them as {counter, rate}.
-- physics_generated_fdl_tcds: physics triggers generated = accepted + lost to dead time.
SELECT
  t.run_number,
  t.lumisection_number,
  t.lumisection_number AS first_lumisection_number,
  t.lumisection_number AS last_lumisection_number,
  l.fill_number,
  l.start_time,
  l.end_time,
  t.l1a_total AS l1a_total_counter,
  t.l1a_total / 23.31 AS l1a_total_rate,
  t.l1a_physics AS l1a_physics_counter,
  t.l1a_physics / 23.31 AS l1a_physics_rate,
  t.l1a_calibration AS l1a_calibration_counter,
  t.l1a_calibration / 23.31 AS l1a_calibration_rate,
  t.l1a_random AS l1a_random_counter,
  t.l1a_random / 23.31 AS l1a_random_rate,
  t.total_before_deadtime AS total_before_deadtime_counter,
  t.total_before_deadtime / 23.31 AS total_before_deadtime_rate,
  t.l1a_physics + t.trigger_physics_lost AS physics_generated_fdl_tcds_counter,
  (t.l1a_physics + t.trigger_physics_lost) / 23.31 AS physics_generated_fdl_tcds_rate,
  t.trigger_physics_lost AS trigger_physics_lost_counter,
  t.trigger_physics_lost / 23.31 AS trigger_physics_lost_rate,
  CASE WHEN t.l1a_physics + t.trigger_physics_lost > 0
    THEN 100.0 * t.trigger_physics_lost / (t.l1a_physics + t.trigger_physics_lost) ELSE NULL END AS percentage_physics_triggers_lost
FROM l1_trigger_counts t
LEFT JOIN lumisections l ON l.run_number = t.run_number AND l.lumisection_number = t.lumisection_number
