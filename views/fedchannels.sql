-- v_fedchannels: status of every pixel FED channel per run (for the one-page overview).
SELECT
  s.run_number,
  r.fill_number,
  s.fed_id,
  s.channel,
  fc.module_id,
  m.module_name,
  fc.part,
  m.power_group,
  s.status,
  s.error_count,
  s.last_error_code,
  t.error_name AS last_error_name
FROM fed_channel_status s
LEFT JOIN runs r ON r.run_number = s.run_number
LEFT JOIN pixel_fed_channels fc ON fc.fed_id = s.fed_id AND fc.channel = s.channel
LEFT JOIN pixel_modules m ON m.module_id = fc.module_id
LEFT JOIN fed_error_types t ON t.error_code = s.last_error_code
