"""Runs a command in a pseudo-terminal, waits for a prompt matching PATTERN, types ANSWER
(a regex group reference like {digest4} is not supported: the caller computes the answer),
and exits with the command's exit code. Usage: answer.py PATTERN ANSWER -- COMMAND ARGS..."""
import os
import pty
import re
import sys
import time

pattern, answer = sys.argv[1].encode(), sys.argv[2]
command = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(command[0], command)
screen = b""
deadline = time.time() + 30
while time.time() < deadline:
    try:
        screen += os.read(fd, 4096)
    except OSError:
        break
    if re.search(pattern, screen):
        os.write(fd, (answer + "\n").encode())
        break
else:
    sys.exit("timed out waiting for %r; screen ends %r" % (pattern, screen[-300:]))
# The program must finish within 30 seconds of the answer; otherwise it is killed (exit 99).
deadline = time.time() + 30
while time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.exit(os.waitstatus_to_exitcode(status))
    try:
        os.read(fd, 4096)
    except OSError:
        time.sleep(0.05)
os.kill(pid, 9)
os.waitpid(pid, 0)
sys.exit(99)
