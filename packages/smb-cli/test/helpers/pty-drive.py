#!/usr/bin/env python3
"""Drives a program through a pseudo-terminal (node has no pty without native modules).

Input (JSON on stdin): {"argv": [...], "env": {...}, "cwd": "...", "cols": 100, "rows": 30,
  "steps": [{"expect": "regex", "timeout": 10} | {"send": "text"} | {"sleep": 0.2}], "timeout": 60}
Output (JSON on stdout): {"transcript": "...", "exitCode": n | null, "error": "..." | null}
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

spec = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    if spec.get("cwd"):
        os.chdir(spec["cwd"])
    env = dict(os.environ)
    env.update(spec.get("env") or {})
    env.setdefault("TERM", "xterm")
    os.execvpe(spec["argv"][0], spec["argv"], env)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 30), spec.get("cols", 100), 0, 0))
buf = b""
pos = 0  # expectations match after the previous match
error = None
deadline_all = time.time() + spec.get("timeout", 60)

def read_some(timeout):
    global buf
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    buf += data
    return True

alive = True
for step in spec["steps"]:
    if "send" in step:
        os.write(fd, step["send"].encode())
    elif "sleep" in step:
        end = time.time() + step["sleep"]
        while alive and time.time() < end:
            alive = read_some(max(0.0, end - time.time()))
    elif "expect" in step:
        rx = re.compile(step["expect"].encode(), re.S)
        end = min(time.time() + step.get("timeout", 15), deadline_all)
        while True:
            m = rx.search(buf, pos)
            if m:
                pos = m.end()
                break
            if not alive or time.time() > end:
                error = "timeout waiting for %r" % step["expect"]
                break
            alive = read_some(0.2)
        if error:
            break

exit_code = None
end = time.time() + (2 if error else 15)
while time.time() < end:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        exit_code = os.waitstatus_to_exitcode(status)
        break
    if alive:
        alive = read_some(0.1)
    else:
        time.sleep(0.05)
if exit_code is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
while alive:
    alive = read_some(0.05) and len(buf) < 10_000_000
json.dump({"transcript": buf.decode("utf-8", "replace"), "exitCode": exit_code, "error": error}, sys.stdout)
