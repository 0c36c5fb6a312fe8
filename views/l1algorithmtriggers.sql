-- v_l1algorithmtriggers: one row per L1 algorithm bit per lumisection; rates = counter / 23.31 s.
SELECT
  c.run_number,
  c.lumisection_number,
  l.fill_number,
  l.start_time,
  c.bit,
  a.name,
  c.pre_dt_before_prescale_counter,
  c.pre_dt_before_prescale_counter / 23.31 AS pre_dt_before_prescale_rate,
  c.pre_dt_counter,
  c.pre_dt_counter / 23.31 AS pre_dt_rate,
  c.post_dt_counter,
  c.post_dt_counter / 23.31 AS post_dt_rate,
  c.initial_prescale,
  c.final_prescale
FROM l1_algorithm_counts c
LEFT JOIN lumisections l ON l.run_number = c.run_number AND l.lumisection_number = c.lumisection_number
LEFT JOIN runs r ON r.run_number = c.run_number
LEFT JOIN l1_algorithms a ON a.l1_menu = r.l1_menu AND a.bit = c.bit
