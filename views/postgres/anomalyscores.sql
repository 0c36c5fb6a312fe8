-- v_anomalyscores (PostgreSQL): see views/anomalyscores.sql.
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
  (s.contributors::json -> 0) ->> 'name' AS top_contributor,
  (s.contributors::json -> 0) ->> 'detail' AS top_detail,
  ((s.contributors::json -> 0) ->> 'observed_rate_hz')::double precision AS observed_rate,
  ((s.contributors::json -> 0) ->> 'predicted_rate_hz')::double precision AS predicted_rate,
  s.scored_at
FROM omsagg_anomaly_scores s
LEFT JOIN lumisections l ON l.run_number = s.run_number AND l.lumisection_number = s.lumisection_number
