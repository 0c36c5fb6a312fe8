-- v_prescalechanges: the lumisections where a run's prescale column changes (OMS prescalechanges):
-- the run's first lumisection, then every one whose column differs from the one before.
SELECT
  l.run_number,
  l.lumisection_number,
  l.fill_number,
  l.start_time,
  l.prescale_index AS new_prescale_index,
  l.prescale_name AS new_prescale_name,
  p.prescale_index AS old_prescale_index
FROM lumisections l
LEFT JOIN lumisections p ON p.run_number = l.run_number AND p.lumisection_number = l.lumisection_number - 1
WHERE p.run_number IS NULL OR p.prescale_index <> l.prescale_index
