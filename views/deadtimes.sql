-- v_deadtimes: dead time per lumisection, in % of the lumisection, by source as OMS names them
-- (<scope>_<source>_percent: the resource nests them as {percent}). The sources are measured over
-- all bunch crossings (overall_); only the total is also kept while beams are active.
-- first/last_lumisection_number: the row's lumisection (folds: the first and last one).
SELECT
  d.run_number,
  d.lumisection_number,
  d.lumisection_number AS first_lumisection_number,
  d.lumisection_number AS last_lumisection_number,
  l.fill_number,
  l.start_time,
  d.overall_total_deadtime AS overall_total_deadtime_percent,
  d.beamactive_total_deadtime AS beamactive_total_deadtime_percent,
  d.tts_deadtime AS overall_tts_percent,
  d.trigger_rules_deadtime AS overall_trigger_rules_percent,
  d.calibration_deadtime AS overall_calibration_percent,
  d.apve_deadtime AS overall_apve_percent,
  d.firmware_deadtime AS overall_firmware_pause_percent
FROM deadtimes_ls d
LEFT JOIN lumisections l ON l.run_number = d.run_number AND l.lumisection_number = d.lumisection_number
