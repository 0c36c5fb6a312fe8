-- v_hltphysicsrates: the HLT physics rate per lumisection, as the sum over the physics paths (every
-- path outside the alca and zerobias groups). One row per lumisection, driven by the lumisections
-- table, so counting and paging cost what they cost on lumisections; the sums are correlated
-- subqueries over the lumisection's path counts (one index range each), computed only when the
-- column is read. Without path counts for a lumisection, counter and rate are NULL.
SELECT
  l.run_number,
  l.lumisection_number,
  l.lumisection_number AS first_lumisection_number,
  l.lumisection_number AS last_lumisection_number,
  l.fill_number,
  l.start_time,
  (SELECT sum(c.accepted) FROM hlt_path_counts c
    WHERE c.run_number = l.run_number AND c.lumisection_number = l.lumisection_number
      AND c.path_id NOT IN (SELECT x.path_id FROM hlt_paths x WHERE x.path_group IN ('alca', 'zerobias'))) AS counter,
  (SELECT sum(c.accepted) / 23.31 FROM hlt_path_counts c
    WHERE c.run_number = l.run_number AND c.lumisection_number = l.lumisection_number
      AND c.path_id NOT IN (SELECT x.path_id FROM hlt_paths x WHERE x.path_group IN ('alca', 'zerobias'))) AS rate,
  (SELECT count(*) FROM hlt_path_counts c
    WHERE c.run_number = l.run_number AND c.lumisection_number = l.lumisection_number
      AND c.path_id NOT IN (SELECT x.path_id FROM hlt_paths x WHERE x.path_group IN ('alca', 'zerobias'))) AS physics_paths
FROM lumisections l
