-- v_anomalyscores (Oracle, untested against a live server): see views/anomalyscores.sql.
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
  JSON_VALUE(s.contributors, '$[0].name') AS top_contributor,
  JSON_VALUE(s.contributors, '$[0].detail') AS top_detail,
  JSON_VALUE(s.contributors, '$[0].observed_rate_hz' RETURNING NUMBER) AS observed_rate,
  JSON_VALUE(s.contributors, '$[0].predicted_rate_hz' RETURNING NUMBER) AS predicted_rate,
  s.scored_at
FROM omsagg_anomaly_scores s
LEFT JOIN lumisections l ON l.run_number = s.run_number AND l.lumisection_number = s.lumisection_number
