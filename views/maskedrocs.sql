-- v_maskedrocs: masked readout chips per detector part per lumisection.
SELECT
  m.run_number,
  m.lumisection_number,
  l.fill_number,
  l.start_time,
  m.part,
  CASE WHEN m.part LIKE 'BPix%' THEN 'BPix' ELSE 'FPix' END AS subdetector,
  m.masked_rocs,
  m.total_rocs,
  CASE WHEN m.total_rocs > 0 THEN 100.0 * m.masked_rocs / m.total_rocs ELSE NULL END AS masked_fraction,
  m.masked_roc_list
FROM masked_roc_counts m
LEFT JOIN lumisections l ON l.run_number = m.run_number AND l.lumisection_number = m.lumisection_number
