#!/usr/bin/python3
"""Emulates the DLCS API writing while a job runs (bounded, loopback only).

Modes:
  atomic   image insert/delete and both counter updates in one transaction
  api      the API's own order: counters "+1" as separate autocommit
           statements before the insert; delete first, then "-1"
  storage  an "ImageStorage" row or a hosted adjunct added or removed, with
           the per-space and aggregate "CustomerStorage" rows adjusted by
           "x = x + n" in the same transaction

Each writer touches only images and adjuncts it created itself, so writers
never undo each other, and the writers alone keep every counter exact.
Prints one JSON line of statistics (operations, latency percentiles).
"""
import argparse
import json
import random
import time

import psycopg2
import psycopg2.errors

RETRYABLE = (psycopg2.errors.DeadlockDetected,
             psycopg2.errors.SerializationFailure,
             psycopg2.errors.LockNotAvailable)

COUNTER = ('UPDATE "EntityCounters" SET "Next" = "Next" + %s '
           'WHERE "Type" = %s AND "Scope" = %s AND "Customer" = %s')


def counters(cur, c, s, d):
    cur.execute(COUNTER, (d, 'space-images', str(s), c))
    cur.execute(COUNTER, (d, 'customer-images', str(c), 0))


def add_image(cur, c, s, name):
    cur.execute('SELECT test_add_images(%s, %s, 1, %s)', (c, s, name))


def del_image(cur, c, s, name):
    cur.execute('DELETE FROM "Images" WHERE "Id" = %s', (f'{c}/{s}/{name}1',))


STORAGE = ('UPDATE "CustomerStorage" SET '
           '"NumberOfStoredImages" = "NumberOfStoredImages" + %s, '
           '"TotalSizeOfStoredImages" = "TotalSizeOfStoredImages" + %s, '
           '"TotalSizeOfThumbnails" = "TotalSizeOfThumbnails" + %s, '
           '"TotalSizeOfStoredAdjuncts" = "TotalSizeOfStoredAdjuncts" + %s, '
           '"NumberOfStoredAdjuncts" = "NumberOfStoredAdjuncts" + %s '
           'WHERE "Customer" = %s AND ')


def storage_rows(cur, c, s, n, size, thumbs, adj, nadj):
    args = (n, size, thumbs, adj, nadj, c)
    cur.execute(STORAGE + '"Space" = %s', args + (s,))
    cur.execute(STORAGE + '"Space" IS NULL', args)


class Writer:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.conn = psycopg2.connect(args.dsn, application_name='api-writer')
        self.mine = []       # (c, s, name, size, thumbs, adj) images I added
        self.adjuncts = []   # (c, s, id) hosted adjuncts I added
        self.serial = 0
        self.latencies = []

    def pick(self):
        return (self.rng.choice(self.args.customers),
                self.rng.randint(1, self.args.spaces))

    def gap(self):
        if self.args.gap_ms:
            time.sleep(self.rng.uniform(0, self.args.gap_ms) / 1000)

    def counter_op(self, cur, atomic):
        if self.mine and self.rng.random() < 0.5:
            c, s, name = self.mine.pop(self.rng.randrange(len(self.mine)))[:3]
            del_image(cur, c, s, name)
            if not atomic:
                self.gap()
            counters(cur, c, s, -1)
            return
        c, s = self.pick()
        self.serial += 1
        name = f'w{self.args.seed}x{self.serial}y'
        counters(cur, c, s, 1)
        if not atomic:
            self.gap()
        add_image(cur, c, s, name)
        self.mine.append((c, s, name))

    def storage_op(self, cur):
        r = self.rng.random()
        if self.mine and r < 0.35:
            c, s, ident, size, thumbs, adj = self.mine.pop(
                self.rng.randrange(len(self.mine)))
            cur.execute('DELETE FROM "ImageStorage" WHERE "Id" = %s', (ident,))
            storage_rows(cur, c, s, -1, -size, -thumbs, -adj, 0)
        elif self.adjuncts and r < 0.45:
            c, s, ident = self.adjuncts.pop(self.rng.randrange(len(self.adjuncts)))
            cur.execute('DELETE FROM "Adjuncts" WHERE "Id" = %s', (ident,))
            storage_rows(cur, c, s, 0, 0, 0, 0, -1)
        elif r < 0.55:
            c, s = self.pick()
            self.serial += 1
            ident = f'adj-{self.args.seed}-{self.serial}'
            cur.execute('INSERT INTO "Adjuncts" VALUES (%s, %s, %s, %s, %s, %s, %s)',
                        (ident, f'{c}/{s}/img1', 'text/plain', '', 'Text',
                         's3://bucket/' + ident, 10))
            storage_rows(cur, c, s, 0, 0, 0, 0, 1)
            self.adjuncts.append((c, s, ident))
        else:
            c, s = self.pick()
            self.serial += 1
            ident = f'{c}/{s}/w{self.args.seed}x{self.serial}'
            size, thumbs, adj = (self.rng.randint(1, 10**9),
                                 self.rng.randint(1, 10**6),
                                 self.rng.randint(0, 10**5))
            cur.execute('INSERT INTO "ImageStorage" VALUES '
                        '(%s, %s, %s, %s, %s, NULL, false, %s)',
                        (ident, c, s, thumbs, size, adj))
            storage_rows(cur, c, s, 1, size, thumbs, adj, 0)
            self.mine.append((c, s, ident, size, thumbs, adj))

    def one(self):
        mode = self.args.mode
        atomic = mode != 'api'
        self.conn.autocommit = not atomic
        start = time.monotonic()
        while True:
            saved = (list(self.mine), list(self.adjuncts))
            try:
                with self.conn.cursor() as cur:
                    if mode == 'storage':
                        self.storage_op(cur)
                    else:
                        self.counter_op(cur, atomic)
                if atomic:
                    self.conn.commit()
                break
            except RETRYABLE:
                # Only atomic transactions roll back whole; retry them.
                self.conn.rollback()
                self.mine, self.adjuncts = saved
                if not atomic:
                    raise
        self.latencies.append(time.monotonic() - start)

    def run(self):
        for _ in range(self.args.ops):
            self.one()
            if self.args.pause_ms:
                time.sleep(self.args.pause_ms / 1000)
        lat = sorted(self.latencies)

        def pct(p):
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 3)
        print(json.dumps({'ops': len(lat), 'p50_ms': pct(0.50),
                          'p99_ms': pct(0.99), 'max_ms': pct(1.0)}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dsn', required=True)
    p.add_argument('--mode', choices=['atomic', 'api', 'storage'],
                   required=True)
    p.add_argument('--ops', type=int, default=1000)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--customers', type=int, nargs='+', default=[100, 101])
    p.add_argument('--spaces', type=int, default=3)
    p.add_argument('--gap-ms', type=float, default=2.0,
                   help='api mode: up to this long between the counter '
                        'update and the image write')
    p.add_argument('--pause-ms', type=float, default=0.0)
    Writer(p.parse_args()).run()


if __name__ == '__main__':
    main()
