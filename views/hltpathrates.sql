-- v_hltpathrates: one row per HLT path per lumisection. counter = accepted events; rate = counter / 23.31 s.
-- first/last_lumisection_number: the row's lumisection (folds: the first and last one).
SELECT
  c.run_number,
  c.lumisection_number,
  c.lumisection_number AS first_lumisection_number,
  c.lumisection_number AS last_lumisection_number,
  l.fill_number,
  c.path_id,
  p.path_name,
  p.path_group,
  l.start_time,
  c.accepted AS counter,
  c.accepted / 23.31 AS rate,
  c.l1_pass,
  c.ps_pass,
  ps.prescale,
  l.prescale_index
FROM hlt_path_counts c
LEFT JOIN lumisections l ON l.run_number = c.run_number AND l.lumisection_number = c.lumisection_number
LEFT JOIN hlt_paths p ON p.path_id = c.path_id
LEFT JOIN runs r ON r.run_number = c.run_number
LEFT JOIN hlt_prescales ps ON ps.hlt_key = r.hlt_key AND ps.path_id = c.path_id AND ps.prescale_index = l.prescale_index
