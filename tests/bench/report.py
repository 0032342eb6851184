#!/usr/bin/python3
"""Turns OUT/bench.json (tests/bench/bench.py) into OUT/bench.md, the
markdown table the README shows, and OUT/scaling.png, time and peak memory
against size, drawn by gnuplot."""
import json
import os
import subprocess
import sys

SHORT = {'entity-counter-recalculator': 'entity',
         'customer-storage-recalculator': 'storage'}


def human_bytes(n):
    for unit in ('B', 'kB', 'MB', 'GB'):
        if abs(n) < 1024 or unit == 'GB':
            return f'{n:.0f} {unit}' if unit == 'B' else f'{n:.1f} {unit}'
        n /= 1024
    return str(n)


def stall(s):
    return f'{s["p50_ms"]:.1f} / {s["p99_ms"]:.1f} / {s["max_ms"]:.1f}'


def table(result):
    m = result['machine']
    lines = [
        f'Machine: {m["cpu"]}, {m["cores"]} cores, {m["memory_gib"]} GiB; '
        f'PostgreSQL {m["postgres"]} '
        f'({", ".join(f"{k}={v}" for k, v in m["postgres_settings"].items())}); '
        f'{result["generation"]} schema, seed {result["seed"]}'
        + (f'; jobs with {" ".join(result["job_env"])}'
           if result.get('job_env') else '') + '.',
        '',
        '| images | job | pass | wall s | pause s | floor s | ratio '
        '| peak RSS | WAL | ins / upd / del | dead | rows changed '
        '| probe p50 / p99 / max ms |',
        '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ]
    for size in result['sizes']:
        quiet = [r for r in size['runs'] if not r['probe']]
        probed = {(r['job'], r['phase']): r for r in size['runs'] if r['probe']}
        for r in quiet:
            p = probed.get((r['job'], r['phase']))
            lines.append(
                f'| {size["images"]:,} | {SHORT[r["job"]]} | {r["phase"]} '
                f'| {r["wall_s"]:.2f} | {r["pause_s"]:.2f} | {r["floor_s"]:.2f} '
                f'| {r["ratio"]:.2f} | {r["peak_rss_kb"] / 1024:.1f} MB '
                f'| {human_bytes(r["wal_bytes"])} '
                f'| {r["inserted"]} / {r["updated"]} / {r["deleted"]} '
                f'| {r["dead_tuples"]} | {r["summary"]["rows_changed"]} '
                f'| {stall(p["stall"]) if p else "-"} |')
        b = size['probe_baseline']
        lines.append(f'| {size["images"]:,} | probe alone | | | | | | | | | | '
                     f'| {stall(b)} |')
    lines += [
        '',
        'ratio: (wall − pause) / floor. WAL, rows and dead tuples: the '
        "job's own table, in runs with nothing else writing. Probe: "
        'latency of an API-like transaction every '
        f'{result["probe_period_ms"]:g} ms during a separate run of the same '
        'pass, and with no job running.',
        '',
        'Generated: ' + ', '.join(
            f'{s["images"]:,} images in {s["generate_s"]} s '
            f'({human_bytes(sum(s["tables"]["bytes"].values()))})'
            for s in result['sizes']) + '.',
    ]
    return '\n'.join(lines) + '\n'


def plot(result, out):
    data = os.path.join(out, 'scaling.dat')
    with open(data, 'w') as f:
        f.write('# images entity_s entity_mb storage_s storage_mb'
                ' entity_floor_s storage_floor_s\n')
        for size in result['sizes']:
            runs = {r['job']: r for r in size['runs']
                    if r['phase'] == 'drift' and not r['probe']}
            e = runs['entity-counter-recalculator']
            s = runs['customer-storage-recalculator']
            f.write(f'{size["images"] / 1e6} {e["wall_s"]} '
                    f'{e["peak_rss_kb"] / 1024} {s["wall_s"]} '
                    f'{s["peak_rss_kb"] / 1024} {e["floor_s"]} '
                    f'{s["floor_s"]}\n')
    script = f'''
set terminal pngcairo size 900,500 font ",11"
set output "{os.path.join(out, 'scaling.png')}"
set title "dlcs-recalculators: a run with drift against database size (RSS axis: the 16 MB target)"
set xlabel "images (millions)"
set ylabel "wall time (s)"
set y2label "peak RSS (MB)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:16]
set key top left
set grid
plot "{data}" using 1:2 with linespoints lw 2 lc 1 title "entity: time", \\
     "{data}" using 1:4 with linespoints lw 2 lc 2 title "storage: time", \\
     "{data}" using 1:6 with lines dt 3 lc 1 title "entity: floor", \\
     "{data}" using 1:7 with lines dt 3 lc 2 title "storage: floor", \\
     "{data}" using 1:3 axes x1y2 with linespoints dt 2 lc 3 title "entity: RSS", \\
     "{data}" using 1:5 axes x1y2 with linespoints dt 2 lc 4 title "storage: RSS"
'''
    subprocess.run(['gnuplot'], input=script, text=True, check=True)


def main():
    out = sys.argv[1]
    with open(os.path.join(out, 'bench.json')) as f:
        result = json.load(f)
    md = table(result)
    with open(os.path.join(out, 'bench.md'), 'w') as f:
        f.write(md)
    print(md)
    plot(result, out)
    print(f'bench: {os.path.join(out, "bench.md")}, '
          f'{os.path.join(out, "scaling.png")}')


if __name__ == '__main__':
    main()
