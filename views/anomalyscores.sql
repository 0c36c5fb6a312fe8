-- v_anomalyscores: anomaly score per lumisection and model (rate, correlation, health, combined).
-- contributors is the JSON array the scorer wrote; the top one is unpacked for tables and probes.
-- This file is the SQLite form (json_extract); views/postgres and views/oracle hold the other dialects.
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
  json_extract(s.contributors, '$[0].name') AS top_contributor,
  json_extract(s.contributors, '$[0].detail') AS top_detail,
  CAST(json_extract(s.contributors, '$[0].observed_rate_hz') AS REAL) AS observed_rate,
  CAST(json_extract(s.contributors, '$[0].predicted_rate_hz') AS REAL) AS predicted_rate,
  s.scored_at
FROM omsagg_anomaly_scores s
LEFT JOIN lumisections l ON l.run_number = s.run_number AND l.lumisection_number = s.lumisection_number
