#!/usr/bin/python3
"""The benchmark behind `make bench` (run through tests/bench/run.sh).

For each size it generates a DLCS-shaped database (tests/sql/generate.sql,
then drift.sql), and measures each job twice, first with drift present and
then again with nothing to change:

  quiet runs   nothing else writes: wall time, the confirmation pause, peak
               RSS (GNU time), WAL bytes (insert LSN before and after), rows
               inserted/updated/deleted and dead tuples left in the job's
               table (pg_stat_user_tables), and the floor: the one
               aggregate scan no implementation avoids, timed in this
               session on a warm cache;
  probe runs   drift re-injected, then the same runs again while a probe
               does what the API does every few milliseconds (an image
               added or removed, with its counter and storage updates, in
               one transaction): its latency during the run against the
               same probe with no job running.

The two kinds of run are separate so the probe's own writes do not count
as the job's WAL and rows.  Figures go to a JSON file; tests/bench/report.py
turns them into the markdown table and the chart.
"""
import argparse
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SQL = os.path.join(ROOT, 'tests', 'sql')
# The API's own statements, shared with the concurrency tests' writers.
sys.path.insert(0, os.path.join(ROOT, 'tests', 'lib'))
from api_writer import add_image, counters, del_image  # noqa: E402

# The aggregate scans no implementation avoids: the counts over "Images",
# and the sums over "ImageStorage" and the hosted "Adjuncts".  count(*) over
# the groups keeps the result transfer out of the timing.
FLOORS = {
    'entity-counter-recalculator': [
        'SELECT count(*) FROM (SELECT "Customer", "Space", count(*)'
        '  FROM "Images" GROUP BY 1, 2) x',
    ],
    'customer-storage-recalculator': [
        'SELECT count(*) FROM (SELECT "Customer", "Space", count(*),'
        '       sum("Size"), sum("ThumbnailSize"), sum("AdjunctSize")'
        '  FROM "ImageStorage" GROUP BY 1, 2) x',
        'SELECT count(*) FROM (SELECT split_part("AssetId", \'/\', 1),'
        '       split_part("AssetId", \'/\', 2), count(*)'
        '  FROM "Adjuncts" WHERE "Origin" <> \'\' GROUP BY 1, 2) x',
    ],
}
TABLES = {
    'entity-counter-recalculator': 'EntityCounters',
    'customer-storage-recalculator': 'CustomerStorage',
}


def psql(db, *args):
    subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db,
                    *args], check=True, stdout=subprocess.DEVNULL)


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(p * len(v)))], 3)


class Probe(threading.Thread):
    """One API-like client: every period_ms it adds an image (with its
    "ImageStorage" row, both counters and both storage rows, in one
    transaction) or removes one it added, and records each latency.  It
    leaves the database as it found it."""

    def __init__(self, dsn, period_ms, seed):
        super().__init__(daemon=True)
        self.conn = psycopg2.connect(dsn, application_name='bench-probe')
        self.period = period_ms / 1000
        self.rng = random.Random(seed)
        self.stop_event = threading.Event()
        self.samples = []  # (monotonic start, latency ms)
        self.errors = 0
        self.serial = 0
        with self.conn.cursor() as cur:
            cur.execute('SELECT "Customer", "Scope"::int, "Next"'
                        '  FROM "EntityCounters"'
                        ' WHERE "Type" = \'space-images\' AND "Next" > 0'
                        '   AND "Scope" ~ \'^[0-9]{1,3}$\'')
            rows = cur.fetchall()
            cur.execute("SELECT to_regclass('\"Adjuncts\"') IS NOT NULL")
            self.aggregate = ('"Space" IS NULL' if cur.fetchone()[0]
                              else '"Space" = 0')
        self.conn.commit()
        self.targets = [(c, s) for c, s, _ in rows]
        self.weights = [n for _, _, n in rows]

    def storage(self, cur, c, s, sign):
        upd = ('UPDATE "CustomerStorage" SET'
               ' "NumberOfStoredImages" = "NumberOfStoredImages" + %s,'
               ' "TotalSizeOfStoredImages" = "TotalSizeOfStoredImages" + %s,'
               ' "TotalSizeOfThumbnails" = "TotalSizeOfThumbnails" + %s'
               ' WHERE "Customer" = %s AND ')
        figures = (sign, sign * 50000, sign * 1000, c)
        # The per-space row first, then the aggregate, as the API does.
        cur.execute(upd + '"Space" = %s', figures + (s,))
        cur.execute(upd + self.aggregate, figures)

    def add(self, cur):
        c, s = self.rng.choices(self.targets, self.weights)[0]
        self.serial += 1
        name = f'probe{self.serial}-'
        add_image(cur, c, s, name)
        cur.execute('INSERT INTO "ImageStorage" ("Id", "Customer", "Space",'
                    ' "ThumbnailSize", "Size", "CheckingInProgress")'
                    ' VALUES (%s, %s, %s, 1000, 50000, false)',
                    (f'{c}/{s}/{name}1', c, s))
        counters(cur, c, s, 1)
        self.storage(cur, c, s, 1)
        return (c, s, name)

    def remove(self, cur, image):
        c, s, name = image
        del_image(cur, c, s, name)
        cur.execute('DELETE FROM "ImageStorage" WHERE "Id" = %s',
                    (f'{c}/{s}/{name}1',))
        counters(cur, c, s, -1)
        self.storage(cur, c, s, -1)

    def one(self, image):
        start = time.monotonic()
        try:
            with self.conn.cursor() as cur:
                if image is None:
                    image = self.add(cur)
                else:
                    self.remove(cur, image)
                    image = None
            self.conn.commit()
        except psycopg2.Error:
            self.conn.rollback()
            self.errors += 1
        self.samples.append((start, (time.monotonic() - start) * 1000))
        return image

    def run(self):
        image = None
        while not self.stop_event.is_set() or image is not None:
            image = self.one(image)
            time.sleep(self.period)

    def stop(self):
        self.stop_event.set()
        self.join()
        self.conn.close()

    def latencies(self, t0, t1):
        lat = [ms for start, ms in self.samples if t0 <= start <= t1]
        return {'ops': len(lat), 'p50_ms': percentile(lat, 0.50),
                'p99_ms': percentile(lat, 0.99),
                'max_ms': percentile(lat, 1.0), 'errors': self.errors}


class Bench:
    def __init__(self, args):
        self.args = args
        self.db = None
        self.admin = None

    # ---- database ----------------------------------------------------

    def generate(self, images):
        self.db = f'bench_{images}'
        psql('postgres', '-c', f'DROP DATABASE IF EXISTS {self.db} WITH (FORCE)')
        psql('postgres', '-c', f'CREATE DATABASE {self.db}')
        start = time.monotonic()
        for f in ('schema-common.sql', f'schema-{self.args.gen}.sql',
                  'functions.sql', 'grants.sql'):
            psql(self.db, '-f', os.path.join(SQL, f))
        psql(self.db, '-v', f'images={images}', '-v', f'seed={self.args.seed}',
             '-v', f'gen={self.args.gen}', '-f',
             os.path.join(SQL, 'generate.sql'))
        generated = time.monotonic() - start
        self.inject_drift()
        # As autovacuum would have: visibility map set, statistics fresh.
        psql(self.db, '-c', 'VACUUM (ANALYZE)')
        psql(self.db, '-c', 'CHECKPOINT')
        self.admin = psycopg2.connect(dbname=self.db,
                                      application_name='bench')
        self.admin.autocommit = True
        # The floor gets the jobs' own session settings (pkg/db), so it
        # is the best an implementation could do here, not a handicap.
        self.query("SELECT set_config('jit', 'off', false),"
                   " set_config('work_mem', '64MB', false)")
        return generated

    def inject_drift(self):
        psql(self.db, '-v', f'seed={self.args.seed}', '-v',
             f'gen={self.args.gen}', '-f', os.path.join(SQL, 'drift.sql'))

    def query(self, sql, args=()):
        with self.admin.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

    def sizes(self):
        rows = self.query(
            "SELECT relname, pg_total_relation_size(relid) FROM"
            " pg_stat_user_tables")
        counts = {t: self.query(f'SELECT count(*) FROM "{t}"')[0][0]
                  for t in ('Images', 'ImageStorage', 'EntityCounters',
                            'CustomerStorage')}
        return {'bytes': dict(rows), 'rows': counts}

    def floor(self, job):
        """Seconds of the job's unavoidable scan: one warm-up, then the
        median of three."""
        times = []
        for i in range(4):
            start = time.monotonic()
            for sql in FLOORS[job]:
                self.query(sql)
            if i:
                times.append(time.monotonic() - start)
        return sorted(times)[1]

    def snapshot(self, table):
        self.query('SELECT pg_stat_clear_snapshot()')
        lsn = self.query('SELECT pg_current_wal_insert_lsn()')[0][0]
        stats = self.query(
            'SELECT n_tup_ins, n_tup_upd, n_tup_del, n_dead_tup'
            '  FROM pg_stat_user_tables WHERE relname = %s', (table,))[0]
        return lsn, stats

    def wait_backends_gone(self, job):
        # A backend flushes its statistics before it leaves pg_stat_activity.
        for _ in range(200):
            if not self.query('SELECT 1 FROM pg_stat_activity'
                              ' WHERE application_name = %s', (job,)):
                return
            time.sleep(0.05)
        raise RuntimeError(f'{job} left a backend behind')

    # ---- one run of a job ---------------------------------------------

    def run_job(self, job):
        env = {'PATH': '/usr/bin:/bin', 'CONNECTION_STRING': self.args.dsn_job
               .replace('DBNAME', self.db),
               'ENABLE_CLOUDWATCH_INTEGRATION': 'false',
               'AWS_EC2_METADATA_DISABLED': 'true', 'LOG_FORMAT': 'json'}
        env.update(kv.split('=', 1) for kv in self.args.job_env)
        table = TABLES[job]
        lsn0, st0 = self.snapshot(table)
        log = os.path.join(self.args.out, f'{job}.log')
        rss = os.path.join(self.args.out, f'{job}.rss')
        # GNU time, not wait4 here: a child of this Python process starts
        # from a copy of its memory, which ru_maxrss would count.
        with open(log, 'w') as err:
            start = time.monotonic()
            rc = subprocess.run(['/usr/bin/time', '-f', '%M', '-o', rss,
                                 os.path.join(self.args.bin, job)],
                                env=env, stdout=subprocess.DEVNULL,
                                stderr=err, check=False).returncode
            end = time.monotonic()
        if rc != 0:
            raise RuntimeError(f'{job} exited {rc}; see {log}')
        with open(rss) as f:
            peak_rss_kb = int(f.read().split()[-1])
        self.wait_backends_gone(job)
        lsn1, st1 = self.snapshot(table)
        wal = self.query('SELECT pg_wal_lsn_diff(%s, %s)', (lsn1, lsn0))[0][0]
        summary = None
        with open(log) as f:
            for line in f:
                if '"run complete"' in line:
                    summary = json.loads(line)
        return {
            'job': job, 'start': start, 'end': end,
            'wall_s': round(end - start, 3),
            'pause_s': summary['confirm_pause_ms'] / 1000,
            'peak_rss_kb': peak_rss_kb,
            'wal_bytes': int(wal),
            'inserted': st1[0] - st0[0], 'updated': st1[1] - st0[1],
            'deleted': st1[2] - st0[2], 'dead_tuples': st1[3],
            'summary': {k: summary[k] for k in (
                'rows_checked', 'rows_changed', 'rows_inserted',
                'rows_deleted', 'rows_skipped', 'rows_transient',
                'rows_busy', 'rows_stamped', 'total_drift',
                'deletions_required')},
        }

    def probe(self, seed):
        return Probe(f'dbname={self.db}', self.args.probe_period_ms, seed)

    # ---- one size -----------------------------------------------------

    def size(self, images):
        print(f'bench: generating {images} images', flush=True)
        result = {'images': images, 'generate_s': round(self.generate(images), 1)}
        result['tables'] = self.sizes()
        print(f'bench: generated in {result["generate_s"]} s', flush=True)
        runs = []
        for job in FLOORS:
            floor = self.floor(job)
            for phase in ('drift', 'clean'):
                r = self.run_job(job)
                r.update(phase=phase, probe=False, floor_s=round(floor, 4),
                         ratio=round((r['wall_s'] - r['pause_s']) / floor, 2))
                print(f'bench: {job} {phase}: {r["wall_s"]} s'
                      f' (floor {r["floor_s"]} s, ratio {r["ratio"]},'
                      f' rss {r["peak_rss_kb"]} kB, wal {r["wal_bytes"]} B)',
                      flush=True)
                runs.append(r)
        result['probe_baseline'] = self.baseline()
        self.inject_drift()
        psql(self.db, '-c', 'VACUUM (ANALYZE) "EntityCounters", "CustomerStorage"')
        for job in FLOORS:
            for phase in ('drift', 'clean'):
                p = self.probe(len(runs))
                p.start()
                time.sleep(1)
                r = self.run_job(job)
                p.stop()
                r.update(phase=phase, probe=True,
                         stall=p.latencies(r['start'], r['end']))
                print(f'bench: {job} {phase} with probe: {r["stall"]}',
                      flush=True)
                runs.append(r)
        for r in runs:
            del r['start'], r['end']
        result['runs'] = runs
        return result

    def baseline(self):
        p = self.probe(0)
        p.start()
        time.sleep(1)
        t0 = time.monotonic()
        time.sleep(self.args.baseline_s)
        t1 = time.monotonic()
        p.stop()
        b = p.latencies(t0, t1)
        print(f'bench: probe alone: {b}', flush=True)
        return b

    def machine(self):
        cpu = ''
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
        with open('/proc/meminfo') as f:
            mem_kb = int(f.readline().split()[1])
        conn = psycopg2.connect(dbname='postgres')
        with conn.cursor() as cur:
            cur.execute('SHOW server_version')
            version = cur.fetchone()[0]
            settings = {}
            for name in ('shared_buffers', 'fsync', 'synchronous_commit',
                         'full_page_writes', 'max_parallel_workers_per_gather',
                         'autovacuum'):
                cur.execute(f'SHOW {name}')
                settings[name] = cur.fetchone()[0]
        conn.close()
        return {'cpu': cpu, 'cores': os.cpu_count(),
                'memory_gib': round(mem_kb / 2**20, 1),
                'kernel': platform.release(), 'postgres': version,
                'postgres_settings': settings}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sizes', type=int, nargs='+', required=True)
    p.add_argument('--gen', default='2026', choices=['2026', 'legacy'])
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--bin', default=os.path.join(ROOT, 'build', 'bin'))
    p.add_argument('--out', required=True)
    p.add_argument('--dsn-job', required=True,
                   help='the jobs\' connection string, DBNAME for the database')
    p.add_argument('--probe-period-ms', type=float, default=5)
    p.add_argument('--baseline-s', type=float, default=10)
    p.add_argument('--job-env', nargs='*', default=[],
                   help='NAME=value settings for the jobs')
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    bench = Bench(args)
    result = {'machine': bench.machine(), 'generation': args.gen,
              'job_env': args.job_env,
              'seed': args.seed, 'probe_period_ms': args.probe_period_ms,
              'sizes': []}
    for n in args.sizes:
        result['sizes'].append(bench.size(n))
        with open(os.path.join(args.out, 'bench.json'), 'w') as f:
            json.dump(result, f, indent=1)
        bench.admin.close()
        psql('postgres', '-c', f'DROP DATABASE {bench.db} WITH (FORCE)')


if __name__ == '__main__':
    main()
