-- v_hltpathinfo: one row per HLT path per run (counters summed over the run; rate = mean accept rate).
-- excepted: events in which the path raised an exception (omsagg's own name: errors);
-- number_lumisections: the lumisections the counters cover.
SELECT
  s.run_number,
  r.fill_number,
  s.path_id,
  p.path_name,
  p.path_group,
  r.hlt_key,
  s.first_lumisection_number,
  s.last_lumisection_number,
  CASE WHEN s.last_lumisection_number >= s.first_lumisection_number
    THEN s.last_lumisection_number - s.first_lumisection_number + 1 ELSE NULL END AS number_lumisections,
  s.l1_pass,
  s.ps_pass,
  s.accepted,
  s.errors AS excepted,
  s.rejected,
  CASE WHEN s.last_lumisection_number >= s.first_lumisection_number
    THEN s.accepted / ((s.last_lumisection_number - s.first_lumisection_number + 1) * 23.31) ELSE NULL END AS rate
FROM hlt_path_run_summary s
LEFT JOIN hlt_paths p ON p.path_id = s.path_id
LEFT JOIN runs r ON r.run_number = s.run_number
