import Database from 'better-sqlite3';
const db = new Database('data/bench/month.sqlite', { readonly: true });
const q = (sql)=>{ const st=db.prepare(sql); st.raw(true); console.log(db.prepare('EXPLAIN QUERY PLAN '+sql).all().map(r=>r.detail).join(' | ')); let t=performance.now(); const n=st.all().length; console.log((performance.now()-t).toFixed(1),'ms',n); };
const L=(o)=>`(SELECT l_.lumisection_number FROM v_hltpathrates l_ WHERE l_.run_number = ${o} ORDER BY l_.lumisection_number DESC LIMIT 1)`;
q(`SELECT a.* FROM v_runs r_ CROSS JOIN v_hltpathrates a ON a.run_number = r_.run_number AND a.lumisection_number = ${L('r_.run_number')} ORDER BY r_.run_number, a.lumisection_number, a.path_id LIMIT 101`);
q(`SELECT a.* FROM v_runs r_ CROSS JOIN v_hltpathrates a ON a.run_number = r_.run_number AND a.lumisection_number = ${L('r_.run_number')} ORDER BY r_.run_number desc, a.lumisection_number desc, a.path_id desc LIMIT 101`);
q(`SELECT a.* FROM v_runs r_ CROSS JOIN v_hltpathrates a ON a.run_number = r_.run_number AND a.lumisection_number = ${L('r_.run_number')} ORDER BY a.rate desc, a.run_number, a.lumisection_number, a.path_id LIMIT 101`);
q(`SELECT count(*) FROM (SELECT 1 FROM v_runs r_ CROSS JOIN v_hltpathrates a ON a.run_number = r_.run_number AND a.lumisection_number = ${L('r_.run_number')} LIMIT 100001)`);
q(`SELECT a.* FROM v_runs r_ CROSS JOIN v_pixelcurrents a ON a.run_number = r_.run_number AND a.lumisection_number = (SELECT l_.lumisection_number FROM v_pixelcurrents l_ WHERE l_.run_number = r_.run_number ORDER BY l_.lumisection_number DESC LIMIT 1) ORDER BY r_.run_number, a.lumisection_number LIMIT 101`);
