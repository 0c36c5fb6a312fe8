-- v_deadtimes: dead time fractions per lumisection, all in %.
SELECT
  d.run_number,
  d.lumisection_number,
  l.fill_number,
  l.start_time,
  d.overall_total_deadtime,
  d.beamactive_total_deadtime,
  d.tts_deadtime,
  d.trigger_rules_deadtime,
  d.calibration_deadtime,
  d.apve_deadtime,
  d.firmware_deadtime
FROM deadtimes_ls d
LEFT JOIN lumisections l ON l.run_number = d.run_number AND l.lumisection_number = d.lumisection_number
