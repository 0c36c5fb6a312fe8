-- v_federrors: pixel FED error counts per FED, channel, error type and lumisection (non-zero rows only).
SELECT
  e.run_number,
  e.lumisection_number,
  l.fill_number,
  l.start_time,
  e.fed_id,
  e.channel,
  fc.module_id,
  m.module_name,
  fc.part,
  e.error_code,
  t.error_name,
  e.error_count
FROM fed_error_counts e
LEFT JOIN lumisections l ON l.run_number = e.run_number AND l.lumisection_number = e.lumisection_number
LEFT JOIN fed_error_types t ON t.error_code = e.error_code
LEFT JOIN pixel_fed_channels fc ON fc.fed_id = e.fed_id AND fc.channel = e.channel
LEFT JOIN pixel_modules m ON m.module_id = fc.module_id
