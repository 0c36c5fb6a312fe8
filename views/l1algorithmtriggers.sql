-- v_l1algorithmtriggers: one row per L1 algorithm bit per lumisection; rates = counter / 23.31 s.
-- first/last_lumisection_number: the row's lumisection (folds: the first and last one). The
-- prescales in force at the start and end of the lumisection: the lumisection's prescale column
-- (columns change only at lumisection boundaries) and the bit's prescale in it.
SELECT
  c.run_number,
  c.lumisection_number,
  c.lumisection_number AS first_lumisection_number,
  c.lumisection_number AS last_lumisection_number,
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
  l.prescale_index AS initial_prescale_prescale_index,
  l.prescale_name AS initial_prescale_prescale_name,
  c.initial_prescale AS initial_prescale_prescale,
  l.prescale_index AS final_prescale_prescale_index,
  l.prescale_name AS final_prescale_prescale_name,
  c.final_prescale AS final_prescale_prescale
FROM l1_algorithm_counts c
LEFT JOIN lumisections l ON l.run_number = c.run_number AND l.lumisection_number = c.lumisection_number
LEFT JOIN runs r ON r.run_number = c.run_number
LEFT JOIN l1_algorithms a ON a.l1_menu = r.l1_menu AND a.bit = c.bit
