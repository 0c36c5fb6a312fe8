-- v_anomalyscores: anomaly score per lumisection and model (rate, correlation, health, combined).
-- contributors is the JSON array the scorer wrote; the scorer also stores the top one in columns
-- for tables and probes.
SELECT
  s.run_number,
  s.lumisection_number,
  l.fill_number,
  l.start_time,
  s.model,
  s.score,
  s.threshold,
  s.flag,
  s.contributors,
  s.top_contributor,
  s.top_detail,
  s.observed_rate,
  s.predicted_rate,
  s.scored_at
FROM omsagg_anomaly_scores s
LEFT JOIN lumisections l ON l.run_number = s.run_number AND l.lumisection_number = s.lumisection_number
