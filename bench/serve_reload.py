#!/usr/bin/env python3
"""Save-to-visible times of `chengguo serve` on a site (e.g. the national
corpus), as staff meet them: the preview starts on a free port; one case's
title is then edited N times, each save 0.3 s after the previous change
showed, then a copy of that case is added and deleted N times; the time counted is from the write until the server announces the
new page build on /__chengguo/events (the moment open pages reload; the
reload itself is one small HTML file on loopback). Saves never wait for the
search index. After the last save, the time until the served search export
holds that last save (status `indexed`): the new title is searchable.

Prints each time, the medians and the peak resident memory of `serve`.

usage: bench/serve_reload.py CHENGGUO_BIN SITE_DIR [N]
"""
import glob, json, os, re, socket, statistics, subprocess, sys, time, threading, queue

bin_, site = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 5
p = subprocess.Popen([bin_, "serve", site, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
t0 = time.time()
addr = None
for line in p.stdout:
    if line.startswith("预览地址："):
        addr = re.search(r"http://([\d.]+):(\d+)/", line)
        break
first = time.time() - t0
lines = queue.Queue()
threading.Thread(target=lambda: [lines.put(l) for l in p.stdout], daemon=True).start()
host, port = addr.group(1), int(addr.group(2))
print(f"first page build + start: {first:.2f} s", flush=True)


def status():
    s = socket.create_connection((host, port))
    s.sendall(b"GET /__chengguo/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    buf = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        buf += c
    return json.loads(buf.split(b"\r\n\r\n", 1)[1])


def peak_kb():
    try:
        with open(f"/proc/{p.pid}/status") as f:
            return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
    except OSError:
        return 0


def wait(pred, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        s = status()
        if pred(s):
            return s
        time.sleep(0.01)
    raise SystemExit("timed out")


s = wait(lambda s: s["search"] > 0)
print(f"first search index: {time.time() - t0:.2f} s", flush=True)
case = sorted(glob.glob(os.path.join(site, "content", "cases", "**", "*.md"), recursive=True))[0]
orig = open(case, encoding="utf-8").read()
times = []
for i in range(1, n + 1):
    gen = s["generation"]
    text = orig.replace("title: ", f"title: 第{i}次修改", 1)
    t = time.time()
    with open(case, "w", encoding="utf-8") as out:
        out.write(text)
    s = wait(lambda s: s["generation"] > gen)
    times.append(time.time() - t)
    print(f"save {i}: page {times[-1]:.2f} s", flush=True)
    time.sleep(0.3)
# A case added (a copy under a new name), then deleted: each timed like a save.
added = os.path.join(os.path.dirname(case), "bench-added-case.md")
adds, dels = [], []
for i in range(1, n + 1):
    gen = s["generation"]
    t = time.time()
    with open(added, "w", encoding="utf-8") as out:
        out.write(orig.replace("title: ", f"title: 新增{i}", 1))
    s = wait(lambda s: s["generation"] > gen)
    adds.append(time.time() - t)
    time.sleep(0.3)
    gen = s["generation"]
    t = time.time()
    os.remove(added)
    s = wait(lambda s: s["generation"] > gen)
    dels.append(time.time() - t)
    print(f"add {i}: {adds[-1]:.2f} s, delete {i}: {dels[-1]:.2f} s", flush=True)
    time.sleep(0.3)
last_gen = s["generation"]
# `indexed`: the page build whose records the served search export holds.
wait(lambda s: s["indexed"] >= last_gen)
searched = time.time() - t
print(f"last save to a served search that has it: {searched:.2f} s")
open(case, "w", encoding="utf-8").write(orig)
print(f"median add: {statistics.median(adds):.2f} s, median delete: {statistics.median(dels):.2f} s")
print(f"median save-to-page: {statistics.median(times):.2f} s over {n} saves; "
      f"serve peak RSS {peak_kb() / 1024:.0f} MB")
p.terminate()
