#!/usr/bin/env python3
"""Change-to-reload time of `chengguo serve` on a site (e.g. the national
corpus): starts the preview on a free port, then N times edits one case's
title and measures the time from the write until the server announces the
new build on /__chengguo/events (the moment open pages reload; the page load
itself is a single small HTML file on loopback), and until the server says
the search index is updated. Each edit waits for the previous index update
(an author saving once, then reading). Prints each time and the medians.

usage: bench/serve_reload.py CHENGGUO_BIN SITE_DIR [N]
"""
import os, re, socket, statistics, subprocess, sys, time, glob, threading, queue

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

def wait_index():
    while "搜索索引已更新" not in lines.get():
        pass
host, port = addr.group(1), int(addr.group(2))
print(f"first build + start: {first:.2f} s")

s = socket.create_connection((host, port))
s.sendall(b"GET /__chengguo/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
f = s.makefile("rb")

def wait_generation(g):
    while True:
        line = f.readline().decode()
        m = re.search(r'"generation":(\d+)', line)
        if m and int(m.group(1)) >= g:
            return

wait_generation(1)
case = sorted(glob.glob(os.path.join(site, "content", "cases", "**", "*.md"), recursive=True))[0]
orig = open(case, encoding="utf-8").read()
times, itimes = [], []
for i in range(1, n + 1):
    text = orig.replace("title: ", f"title: 第{i}次修改", 1)
    t = time.time()
    with open(case, "w", encoding="utf-8") as out:
        out.write(text)
    wait_generation(1 + i)
    times.append(time.time() - t)
    wait_index()
    itimes.append(time.time() - t)
    print(f"edit {i}: reload {times[-1]:.2f} s, search updated {itimes[-1]:.2f} s", flush=True)
open(case, "w", encoding="utf-8").write(orig)
print(f"median change-to-reload: {statistics.median(times):.2f} s; change-to-search-updated: {statistics.median(itimes):.2f} s over {n} edits")
p.terminate()
