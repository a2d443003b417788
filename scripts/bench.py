#!/usr/bin/env python3
"""Benchmark communique against Hugo on the same synthetic release history.

Runs from scripts/bench.sh (which checks that the tools are installed). Standard library only.

  scripts/bench.sh                           # 10,000 releases, 30 groups, 5 runs of each build
  scripts/bench.sh --releases 1000 --runs 3  # a quick run
  scripts/bench.sh --scale                   # also: communique on 30,000 releases
  scripts/bench.sh --preview                 # also: preview latency of `communique serve`

Every build is timed with `/usr/bin/time -f '%e %M'` (wall seconds, peak resident memory).
The builds alternate (communique cold, Hugo, communique warm, then again) so that a change
in the machine's load during the run affects both tools alike. docs/benchmarks.md explains
each row.
"""
import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = "2026-11-26T00:00:00Z"


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fail(message):
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- setup


def build_release():
    log("cargo build --release")
    r = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    if r.returncode != 0:
        fail("cargo build --release failed")
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    binary = os.path.join(target if os.path.isabs(target) else os.path.join(REPO, target), "release", "communique")
    if not os.access(binary, os.X_OK):
        fail(f"no binary at {binary} after cargo build --release")
    return binary


def corpus(generator, work, fmt, releases, groups):
    """The corpus folder, generated once and reused (generated aside, then renamed, so an
    interrupted generation is never mistaken for a finished one)."""
    name = f"{'corpus' if fmt == 'communique' else 'hugo'}-{releases}-g{groups}"
    path = os.path.join(work, "corpora", name)
    if os.path.isdir(path):
        log(f"reusing {path}")
        return path
    partial = path + ".partial"
    log(f"generating {path}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cmd = [sys.executable, generator, "--releases", str(releases), "--groups", str(groups), "--out", partial,
           "--format", fmt]
    if subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode != 0:
        fail(f"corpus generation failed: {' '.join(cmd)}")
    os.rename(partial, path)
    return path


# ---------------------------------------------------------------- timing


def timed(cmd, time_file, env=None):
    """Runs cmd under /usr/bin/time; returns ((wall s, peak RSS MiB, CPU s), stdout). CPU time
    (user + system) is less sensitive than wall time to other work on the machine.

    The files of the previous build are flushed to disk first, untimed: otherwise the
    kernel writes back up to a gigabyte of them while this build runs, on the same two
    cores, and charges one build's output to the next."""
    os.sync()
    r = subprocess.run(["/usr/bin/time", "-o", time_file, "-f", "%e %M %U %S", *cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        fail(f"exit status {r.returncode}: {' '.join(cmd)}")
    last = open(time_file).read().strip().splitlines()[-1]
    wall, rss_kib, user, system = last.split()
    return (float(wall), int(rss_kib) / 1024.0, float(user) + float(system)), r.stdout.strip()


def rmtree(path):
    if os.path.lexists(path):
        shutil.rmtree(path)


def tree_size(path):
    files = size = 0
    for folder, _, names in os.walk(path):
        for n in names:
            files += 1
            size += os.lstat(os.path.join(folder, n)).st_size
    return files, size


def summary(samples):
    walls = [w for w, _, _ in samples]
    return {"runs": len(samples), "wall_median": statistics.median(walls), "wall_min": min(walls),
            "wall_max": max(walls), "mem_median": statistics.median(m for _, m, _ in samples),
            "cpu_median": statistics.median(c for _, _, c in samples), "samples": samples}


def show(sample):
    return f"{sample[0]:6.2f} s {sample[1]:7.0f} MiB  (CPU {sample[2]:6.2f} s)"


# ---------------------------------------------------------------- machine


def describe_binary(binary):
    """Version, build time and a short hash of the binary measured, so that figures can be
    matched to the source they came from."""
    import hashlib
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    built = datetime.fromtimestamp(os.stat(binary).st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    digest = hashlib.sha256(open(binary, "rb").read()).hexdigest()[:12]
    return f"{version} (binary built {built}, sha256 {digest})"


def machine():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": out(["nproc"]),
        "cpu": model,
        "kernel": platform.release(),
        "free_g": out(["free", "-g"]),
        "hugo": out(["hugo", "version"]).split(" BuildDate")[0],
    }


def load_average():
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


# ---------------------------------------------------------------- build benchmark


class Outputs:
    """Output folders, each new: a cold build writes into a folder that never existed.

    Deleting tens of thousands of files and creating as many right after is slow on
    ext4 (its inode allocator steps over recently freed inodes, for about 30 s), and the
    slowdown grows from run to run; it is the file system's cost, not the builder's,
    and no build on a fresh CI machine pays it. So nothing is deleted while builds are
    timed: old outputs go to a trash folder, emptied when the benchmark ends.
    """

    def __init__(self, work):
        self.root = os.path.join(work, "out")
        self.trash = os.path.join(work, "trash")
        self.n = 0

    def new(self, name):
        self.n += 1
        path = os.path.join(self.root, f"{name}-{self.n}")
        if os.path.exists(path):
            os.makedirs(self.trash, exist_ok=True)
            os.rename(path, os.path.join(self.trash, f"{name}-{self.n}-{time.time_ns()}"))
        return path

    def empty_trash(self):
        rmtree(self.trash)
        rmtree(self.root)


def bench_builds(a, binary, work, outputs, c_corpus, h_corpus):
    tf = os.path.join(work, "time.txt")
    c_cmd = lambda out: [binary, "build", "--root", c_corpus, "--output", out, "--now", NOW]  # noqa: E731
    h_cmd = lambda out: ["hugo", "--quiet", "-s", h_corpus, "-d", out]  # noqa: E731

    for i in range(a.warmup):
        log(f"warm-up {i + 1}/{a.warmup} (not counted)")
        timed(c_cmd(outputs.new("warmup-communique")), tf)
        timed(h_cmd(outputs.new("warmup-hugo")), tf)

    # The release edited before the "after one edit" build of each round, and restored after it.
    releases_dir = os.path.join(c_corpus, "content", "releases")
    edited = os.path.join(releases_dir, sorted(n for n in os.listdir(releases_dir) if n.endswith(".md"))[0])
    original = open(edited, "rb").read()
    memo = lambda out: os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.communique-memo")  # noqa: E731

    cold, warm, hugo, hugo_warm, edit, no_memo, loads = [], [], [], [], [], [], []
    line = ""
    for i in range(a.runs):
        loads.append(load_average()[0])
        c_out, h_out = outputs.new(f"communique-{a.releases}"), outputs.new(f"hugo-{a.releases}")
        sample, line = timed(c_cmd(c_out), tf)
        cold.append(sample)
        log(f"run {i + 1}/{a.runs}  communique cold {show(sample)}")
        sample, _ = timed(h_cmd(h_out), tf)
        hugo.append(sample)
        log(f"run {i + 1}/{a.runs}  Hugo cold       {show(sample)}")
        sample, line = timed(c_cmd(c_out), tf)  # into the output the cold run just wrote
        warm.append(sample)
        log(f"run {i + 1}/{a.runs}  communique warm {show(sample)}")
        sample, _ = timed(h_cmd(h_out), tf)
        hugo_warm.append(sample)
        log(f"run {i + 1}/{a.runs}  Hugo warm       {show(sample)}")
        # A release's title edited, as between two CI runs: its pages, lists, feeds and
        # calendars are made again, from the memo the last build saved.
        try:
            with open(edited, "wb") as f:
                f.write(original.replace(b"title: ", f"title: Edited {i} ".encode(), 1))
            sample, _ = timed(c_cmd(c_out), tf)
        finally:
            with open(edited, "wb") as f:
                f.write(original)
        edit.append(sample)
        log(f"run {i + 1}/{a.runs}  communique warm, one release edited {show(sample)}")
        # Without the memo (a new version of communique, or a deleted memo): every page is
        # made, and each file compared with the manifest.
        os.remove(memo(c_out))
        sample, _ = timed(c_cmd(c_out), tf)
        no_memo.append(sample)
        log(f"run {i + 1}/{a.runs}  communique warm, without its memo {show(sample)}")
    c_files, c_bytes = tree_size(c_out)
    h_files, h_bytes = tree_size(h_out)
    return {
        "communique_cold": summary(cold),
        "communique_warm": summary(warm),
        "communique_warm_edit": summary(edit),
        "communique_warm_no_memo": summary(no_memo),
        "hugo": summary(hugo),
        "hugo_warm": summary(hugo_warm),
        "communique_summary": line,
        "loads": loads,
        "output": {"communique": {"files": c_files, "bytes": c_bytes}, "hugo": {"files": h_files, "bytes": h_bytes}},
    }


def bench_scale(a, binary, work, outputs, generator, c_corpus):
    """The larger corpus and the main one alternately (A B A B …), each cold and then warm
    into its output, so that the ratio compares builds made under the same conditions."""
    s_corpus = corpus(generator, work, "communique", a.scale_releases, a.groups)
    tf = os.path.join(work, "time.txt")
    runs = {(n, kind): [] for n in (a.releases, a.scale_releases) for kind in ("cold", "warm")}
    out = {}
    for i in range(a.scale_runs):
        for kind in ("cold", "warm"):
            for n, root in ((a.releases, c_corpus), (a.scale_releases, s_corpus)):
                if kind == "cold":
                    out[n] = outputs.new(f"scale-{n}")  # warm: into the output the cold run wrote
                sample, _ = timed([binary, "build", "--root", root, "--output", out[n], "--now", NOW], tf)
                runs[(n, kind)].append(sample)
                log(f"scale run {i + 1}/{a.scale_runs}  communique {kind} ({n} releases) {show(sample)}")
    return {kind: {"small": summary(runs[(a.releases, kind)]), "big": summary(runs[(a.scale_releases, kind)])}
            for kind in ("cold", "warm")}


# ---------------------------------------------------------------- preview benchmark


class Server:
    """`communique serve --port 0`, its stderr read by a thread."""

    def __init__(self, binary, root, env):
        self.proc = subprocess.Popen([binary, "serve", "--root", root, "--port", "0"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.url = None
        self.rebuilds = []  # milliseconds, as the server reports them
        self.errors = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                m = re.search(r"Previewing .* at (http://\S+/) ", line)
                if m:
                    self.url = m.group(1)
                m = re.match(r"rebuilt in (\d+) ms", line)
                if m:
                    self.rebuilds.append(int(m.group(1)))
                if "does not build" in line or line.startswith("error"):
                    self.errors.append(line.strip())
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait(self, predicate, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: predicate() or self.proc.poll() is not None, timeout) and predicate()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # lets the server remove its preview folder
            try:
                self.proc.wait(timeout=120)  # removing a 10,000-release preview takes a while
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def fetch(url):
    """GET url in this process (no curl to start per poll: on a 2-core machine, a process
    started every 10 ms takes CPU time from the server being measured)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def poll_until(url, token, timeout):
    """Fetches url every 5 ms until token appears; returns the moment it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if token in fetch(url):
            return time.monotonic()
        time.sleep(0.005)
    fail(f"{url} did not show `{token}` within {timeout:.0f} s")


def bench_preview(a, binary, c_corpus, build_seconds):
    releases_dir = os.path.join(c_corpus, "content", "releases")
    name = sorted(n for n in os.listdir(releases_dir) if n.endswith(".md"))[0]
    release_file = os.path.join(releases_dir, name)
    slug = name[: -len(".md")]
    original = open(release_file, "rb").read()
    text = original.decode("utf-8")
    title = re.search(r'^title: "(.*)"$', text, re.M)
    if not title:
        fail(f"no `title: \"…\"` line in {release_file}")
    templates = os.path.join(c_corpus, "themes", "default", "templates")
    # The template edit: the site's own copy of the built-in release.html, one per
    # release page, with a token in it.
    override = os.path.join(templates, "release.html")
    built_in = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "themes", "default",
                                 "templates", "release.html"), encoding="utf-8").read()
    if os.path.exists(override):
        fail(f"{override} already exists; remove it (or regenerate the corpus) first")
    created_dirs = [d for d in (os.path.join(c_corpus, "themes"), os.path.join(c_corpus, "themes", "default"),
                                templates) if not os.path.exists(d)]
    # A generous timeout: a rebuild is a full build of the site.
    timeout = max(120.0, 20 * build_seconds)
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(int(datetime(2026, 11, 26, tzinfo=timezone.utc).timestamp())))

    log(f"preview: starting communique serve on {c_corpus}")
    started = time.monotonic()
    server = Server(binary, c_corpus, env)
    content, template = [], None
    try:
        if not server.wait(lambda: server.url is not None, timeout):
            fail(f"communique serve did not start within {timeout:.0f} s: {server.errors}")
        startup = time.monotonic() - started
        # The first communique of the release: what a group reads.
        release_page = fetch(f"{server.url}releases/{slug}/")
        communique = re.search(rf'href="{re.escape(server.url)}releases/{re.escape(slug)}/([a-z0-9._-]+)/"', release_page)
        if not communique:
            fail(f"the page of release {slug} links to no communique")
        page = f"{server.url}releases/{slug}/{communique.group(1)}/"
        if title.group(1) not in fetch(page):
            fail(f"{page} does not show the release's title")

        for i in range(a.preview_edits):
            token = f"benchtok{secrets.token_hex(4)}"
            seen = len(server.rebuilds)
            edited = text[: title.end(1)] + " " + token + text[title.end(1):]
            with open(release_file, "w", encoding="utf-8") as f:  # in place, like an editor's save
                f.write(edited)
            saved = time.monotonic()
            shown = poll_until(page, token, timeout)
            content.append(shown - saved)
            log(f"preview edit {i + 1}/{a.preview_edits}: page updated after {shown - saved:.3f} s")
            # Let the server finish this rebuild (it also renders the review page) before the next edit.
            server.wait(lambda: len(server.rebuilds) > seen, timeout)
            time.sleep(0.2)

        token = f"benchtok{secrets.token_hex(4)}"
        seen = len(server.rebuilds)
        os.makedirs(templates, exist_ok=True)
        with open(override, "w", encoding="utf-8") as f:
            f.write(built_in.replace("{% block content %}", f"{{% block content %}}<p>{token}</p>", 1))
        saved = time.monotonic()
        shown = poll_until(f"{server.url}releases/{slug}/", token, timeout)
        template = shown - saved
        log(f"preview template edit: release.html, release page updated after {template:.3f} s")
        server.wait(lambda: len(server.rebuilds) > seen, timeout)
    finally:
        with open(release_file, "wb") as f:
            f.write(original)
        if os.path.exists(override):
            os.remove(override)
        for d in reversed(created_dirs):
            if os.path.isdir(d) and not os.listdir(d):
                os.rmdir(d)
        server.stop()
    return {
        "file": os.path.relpath(release_file, c_corpus),
        "startup": startup,
        "edits": content,
        "median": statistics.median(content) if content else None,
        "max": max(content) if content else None,
        "template": template,
        "server_rebuild_ms": server.rebuilds,
    }


# ---------------------------------------------------------------- report


def met(value, target, unit="×"):
    """" (target ≤ T: met)" or "…: NOT met", or nothing without a target."""
    if target is None:
        return ""
    shown = f"{target * 1000:.0f} ms" if unit == "ms" else f"{target:.2f}×"
    return f" (target ≤ {shown}: {'met' if value <= target else 'NOT met'})"


def fmt_s(x):
    return f"{x:.2f} s"


def fmt_mib(x):
    return f"{x:,.0f} MiB"


def report(a, info, load_start, load_end, builds, scale, preview):
    lines = []
    add = lines.append
    add(f"## {a.releases:,} releases, {a.groups} groups: median of {a.runs} runs "
        f"(after {a.warmup} warm-up run{'s' if a.warmup != 1 else ''} of each)")
    add("")
    add(f"Machine: {info['nproc']} CPUs ({info['cpu']}), kernel {info['kernel']}; run started {info['date']}")
    loads = [load_start[0], load_end[0], *builds["loads"]]
    add(f"Load average (1 min): {load_start[0]:.2f} at the start, {min(builds['loads']):.2f} – "
        f"{max(builds['loads']):.2f} during the runs, {load_end[0]:.2f} at the end"
        # The builds themselves keep every CPU busy; more than that is other work.
        + (" — other work was running on the machine, so the figures are noisy"
           if max(loads) > int(info["nproc"]) + 0.5 else ""))
    add(f"{info['communique']}, `cargo build --release`; {info['hugo']}")
    add("")
    add("```")
    add(info["free_g"])
    add("```")
    add("")
    cc, cw, h, hw = builds["communique_cold"], builds["communique_warm"], builds["hugo"], builds["hugo_warm"]
    add("| build | wall, median | wall, min – max | peak memory, median | CPU (user + sys), median |")
    add("|---|---|---|---|---|")
    ce, cn = builds["communique_warm_edit"], builds["communique_warm_no_memo"]
    for label, s in (("communique, cold (new output folder)", cc), ("Hugo, cold (new output folder)", h),
                     ("communique, warm (build into its previous output)", cw),
                     ("Hugo, warm (build into its previous output)", hw),
                     ("communique, warm, one release edited since", ce),
                     ("communique, warm, without its memo (every page made)", cn)):
        add(f"| {label} | {fmt_s(s['wall_median'])} | {s['wall_min']:.2f} – {s['wall_max']:.2f} s "
            f"| {fmt_mib(s['mem_median'])} | {fmt_s(s['cpu_median'])} |")
    best = min(h, hw, key=lambda s: s["wall_median"])
    # The targets: a cold build at most 0.30× Hugo's cold one; a warm build at most 0.15×
    # Hugo's warm one, with at most 0.20× its memory.
    for label, c, hugo, time_target, mem_target in (("cold / Hugo cold", cc, h, 0.30, None),
                                                    ("warm / Hugo warm", cw, hw, 0.15, 0.20),
                                                    ("warm, one release edited / Hugo warm", ce, hw, None, None),
                                                    ("warm without its memo / Hugo warm", cn, hw, None, None),
                                                    ("warm / Hugo's faster", cw, best, None, None)):
        t, m = c["wall_median"] / hugo["wall_median"], c["mem_median"] / hugo["mem_median"]
        add(f"| **communique {label}** | **{t:.2f}×**{met(t, time_target)} | "
            f"| **{m:.2f}×**{met(m, mem_target)} | {c['cpu_median'] / hugo['cpu_median']:.2f}× |")
    add("")
    o = builds["output"]
    add(f"Output: communique {o['communique']['files']:,} files, {o['communique']['bytes'] / 2**20:,.0f} MiB "
        f"(public build; its summary: `{builds['communique_summary']}`); "
        f"Hugo {o['hugo']['files']:,} files, {o['hugo']['bytes'] / 2**20:,.0f} MiB.")
    if scale:
        ratio_content = a.scale_releases / a.releases
        add("")
        add(f"### Scale: {a.scale_releases:,} and {a.releases:,} releases alternately, "
            f"median of {scale['cold']['big']['runs']} runs of each")
        for kind in ("cold", "warm"):
            small, big = scale[kind]["small"], scale[kind]["big"]
            t = big["wall_median"] / small["wall_median"]
            # 3.0× the time for 3× the content, 10.5× for 10×: at most 5% more per release.
            time_target = ratio_content if ratio_content <= 3 else 1.05 * ratio_content
            m = big["mem_median"] / small["mem_median"]
            c = big["cpu_median"] / small["cpu_median"]
            add("")
            add(f"| communique, {kind} | wall, median | wall, min – max | peak memory, median | CPU (user + sys), median |")
            add("|---|---|---|---|---|")
            for n, s in ((a.releases, small), (a.scale_releases, big)):
                add(f"| {n:,} releases | {fmt_s(s['wall_median'])} | {s['wall_min']:.2f} – {s['wall_max']:.2f} s "
                    f"| {fmt_mib(s['mem_median'])} | {fmt_s(s['cpu_median'])} |")
            add(f"| ratio ({ratio_content:g}× the content) | {t:.2f}×{met(t, time_target)} "
                f"| | {m:.2f}×{met(m, ratio_content)} | {c:.2f}× |")
    if preview:
        p = preview
        add("")
        add(f"### Preview (`communique serve`), {a.releases:,} releases")
        add("")
        add(f"- start-up (first build until the server prints its address): {p['startup']:.2f} s")
        add(f"- edit of one release's title (`{p['file']}`), saved until its first communique page shows it, "
            f"{len(p['edits'])} edits: median {p['median'] * 1000:.0f} ms{met(p['median'], 0.050, 'ms')}, "
            f"max {p['max'] * 1000:.0f} ms")
        add("- template edit (a copy of the built-in `release.html` in `themes/default/templates/`), "
            f"saved until the release page shows it: {p['template']:.2f} s{met(p['template'], 0.300, 'ms')}")
        if p["server_rebuild_ms"]:
            add(f"- rebuild times the server reported: median {statistics.median(p['server_rebuild_ms']):,.0f} ms "
                f"({len(p['server_rebuild_ms'])} rebuilds)")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--releases", type=int, default=10000, help="releases in the corpus (default 10000)")
    ap.add_argument("--groups", type=int, default=30, help="stakeholder groups in the corpus (default 30)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each build (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs of each build first (default 1)")
    ap.add_argument("--scale", action="store_true", help="also time communique on a larger corpus")
    ap.add_argument("--scale-releases", type=int, default=30000, help="releases for --scale (default 30000)")
    ap.add_argument("--scale-runs", type=int, default=5, help="timed runs of each size for --scale (default 5)")
    ap.add_argument("--preview", action="store_true", help="also measure the preview server's latency")
    ap.add_argument("--preview-edits", type=int, default=10, help="release edits for --preview (default 10)")
    ap.add_argument("--work", default=os.path.join(REPO, "target", "bench"),
                    help="folder for corpora, outputs and results (default target/bench)")
    ap.add_argument("--corpus-generator", default=os.path.join(os.path.dirname(REPO), "shared", "bench", "gen-corpus.py"),
                    help="gen-corpus.py (default ../shared/bench/gen-corpus.py beside the repository)")
    a = ap.parse_args()
    if a.runs < 1 or a.releases < 1 or a.groups < 3 or a.warmup < 0 or a.scale_runs < 1 or a.preview_edits < 1:
        ap.error("--runs, --releases, --scale-runs and --preview-edits must be at least 1, --groups at least 3")
    generator = os.path.abspath(a.corpus_generator)
    if not os.path.isfile(generator):
        fail(f"no corpus generator at {generator}; pass --corpus-generator PATH")
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)

    info = machine()
    load_start = load_average()
    binary = build_release()
    info["communique"] = describe_binary(binary)
    c_corpus = corpus(generator, work, "communique", a.releases, a.groups)
    h_corpus = corpus(generator, work, "hugo", a.releases, a.groups)

    outputs = Outputs(work)
    try:
        builds = bench_builds(a, binary, work, outputs, c_corpus, h_corpus)
        scale = bench_scale(a, binary, work, outputs, generator, c_corpus) if a.scale else None
        preview = bench_preview(a, binary, c_corpus, builds["communique_cold"]["wall_max"]) if a.preview else None
    finally:
        log("removing the build outputs")
        outputs.empty_trash()
    load_end = load_average()
    tf = os.path.join(work, "time.txt")
    if os.path.exists(tf):
        os.remove(tf)

    text = report(a, info, load_start, load_end, builds, scale, preview)
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(work, f"results-{a.releases}-{stamp}")
    with open(base + ".md", "w") as f:
        f.write(text)
    with open(base + ".json", "w") as f:
        json.dump({"args": vars(a), "machine": info, "load_start": load_start, "load_end": load_end,
                   "builds": builds, "scale": scale, "preview": preview}, f, indent=2)
    log(f"results written to {base}.md and .json")


if __name__ == "__main__":
    main()
